"""Roost benchmarks: `python scripts/bench.py TOPIC [options]` prints the figures as JSON.

Topics: `bus` (events/s through the event bus), `match` (messages/s matched against many
automations), and every `scripts/bench_<topic>.py` that defines `run(args) -> dict`
(crypto, store, pii, logs, model, ...). `python scripts/bench.py --list` names them all.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import random
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

SCRIPTS = Path(__file__).resolve().parent
sys.path.insert(0, str(SCRIPTS.parent))


# -- bus ------------------------------------------------------------------------------------

def _best_rate(fire: Callable[[int], None], count: int, repeat: int) -> float:
    """The best of `repeat` runs, in operations per second."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fire(count)
        best = min(best, time.perf_counter() - started)
    return count / best


def bench_bus(args: Sequence[str]) -> dict[str, Any]:
    """Events per second fired to 1, 10 and 100 plain-function listeners, and to coroutines."""
    parser = argparse.ArgumentParser(prog="bench.py bus")
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    opts = parser.parse_args(args)
    from core.bus import EventBus

    async def measure() -> dict[str, Any]:
        figures: dict[str, Any] = {"events": opts.events}
        data = {"platform": "telegram", "chat_id": "42"}
        for listeners in (1, 10, 100):
            bus = EventBus()
            calls = [0]

            def listener(event: Any, calls: list[int] = calls) -> None:
                calls[0] += 1

            for _ in range(listeners):
                bus.listen("message_received", listener)

            def fire(n: int, bus: EventBus = bus) -> None:
                for _ in range(n):
                    bus.fire("message_received", data)

            count = max(1_000, opts.events // listeners)
            rate = _best_rate(fire, count, opts.repeat)
            assert calls[0] == count * listeners * opts.repeat, "a listener missed events"
            figures[f"events_per_s_{listeners}_listeners"] = round(rate)
            figures[f"listener_calls_per_s_{listeners}_listeners"] = round(rate * listeners)

        bus = EventBus()
        bus.listen("other", lambda event: None)
        figures["events_per_s_no_listener"] = round(
            _best_rate(lambda n: [bus.fire("message_received", data) for _ in range(n)], opts.events, opts.repeat))

        bus = EventBus()
        seen = [0]
        bus.listen("message_received", lambda event: seen.__setitem__(0, seen[0] + 1),
                   lambda d: d.get("platform") == "discord")
        figures["events_per_s_1_filtered_out"] = round(
            _best_rate(lambda n: [bus.fire("message_received", data) for _ in range(n)], opts.events, opts.repeat))
        assert seen[0] == 0

        bus = EventBus()
        done = [0]

        async def coroutine_listener(event: Any) -> None:
            done[0] += 1

        bus.listen("message_received", coroutine_listener)
        count = max(1_000, opts.events // 10)
        best = float("inf")
        for _ in range(opts.repeat):
            started = time.perf_counter()
            for _ in range(count):
                bus.fire("message_received", data)
            await bus.drain()
            best = min(best, time.perf_counter() - started)
        assert done[0] == count * opts.repeat
        figures["events_per_s_1_coroutine_listener"] = round(count / best)
        return figures

    return asyncio.run(measure())


# -- match ----------------------------------------------------------------------------------

_VERBS = ["check", "show", "restart", "list", "remind", "deploy", "backup", "status", "alert", "ask"]
_NOUNS = ["logs", "disk", "nginx", "server", "plants", "invoice", "meeting", "router", "printer", "camera"]
_SMALL_TALK = [
    "good morning, how are you today?", "can you tell me what the weather will be like tomorrow",
    "thanks!", "please summarise the last meeting notes for me", "ok", "what time is it in Berlin",
    "今天的会议改到下午三点了吗？", "I think the printer on the second floor is broken again",
    "lol that's funny", "send me the report when you can", "where did I put the invoice from March",
]


def _automation(i: int, rng: random.Random) -> dict[str, Any]:
    """One automation as it would be written in YAML: commands, patterns, contains, platforms."""
    kind = i % 10
    verb, noun = _VERBS[i % len(_VERBS)], _NOUNS[(i // len(_VERBS)) % len(_NOUNS)]
    word = f"{verb}_{noun}_{i}"
    platform = rng.choice([None, None, "telegram", "discord", ["telegram", "whatsapp"]])
    if kind < 4:
        trigger: dict[str, Any] = {"trigger": "message", "command": word}
    elif kind < 7:
        trigger = {"trigger": "message", "pattern": rf"(?i)\b{verb} (?:the )?{noun}{i}\b(?: in (?P<minutes>\d+) ?min)?"}
    elif kind == 7:
        trigger = {"trigger": "message", "pattern": rf"^!{word}\s+(?P<text>.+)$"}
    elif kind == 8:
        trigger = {"trigger": "message", "contains": [f"{noun}{i}", verb]}
    else:  # patterns with no literal to index: checked for every message
        trigger = {"trigger": "message", "pattern": r"^\d{6}$" if i % 20 == 9 else r"(?i)^(?:hi|hello|hey)\b"}
    if platform:
        trigger["platform"] = platform
    return {
        "id": f"a{i}",
        "triggers": [trigger],
        "conditions": [{"condition": "sender", "sender": ["owner", "admin"]}] if i % 5 == 0 else [],
        "actions": [{"reply": "{{ trigger.text }} " + word}],
    }


def _messages(count: int, size: int, rng: random.Random) -> list[Any]:
    """Messages a gateway meets: commands (known and unknown), requests, small talk, codes."""
    from core.message import Message

    out = []
    for n in range(count):
        i = rng.randrange(size)
        verb, noun = _VERBS[i % len(_VERBS)], _NOUNS[(i // len(_VERBS)) % len(_NOUNS)]
        roll = rng.random()
        if roll < 0.25:
            text = f"/{verb}_{noun}_{i} 30m"
        elif roll < 0.30:
            text = f"/unknown_command_{n}"
        elif roll < 0.50:
            text = f"could you {verb} the {noun}{i} in {rng.randint(1, 90)} min please"
        elif roll < 0.55:
            text = f"!{verb}_{noun}_{i} the {noun} needs attention"
        elif roll < 0.60:
            text = str(rng.randint(100_000, 999_999))
        elif roll < 0.65:
            text = "hey @roost " + rng.choice(_SMALL_TALK)
        else:
            text = rng.choice(_SMALL_TALK) + f" ({noun} {verb})"
        out.append(Message.create(
            rng.choice(["telegram", "discord", "whatsapp", "console"]), str(rng.randrange(50)),
            rng.choice(["owner", "friend", "admin", "stranger"]), text, bot_names=("roost",),
        ))
    return out


def build_engine(size: int, seed: int = 11) -> Any:
    """An automation engine with `size` automations compiled from YAML-like dicts, triggers attached."""
    from core.config import Config
    from core.gateway import Gateway

    rng = random.Random(seed)
    config_dir = Path(tempfile.mkdtemp(prefix="roost-bench-"))
    gateway = Gateway(Config(config_dir, {"automations": [_automation(i, rng) for i in range(size)]}))
    gateway.prepare()
    errors = [str(e) for e in gateway.config_errors]
    if errors:
        raise SystemExit("the benchmark automations do not compile:\n" + "\n".join(errors[:5]))
    gateway.engine.attach(kinds=("message",))
    return gateway.engine


def bench_match(args: Sequence[str]) -> dict[str, Any]:
    """Messages per second matched against 10, 100 and 1,000 automations (MessageIndex.match)."""
    parser = argparse.ArgumentParser(prog="bench.py match")
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sizes", default="10,100,1000")
    opts = parser.parse_args(args)
    figures: dict[str, Any] = {"messages": opts.messages}
    for size in (int(s) for s in opts.sizes.split(",")):
        engine = build_engine(size)
        index = engine.message_index
        messages = _messages(opts.messages, size, random.Random(size))
        index.match(messages[0])  # build the index outside the timing
        matched = sum(len(index.match(m)) for m in messages)
        candidates = sum(len(index.candidates(m)) for m in messages)

        def run_all(n: int, messages: list[Any] = messages, match: Callable[..., Any] = index.match) -> None:
            for message in messages[:n]:
                match(message)

        rate = _best_rate(run_all, len(messages), opts.repeat)
        figures[f"messages_per_s_{size}_automations"] = round(rate)
        figures[f"matches_per_message_{size}_automations"] = round(matched / len(messages), 3)
        figures[f"candidates_per_message_{size}_automations"] = round(candidates / len(messages), 3)
        if size == max(int(s) for s in opts.sizes.split(",")):
            brute = [t for ts in (index._triggers,) for t in ts]  # every trigger, checked in turn
            sample = messages[: max(1, len(messages) // 10)]

            def brute_force(n: int, sample: list[Any] = sample, brute: list[Any] = brute) -> None:
                for message in sample[:n]:
                    for trigger in brute:
                        trigger.check(message)

            figures[f"messages_per_s_{size}_automations_checking_each"] = round(
                _best_rate(brute_force, len(sample), 1))
    return figures


# -- dispatch -------------------------------------------------------------------------------

BUILT_IN: dict[str, Callable[[Sequence[str]], dict[str, Any]]] = {"bus": bench_bus, "match": bench_match}


def topics() -> list[str]:
    """Every topic: the built-in ones and each scripts/bench_<topic>.py."""
    found = {p.stem.removeprefix("bench_") for p in SCRIPTS.glob("bench_*.py")}
    return sorted(set(BUILT_IN) | found)


def _generic_namespace(args: Sequence[str]) -> argparse.Namespace:
    """--name value pairs as a Namespace (numbers converted), for run() functions that read attributes."""
    values: dict[str, Any] = {}
    items = list(args)
    while items:
        key = items.pop(0)
        if not key.startswith("--"):
            raise SystemExit(f"unexpected argument {key!r}: options look like --name value")
        name, _, value = key[2:].partition("=")
        if not value:
            value = items.pop(0) if items and not items[0].startswith("--") else "true"
        for kind in (int, float):
            try:
                values[name.replace("-", "_")] = kind(value)
                break
            except ValueError:
                continue
        else:
            values[name.replace("-", "_")] = value
    return argparse.Namespace(**values)


def run_topic(topic: str, args: Sequence[str]) -> dict[str, Any]:
    """Run one benchmark topic with its own options; return its figures."""
    if topic in BUILT_IN:
        return BUILT_IN[topic](args)
    path = SCRIPTS / f"bench_{topic}.py"
    if not path.is_file():
        raise SystemExit(f"unknown topic {topic!r}; topics: {', '.join(topics())}")
    spec = importlib.util.spec_from_file_location(f"bench_{topic}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.argv = [str(path), *args]  # modules that parse sys.argv themselves see their own options
    spec.loader.exec_module(module)
    run = getattr(module, "run", None)
    if run is None:
        raise SystemExit(f"{path} defines no run(args) -> dict")
    parse = getattr(module, "parse_args", None) or getattr(module, "_parse", None)
    return run(parse(list(args)) if parse is not None else _generic_namespace(args))


def main(argv: Sequence[str] | None = None) -> int:
    """`bench.py TOPIC [options]`: print the topic's figures as JSON."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "--list"):
        if argv[:1] != ["--list"]:
            print(__doc__.strip())
        print("topics: " + ", ".join(topics()))
        return 0
    figures = run_topic(argv[0], argv[1:])
    print(json.dumps(figures, indent=2, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())

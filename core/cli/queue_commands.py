"""`roost queue`: look at the task queue and its dead letters; retry or prune them."""

from __future__ import annotations

import argparse
import asyncio
import re
import time
from typing import Any

from core.cli.common import add_config_arg, config_dir, open_config_store, print_json
from core.pipeline.retention import last_pass
from core.store import Store

_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$")
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def age(value: str) -> float:
    """Seconds from '7d', '12h', '30m', '90s' or '2w'."""
    match = _AGE.match(value)
    if not match:
        raise argparse.ArgumentTypeError(f"expected an age like 7d, 12h or 30m, got {value!r}")
    return float(match.group(1)) * _UNIT[match.group(2)]


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `roost queue list|show|retry|prune|stats`."""
    queue = sub.add_parser("queue", help="inspect the task queue and dead letters")
    qsub = queue.add_subparsers(dest="queue_command", metavar="ACTION")
    qsub.required = True
    listing = qsub.add_parser("list", help="dead letters, newest first")
    listing.add_argument("--limit", type=int, default=50)
    listing.add_argument("--json", action="store_true")
    show = qsub.add_parser("show", help="one dead letter with its task or message")
    show.add_argument("id", type=int)
    show.add_argument("--json", action="store_true")
    retry = qsub.add_parser("retry", help="put a dead letter back in the queue")
    retry.add_argument("id", type=int)
    prune = qsub.add_parser("prune", help="delete old dead letters, finished tasks and delivered replies")
    prune.add_argument("--older-than", type=age, required=True, metavar="AGE", help="e.g. 7d, 12h")
    stats = qsub.add_parser("stats", help="counts of tasks, pending replies and dead letters")
    stats.add_argument("--json", action="store_true")
    for parser in (listing, show, retry, prune, stats):
        add_config_arg(parser)
    queue.set_defaults(func=cmd_queue)


def cmd_queue(args: argparse.Namespace) -> int:
    """Run one queue action against the configuration's database."""
    return asyncio.run(_queue(args))


async def _queue(args: argparse.Namespace) -> int:
    store = await open_config_store(config_dir(args))
    try:
        action = args.queue_command
        if action == "list":
            return await _list(store, args)
        if action == "show":
            return await _show(store, args)
        if action == "retry":
            return await _retry(store, args)
        if action == "prune":
            return await _prune(store, args)
        return await _stats(store, args)
    finally:
        await store.close()


def _when(ts: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ts)) if ts else "-"


async def _list(store: Store, args: argparse.Namespace) -> int:
    letters = await store.dead.list(args.limit)
    rows = [{"id": d.id, "source": d.source, "kind": d.kind, "chat": d.chat, "attempts": d.attempts,
             "failed_at": d.created_at, "reason": d.reason} for d in letters]
    if args.json:
        print_json(rows)
    elif not rows:
        print("No dead letters.")
    else:
        for r in rows:
            print(f"#{r['id']:<5} {_when(r['failed_at'])}  {r['source']:<6} {r['kind'] or '-':<15} "
                  f"{r['chat'] or '-':<30} attempts {r['attempts']}  {r['reason']}")
    return 0


async def _show(store: Store, args: argparse.Namespace) -> int:
    letter = await store.dead.get(args.id)
    if letter is None:
        print(f"No dead letter #{args.id}.")
        return 1
    detail: dict[str, Any] = {"id": letter.id, "source": letter.source, "ref_id": letter.ref_id,
                              "reason": letter.reason, "failed_at": letter.created_at,
                              "attempts": letter.attempts, "chat": letter.chat, "kind": letter.kind}
    if letter.task is not None:
        detail["task"] = {"priority": letter.task.priority, "created_at": letter.task.created_at,
                          "last_error": letter.task.last_error, "payload_bytes": len(letter.task.payload),
                          "inbox_id": letter.task.inbox_id}
    if letter.outbox is not None:
        body = letter.outbox.body
        detail["message"] = {"platform": letter.outbox.platform, "chat_id": letter.outbox.chat_id,
                             "text": body if isinstance(body, str) else f"<{len(body)} bytes>",
                             "last_error": letter.outbox.last_error}
    if args.json:
        print_json(detail)
    else:
        _print_detail(detail)
    return 0


def _print_detail(detail: dict[str, Any], indent: str = "") -> None:
    """key: value lines, times (keys ending in _at) as local dates, a nested mapping indented below its key."""
    for key, value in detail.items():
        if isinstance(value, dict):
            print(f"{indent}{key}:")
            _print_detail(value, indent + "  ")
        else:
            print(f"{indent}{key}: {_when(value) if key.endswith('_at') else value}")


async def _retry(store: Store, args: argparse.Namespace) -> int:
    source, ref = await store.dead.retry(args.id)
    print(f"Dead letter #{args.id} is queued again ({source} {ref}); a running gateway picks it up.")
    return 0


async def _prune(store: Store, args: argparse.Namespace) -> int:
    letters = await store.dead.prune(args.older_than)
    tasks = await store.tasks.prune(args.older_than)
    sent = await store.outbox.prune(args.older_than)
    print(f"Pruned {letters} dead letters, {tasks} finished tasks, {sent} delivered replies.")
    return 0


async def _stats(store: Store, args: argparse.Namespace) -> int:
    stats = await store.queue_stats()
    counts, outbox, dead = stats["tasks"], stats["outbox"], stats["dead_letters"]
    pruned = await last_pass(store)
    result = {"tasks": counts, "outbox": outbox, "delivered": stats["delivered"], "dead_letters": dead,
              "last_pruning": pruned}
    if args.json:
        print_json(result)
        return 0
    print("tasks:   " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    for platform, states in outbox.items():
        print(f"outbox {platform}: " + ", ".join(f"{k} {v}" for k, v in states.items()))
    if not outbox:
        print("outbox:  no reply waiting or dead")
    print(f"replies delivered: {stats['delivered']} (kept for store: keep_days)")
    print(f"dead letters: {dead['total']} (tasks {dead['task']}, outbox {dead['outbox']})")
    if pruned is None:
        print("last pruning: not yet")
    else:
        removed = ", ".join(f"{n} {table}" for table, n in pruned["removed"].items()) or "nothing"
        print(f"last pruning: {_when(pruned['at'])}, removed {removed}")
    return 0

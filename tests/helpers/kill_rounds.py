"""SIGKILL rounds: a real `roost run` killed at random moments while a fake platform sends it messages."""

from __future__ import annotations

import asyncio
import random
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from tests.core.pipeline.conftest import RunningRoost, roost_env, wait_for


class FakeInThread:
    """A fake platform server on an event loop of its own, for a test that drives subprocesses."""

    def __init__(self, fake: Any) -> None:
        self.fake = fake
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        self.call(fake.start())

    def call(self, coro: Any) -> Any:
        """Run a coroutine on the fake's loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(10)

    def do(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Call fn on the fake's loop (fakes are not thread-safe)."""
        async def call() -> Any:
            return fn(*args, **kwargs)
        return self.call(call())

    def stop(self) -> None:
        """Stop the fake and its loop."""
        self.call(self.fake.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)


def kill_rounds(config: Path, log: Path, say: Callable[[str, str], None], chats: Iterable[str], rng: random.Random,
                *, rounds: int = 10, per_round: int = 12, starts_before: int = 0) -> dict[str, list[str]]:
    """Each round starts roost, sends per_round messages to random chats (say(text, chat)), waits until it has
    started, then kills it with SIGKILL at a random moment; the texts sent, per chat, in order."""
    chats = list(chats)
    asked: dict[str, list[str]] = {chat: [] for chat in chats}
    counter = 0
    for round_no in range(rounds):
        run = RunningRoost(config, log, roost_env())
        for _ in range(per_round):
            chat = rng.choice(chats)
            text = f"m-{counter:04d}"
            counter += 1
            asked[chat].append(text)
            say(text, chat)
            time.sleep(rng.uniform(0, 0.08))
        wait_for(lambda run=run, seen=round_no + starts_before: run.output().count("Roost started") > seen
                 or run.proc.poll() is not None, 30, "roost to start")
        time.sleep(rng.uniform(0.0, 0.4))
        run.kill()
    return asked


def final_run(config: Path, log: Path, answered: Callable[[], set[str]], wanted: set[str], what: str) -> str:
    """Start roost once more, wait until every wanted answer was given, stop it cleanly; its whole log."""
    final = RunningRoost(config, log, roost_env())
    try:
        wait_for(lambda: wanted <= answered() or final.proc.poll() is not None, 90, what)
    except AssertionError as timed_out:
        final.kill()  # not left running after the test
        missing = sorted(wanted - answered())
        raise AssertionError(f"{timed_out}; missing {missing[:20]}; log: {log.read_text()[-3000:]}") from None
    time.sleep(1.0)  # nothing more may arrive
    assert final.terminate() == 0, log.read_text()[-3000:]
    output = log.read_text()
    assert "Traceback" not in output, output[-4000:]
    return output

"""The event loop a gateway process runs on: uvloop when it is installed, else asyncio's own.

uvloop implements the same asyncio loop in C (libuv); every task switch, future and callback
costs less. Measured end to end (scripts/bench.py e2e) the gateway process spends about 10%
less CPU per message on it. `roost.event_loop` picks one explicitly; tests run on asyncio's.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")
EVENT_LOOPS = ("auto", "uvloop", "asyncio")


class EventLoopError(RuntimeError):
    """The configured event loop cannot be used here."""


def uvloop_available() -> bool:
    """True when the uvloop package can be imported."""
    try:
        import uvloop  # noqa: F401
    except ImportError:
        return False
    return True


def chosen_loop(setting: str = "auto") -> str:
    """The loop `setting` ("auto", "uvloop" or "asyncio") resolves to on this machine."""
    if setting not in EVENT_LOOPS:
        raise EventLoopError(f"unknown event loop {setting!r}; expected one of {', '.join(EVENT_LOOPS)}")
    if setting == "asyncio":
        return "asyncio"
    if uvloop_available():
        return "uvloop"
    if setting == "uvloop":
        raise EventLoopError("roost.event_loop is uvloop, but uvloop is not installed (pip install uvloop)")
    return "asyncio"


def run(main: Coroutine[Any, Any, T], setting: str = "auto") -> T:
    """Run `main` to completion on the chosen loop (as asyncio.run does)."""
    if chosen_loop(setting) == "uvloop":
        import uvloop

        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            return runner.run(main)
    return asyncio.run(main)


def running_loop_name() -> str:
    """"uvloop" or "asyncio": what the current thread's running loop is."""
    return "uvloop" if type(asyncio.get_running_loop()).__module__.startswith("uvloop") else "asyncio"

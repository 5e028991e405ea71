"""What `roost doctor` reports: findings (ok, a warning, a problem to fix), and how a channel checks its platform."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from core.errors import PermanentError, RoostError

OK, FIXED, WARNING, PROBLEM = "ok", "fixed", "WARNING", "PROBLEM"
PROBE_TIMEOUT = 15.0


@dataclass(frozen=True, slots=True)
class Finding:
    """One line of `roost doctor`: a status and what was found (with what to do about it)."""

    status: str
    text: str


async def probe_platform(platform: str, call: Awaitable[Any], describe: Callable[[Any], str],
                         close: Callable[[], Awaitable[Any]],
                         refused: tuple[type[BaseException], ...] = (PermanentError,)) -> Finding:
    """One cheap API call to a chat platform: does it answer, and does it take the credentials (refused: the
    errors that say it does not)?"""
    try:
        async with asyncio.timeout(PROBE_TIMEOUT):
            answer = await call
    except refused as err:
        return Finding(PROBLEM, f"{platform}: the platform refused the credentials: {err}; check the token"
                                " in secrets.yaml")
    except (RoostError, OSError, TimeoutError) as err:
        detail = str(err) or f"no answer within {PROBE_TIMEOUT:g} s"
        return Finding(PROBLEM, f"{platform}: the platform cannot be reached: {detail}; check the network"
                                " (and base_url, if set)")
    finally:
        await close()
    return Finding(OK, f"{platform}: {describe(answer)}")

"""Setting integrations up: once each, after their dependencies, within a time limit."""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from core.errors import ConfigError
from core.manifest import Manifest

if TYPE_CHECKING:
    from core.gateway import Gateway

_LOGGER = logging.getLogger(__name__)


@dataclass(slots=True)
class IntegrationState:
    """Where one integration stands: loaded, failed (why), skipped (why)."""

    manifest: Manifest
    status: str = "pending"
    reason: str | None = None
    setup_seconds: float | None = None
    config: Any = None


async def await_me_maybe(value: Any) -> Any:
    """Await value if it is awaitable (hooks may return plain values or awaitables)."""
    if inspect.isawaitable(value):
        return await value
    return value


async def setup_all(gateway: Gateway, order: list[Manifest], warn_after: float, timeout: float) -> None:
    """Set up integrations, each as soon as its dependencies are ready; failures skip dependants."""
    futures: dict[str, asyncio.Future[bool]] = {m.domain: gateway.loop.create_future() for m in order}

    async def setup_one(manifest: Manifest) -> None:
        state = gateway.integrations[manifest.domain]
        for dep in manifest.dependencies:
            if not await futures[dep]:
                state.status, state.reason = "skipped", f"dependency '{dep}' failed to set up"
                _LOGGER.error("Integration %s skipped: %s", manifest.domain, state.reason)
                futures[manifest.domain].set_result(False)
                return
        for dep in manifest.after_dependencies:
            if dep in futures:
                await futures[dep]
        ok = await _setup_with_limits(gateway, state, warn_after, timeout)
        futures[manifest.domain].set_result(ok)

    await asyncio.gather(*(setup_one(m) for m in order))


async def _setup_with_limits(gateway: Gateway, state: IntegrationState, warn_after: float, timeout: float) -> bool:
    domain = state.manifest.domain
    started = time.monotonic()
    warn = gateway.loop.call_later(
        warn_after, lambda: _LOGGER.warning("Setup of %s is taking over %g s", domain, warn_after)
    )
    try:
        async with asyncio.timeout(timeout):
            await await_me_maybe(gateway.call_hook(domain, "roost_setup", gateway=gateway, config=state.config))
    except TimeoutError:
        state.status, state.reason = "failed", f"setup did not finish within {timeout:g} s"
    except ConfigError as err:  # the integration refuses its configuration: what to change, not a crash
        state.status, state.reason = "failed", str(err) if err.file else err.message
    except Exception as err:
        state.status, state.reason = "failed", f"setup raised {type(err).__name__}: {err}"
        _LOGGER.exception("Setup of integration %s failed", domain)
    else:
        state.status = "loaded"
    finally:
        warn.cancel()
        state.setup_seconds = time.monotonic() - started
    if state.status == "failed":
        _LOGGER.error("Integration %s failed: %s", domain, state.reason)
        return False
    _LOGGER.info("Integration %s set up in %.2f s", domain, state.setup_seconds)
    return True

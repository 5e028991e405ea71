"""Running compiled action steps in order, each recorded in the run's trace."""

from __future__ import annotations

import asyncio
import time
from typing import Any, Protocol

from core.automation.context import RunContext, StopRun


class Step(Protocol):
    """A compiled action: a name for traces, its path in the config, and run()."""

    name: str
    path: str
    response_variable: str | None
    continue_on_error: bool

    async def run(self, ctx: RunContext) -> Any:
        """Do the action; return a result for the trace and response_variable."""
        ...


class BaseStep:
    """Common fields of every step: alias, response_variable, continue_on_error, enabled."""

    name = "step"

    def __init__(self, config: dict[str, Any], path: str) -> None:
        self.path = path
        self.alias: str | None = config.get("alias")
        self.response_variable: str | None = config.get("response_variable")
        self.continue_on_error: bool = bool(config.get("continue_on_error", False))
        self.enabled: bool = bool(config.get("enabled", True))

    async def run(self, ctx: RunContext) -> Any:  # pragma: no cover - overridden
        """Do the action."""
        raise RuntimeError(f"{type(self).__name__} does not implement run()")


class Sequence:
    """Steps run one after another; a failing step ends the sequence unless continue_on_error."""

    name = "sequence"

    def __init__(self, steps: list[Any]) -> None:
        self.steps = steps

    def __len__(self) -> int:
        return len(self.steps)

    async def run(self, ctx: RunContext) -> Any:
        """Run every enabled step in order; return the last result."""
        result: Any = None
        for step in self.steps:
            if not getattr(step, "enabled", True):
                continue
            result = await run_step(step, ctx)
        return result

    def describe(self) -> list[str]:
        """The steps' names, for dry runs."""
        return [f"{s.path}: {s.alias or s.name}" for s in self.steps]


async def run_step(step: Any, ctx: RunContext) -> Any:
    """Run one step, record it in the trace, store its response variable."""
    record = ctx.trace.step(step.path, step.alias or step.name)
    started = time.perf_counter()
    try:
        result = await step.run(ctx)
    except (StopRun, asyncio.CancelledError):
        record.duration = time.perf_counter() - started
        raise
    except Exception as err:
        record.duration = time.perf_counter() - started
        record.error = f"{type(err).__name__}: {err}"
        if step.continue_on_error:
            return None
        raise
    record.duration = time.perf_counter() - started
    record.result = result
    if step.response_variable:
        ctx.variables[step.response_variable] = result
    return result

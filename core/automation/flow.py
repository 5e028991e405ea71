"""The built-in flow-control action types: if, choose, stop, sequence, parallel."""

from __future__ import annotations

import asyncio
from typing import Any

import voluptuous as vol

from core.automation.actions import COMMON
from core.automation.context import RunContext, StopRun
from core.automation.registry import ActionType, Compiler
from core.automation.script import BaseStep, run_step
from core.automation.templates import Template


def _passes(conditions: list[tuple[str, Any]], ctx: RunContext, label: str) -> bool:
    for description, check in conditions:
        passed = bool(check(ctx.variables, ctx.gateway))
        ctx.trace.condition(f"{label}: {description}", passed)
        if not passed:
            return False
    return True


class IfStep(BaseStep):
    """if: conditions, then: actions, else: actions."""

    name = "if"

    def __init__(self, config: dict[str, Any], compiler: Compiler, path: str) -> None:
        super().__init__(config, path)
        key = tuple(path.split("."))
        self.conditions = compiler.conditions_all(config["if"], key + ("if",))
        self.then = compiler.sequence(config["then"], key + ("then",))
        self.otherwise = compiler.sequence(config.get("else"), key + ("else",))

    async def run(self, ctx: RunContext) -> Any:
        """Run then or else by the conditions."""
        branch = self.then if _passes(self.conditions, ctx, self.path) else self.otherwise
        return await branch.run(ctx)


class ChooseStep(BaseStep):
    """choose: the first option whose conditions pass runs; else default."""

    name = "choose"

    def __init__(self, config: dict[str, Any], compiler: Compiler, path: str) -> None:
        super().__init__(config, path)
        key = tuple(path.split("."))
        self.options = [
            (
                compiler.conditions_all(option["conditions"], key + ("choose", i, "conditions")),
                compiler.sequence(option["sequence"], key + ("choose", i, "sequence")),
            )
            for i, option in enumerate(config["choose"])
        ]
        self.default = compiler.sequence(config.get("default"), key + ("default",))

    async def run(self, ctx: RunContext) -> Any:
        """Run the first matching option."""
        for i, (conditions, sequence) in enumerate(self.options):
            if _passes(conditions, ctx, f"{self.path}.choose.{i}"):
                return await sequence.run(ctx)
        return await self.default.run(ctx)


class StopStep(BaseStep):
    """stop: end the run here, with a reason (error: true marks the run failed)."""

    name = "stop"

    def __init__(self, config: dict[str, Any], _compiler: Compiler, path: str) -> None:
        super().__init__(config, path)
        self.reason = Template(config["stop"])
        self.error = config.get("error", False)

    async def run(self, ctx: RunContext) -> Any:
        """Raise StopRun."""
        raise StopRun(self.reason.render(ctx.variables), error=self.error)


class SequenceStep(BaseStep):
    """sequence: a group of actions run in order (useful inside parallel)."""

    name = "sequence"

    def __init__(self, config: dict[str, Any], compiler: Compiler, path: str) -> None:
        super().__init__(config, path)
        self.sequence = compiler.sequence(config["sequence"], tuple(path.split(".")) + ("sequence",))

    async def run(self, ctx: RunContext) -> Any:
        """Run the group."""
        return await self.sequence.run(ctx)


class ParallelStep(BaseStep):
    """parallel: run actions at the same time; each branch has its own variable scope."""

    name = "parallel"

    def __init__(self, config: dict[str, Any], compiler: Compiler, path: str) -> None:
        super().__init__(config, path)
        key = tuple(path.split("."))
        self.branches = [compiler.action(c, key + ("parallel", i)) for i, c in enumerate(config["parallel"])]

    async def run(self, ctx: RunContext) -> Any:
        """Run every branch; the first error cancels the others and is raised."""
        tasks = [
            asyncio.ensure_future(run_step(branch, ctx.child(dict(ctx.variables))))
            for branch in self.branches
        ]
        try:
            return await asyncio.gather(*tasks)
        except BaseException:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise


def builtin_flow_types() -> dict[str, ActionType]:
    """The flow-control action types."""
    actions = vol.All(vol.Any(list, dict))
    conditions = vol.Any(list, dict, str)
    return {
        "if": ActionType(
            "if",
            vol.Schema({**COMMON, vol.Required("if"): conditions, vol.Required("then"): actions,
                        vol.Optional("else"): actions}),
            IfStep,
        ),
        "choose": ActionType(
            "choose",
            vol.Schema({
                **COMMON,
                vol.Required("choose"): [vol.Schema({vol.Required("conditions"): conditions,
                                                     vol.Required("sequence"): actions,
                                                     vol.Optional("alias"): str})],
                vol.Optional("default"): actions,
            }),
            ChooseStep,
        ),
        "stop": ActionType(
            "stop", vol.Schema({**COMMON, vol.Required("stop"): str, vol.Optional("error"): bool}), StopStep
        ),
        "sequence": ActionType(
            "sequence", vol.Schema({**COMMON, vol.Required("sequence"): actions}), SequenceStep
        ),
        "parallel": ActionType(
            "parallel", vol.Schema({**COMMON, vol.Required("parallel"): [dict]}), ParallelStep
        ),
    }

"""The run action: an allow-listed command from configuration, run in the sandbox."""

from __future__ import annotations

from typing import Any

import voluptuous as vol

from core.automation.actions import COMMON
from core.automation.context import RunContext, StopRun
from core.automation.registry import ActionType, Compiler
from core.automation.script import BaseStep
from core.automation.templates import Template, compile_value, render_value
from core.sandbox import CommandRefused, SandboxError

RUN_SCHEMA = vol.Schema({
    **COMMON,
    vol.Required("run"): str,
    vol.Optional("args", default=list): vol.Any(str, [vol.Coerce(str)]),
    vol.Optional("refusal_reply", default="Sorry, I can't run that: {{ reason }}"): vol.Any(None, str),
})


class RunStep(BaseStep):
    """Run a command the sandbox policy allows; arguments are separate argv items, never a shell."""

    name = "run"

    def __init__(self, config: dict[str, Any], _compiler: Compiler, path: str) -> None:
        super().__init__(config, path)
        self.command = Template(config["run"])
        self.args = compile_value(config["args"])
        self.refusal = Template(config["refusal_reply"]) if config["refusal_reply"] else None
        self.name = f"run {config['run']}"

    async def run(self, ctx: RunContext) -> Any:
        """Run it; a refusal is a polite reply and a failed run, never a retry."""
        command = self.command.render(ctx.variables)
        args = render_value(self.args, ctx.variables)
        if isinstance(args, str):
            args = args.split()
        args = [str(a) for a in args or []]
        policy = ctx.gateway.sandbox
        try:
            if ctx.dry_run:
                return policy.build(command, args)[0]
            result = await policy.run(command, args)
        except (CommandRefused, SandboxError) as err:
            reason = str(err)
            if self.refusal is not None and ctx.message is not None:
                text = self.refusal.render({**ctx.variables, "reason": reason, "command": command})
                await ctx.out.send(ctx.message.platform, ctx.message.chat_id, text,
                                   reply_to=ctx.message.id, idempotency_key=ctx.idempotency_key(self.path),
                                   priority=ctx.priority)
            raise StopRun(f"command refused: {reason}", error=True) from err
        scrub = ctx.gateway.scrub
        return {
            "command": command,
            "returncode": result.returncode,
            "ok": result.ok,
            "stdout": scrub(result.text("stdout")),
            "stderr": scrub(result.text("stderr")),
            "timed_out": result.timed_out,
            "killed_reason": result.killed_reason,
            "truncated": result.truncated,
            "isolation": result.isolation,
            "duration": round(result.duration, 3),
        }


def run_action_type() -> ActionType:
    """The run action type."""
    return ActionType("run", RUN_SCHEMA, RunStep)

"""The automation engine: compiles automations, matches events to them, runs them traced."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.automation.automation import Automation, compile_automation
from core.automation.context import RunContext, StopRun
from core.automation.matcher import MessageIndex
from core.automation.modes import RESTARTED, ModeGate
from core.automation.registry import Compiler
from core.automation.templates import TemplateError, render_value
from core.automation.trace import Trace, TraceBuffer
from core.errors import ConfigError, ConfigErrors, PermanentError, RoostError, TransientError
from core.message import Message

if TYPE_CHECKING:
    from core.gateway import Gateway

_LOGGER = logging.getLogger(__name__)


@dataclass(slots=True)
class RunRequest:
    """A triggered automation whose conditions passed, waiting to run."""

    automation: Automation
    trigger: dict[str, Any]
    trace: Trace
    message: Message | None = None
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    error: Exception | None = None

    @property
    def chat_key(self) -> str:
        """The key runs are ordered and limited by: the chat, or '-' for chat-less triggers."""
        if self.message is not None:
            return self.message.chat_key
        platform, chat = self.trigger.get("platform"), self.trigger.get("chat_id")
        return f"{platform}:{chat}" if platform and chat else "-"


Dispatcher = Callable[[RunRequest], Any]


class AutomationEngine:
    """Holds the compiled automations and turns triggers into traced runs."""

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway
        self.compiler = Compiler()
        self.automations: dict[str, Automation] = {}
        self.message_index = MessageIndex()
        self.traces = TraceBuffer()
        self.dispatcher: Dispatcher = self._run_now
        self._gates: dict[str, ModeGate] = {}
        self._detach: list[Callable[[], None]] = []
        self._runs: set[asyncio.Task[Any]] = set()

    def load(self, configs: Iterable[Any], search: list[Path]) -> list[ConfigError]:
        """Compile automations; a broken one is reported and skipped, the rest load."""
        errors: list[ConfigError] = []
        for i, config in enumerate(configs):
            try:
                automation = compile_automation(config, self.compiler, search, path=("automations", i))
            except ConfigErrors as err:
                errors.extend(err.errors)
                continue
            except ConfigError as err:
                errors.append(err)
                continue
            if automation.id in self.automations:
                errors.append(ConfigError(
                    f"automation id '{automation.id}' is used twice", file=automation.file,
                    line=automation.line, path=("automations", i, "id"),
                ))
                continue
            self.automations[automation.id] = automation
            self._gates[automation.id] = ModeGate(automation.mode, automation.max)
        return errors

    def attach(self, kinds: tuple[str, ...] | None = None) -> None:
        """Attach every enabled automation's triggers (only of the given kinds, if named)."""
        for automation in self.automations.values():
            if not automation.enabled:
                continue
            for config in automation.triggers:
                if kinds is not None and config["trigger"] not in kinds:
                    continue
                ttype = self.compiler.triggers[config["trigger"]]
                detach = ttype.attach(config, automation, self)
                if detach is not None:
                    self._detach.append(detach)

    def detach(self) -> None:
        """Detach all triggers (no new runs start)."""
        while self._detach:
            self._detach.pop()()

    def handle_message(self, message: Message, *, dispatch: bool = True) -> list[RunRequest]:
        """Match a message against every message trigger; the runs whose conditions pass."""
        started = []
        for trigger, variables in self.message_index.match(message):
            request = self.trigger(trigger.automation, variables, message, dispatch=dispatch)
            if request is not None:
                started.append(request)
        return started

    def trigger(
        self, automation: Automation, trigger: dict[str, Any], message: Message | None = None,
        *, dispatch: bool = True,
    ) -> RunRequest | None:
        """Check an automation's conditions for a trigger; dispatch a run when they pass."""
        request = self.prepare(automation, trigger, message)
        if request is None:
            return None
        full = self._gates[automation.id].admit(request.chat_key, request.run_id)
        if full is not None:
            request.trace.finish("skipped", full)
            self.record(request.trace)
            return None
        self.gateway.bus.fire(
            "automation_triggered",
            {"automation_id": automation.id, "run_id": request.run_id, "priority": automation.priority},
        )
        if dispatch:
            self.dispatcher(request)
        return request

    def abandon(self, request: RunRequest) -> None:
        """Forget a triggered run that will not be executed (e.g. its task already existed)."""
        gate = self._gates.get(request.automation.id)
        if gate is not None:
            gate.release(request.chat_key, request.run_id)

    def prepare(
        self, automation: Automation, trigger: dict[str, Any], message: Message | None = None
    ) -> RunRequest | None:
        """Evaluate conditions into a trace; return the run request, or None when they fail."""
        trace, passed = self.evaluate(automation, trigger)
        if not passed:
            self.record(trace)
            return None
        return RunRequest(automation, trigger, trace, message, trace.run_id)

    def evaluate(self, automation: Automation, trigger: dict[str, Any]) -> tuple[Trace, bool]:
        """Check an automation's conditions in order, recording each in a new trace."""
        trace = Trace(automation.id, uuid.uuid4().hex, _trace_trigger(trigger),
                      priority=automation.priority, scrub=self.gateway.scrub)
        variables = self.variables(automation, trigger)
        for description, check in automation.conditions:
            try:
                passed = bool(check(variables, self.gateway))
            except Exception as err:  # a broken condition must not break matching
                _LOGGER.warning("Condition %s of %s failed: %s", description, automation.id, err)
                passed = False
            trace.condition(description, passed)
            if not passed:
                trace.finish("condition failed")
                return trace, False
        return trace, True

    def variables(self, automation: Automation, trigger: dict[str, Any]) -> dict[str, Any]:
        """The template variables a run starts with."""
        variables: dict[str, Any] = {
            "trigger": trigger,
            "inputs": automation.inputs,
            "this": {"id": automation.id, "alias": automation.alias},
        }
        try:
            for name, value in automation.variables.items():
                variables[name] = render_value(value, variables)
        except TemplateError as err:
            _LOGGER.warning("Variables of %s failed: %s", automation.id, err)
        return variables

    def _run_now(self, request: RunRequest) -> None:
        task = self.gateway.loop.create_task(self.execute(request))
        self._runs.add(task)
        task.add_done_callback(self._runs.discard)

    async def execute(self, request: RunRequest) -> Trace:
        """Run an automation's actions under its mode; the trace records every step."""
        automation = request.automation
        trace = request.trace
        ctx = RunContext(
            gateway=self.gateway, automation_id=automation.id, run_id=request.run_id,
            variables=self.variables(automation, request.trigger), trace=trace,
            message=request.message, priority=automation.priority,
        )
        gate = self._gates[automation.id]
        try:
            outcome, detail = await gate.run(request.chat_key, lambda: automation.script.run(ctx))
            if outcome == "skipped":
                trace.finish("skipped", detail)
            elif outcome == RESTARTED:
                trace.finish("cancelled", detail)
            else:
                trace.finish("finished")
        except StopRun as stop:
            trace.finish("failed" if stop.error else "stopped", stop.reason)
        except asyncio.CancelledError:
            trace.finish("cancelled")
            self.record(trace)
            raise
        except Exception as err:
            _LOGGER.warning("Automation %s failed: %s", automation.id, self.gateway.scrub(str(err)))
            trace.finish("failed", f"{type(err).__name__}: {err}")
            request.error = err if worth_retrying(err) else PermanentError(f"{type(err).__name__}: {err}")
        finally:
            gate.release(request.chat_key, request.run_id)
        self.record(trace)
        return trace

    def record(self, trace: Trace) -> None:
        """Keep a finished trace (in memory, and in the store when there is one)."""
        self.traces.add(trace)
        self.gateway.bus.fire("automation_finished", {"automation_id": trace.automation_id,
                                                     "run_id": trace.run_id, "status": trace.status})
        self.gateway.keep_trace(trace)

    @property
    def busy(self) -> bool:
        """True while any automation run is in progress."""
        return bool(self._runs)

    async def drain(self, timeout: float | None) -> bool:
        """Wait for running automations up to timeout; True when all finished."""
        if not self._runs:
            return True
        done, pending = await asyncio.wait(set(self._runs), timeout=timeout)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
        return not pending

    def dry_run(self, message: Message) -> list[dict[str, Any]]:
        """Which automations match a message, which conditions pass, which actions would run."""
        report = []
        for trigger, variables in self.message_index.match(message):
            automation = trigger.automation
            trace, passed = self.evaluate(automation, variables)
            report.append({
                "automation": automation.id,
                "alias": automation.alias,
                "trigger": trigger.index,
                "match": variables.get("match", {}),
                "conditions": [{"condition": c, "passed": p} for c, p in trace.conditions],
                "would_run": passed,
                "actions": automation.script.describe() if passed else [],
                "priority": automation.priority,
                "mode": automation.mode,
            })
        return report


def worth_retrying(err: Exception) -> bool:
    """Whether running a failed automation again could succeed.

    A TransientError (network down, rate limited) or an unexpected exception may pass on a
    retry; a configuration mistake, a missing action or a broken template never will.
    """
    if isinstance(err, TransientError):
        return True
    return not isinstance(err, RoostError | TemplateError)


def _trace_trigger(trigger: dict[str, Any]) -> dict[str, Any]:
    keep = ("trigger", "idx", "platform", "chat_id", "sender", "text", "command", "event_type", "message_id")
    return {k: trigger[k] for k in keep if k in trigger}

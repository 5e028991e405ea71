"""The automation engine: compiles automations, matches events to them, runs them traced."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core import events
from core.automation.automation import Automation, compile_automation
from core.automation.context import Output, RunContext, StopRun
from core.automation.matcher import MessageIndex
from core.automation.modes import CANCELLED, RESTARTED, ModeGate
from core.automation.registry import Compiler
from core.automation.templates import TemplateError, render_value
from core.automation.trace import Trace, trace_trigger
from core.errors import ConfigError, ConfigErrors, RecipientGone, RoostError
from core.ids import new_id
from core.message import Message

if TYPE_CHECKING:
    from core.gateway import Gateway

_LOGGER = logging.getLogger(__name__)
_RUN_PREFIX = re.compile("[0-9a-fA-F]{1,32}")


def is_run_prefix(text: object) -> bool:
    """Whether text can be the start of a run id: 1 to 32 hex digits, as a failure reply or `roost trace` shows."""
    return isinstance(text, str) and _RUN_PREFIX.fullmatch(text) is not None


@dataclass(slots=True)
class RunRequest:
    """A triggered automation whose conditions passed, waiting to run."""

    automation: Automation
    trigger: dict[str, Any]
    trace: Trace
    message: Message | None = None
    run_id: str = field(default_factory=new_id)
    error: Exception | None = None

    @property
    def chat_key(self) -> str:
        """The key runs are ordered and limited by: the chat, or '-' for chat-less triggers."""
        if self.message is not None:
            return self.message.chat_key
        platform, chat = self.trigger.get("platform"), self.trigger.get("chat_id")
        return f"{platform}:{chat}" if platform and chat else "-"


@dataclass(slots=True)
class AutomationChanges:
    """What a reload changed: the ids added, changed and removed, and how many stayed as they were."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0


Dispatcher = Callable[[RunRequest], Any]
Matched = tuple[Automation, dict[str, Any], Trace, bool]
"""Queues a triggered run (the durable pipeline's ``Inbound.dispatch``)."""


def _not_running(request: RunRequest) -> None:
    raise RuntimeError(f"automation {request.automation.id} was triggered before Roost started running")


class AutomationEngine:
    """Holds the compiled automations and turns triggers into traced runs."""

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway
        self.compiler = Compiler()
        self.automations: dict[str, Automation] = {}
        self.message_index = MessageIndex()
        self.dispatcher: Dispatcher = _not_running
        self.on_finished: Callable[[Trace], None] = lambda _trace: None
        """Where finished traces go (the pipeline writes them to the store)."""
        self._gates: dict[str, ModeGate] = {}
        self._detach: dict[str, list[Callable[[], None]]] = {}
        """Per automation, what undoes each of its triggers' attachment."""

    def scrub(self, text: str) -> str:
        """Mask sensitive data in text for traces and logs."""
        return self.gateway.scrub(text)

    def load(self, configs: Iterable[Any], search: list[Path]) -> list[ConfigError]:
        """Compile the configuration's automations and keep them; a broken one is reported and skipped."""
        automations, errors = self.compile_configured(configs, search)
        for automation in automations:
            self._keep(automation)
        return errors

    def compile_configured(self, configs: Iterable[Any], search: list[Path]) -> tuple[list[Automation], list[ConfigError]]:
        """Compile the configuration's automations without keeping them; a broken one, or one whose id another
        (or one an integration brings) has, is reported and left out."""
        compiled: dict[str, Automation] = {}
        errors: list[ConfigError] = []
        brought = {key for key, automation in self.automations.items() if automation.file is None}
        for i, config in enumerate(configs):
            found = self._compile(config, search, ("automations", i), lambda key: key in compiled or key in brought)
            if isinstance(found, list):
                errors.extend(found)
            else:
                compiled[found.id] = found
        return list(compiled.values()), errors

    def add(self, config: Any, search: list[Path], *, path: tuple[Any, ...]) -> list[ConfigError]:
        """Compile one automation (one an integration brings) and keep it; its errors (nothing is kept then)."""
        found = self._compile(config, search, path, self.automations.__contains__)
        if isinstance(found, list):
            return found
        self._keep(found)
        return []

    def _compile(self, config: Any, search: list[Path], path: tuple[Any, ...],
                 taken: Callable[[str], bool]) -> Automation | list[ConfigError]:
        try:
            automation = compile_automation(config, self.compiler, search, path=path)
        except ConfigErrors as err:
            return list(err.errors)
        except ConfigError as err:
            return [err]
        if taken(automation.id):
            return [ConfigError(f"automation id '{automation.id}' is used twice", file=automation.file,
                                line=automation.line, path=(*path, "id"))]
        return automation

    def _keep(self, automation: Automation) -> None:
        self.automations[automation.id] = automation
        self._gates[automation.id] = ModeGate(automation.mode, automation.max)

    def attach(self, kinds: tuple[str, ...] | None = None) -> None:
        """Attach every enabled automation's triggers (only of the given kinds, if named)."""
        for automation in self.automations.values():
            self._attach(automation, kinds)
        self.message_index.rebuild()  # here, so that matching in a worker thread never rebuilds it

    def _attach(self, automation: Automation, kinds: tuple[str, ...] | None = None) -> None:
        if not automation.enabled:
            return
        for config in automation.triggers:
            if kinds is not None and config["trigger"] not in kinds:
                continue
            ttype = self.compiler.triggers[config["trigger"]]
            detach = ttype.attach(config, automation, self)
            if detach is not None:
                self._detach.setdefault(automation.id, []).append(detach)

    def detach(self) -> None:
        """Detach all triggers (no new runs start)."""
        for automation_id in list(self._detach):
            self._detach_one(automation_id)

    def _detach_one(self, automation_id: str) -> None:
        for undo in reversed(self._detach.pop(automation_id, [])):
            undo()

    def replace_configured(self, configured: list[Automation]) -> AutomationChanges:
        """Run these automations in place of the configuration's (a reload); those integrations bring stay.

        One whose definition is unchanged stays as it is (a schedule's countdown goes on); a changed or removed
        one is detached before the new ones attach. Runs under way finish as they began.
        """
        changes = AutomationChanges()
        new = {automation.id: automation for automation in configured}
        kept: dict[str, Automation] = {}
        for automation_id, automation in self.automations.items():
            if automation.file is None:
                continue
            fresh = new.get(automation_id)
            if fresh is not None and fresh.definition == automation.definition:
                automation.file, automation.line = fresh.file, fresh.line  # lines above it may have moved
                kept[automation_id] = automation
                continue
            self._detach_one(automation_id)
            (changes.changed if fresh is not None else changes.removed).append(automation_id)
        brought = {key: a for key, a in self.automations.items() if a.file is None}
        self.automations = {key: kept.get(key, automation) for key, automation in new.items()} | brought
        for automation_id, automation in new.items():
            if automation_id in kept:
                continue
            if automation_id not in changes.changed:
                changes.added.append(automation_id)
            gate = self._gates.get(automation_id)  # kept when the mode is (and for a removed one: its runs may wait)
            if gate is None or (gate.mode, gate.max) != (automation.mode, automation.max):
                self._gates[automation_id] = ModeGate(automation.mode, automation.max)
            self._attach(automation)
        changes.unchanged = len(kept)
        rank = {automation_id: i for i, automation_id in enumerate(self.automations)}
        self.message_index.reorder(lambda trigger: (rank.get(trigger.automation.id, len(rank)), trigger.index))
        self.message_index.rebuild()
        return changes

    def match_message(self, message: Message) -> list[Matched]:
        """Each automation a message triggers, its variables, trace and whether its conditions passed.

        Changes no state, so a long text can be matched off the event loop.
        """
        matched: list[Matched] = []
        fallbacks = []
        for trigger, variables in self.message_index.match(message):
            if trigger.fallback:
                fallbacks.append((trigger, variables))
                continue
            trace, passed = self.evaluate(trigger.automation, variables)
            matched.append((trigger.automation, variables, trace, passed))
        if fallbacks and not any(passed for *_, passed in matched):  # nothing else answers it
            for trigger, variables in fallbacks:
                trace, passed = self.evaluate(trigger.automation, variables)
                matched.append((trigger.automation, variables, trace, passed))
        return matched

    def prepare_message(
        self, message: Message, matched: list[Matched] | None = None,
    ) -> list[tuple[RunRequest | None, Trace]]:
        """Match a message (unless matched already) and admit its runs by their modes, firing nothing yet.

        For each matching trigger, in order: (request, trace) for a run to queue, or (None,
        trace) for one that ended (conditions failed, or its mode is full). Admitted runs count
        against their mode at once; once the message is stored call ``start_message``, or
        ``abandon`` each request when it is not (a redelivery).
        """
        items: list[tuple[RunRequest | None, Trace]] = []
        for automation, variables, trace, passed in self.match_message(message) if matched is None else matched:
            if not passed:
                items.append((None, trace))
                continue
            request = RunRequest(automation, variables, trace, message, trace.run_id)
            full = self._gates[automation.id].admit(request.chat_key, request.run_id)
            if full is not None:
                trace.finish("skipped", full)
                items.append((None, trace))
                continue
            items.append((request, trace))
        return items

    def start_message(self, items: list[tuple[RunRequest | None, Trace]]) -> None:
        """The message of prepare_message() is stored: record the runs that ended, announce the rest."""
        fire = self.gateway.bus.fire
        for request, trace in items:
            if request is None:
                self.record(trace)
            else:
                automation = request.automation
                fire(events.AUTOMATION_TRIGGERED, {"automation_id": automation.id, "run_id": request.run_id,
                                              "priority": automation.priority})

    def trigger(
        self, automation: Automation, trigger: dict[str, Any], message: Message | None = None,
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
            events.AUTOMATION_TRIGGERED,
            {"automation_id": automation.id, "run_id": request.run_id, "priority": automation.priority},
        )
        self.dispatcher(request)
        return request

    def release(self, request: RunRequest) -> None:
        """A run its mode counted has ended for good, or will not run after all (a redelivery)."""
        gate = self._gates.get(request.automation.id)
        if gate is not None:
            gate.release(request.chat_key, request.run_id)

    def cancel(self, chat_key: str) -> int:
        """Stop every run active for a chat (platform:chat_id) now; they end "cancelled". How many."""
        return sum(gate.cancel(chat_key) for gate in self._gates.values())

    def count_queued(self, automation_id: str, chat_key: str, count: int) -> None:
        """Count runs queued before this process started against their automation's mode."""
        gate = self._gates.get(automation_id)
        if gate is not None:
            gate.count_earlier(chat_key, count)

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
        trace = Trace(automation.id, new_id(), trace_trigger(trigger),
                      priority=automation.priority, scrub=self.scrub)
        text, limit = trigger.get("text"), self.compiler.regex_max_text
        if isinstance(text, str) and len(text) > limit:
            trace.note(f"the text has {len(text)} characters: patterns saw its first {limit}")
        if not automation.conditions:
            return trace, True
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
        """The template variables a run starts with (trigger.id: which of its triggers started it)."""
        variables: dict[str, Any] = {
            "trigger": {**trigger, "id": automation.trigger_id(trigger.get("idx", 0))},
            "inputs": automation.inputs,
            "this": {"id": automation.id, "alias": automation.alias},
        }
        try:
            for name, value in automation.variables.items():
                variables[name] = render_value(value, variables)
        except TemplateError as err:
            _LOGGER.warning("Variables of %s failed: %s", automation.id, err)
        return variables

    async def execute(self, request: RunRequest, output: Output) -> Trace:
        """Run an automation's actions under its mode; the trace records every step.

        output: where the run's replies go. The scheduler runs a queued automation's runs one
        at a time per chat, in order; the other modes are decided here. A failure is left in
        ``request.error`` for the caller to retry or bury.
        """
        automation = request.automation
        trace = request.trace
        ctx = RunContext(
            gateway=self.gateway, automation_id=automation.id, run_id=request.run_id,
            variables=self.variables(automation, request.trigger), trace=trace,
            message=request.message, priority=automation.priority, output=output,
        )
        gate = self._gates[automation.id]
        try:
            outcome, detail = await gate.run(request.chat_key, lambda: automation.script.run(ctx))
            if outcome == "skipped":
                trace.finish("skipped", detail)
            elif outcome in (RESTARTED, CANCELLED):
                trace.finish("cancelled", detail)
            else:
                trace.finish("finished")
        except StopRun as stop:
            trace.finish("failed" if stop.error else "stopped", stop.reason)
        except asyncio.CancelledError:
            trace.finish("cancelled")
            self.record(trace)
            raise
        except RecipientGone as gone:  # a client hanging up is no failure of the automation
            _LOGGER.info("Run %s of %s stopped: %s", request.run_id[:8], automation.id, self.scrub(str(gone)))
            trace.finish("cancelled", str(gone))
        except Exception as err:
            _LOGGER.warning("Automation %s failed: %s", automation.id, self.scrub(str(err)))
            trace.finish("failed", f"{type(err).__name__}: {err}", err.code if isinstance(err, RoostError) else None)
            request.error = err
        self.record(trace)
        return trace

    def record(self, trace: Trace) -> None:
        """A run ended (or never started): announce it with its trace and hand the trace on."""
        self.gateway.bus.fire(events.AUTOMATION_FINISHED, {"automation_id": trace.automation_id,
                                                     "run_id": trace.run_id, "status": trace.status,
                                                     "trace": trace})
        self.on_finished(trace)

    def dry_run(self, message: Message) -> list[dict[str, Any]]:
        """Which automations match a message, which conditions pass, which actions would run."""
        report = []
        for automation, variables, trace, passed in self.match_message(message):
            report.append({
                "automation": automation.id,
                "alias": automation.alias,
                "trigger": variables["idx"],
                "match": variables.get("match", {}),
                "conditions": [{"condition": c, "passed": p} for c, p in trace.conditions],
                "would_run": passed,
                "actions": automation.script.describe() if passed else [],
                "priority": automation.priority,
                "mode": automation.mode,
            })
        return report


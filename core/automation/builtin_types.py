"""The core's own trigger, condition and action types, registered through the same hooks as any integration."""

from __future__ import annotations

from typing import Any

from core.automation.actions import builtin_action_types
from core.automation.conditions import builtin_condition_types
from core.automation.flow import builtin_flow_types
from core.automation.generate import generate_action_type
from core.automation.run_action import run_action_type
from core.automation.triggers import builtin_trigger_types
from core.hookspecs import hookimpl


@hookimpl
def roost_trigger_types() -> dict[str, Any]:
    """message, event, schedule, startup."""
    return builtin_trigger_types()


@hookimpl
def roost_condition_types() -> dict[str, Any]:
    """platform, sender, chat, trigger, regex, time, template, online, and/or/not."""
    return builtin_condition_types()


@hookimpl
def roost_action_types() -> dict[str, Any]:
    """reply, send, event, delay, variables, call, if, choose, stop, sequence, parallel, generate, run."""
    return {
        **builtin_action_types(), **builtin_flow_types(),
        "generate": generate_action_type(), "run": run_action_type(),
    }

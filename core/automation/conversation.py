"""A conversation a message brings along (an OpenAI request's ``messages``), sanitized on the way to a
model, and the tool calls the model answers with, restored on the way back."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import voluptuous as vol

from core.model import ChatTurn

_CALL = vol.Schema({
    vol.Required("id"): str, vol.Optional("type", default="function"): str,
    vol.Required("function"): {vol.Required("name"): str, vol.Required("arguments"): str},
}, extra=vol.REMOVE_EXTRA)
TURN = vol.Schema({
    vol.Required("role"): vol.In(("system", "user", "assistant", "tool")),
    vol.Required("content"): vol.Any(str, vol.All(None, lambda _: "")),
    vol.Optional("tool_calls"): vol.Any(None, [_CALL]),
    vol.Optional("tool_call_id"): vol.Any(None, str),
}, extra=vol.REMOVE_EXTRA)
MESSAGES = vol.Schema(vol.All([TURN], vol.Length(min=1, msg="must hold at least one turn")))
"""A conversation as {role, content, tool_calls, tool_call_id} (a generate step's ``messages``)."""
OPTIONS = vol.Schema(vol.Any(None, {
    vol.Optional("max_tokens"): vol.Any(None, vol.All(int, vol.Range(min=1))),
    vol.Optional("temperature"): vol.Any(None, vol.All(vol.Coerce(float), vol.Range(min=0, max=2))),
    vol.Optional("top_p"): vol.Any(None, vol.All(vol.Coerce(float), vol.Range(min=0, max=1))),
    vol.Optional("stop"): vol.Any(None, [str]),
    vol.Optional("seed"): vol.Any(None, int),
    vol.Optional("tools"): vol.Any(None, [dict]),
    vol.Optional("tool_choice"): vol.Any(None, str, dict),
}))
"""Sampling settings per run (a generate step's ``options``)."""

Sanitize = Callable[[str], Awaitable[str]]


async def safe_turns(conversation: Sequence[dict[str, Any]], sanitize: Sanitize) -> list[ChatTurn]:
    """The conversation as a model may see it: every content and tool call's arguments sanitized."""
    turns = []
    for turn in conversation:
        calls = tuple([{**call, "function": {**call["function"],
                                             "arguments": await sanitize(call["function"]["arguments"])}}
                       for call in turn.get("tool_calls") or ()])
        turns.append(ChatTurn(turn["role"], await sanitize(turn["content"]), tool_calls=calls,
                              tool_call_id=turn.get("tool_call_id")))
    return turns


async def restored_calls(calls: Sequence[dict[str, Any]], restore: Callable[[str], Awaitable[str]]
                         ) -> list[dict[str, Any]]:
    """Tool calls with the personal data in their arguments put back."""
    return [{**call, "function": {**call["function"], "arguments": await restore(call["function"]["arguments"])}}
            for call in calls]

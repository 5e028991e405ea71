"""What Roost remembers of each chat's conversation for its models, and forgetting it (`/new`).

A conversation is keyed by its scope: a message's ``chat_key``. Its history holds the turns as the model
saw them (personal data replaced); the sanitizers keep, per scope, what their placeholders stand for.
Forgetting a conversation deletes both, so a chat starts over and what it told Roost is gone with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.automation.actions import ActionError

if TYPE_CHECKING:
    from core.gateway import Gateway


class Conversations:
    """The conversations of a gateway's chats: their recent turns, new turns, and forgetting them."""

    def __init__(self, gateway: Gateway) -> None:
        self._gateway = gateway

    async def recent(self, scope: str, turns: int) -> list[tuple[str, str]]:
        """The last turns of a conversation as (role, sanitized text), oldest first."""
        store = self._gateway.store
        return [] if store is None or turns <= 0 else await store.history.recent(scope, turns)

    async def remember(self, scope: str, user: str, assistant: str) -> None:
        """Append a question and its answer (both as the model saw them) to the conversation."""
        store = self._gateway.store
        if store is None:
            return
        for role, text in (("user", user), ("assistant", assistant)):
            if text or role == "user":
                await store.history.append(scope, role, text)

    async def forget(self, scope: str) -> int:
        """Forget a conversation: its history, and what each sanitizer's placeholders in it stood for (a
        sanitizer's optional ``forget(scope)``); how many turns were deleted."""
        store = self._gateway.store
        turns = 0 if store is None else await store.history.clear(scope)  # first: no turn outlives its placeholders
        for sanitizer in self._gateway.sanitizers:
            forget = getattr(sanitizer, "forget", None)
            if forget is not None:
                await forget(scope)
        return turns


async def forget_conversation_action(gateway: Gateway, ctx: Any, data: dict[str, Any]) -> dict[str, Any]:
    """The `roost.forget_conversation` action: the chat of the run's message starts over; {"turns": deleted}."""
    if data:
        raise ActionError(f"roost.forget_conversation takes no data (got {', '.join(sorted(map(str, data)))}): it"
                          " forgets the conversation of the chat whose message started the run")
    if ctx.message is None:
        raise ActionError("roost.forget_conversation: this run was not started by a message, so it has no"
                          " conversation to forget")
    return {"turns": await gateway.conversations.forget(ctx.message.chat_key)}

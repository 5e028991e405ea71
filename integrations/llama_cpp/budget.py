"""Context budget: trim chat history so the prompt plus the answer fit the model's context."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from core.errors import ContextTooLong, ModelError
from core.model import ChatTurn

__all__ = ["fit_messages"]


def fit_messages(
    messages: Sequence[ChatTurn],
    n_ctx: int,
    max_tokens: int,
    count_tokens: Callable[[Sequence[ChatTurn]], int],
) -> list[ChatTurn]:
    """Keep system turns and the last user turn; drop the oldest history until the prompt fits.

    The prompt may use n_ctx - max_tokens tokens (as counted by count_tokens on the
    formatted chat). History is dropped oldest first; a remaining history that would start
    with an assistant turn loses that turn too, so it still opens with the user.
    Raises ContextTooLong when even the system turns and the last user turn do not fit.
    """
    turns = list(messages)
    budget = n_ctx - max_tokens
    if budget <= 0:
        raise ContextTooLong(
            f"max_tokens ({max_tokens}) leaves no room for a prompt in a context of {n_ctx} tokens"
        )
    if not turns:
        raise ModelError("the request has no messages to send to the model")
    if count_tokens(turns) <= budget:
        return turns

    last_user = max((i for i, t in enumerate(turns) if t.role == "user"), default=len(turns) - 1)
    history = [i for i, t in enumerate(turns) if t.role != "system" and i != last_user]
    history_set = set(history)

    def keep(dropped: int) -> list[ChatTurn]:
        kept_history = history[dropped:]
        while kept_history and turns[kept_history[0]].role == "assistant":
            kept_history = kept_history[1:]
        wanted = set(kept_history)
        return [t for i, t in enumerate(turns) if i in wanted or i not in history_set]

    minimal = keep(len(history))
    minimal_count = count_tokens(minimal)
    if minimal_count > budget:
        raise ContextTooLong(
            f"prompt too long: {minimal_count} tokens, the model's context allows {budget}"
            f" (n_ctx {n_ctx} minus max_tokens {max_tokens}) even without history;"
            " shorten the message or the system prompt, or raise n_ctx",
            advice=_shorter_please(turns[last_user], minimal, budget, count_tokens),
        )
    # Fewer history turns never make the prompt longer: binary-search the fewest drops that fit.
    best = minimal
    low, high = 1, len(history)
    while low < high:
        mid = (low + high) // 2
        candidate = keep(mid)
        if count_tokens(candidate) <= budget:
            best, high = candidate, mid
        else:
            low = mid + 1
    return best


def _shorter_please(message: ChatTurn, minimal: list[ChatTurn], budget: int,
                    count_tokens: Callable[[Sequence[ChatTurn]], int]) -> str | None:
    """What to tell the sender when their own message is what does not fit (None when the rest alone does not:
    that is the configuration's to fix, not theirs)."""
    rest = [t for t in minimal if t is not message]
    if message.role != "user" or (rest and count_tokens(rest) >= budget):
        return None
    return "Your message is too long for me to read at once: please send a shorter one."

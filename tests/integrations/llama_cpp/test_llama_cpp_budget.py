"""fit_messages: history is dropped oldest first until the prompt fits n_ctx - max_tokens."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import ModelError
from core.model import ChatTurn
from integrations.llama_cpp.budget import fit_messages


def words(turns: Sequence[ChatTurn]) -> int:
    """A simple tokenizer: one token per word plus two of markup per turn."""
    return sum(len(t.content.split()) + 2 for t in turns)


def chat(history_pairs: int, *, words_per_turn: int = 8) -> list[ChatTurn]:
    turns = [ChatTurn("system", "be brief")]
    for i in range(history_pairs):
        turns.append(ChatTurn("user", " ".join([f"u{i}"] * words_per_turn)))
        turns.append(ChatTurn("assistant", " ".join([f"a{i}"] * words_per_turn)))
    turns.append(ChatTurn("user", "last question"))
    return turns


def test_fitting_prompt_is_unchanged() -> None:
    turns = chat(3)
    assert fit_messages(turns, n_ctx=1000, max_tokens=100, count_tokens=words) == turns


def test_oldest_history_goes_first() -> None:
    turns = chat(5)  # system 4, each history turn 10, last user 4 -> 108 tokens
    out = fit_messages(turns, n_ctx=60, max_tokens=10, count_tokens=words)
    assert words(out) <= 50
    assert out[0] == turns[0] and out[-1] == turns[-1]
    # the newest pairs survive, in order, and the kept history starts with the user
    assert out[1:-1] == turns[-1 - len(out[1:-1]) : -1]
    assert out[1].role == "user"
    # as much history as fits: putting back the previous pair would overflow
    kept = len(out) - 2
    bigger = [turns[0], *turns[-1 - kept - 2 : -1], turns[-1]]
    assert words(bigger) > 50


def test_leading_assistant_turn_is_dropped_with_its_question() -> None:
    turns = chat(2)
    # room for system + last user + exactly one history turn: the newest is an assistant
    # turn, which would open the history with the assistant, so it goes too
    out = fit_messages(turns, n_ctx=4 + 4 + 10 + 5, max_tokens=5, count_tokens=words)
    assert [t.role for t in out] == ["system", "user"]


def test_system_turns_anywhere_are_kept() -> None:
    turns = [
        ChatTurn("system", "rules"),
        ChatTurn("user", "old " * 20),
        ChatTurn("system", "passages from the knowledge base"),
        ChatTurn("user", "now"),
    ]
    out = fit_messages(turns, n_ctx=20, max_tokens=5, count_tokens=words)
    assert out == [turns[0], turns[2], turns[3]]


def test_too_long_even_without_history() -> None:
    turns = [ChatTurn("system", "s"), ChatTurn("user", "word " * 50)]
    with pytest.raises(ModelError) as info:
        fit_messages(turns, n_ctx=40, max_tokens=8, count_tokens=words)
    msg = str(info.value)
    assert msg.startswith("prompt too long: 55 tokens, the model's context allows 32")
    assert "shorter" in info.value.advice  # the sender's own message is too long: they are told


def test_a_system_prompt_too_long_is_not_the_senders_to_fix() -> None:
    turns = [ChatTurn("system", "rule " * 50), ChatTurn("user", "hi")]
    with pytest.raises(ModelError, match="prompt too long") as info:
        fit_messages(turns, n_ctx=40, max_tokens=8, count_tokens=words)
    assert info.value.advice is None


def test_max_tokens_filling_the_context_is_an_error() -> None:
    with pytest.raises(ModelError, match="no room"):
        fit_messages(chat(0), n_ctx=64, max_tokens=64, count_tokens=words)


def test_no_messages_is_an_error() -> None:
    with pytest.raises(ModelError, match="no messages"):
        fit_messages([], n_ctx=64, max_tokens=8, count_tokens=words)


turn_st = st.builds(
    ChatTurn,
    role=st.sampled_from(["system", "user", "assistant"]),
    content=st.lists(st.sampled_from(["a", "bb", "ccc"]), max_size=30).map(" ".join),
)


@given(turns=st.lists(turn_st, min_size=1, max_size=25), n_ctx=st.integers(10, 200))
def test_fit_properties(turns: list[ChatTurn], n_ctx: int) -> None:
    max_tokens = 5
    try:
        out = fit_messages(turns, n_ctx=n_ctx, max_tokens=max_tokens, count_tokens=words)
    except ModelError as exc:
        assert str(exc).startswith("prompt too long")
        return
    assert words(out) <= n_ctx - max_tokens
    # a subsequence that keeps every system turn and the last user turn
    it = iter(turns)
    assert all(any(t is u for u in it) for t in out)
    assert [t for t in turns if t.role == "system"] == [t for t in out if t.role == "system"]
    users = [t for t in turns if t.role == "user"]
    if users:
        assert any(t is users[-1] for t in out)

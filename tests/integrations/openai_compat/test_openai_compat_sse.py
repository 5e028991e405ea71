"""The incremental server-sent events decoder."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from integrations.openai_compat.sse import SSEDecoder, SSEEvent


def decode(*chunks: bytes) -> list[SSEEvent]:
    """Feed chunks one by one, then flush."""
    decoder = SSEDecoder()
    events: list[SSEEvent] = []
    for chunk in chunks:
        events.extend(decoder.feed(chunk))
    events.extend(decoder.flush())
    return events


def test_data_lines_and_blank_line_dispatch() -> None:
    events = decode(b'data: {"a":1}\n\ndata: [DONE]\n\n')
    assert [e.data for e in events] == ['{"a":1}', "[DONE]"]
    assert all(e.event == "message" for e in events)


def test_multi_line_data_is_joined_with_newlines() -> None:
    events = decode(b'data: {"a":\ndata: 1}\n\n')
    assert events == [SSEEvent(data='{"a":\n1}')]


def test_comments_event_names_ids_and_unknown_fields() -> None:
    stream = b": keep-alive\nevent: error\nid: 7\nretry: 100\nfoo: bar\ndata: oops\n\n: ping\n\n"
    assert decode(stream) == [SSEEvent(data="oops", event="error", id="7")]


def test_crlf_and_cr_line_endings() -> None:
    assert [e.data for e in decode(b"data: a\r\n\r\ndata: b\r\rdata: c\n\n")] == ["a", "b", "c"]


def test_cr_at_chunk_end_waits_for_a_possible_lf() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: x\r") == []
    assert decoder.feed(b"\n\r\n") == [SSEEvent(data="x")]


def test_value_without_space_and_field_without_colon() -> None:
    assert decode(b"data:tight\n\ndata\n\n") == [SSEEvent(data="tight"), SSEEvent(data="")]


def test_unterminated_last_event_is_dispatched_at_flush() -> None:
    assert decode(b"data: first\n\ndata: last") == [SSEEvent(data="first"), SSEEvent(data="last")]


def test_utf8_split_inside_a_character_and_bom() -> None:
    raw = "\ufeffdata: 你好，世界\n\n".encode()
    assert decode(*[raw[i : i + 1] for i in range(len(raw))]) == [SSEEvent(data="你好，世界")]


_text = st.text(
    alphabet=st.characters(blacklist_characters="\r\n", blacklist_categories=("Cs",)), max_size=20
)


@given(
    datas=st.lists(st.lists(_text, min_size=1, max_size=3), min_size=1, max_size=5),
    newline=st.sampled_from([b"\n", b"\r\n", b"\r"]),
    cuts=st.lists(st.integers(min_value=0, max_value=400), max_size=10),
)
def test_any_split_of_the_stream_gives_the_same_events(
    datas: list[list[str]], newline: bytes, cuts: list[int]
) -> None:
    stream = b"".join(
        b"".join(b"data: " + line.encode() + newline for line in lines) + newline for lines in datas
    )
    points = sorted({min(c, len(stream)) for c in cuts} | {0, len(stream)})
    chunks = [stream[a:b] for a, b in zip(points, points[1:], strict=False)]
    expected = ["\n".join(lines) for lines in datas]
    assert [e.data for e in decode(*chunks)] == expected
    assert [e.data for e in decode(stream)] == expected

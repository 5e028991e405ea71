"""An incremental decoder for server-sent events (text/event-stream), fed raw bytes."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["SSEDecoder", "SSEEvent"]

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True, slots=True)
class SSEEvent:
    """One dispatched event: its type, its data (data lines joined by newlines) and its id."""

    data: str
    event: str = "message"
    id: str | None = None


class SSEDecoder:
    """Turns byte chunks, split anywhere, into events, following the WHATWG event-stream rules.

    Lines end with CRLF, LF or CR; a blank line dispatches the event; lines starting with a colon
    are comments; several `data:` lines form one event joined with newlines. Unlike a browser,
    `flush()` also dispatches an event the server did not terminate with a blank line, because
    some servers close the stream right after their last `data:` line.
    """

    def __init__(self) -> None:
        self._buffer = b""
        self._data: list[str] = []
        self._event = ""
        self._last_id: str | None = None
        self._has_fields = False
        self._bom_checked = False

    def feed(self, chunk: bytes) -> list[SSEEvent]:
        """Add bytes from the stream; return the events completed by them, in order."""
        if not chunk:
            return []
        buffer = self._buffer + chunk
        if not self._bom_checked:
            if len(buffer) < 3 and b"\xef\xbb\xbf".startswith(buffer):
                self._buffer = buffer
                return []
            if buffer.startswith(b"\xef\xbb\xbf"):
                buffer = buffer[3:]
            self._bom_checked = True
        events: list[SSEEvent] = []
        start = 0
        length = len(buffer)
        while start < length:
            cr = buffer.find(b"\r", start)
            lf = buffer.find(b"\n", start)
            if cr == -1 and lf == -1:
                break
            if cr == -1 or (lf != -1 and lf < cr):
                end, next_start = lf, lf + 1
            elif cr + 1 < length:
                end = cr
                next_start = cr + 2 if buffer[cr + 1 : cr + 2] == b"\n" else cr + 1
            else:
                break  # a CR at the end: wait to see whether an LF follows
            self._line(buffer[start:end].decode("utf-8", errors="replace"), events)
            start = next_start
        self._buffer = buffer[start:]
        return events

    def flush(self) -> list[SSEEvent]:
        """Signal the end of the stream; return any event still pending."""
        events: list[SSEEvent] = []
        rest = self._buffer
        self._buffer = b""
        if rest.endswith(b"\r"):
            rest = rest[:-1]
        if rest:
            for line in _LINE_BREAK.split(rest.decode("utf-8", errors="replace")):
                self._line(line, events)
        self._dispatch(events)
        return events

    def _line(self, line: str, events: list[SSEEvent]) -> None:
        """Apply one complete line to the pending event."""
        if not line:
            self._dispatch(events)
            return
        if line.startswith(":"):
            return
        name, sep, value = line.partition(":")
        if sep and value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._data.append(value)
            self._has_fields = True
        elif name == "event":
            self._event = value
        elif name == "id":
            if "\0" not in value:
                self._last_id = value
        # "retry" and unknown fields are ignored, as the standard says.

    def _dispatch(self, events: list[SSEEvent]) -> None:
        """Emit the pending event if it has data, then reset for the next one."""
        if self._has_fields:
            events.append(
                SSEEvent(
                    data="\n".join(self._data), event=self._event or "message", id=self._last_id
                )
            )
        self._data = []
        self._event = ""
        self._has_fields = False

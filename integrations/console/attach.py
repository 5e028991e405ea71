"""`roost chat` while Roost runs (as a service, say): this terminal is its console, over the console's socket.

Each line is answered before the next is read; a model's answer shows as it is written; Ctrl-C stops
it (its runs end cancelled), as in the console of a `roost chat` that runs Roost itself. Replies that
come while the prompt waits (an alert, an answer no longer waited for) show above it, once whole.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path
from typing import Any, TextIO

import orjson

from core.terminal import LineReader, Terminal
from core.terminal_markdown import TerminalMarkdown, styled, wants_styles
from integrations.console.channel import QUIT_COMMANDS
from integrations.console.visitors import MAX_LINE

ENDING_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


async def chat_with_running(path: Path, *, prompt: str, reply_prefix: str, stdin: TextIO = sys.stdin,
                            stdout: TextIO = sys.stdout) -> int:
    """Be the console of the Roost listening on path until the end of input (with the console's prompt and reply
    prefix at a terminal); the exit code."""
    try:
        reader, writer = await asyncio.open_unix_connection(str(path), limit=MAX_LINE)
    except PermissionError:
        print(f"roost chat: Roost runs, but its console {path} is another user's: run roost chat as the user"
              f" Roost runs as (the owner of {path.parent})", file=sys.stderr)
        return 1
    except OSError as err:
        print(f"roost chat: Roost runs, but its console does not answer at {path} ({err.strerror or err}): is"
              " console: in the configuration it was started with? (after adding it, restart Roost)",
              file=sys.stderr)
        return 1
    interactive = stdin.isatty() and stdout.isatty()
    terminal = Terminal(stdout, prompt) if interactive and stdin is sys.stdin else None
    print(f"Roost runs already: this terminal is its console{' (Ctrl-D or /quit leaves)' if interactive else ''}",
          file=sys.stderr)
    loop, ended_by = asyncio.get_running_loop(), []
    for signum in ENDING_SIGNALS:  # end as at Ctrl-D, so that the terminal's settings are put back
        loop.add_signal_handler(signum, _end_on, signum, ended_by, asyncio.current_task())
    talk = _Talk(reader, writer, terminal or stdout, reply_prefix if interactive else "",
                 styles=terminal is not None and wants_styles(stdout))
    try:
        if terminal is None:
            return await talk.converse(LineReader(stdin))
        loop.add_signal_handler(signal.SIGINT, talk.interrupt)
        code = await talk.converse(LineReader(stdin, terminal))
        terminal.write("\n")  # the shell's prompt on a line of its own
        return code
    except asyncio.CancelledError:
        if not ended_by:
            raise  # Ctrl-C from a pipe: KeyboardInterrupt
        return 128 + ended_by[0]
    finally:
        writer.close()


def _end_on(signum: int, ended_by: list[int], task: asyncio.Task[Any] | None) -> None:
    ended_by.append(signum)
    if task is not None:
        task.cancel()


class _Talk:
    """One session on the console's socket: lines sent in turn, replies shown as they are written."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, out: Terminal | TextIO,
                 prefix: str, *, styles: bool = False) -> None:
        self.reader = reader
        self.writer = writer
        self.out = out
        self.prefix = prefix
        self.styles = styles
        """A model's Markdown is styled (out is a terminal that shows styles)."""
        self._reading: asyncio.Task[None]  # the frames Roost sends, read as they come
        self._waiting: asyncio.Future[None] | None = None
        """While a line's answer is awaited (its reply is shown as it is written): done when it is answered, or
        when Ctrl-C stops waiting for it."""
        self._cancelling = False  # Ctrl-C asked Roost to stop the answer
        self._streamed: str | None = None  # the reply being written, as far as it came
        self._live = False  # it is shown as it comes (else gathered, and shown whole)
        self._markdown: TerminalMarkdown | None = None  # how it is styled as it comes (None: as written)

    async def converse(self, lines: LineReader) -> int:
        """Send each line in turn until the end of input; the exit code."""
        loop = asyncio.get_running_loop()
        self._reading = loop.create_task(self._read())
        try:
            lines.start(loop)
            while (line := await self._next_line(lines)) is not None and line.strip().lower() not in QUIT_COMMANDS:
                if line.strip():
                    await self._turn(line)
            return 0
        except ConnectionError as err:
            self._drop_stream()
            print(f"roost chat: {err}", file=sys.stderr)
            return 1
        finally:
            self._reading.cancel()
            if self._reading.done() and not self._reading.cancelled():
                self._reading.exception()  # retrieved: why it closed was said, or no longer matters

    def interrupt(self) -> None:
        """Ctrl-C: stop the answer being written (its runs end cancelled; pressed again, or with nothing to stop
        yet, stop waiting for it); at the prompt, say how to leave."""
        if self._waiting is None:
            self._write("(Ctrl-D or /quit leaves)\n")
        elif not self._cancelling:
            self._cancelling = True
            self._send(cancel=True)
        else:
            self._stop_waiting()

    async def _next_line(self, lines: LineReader) -> str | None:
        """The next line typed; ConnectionError when Roost closes the socket meanwhile."""
        line = asyncio.get_running_loop().create_task(lines.next())
        await asyncio.wait([line, self._reading], return_when=asyncio.FIRST_COMPLETED)
        if not line.done():
            line.cancel()
            self._reading.result()  # raises why it closed
        return line.result()

    async def _turn(self, line: str) -> None:
        """Send a line and show its replies as they are written, until it is answered (or Ctrl-C)."""
        self._waiting, self._cancelling = asyncio.get_running_loop().create_future(), False
        self._send(text=line)
        try:
            await asyncio.wait([self._waiting, self._reading], return_when=asyncio.FIRST_COMPLETED)
        finally:
            self._waiting = None
        if self._reading.done():
            self._reading.result()  # raises why it closed

    def _send(self, **frame: Any) -> None:
        if not self.writer.is_closing():
            self.writer.write(orjson.dumps(frame) + b"\n")

    async def _read(self) -> None:
        """Show what Roost sends as it comes, until it closes the socket: then raise ConnectionError, saying why."""
        why = "Roost closed the console"
        while line := await self.reader.readline():
            frame = orjson.loads(line)
            if "bye" in frame:
                why = f"Roost closed the console: {frame['bye']}"
            elif frame.get("answered"):
                if self._waiting is not None and not self._waiting.done():
                    self._waiting.set_result(None)
            elif "cancelled" in frame:
                if frame["cancelled"]:
                    self._drop_stream()
                    self._write("(cancelled)\n")
                else:  # its runs have not started (they wait behind others): the answer comes later
                    self._stop_waiting()
            else:
                self._show(frame)
        raise ConnectionError(why)

    def _show(self, frame: dict[str, Any]) -> None:
        """A reply: whole, or a part of one being written (shown as it comes while a line's answer is awaited;
        at the prompt, once whole)."""
        if "reply" in frame or "said" in frame:
            self._pause_stream()
            text = frame.get("reply", frame.get("said"))
            self._write(f"{self.prefix}{styled(text) if self.styles and frame.get('markdown') else text}\n")
        elif frame.get("begin"):
            self._drop_stream()  # one its cancelled run left open
            self._streamed, self._live = "", self._waiting is not None
            self._markdown = TerminalMarkdown() if self.styles and frame.get("markdown") else None
            if self._live:
                self._write(self.prefix)
        elif "piece" in frame and self._streamed is not None:
            self._streamed += frame["piece"]
            if self._live:
                self._write(frame["piece"] if self._markdown is None else self._markdown.feed(frame["piece"]))
        elif frame.get("end") and self._streamed is not None:
            if self._live:
                self._write(("" if self._markdown is None else self._markdown.end()) + "\n")
            else:
                self._write(f"{self.prefix}{self._streamed if self._markdown is None else styled(self._streamed)}\n")
            self._streamed = None

    def _pause_stream(self) -> None:
        """Something else is written: a reply shown as it comes ends its line, and shows whole once written."""
        if self._streamed is not None and self._live:
            self._write("\n")
            self._live = False

    def _drop_stream(self) -> None:
        """A reply being written stops here (its run was cancelled, or the session ends)."""
        if self._streamed is not None and self._live:
            self._write("\n")
        self._streamed = None

    def _stop_waiting(self) -> None:
        if self._waiting is not None and not self._waiting.done():
            self._pause_stream()
            self._write("(not waiting for it: the answer shows here when it comes)\n")
            self._waiting.set_result(None)

    def _write(self, text: str) -> None:
        self.out.write(text)
        if not isinstance(self.out, Terminal):
            self.out.flush()

"""The terminal of `roost chat`: its lines read for an event loop; at a prompt, line editing and history
(readline), and output that never lands on the prompt.

While the prompt waits for a line, anything else written (a reply, a log line) goes above it and
the prompt is drawn again with what was typed so far. While a reply is being streamed, log lines
wait until its line is complete. History lives in memory only: what was typed is never written to
disk in the clear (the store encrypts what it keeps).
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import getpass
import io
import logging
import sys
import termios
import threading
from typing import Any, TextIO

try:  # line editing and arrow-key history; absent on some minimal Pythons
    import readline
except ImportError:  # pragma: no cover - Debian's Python has it
    readline = None  # type: ignore[assignment]

_LOGGER = logging.getLogger(__name__)
CLEAR_LINE = "\r\x1b[2K"


def user_name() -> str:
    """Who is at this terminal: the login name ("console" where there is none, as in some containers)."""
    try:
        return getpass.getuser()
    except Exception:  # no user name in some containers
        return "console"


class Terminal:
    """One terminal shared by the prompt (a reader thread), replies and log lines (any thread).

    Its settings are put back as the process exits: one that ends while the prompt waits (Roost
    stopped under it) would otherwise leave the shell a terminal that neither echoes nor edits lines.
    """

    def __init__(self, stdout: TextIO, prompt: str) -> None:
        self.stdout = stdout
        self.prompt = prompt
        with contextlib.suppress(termios.error, OSError, ValueError):
            settings = termios.tcgetattr(sys.stdin.fileno())
            atexit.register(self._restore, sys.stdin.fileno(), settings)
        self._lock = threading.RLock()
        self._prompting = False
        self._midline = False  # a reply is being written and its line is not complete
        self._held: list[str] = []  # log lines that arrived while a reply was being written

    def read(self) -> str | None:
        """The next line typed (blocking; for the reader thread), None at end of input (Ctrl-D)."""
        if readline is not None:
            readline.set_startup_hook(self._reading)
        else:
            self._reading()
        try:
            return input(self.prompt)
        except EOFError:
            return None
        finally:
            with self._lock:
                self._prompting = False

    @staticmethod
    def _restore(fd: int, settings: list[Any]) -> None:
        with contextlib.suppress(termios.error, OSError):
            termios.tcsetattr(fd, termios.TCSANOW, settings)

    def _reading(self) -> None:
        """readline has the terminal (its mode is on) and is about to show the prompt: output goes above it now.

        Not before: a prompt drawn above a line of output while readline was still starting up told
        whoever was typing that keys were read, and a Ctrl-D typed then, before readline switched the
        terminal over, was lost (the line discipline's end-of-file mark does not survive the switch).
        Not after the prompt is shown either (its pre-input hook): output in between landed on the prompt.
        """
        with self._lock:
            self._prompting = True

    def write(self, text: str) -> None:
        """Write a reply or part of one (streamed pieces keep the line open until a newline)."""
        with self._lock:
            if self._prompting:
                self._above(text if text.endswith("\n") else text + "\n")
                return
            self.stdout.write(text)
            if text:
                self._midline = not text.endswith("\n")
            if not self._midline and self._held:
                self.stdout.write("".join(self._held))
                self._held.clear()
            self.stdout.flush()

    def log(self, text: str) -> None:
        """Write a log line where it does not break the prompt or a reply being written."""
        with self._lock:
            if self._prompting:
                self._above(text)
            elif self._midline:
                self._held.append(text)
            else:
                self.stdout.write(text)
                self.stdout.flush()

    def _above(self, text: str) -> None:
        typed = readline.get_line_buffer() if readline is not None else ""
        self.stdout.write(CLEAR_LINE + text + self.prompt + typed)
        self.stdout.flush()

    def take_logs(self) -> None:
        """Send Roost's log lines (its handlers on stderr) through log() while the terminal is in use."""
        stream = _LogStream(self)
        for handler in logging.getLogger().handlers:
            if getattr(handler, "_roost", False) and isinstance(handler, logging.StreamHandler):
                handler.setStream(stream)


class _LogStream:
    """A file-like object a logging.StreamHandler writes to."""

    def __init__(self, terminal: Terminal) -> None:
        self.terminal = terminal

    def write(self, text: str) -> int:
        self.terminal.log(text)
        return len(text)

    def flush(self) -> None:
        return None

    def fileno(self) -> Any:
        return self.terminal.stdout.fileno()


class LineReader:
    """The lines of stdin for an event loop, read in a daemon thread (a read that blocks never holds up an exit).

    At a terminal's prompt the next line is asked for only when the last one was taken (`next`), so the
    prompt comes back once the last line was answered; from a pipe or a file lines are read ahead.
    """

    def __init__(self, stdin: TextIO, terminal: Terminal | None = None) -> None:
        self.stdin = stdin
        self.terminal = terminal
        self._lines: asyncio.Queue[str | None] = asyncio.Queue()
        self._asked = threading.Event()

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Start reading, for this loop."""
        read = self._read_prompt if self.terminal is not None else self._read_lines
        threading.Thread(target=read, args=(loop,), name="stdin", daemon=True).start()

    async def next(self) -> str | None:
        """The next line, without its end; None at the end of input."""
        self._asked.set()
        return await self._lines.get()

    def _read_lines(self, loop: asyncio.AbstractEventLoop) -> None:
        if isinstance(self.stdin, io.TextIOWrapper):  # bytes that are not UTF-8 (a file in Latin-1): U+FFFD in
            self.stdin.reconfigure(errors="replace")   # their line, not the end of the input
        try:
            for line in self.stdin:
                loop.call_soon_threadsafe(self._lines.put_nowait, line.rstrip("\r\n"))
        except (OSError, ValueError) as err:
            _LOGGER.warning("Reading the terminal failed: %s", err)
        finally:
            try:
                loop.call_soon_threadsafe(self._lines.put_nowait, None)
            except RuntimeError:  # the loop is already closed
                pass

    def _read_prompt(self, loop: asyncio.AbstractEventLoop) -> None:
        assert self.terminal is not None
        while True:
            self._asked.wait()
            self._asked.clear()
            line = self.terminal.read()
            try:
                loop.call_soon_threadsafe(self._lines.put_nowait, line)
            except RuntimeError:  # the loop is already closed
                return
            if line is None:
                return

"""The interactive prompt of `roost chat`: line editing and history (readline), output that never lands on it.

While the prompt waits for a line, anything else written (a reply, a log line) goes above it and
the prompt is drawn again with what was typed so far. While a reply is being streamed, log lines
wait until its line is complete. History lives in memory only: what was typed is never written to
disk in the clear (the store encrypts what it keeps).
"""

from __future__ import annotations

import logging
import threading
from typing import Any, TextIO

try:  # line editing and arrow-key history; absent on some minimal Pythons
    import readline
except ImportError:  # pragma: no cover - Debian's Python has it
    readline = None  # type: ignore[assignment]

CLEAR_LINE = "\r\x1b[2K"


class Terminal:
    """One terminal shared by the prompt (a reader thread), replies and log lines (any thread)."""

    def __init__(self, stdout: TextIO, prompt: str) -> None:
        self.stdout = stdout
        self.prompt = prompt
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

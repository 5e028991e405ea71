"""`roost chat` in a real terminal (a pseudo-terminal): history with the arrow keys, Ctrl-C cancels the answer
being written without quitting, log lines go above the prompt, Ctrl-D quits."""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import sys
import termios
import textwrap
import time
from pathlib import Path

import pytest

ROOST = Path(sys.executable).parent / "roost"
CONFIG = """
automations:
  - id: echo
    triggers: [{trigger: message, command: echo}]
    actions: [{reply: "echo: {{ trigger.args_text }}"}]
  - id: wait
    triggers: [{trigger: message, command: wait}]
    actions:
      - delay: 30
      - reply: "too late"
  - id: tick
    triggers: [{trigger: schedule, every: 1s}]
    actions: [{reply: "a reply with no chat to go to: this run fails and says so in the log"}]
"""
ERASED = re.compile(r"[^\n]*\r\x1b\[2K")
"""A line the console clears (the prompt, to put a log line above it), with what it held."""
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\r")
PROMPT = "you> "
LOG_LINES = r"(?:\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [A-Z]+ +[^\n]*\n)*"
"""The tick's log lines, which may come between an answer and the prompt after it (they go above the prompt)."""


def screen(output: str) -> str:
    """What a terminal shows of output, as text: cleared lines gone, other control sequences dropped."""
    return ANSI.sub("", ERASED.sub("", output))


class Pty:
    """A `roost chat` process on a pseudo-terminal of its own (its controlling terminal: Ctrl-C is SIGINT)."""

    def __init__(self, config: Path, command: str = "chat") -> None:
        env = {**os.environ, "TERM": "xterm", "PYTHONUNBUFFERED": "1"}
        env.pop("ROOST_CONFIG", None)
        env.pop("NO_COLOR", None)
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child
            os.chdir(config)
            os.execve(str(ROOST), [str(ROOST), command, "--config", str(config)], env)
        self.seen = ""
        self.raw = ""
        """What the last expect read, as it came (with its control sequences)."""

    def type(self, keys: str) -> None:
        """Send keys as typed."""
        os.write(self.fd, keys.encode())

    def expect(self, pattern: str, timeout: float = 20.0) -> str:
        """Read until the screen text after the last match has pattern; that text."""
        deadline = time.monotonic() + timeout
        while True:
            clean = screen(self.seen)
            if re.search(pattern, clean):
                self.raw, self.seen = self.seen, ""
                return clean
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {pattern!r} on the terminal within {timeout} s; it shows:\n{clean}")
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    self.seen += os.read(self.fd, 65536).decode(errors="replace")
                except OSError:  # the process ended
                    raise AssertionError(f"roost chat ended; it showed:\n{screen(self.seen)}") from None

    def wait(self, timeout: float = 20.0) -> int:
        """The exit status once the process ended (reading what it still prints)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return os.waitstatus_to_exitcode(status)
            if select.select([self.fd], [], [], 0.1)[0]:
                try:
                    self.seen += os.read(self.fd, 65536).decode(errors="replace")
                except OSError:
                    pass
        raise AssertionError("roost chat did not end")

    def echoes_and_edits_lines(self) -> bool:
        """Whether the terminal is as a shell leaves it: it echoes what is typed, and lines can be edited."""
        local_modes = termios.tcgetattr(self.fd)[3]
        return bool(local_modes & termios.ECHO and local_modes & termios.ICANON)

    def kill(self) -> None:
        """End it whatever state it is in."""
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(self.fd)


@pytest.fixture
def terminal(tmp_path: Path):
    (tmp_path / "configuration.yaml").write_text(textwrap.dedent(CONFIG), encoding="utf-8")
    chat = Pty(tmp_path)
    yield chat
    chat.kill()


def test_history_cancel_logs_and_quit(terminal: Pty) -> None:
    terminal.expect(re.escape(PROMPT) + "$")
    terminal.type("/echo first words\r")
    terminal.expect(r"roost> echo: first words\n" + LOG_LINES + re.escape(PROMPT))

    terminal.type("\x1b[A\r")  # arrow up: the last line again
    terminal.expect(r"roost> echo: first words\n" + LOG_LINES + re.escape(PROMPT))

    terminal.type("/wait\r")
    time.sleep(1.0)  # the run is under way
    terminal.type("\x03")  # Ctrl-C
    screen = terminal.expect(r"\(cancelled\)\n" + LOG_LINES + re.escape(PROMPT), timeout=5)
    assert "too late" not in screen
    terminal.type("/echo still here\r")  # Roost did not quit
    terminal.expect(r"roost> echo: still here\n" + LOG_LINES + re.escape(PROMPT))

    terminal.type("/echo half a li")  # typed, not sent: log lines arrive meanwhile
    screen = terminal.expect(r"WARNING .*\n" + re.escape(PROMPT) + "/echo half a li$", timeout=10)
    for line in screen.splitlines():
        assert not (line.startswith(PROMPT) and "WARNING" in line), f"a log line on the prompt: {line!r}"
    terminal.type("ne\r")
    # The answer, then the next prompt: keys typed from here on are read (a prompt redrawn with a log line
    # while the line was being taken would say so too early, and a Ctrl-D typed then would be lost).
    terminal.expect(r"roost> echo: half a line\n" + LOG_LINES + re.escape(PROMPT) + "$")

    terminal.type("\x03")  # Ctrl-C at the prompt does not quit either
    terminal.expect(r"Ctrl-D or /quit leaves Roost")
    terminal.type("\x04")  # Ctrl-D
    assert terminal.wait() == 0


def test_in_roost_run_ctrl_c_still_stops_roost(tmp_path: Path) -> None:
    (tmp_path / "configuration.yaml").write_text("console:\n", encoding="utf-8")
    run = Pty(tmp_path, "run")
    try:
        run.expect(re.escape(PROMPT) + "$")  # the console reads the terminal under `roost run` too
        run.type("\x03")
        assert run.wait() == 0
    finally:
        run.kill()


def test_stopped_while_the_prompt_waits_it_leaves_the_terminal_as_it_found_it(terminal: Pty) -> None:
    terminal.expect(re.escape(PROMPT) + "$")
    assert not terminal.echoes_and_edits_lines()  # readline has the terminal
    os.kill(terminal.pid, signal.SIGTERM)  # `roost chat` stops gracefully: its prompt's thread is still reading
    assert terminal.wait() == 0
    assert terminal.echoes_and_edits_lines()

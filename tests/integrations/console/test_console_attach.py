"""`roost chat` while Roost runs: the terminal becomes the running gateway's console, over the console's socket."""

from __future__ import annotations

import asyncio
import getpass
import json
import logging
import re
import signal
import stat
import time
from pathlib import Path
from typing import Any

import pytest

from integrations.console.visitors import SOCKET_NAME
from tests.helpers.cli import running_roost
from tests.helpers.configdir import ROOST, write_config
from tests.helpers.models import InstantModel
from tests.integrations.console.test_console_terminal import Pty

AUTOMATIONS = """
automations:
  - id: echo
    triggers: [{trigger: message, command: echo}]
    actions: [{reply: "echo: {{ trigger.args_text }}"}]
  - id: later
    triggers: [{trigger: message, command: later}]
    actions:
      - delay: 2
      - reply: "{{ trigger.sender }} asked this a while ago"
  - id: owner_only
    triggers: [{trigger: message, platform: console, command: whoami}]
    actions: [{reply: "{{ trigger.sender }} at the console"}]
"""


def config(tmp_path: Path, console: str = "console: {read_stdin: never}\n", extra: str = AUTOMATIONS) -> Path:
    """A configuration with the console (this test process's stdin is not its to read)."""
    return write_config(tmp_path / "config", console + extra)


async def roost_chat(directory: Path, lines: str) -> tuple[int, str, str]:
    """`roost chat` with lines piped in: (exit code, stdout, stderr)."""
    chat = await asyncio.create_subprocess_exec(
        str(ROOST), "chat", "--config", str(directory), stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(chat.communicate(lines.encode()), 60)
    assert chat.returncode is not None
    return chat.returncode, out.decode(), err.decode()


async def open_session(directory: Path) -> Any:
    """`roost chat` with its stdin left open, after its first line was answered."""
    chat = await asyncio.create_subprocess_exec(
        str(ROOST), "chat", "--config", str(directory), stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    assert chat.stdin is not None and chat.stdout is not None
    chat.stdin.write(b"/echo one\n")
    assert await asyncio.wait_for(chat.stdout.readline(), 60) == b"echo: one\n"
    return chat


async def _asking(make_gateway: Any, tmp_path: Path, answer: str) -> Path:
    """A Roost whose console's `/ask` is answered by a model writing answer piece by piece; its directory."""
    directory = config(tmp_path, extra=AUTOMATIONS + """
  - id: ask
    triggers: [{trigger: message, platform: console, command: ask}]
    actions: [{generate: {prompt: "{{ trigger.args_text }}", reply: true}}]
""")
    gateway = await make_gateway(directory, builtins=True, start=False)
    gateway.register_model(InstantModel(text=answer, delay=0.01))
    await gateway.start()
    return directory


async def test_piped_lines_are_answered_in_turn_as_at_the_console(make_gateway, tmp_path: Path, caplog) -> None:
    caplog.set_level(logging.INFO, logger="integrations.console.visitors")
    directory = config(tmp_path)
    await make_gateway(directory, builtins=True)
    assert stat.S_IMODE((directory / SOCKET_NAME).stat().st_mode) == 0o600, "its owner's alone"
    code, out, err = await roost_chat(directory, "/echo one\n\n/whoami\n/pair list\n/quit\n/echo not read\n")
    assert code == 0, err
    assert out == (f"echo: one\n{getpass.getuser()} at the console\n"
                   "No pairing codes wait, and nobody is approved yet.\n")
    assert err == "Roost runs already: this terminal is its console\n"
    user, said = getpass.getuser(), []
    async with asyncio.timeout(5):  # the session has ended: Roost sees its socket close
        while len(said) < 2:
            await asyncio.sleep(0.01)
            said = [r.getMessage() for r in caplog.records if r.name == "integrations.console.visitors"]
    assert said == [f"roost chat of {user} attached to the console", f"roost chat of {user} left the console"]


async def test_a_model_answer_streams_to_the_session_and_a_second_session_sees_the_replies(make_gateway,
                                                                                         tmp_path: Path) -> None:
    directory = await _asking(make_gateway, tmp_path, "one two three four five")
    first = await open_session(directory)
    code, out, err = await roost_chat(directory, "/ask something\n")
    assert code == 0, err
    assert out == "one two three four five\n"
    assert await asyncio.wait_for(first.stdout.readline(), 10) == out.encode(), "the console's replies go to both"
    first.stdin.close()
    assert await asyncio.wait_for(first.wait(), 10) == 0


async def test_at_a_terminal_a_models_markdown_is_styled_as_it_is_written(make_gateway, tmp_path: Path) -> None:
    directory = await _asking(make_gateway, tmp_path, "## Bread\nRye is **dense**; use `starter`.\n- flour")
    terminal = Pty(directory)
    try:
        await asyncio.to_thread(terminal.expect, r"you> $")
        terminal.type("/ask bread\r")
        screen = await asyncio.to_thread(terminal.expect, r"flour\nyou> $")
        raw = terminal.raw
        terminal.type("/echo **as written**\r")  # an automation's own text is not a model's Markdown
        assert "roost> echo: **as written**" in await asyncio.to_thread(terminal.expect, r"written\*\*\nyou> $")
    finally:
        terminal.kill()
    assert "roost> Bread\nRye is dense; use starter.\n• flour\n" in screen
    for styled in ("\x1b[1mBread\x1b[0m", "\x1b[1mdense\x1b[0m", "\x1b[36mstarter\x1b[0m"):
        assert styled in raw


async def test_roost_stopping_while_a_session_waits_for_a_line_ends_it_and_says_so(make_gateway,
                                                                                    tmp_path: Path) -> None:
    directory = config(tmp_path)
    gateway = await make_gateway(directory, builtins=True)
    chat = await open_session(directory)
    await gateway.stop()  # the session waits for its next line: stdin stays open
    assert await asyncio.wait_for(chat.wait(), 10) == 1
    err = (await chat.stderr.read()).decode()
    assert err.endswith("roost chat: Roost closed the console: Roost is stopping\n")
    assert not (directory / SOCKET_NAME).exists()


async def test_ctrl_c_sent_by_a_session_stops_the_runs_of_the_console(make_gateway, tmp_path: Path) -> None:
    directory = config(tmp_path)
    await make_gateway(directory, builtins=True)
    reader, writer = await asyncio.open_unix_connection(str(directory / SOCKET_NAME))
    writer.write(b'{"text": "/later"}\n')
    async with asyncio.timeout(5):
        while True:  # what roost chat sends on Ctrl-C, until the run has begun and is stopped
            writer.write(b'{"cancel": true}\n')
            frame = json.loads(await reader.readline())
            if frame == {"cancelled": 1}:
                break
            assert frame == {"cancelled": 0}
            await asyncio.sleep(0.05)
    answered = json.loads(await asyncio.wait_for(reader.readline(), 1.5))
    assert answered == {"answered": True}, "stopped at once, not after the 2 s delay"
    writer.write(b"not json\n")  # a visitor that speaks nonsense is let go
    assert await asyncio.wait_for(reader.read(), 5) == b""
    writer.close()


async def test_without_the_console_it_says_how_to_talk_to_a_running_roost(make_gateway, tmp_path: Path) -> None:
    directory = config(tmp_path, console="")
    await make_gateway(directory, builtins=True)
    code, out, err = await roost_chat(directory, "/echo one\n")
    assert code == 1 and out == ""
    assert re.fullmatch(rf"roost chat: Roost \(pid \d+\) is running on {re.escape(str(directory))}: stop it first,"
                        r" or add console: to its configuration to talk to it from here\n", err)


async def test_a_console_added_to_the_configuration_after_roost_started_is_not_open_yet(make_gateway,
                                                                                        tmp_path: Path) -> None:
    directory = config(tmp_path, console="")
    await make_gateway(directory, builtins=True)
    file = directory / "configuration.yaml"
    file.write_text("console:\n" + file.read_text())
    code, out, err = await roost_chat(directory, "/echo one\n")
    assert code == 1 and out == ""
    assert err == (f"roost chat: Roost runs, but its console does not answer at {directory / SOCKET_NAME} (No such"
                   " file or directory): is console: in the configuration it was started with? (after adding it,"
                   " restart Roost)\n")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
async def test_a_session_ended_by_a_signal_ends_as_at_the_end_of_input(make_gateway, tmp_path: Path,
                                                                        signum: int) -> None:
    directory = config(tmp_path)
    await make_gateway(directory, builtins=True)
    chat = await open_session(directory)
    chat.send_signal(signum)  # the terminal it ran in was closed, or it was told to stop
    assert await asyncio.wait_for(chat.wait(), 10) == 128 + signum
    assert (await chat.stderr.read()).decode() == "Roost runs already: this terminal is its console\n"


@pytest.mark.slow
def test_at_a_terminal_replies_have_the_consoles_prompt_and_ctrl_c_stops_the_answer_without_leaving(tmp_path: Path) -> None:
    directory = config(tmp_path, console='console: {read_stdin: never, prompt: "me> ", reply_prefix: "bot> "}\n')
    with running_roost(directory):
        terminal = Pty(directory)
        try:
            terminal.expect(r"Ctrl-D or /quit leaves\)\n.*me> $")
            terminal.type("/echo hello\r")
            terminal.expect(r"bot> echo: hello\nme> $")
            terminal.type("/later\r")
            time.sleep(1.0)  # its run is under way (of 2 s)
            terminal.type("\x03")  # Ctrl-C: Roost stops the answer, the prompt is back
            terminal.expect(r"\(cancelled\)\nme> $", timeout=5)
            time.sleep(2.5)
            terminal.type("/echo still here\r")
            screen = terminal.expect(r"bot> echo: still here\nme> $")
            assert "asked this a while ago" not in screen, "the answer was stopped, not only no longer awaited"
            terminal.type("\x03")  # at the prompt Ctrl-C does not leave
            terminal.expect(r"\(Ctrl-D or /quit leaves\)")
            terminal.type("\x04")
            assert terminal.wait() == 0
        finally:
            terminal.kill()


@pytest.mark.slow
def test_at_a_terminal_roost_stopping_ends_the_session_and_leaves_the_terminal_as_it_was(tmp_path: Path) -> None:
    directory = config(tmp_path)
    with running_roost(directory) as server:
        terminal = Pty(directory)
        try:
            terminal.expect(r"you> $")
            assert not terminal.echoes_and_edits_lines()  # readline has the terminal
            server.terminate()
            terminal.expect(r"roost chat: Roost closed the console: Roost is stopping")
            assert terminal.wait() == 1
            assert terminal.echoes_and_edits_lines()
        finally:
            terminal.kill()


"""`roost chat` while Roost runs: the terminal talks to the running gateway over its WebSocket API."""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from integrations.http.tokens import TokenBook
from tests.helpers.configdir import write_config
from tests.integrations.console.test_console_terminal import Pty

ROOST = Path(sys.executable).parent / "roost"
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
  - id: whoami
    triggers: [{trigger: message, command: whoami}]
    actions: [{reply: "{{ trigger.sender }}"}]
"""


def free_port() -> int:
    """A port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def config(tmp_path: Path, websocket_api: str = "websocket_api:\n") -> Path:
    """A configuration with the http door on a port of its own (a client must know it before it connects)."""
    return write_config(tmp_path / "config", f"http:\n  port: {free_port()}\n{websocket_api}{AUTOMATIONS}")


async def roost_chat(directory: Path, lines: str) -> tuple[int, str, str]:
    """`roost chat` with lines piped in: (exit code, stdout, stderr)."""
    chat = await asyncio.create_subprocess_exec(
        str(ROOST), "chat", "--config", str(directory), stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(chat.communicate(lines.encode()), 60)
    assert chat.returncode is not None
    return chat.returncode, out.decode(), err.decode()


async def tokens(gateway: Any) -> list[str]:
    """The names of the access tokens that exist."""
    return [info.name for info in await TokenBook(gateway.storage("http")).list()]


async def test_piped_lines_are_answered_in_turn_and_the_sessions_token_is_gone_after(make_gateway,
                                                                                       tmp_path: Path) -> None:
    directory = config(tmp_path)
    gateway = await make_gateway(directory, builtins=True)
    code, out, err = await roost_chat(directory, "/echo one\n\n/echo two\n/pair list\n/quit\n/echo not read\n")
    assert code == 0, err
    assert out == "echo: one\necho: two\nNo pairing codes wait, and nobody is approved yet.\n"
    assert "Roost runs already: talking to it at ws://127.0.0.1:" in err
    assert await tokens(gateway) == []  # made for the session, revoked at its end


async def test_a_reply_that_came_after_the_session_shows_in_the_next(make_gateway, tmp_path: Path) -> None:
    directory = config(tmp_path, "websocket_api:\n  response_timeout: 0.3\n")
    gateway = await make_gateway(directory, builtins=True)
    code, out, err = await roost_chat(directory, "/later\n/quit\n/echo after quit\n")
    assert code == 0, err
    assert out == ""
    assert "(Roost is still answering: its reply shows here when it comes)" in err
    await asyncio.sleep(2.5)  # the reply is written with no one to take it: it waits in the outbox
    code, out, err = await roost_chat(directory, "/echo now\n")
    assert code == 0, err
    user = getpass.getuser()
    assert out == f"roost chat ({user}) asked this a while ago\necho: now\n"
    assert await tokens(gateway) == []


async def test_roost_stopping_while_a_session_waits_for_a_line_ends_it_and_says_so(make_gateway,
                                                                                    tmp_path: Path) -> None:
    directory = config(tmp_path)
    gateway = await make_gateway(directory, builtins=True)
    chat = await asyncio.create_subprocess_exec(
        str(ROOST), "chat", "--config", str(directory), stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    assert chat.stdin is not None and chat.stdout is not None and chat.stderr is not None
    chat.stdin.write(b"/echo one\n")
    assert await asyncio.wait_for(chat.stdout.readline(), 60) == b"echo: one\n"
    await gateway.stop()  # the session waits for its next line: stdin stays open
    await asyncio.wait_for(chat.wait(), 10)
    err = (await chat.stderr.read()).decode()
    assert chat.returncode == 1, err
    assert err.endswith("roost chat: Roost closed the connection: Roost is stopping; the replies still to come"
                        " wait for the next `roost chat`\n")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
async def test_a_session_ended_by_a_signal_revokes_its_token(make_gateway, tmp_path: Path, signum: int) -> None:
    directory = config(tmp_path)
    gateway = await make_gateway(directory, builtins=True)
    chat = await asyncio.create_subprocess_exec(
        str(ROOST), "chat", "--config", str(directory), stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    assert chat.stdin is not None and chat.stdout is not None
    chat.stdin.write(b"/echo one\n")
    assert await asyncio.wait_for(chat.stdout.readline(), 60) == b"echo: one\n"
    assert len(await tokens(gateway)) == 1
    code, out, err = await roost_chat(directory, "/whoami\n")  # a second session beside it
    assert code == 0, err
    assert re.fullmatch(rf"roost chat \({re.escape(getpass.getuser())}, pid \d+\)\n", out), out
    # One user's conversation: the first session shows the second's reply too, then its own.
    assert await asyncio.wait_for(chat.stdout.readline(), 60) == out.encode()
    chat.stdin.write(b"/whoami\n")
    assert await asyncio.wait_for(chat.stdout.readline(), 60) == f"roost chat ({getpass.getuser()})\n".encode()
    chat.send_signal(signum)  # the terminal it ran in was closed, or it was told to stop
    assert await asyncio.wait_for(chat.wait(), 10) == 128 + signum
    assert await tokens(gateway) == []


async def test_without_the_websocket_door_it_says_how_to_talk_to_a_running_roost(make_gateway,
                                                                                  tmp_path: Path) -> None:
    directory = config(tmp_path, websocket_api="")
    await make_gateway(directory, builtins=True)
    code, out, err = await roost_chat(directory, "/echo one\n")
    assert code == 1 and out == ""
    assert re.fullmatch(rf"roost chat: Roost \(pid \d+\) is running on {re.escape(str(directory))}: stop it first,"
                        r" or add websocket_api: \(with http:\) to its configuration to talk to it from here\n", err)


async def test_a_door_added_to_the_configuration_after_roost_started_is_not_open_yet(make_gateway,
                                                                                      tmp_path: Path) -> None:
    directory = config(tmp_path, websocket_api="")
    gateway = await make_gateway(directory, builtins=True)
    file = directory / "configuration.yaml"
    file.write_text(file.read_text().replace("automations:", "websocket_api:\nautomations:", 1))
    code, out, err = await roost_chat(directory, "/echo one\n")
    assert code == 1 and out == ""
    assert re.search(r"roost chat: ws://127\.0\.0\.1:\d+/api/websocket answered HTTP 404, not as a"
                     r" WebSocket: is websocket_api: in the configuration Roost was started with\? \(after adding it,"
                     r" restart Roost\)\n$", err), err
    assert await tokens(gateway) == []


@contextlib.contextmanager
def running_roost(directory: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`roost run` on directory, listening; stopped after."""
    server = subprocess.Popen([str(ROOST), "run", "--config", str(directory)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while not (directory / "roost.lock").exists() or _free(directory):
            assert time.monotonic() < deadline and server.poll() is None, "Roost did not start"
            time.sleep(0.1)
        yield server
    finally:
        server.terminate()
        server.wait(30)


@pytest.mark.slow
def test_at_a_terminal_replies_have_a_prompt_and_ctrl_c_stops_the_answer_without_leaving(tmp_path: Path) -> None:
    directory = config(tmp_path)
    with running_roost(directory):
        terminal = Pty(directory)
        try:
            terminal.expect(r"Ctrl-D or /quit leaves\)\n.*you> $")
            terminal.type("/echo hello\r")
            terminal.expect(r"roost> echo: hello\nyou> $")
            terminal.type("/later\r")
            time.sleep(0.5)
            terminal.type("\x03")  # Ctrl-C: Roost stops the answer, the prompt is back
            terminal.expect(r"\(cancelled\)\nyou> $", timeout=5)
            time.sleep(2.5)
            terminal.type("/echo still here\r")
            screen = terminal.expect(r"roost> echo: still here\nyou> $")
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
            terminal.expect(r"roost chat: Roost closed the connection: Roost is stopping; the replies still to come"
                            r" wait for the next `roost chat`")
            assert terminal.wait() == 1
            assert terminal.echoes_and_edits_lines()
        finally:
            terminal.kill()


def _free(directory: Path) -> bool:
    """Whether the gateway's port still takes no connection."""
    port = int(re.search(r"port: (\d+)", (directory / "configuration.yaml").read_text()).group(1))
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0

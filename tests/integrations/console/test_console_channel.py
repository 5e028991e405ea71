"""The console channel with in-memory streams: piped input, a pretend terminal, quitting."""

from __future__ import annotations

import asyncio
import io
import os
import sys
import textwrap
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from core.channel import OutboundMessage
from core.config import load_config
from core.gateway import Gateway
from core.store.open import open_store, store_settings
from integrations.console.channel import ConsoleChannel
from tests.helpers import write_integration
from tests.helpers.ansi import shown
from tests.helpers.store_full import cap_pages, lift_cap

AUTOMATIONS = """
roost:
  bot_names: [roost]
console:
  chat_id: desk
  sender: tester
  EXTRA
automations:
  - id: ping
    mode: parallel
    triggers:
      - {trigger: message, pattern: '^ping$'}
      - {trigger: message, command: ping}
    actions:
      - reply: "pong{{ ' ' ~ trigger.args_text if trigger.args_text else '' }}"
  - id: who
    triggers:
      - {trigger: message, command: who, platform: console}
    actions:
      - reply: "{{ trigger.platform }}/{{ trigger.chat_id }}/{{ trigger.sender }}/{{ trigger.mentions_bot }}"
"""


class FakeTerminal(io.StringIO):
    """Input that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def _gateway(tmp_path: Path, extra: str = "", more: str = "") -> Gateway:
    (tmp_path / "configuration.yaml").write_text(
        textwrap.dedent(AUTOMATIONS.replace("EXTRA", extra)) + more, encoding="utf-8")
    return Gateway(load_config(tmp_path))


async def _chat(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stdin: io.StringIO, *, extra: str = "",
                more: str = "", foreground: bool = True) -> tuple[Gateway, str]:
    """Run a gateway whose console reads stdin until it stops by itself; return what it printed."""
    stdout = io.StringIO()
    monkeypatch.setattr(sys, "stdin", stdin)
    monkeypatch.setattr(sys, "stdout", stdout)
    gateway = _gateway(tmp_path, extra, more)
    gateway.foreground_chat = foreground
    await gateway.start()
    assert [str(e) for e in gateway.config_errors] == []
    try:
        async with asyncio.timeout(10):
            await gateway.wait_stopped()
    finally:
        await gateway.stop()
    return gateway, stdout.getvalue()


async def test_piped_lines_are_answered_in_order_then_it_stops(tmp_path, monkeypatch) -> None:
    gateway, out = await _chat(tmp_path, monkeypatch, io.StringIO("ping\n/ping hi\n\n/who\n"))
    assert out == "pong\npong hi\nconsole/desk/tester/True\n"
    assert gateway.state == "stopped"
    assert gateway.integrations["console"].status == "loaded"


async def test_pretend_terminal_shows_prompt_and_prefix(tmp_path, monkeypatch) -> None:
    _gateway_, out = await _chat(
        tmp_path, monkeypatch, FakeTerminal("ping\n   \n/ping x\n"), foreground=False,
        extra='prompt: "> "\n  reply_prefix: "bot: "',
    )
    assert out == "> bot: pong\n> > bot: pong x\n> \n"


@pytest.mark.parametrize("word", ["/quit", "/EXIT"])
async def test_quit_stops_reading(tmp_path, monkeypatch, word: str) -> None:
    _gateway_, out = await _chat(tmp_path, monkeypatch, io.StringIO(f"ping\n{word}\n/ping never\n"))
    assert out == "pong\n"


async def test_read_stdin_never_keeps_the_terminal_alone(tmp_path, monkeypatch) -> None:
    stdout = io.StringIO()
    monkeypatch.setattr(sys, "stdin", io.StringIO("ping\n"))
    monkeypatch.setattr(sys, "stdout", stdout)
    gateway = _gateway(tmp_path, "read_stdin: never")
    gateway.foreground_chat = True
    await gateway.start()
    try:
        await asyncio.sleep(0.1)
        assert gateway.state == "running"
        assert sys.stdin.read() == "ping\n"  # nothing was consumed
        channel = gateway.channels["console"]
        await gateway.send("console", "desk", "hello from elsewhere")
        await gateway.wait_idle(settle=0.01)
    finally:
        await gateway.stop()
    assert stdout.getvalue() == "hello from elsewhere\n"
    assert channel.online


async def test_not_reading_in_background_run_unless_terminal(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("ping\n"))
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    gateway = _gateway(tmp_path)
    await gateway.start()  # `roost run` with a pipe: the console is only a channel to send to
    try:
        await asyncio.sleep(0.05)
        assert gateway.state == "running"
        assert sys.stdin.read() == "ping\n"
    finally:
        await gateway.stop()


class _FakeGateway:
    bot_names = ("roost",)
    foreground_chat = False


async def test_send_and_stream_print_with_prefix() -> None:
    out = FakeTerminal()
    channel = ConsoleChannel(_FakeGateway(), stdin=FakeTerminal(""), stdout=out, reply_prefix="R: ")

    async def chunks() -> AsyncIterator[str]:
        for piece in ("one ", "two ", "three"):
            yield piece

    first = await channel.send(OutboundMessage("local", "plain", "k1"))
    second = await channel.send_stream(OutboundMessage("local", "", "k2"), chunks())
    assert out.getvalue() == "R: plain\nR: one two three\n"
    assert first != second and first.startswith("console-")


@pytest.mark.parametrize("no_color", ["", "1"])
async def test_a_models_markdown_is_styled_at_a_terminal_and_written_as_it_came_elsewhere(monkeypatch,
                                                                                          no_color: str) -> None:
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setenv("NO_COLOR", no_color)
    answer = "## Bread\nRye is **dense**; use `starter`.\n- flour\n"

    async def chunks() -> AsyncIterator[str]:
        for piece in ("## Br", "ead\nRye is *", "*dense*", "*; use `sta", "rter`.\n-", " flour\n"):
            yield piece

    outputs = []
    for stdout in (FakeTerminal(), io.StringIO()):
        channel = ConsoleChannel(_FakeGateway(), stdin=stdout, stdout=stdout)
        await channel.send_stream(OutboundMessage("local", "", "k1", markdown=True), chunks())
        await channel.send(OutboundMessage("local", answer, "k2", markdown=True))
        await channel.send(OutboundMessage("local", "an automation's **own** text", "k3"))
        outputs.append(stdout.getvalue())
    at_terminal, piped = outputs
    styled = [("1", "Bread"), ("", "\nRye is "), ("1", "dense"), ("", "; use "), ("36", "starter")]
    if no_color:
        assert at_terminal == f"roost> {answer}\nroost> {answer}\nroost> an automation's **own** text\n"
    else:
        assert shown(at_terminal) == [("", "roost> "), *styled, ("", ".\n• flour\n\nroost> "), *styled,
                                      ("", ".\n• flour\n\nroost> an automation's **own** text\n")], \
            "what the terminal shows, whatever the pieces"
    assert piped == f"{answer}\n{answer}\nan automation's **own** text\n", "a pipe gets the answer as written"


async def test_piped_streams_have_no_prompt_or_prefix() -> None:
    out = io.StringIO()
    channel = ConsoleChannel(_FakeGateway(), stdin=io.StringIO(""), stdout=out)
    assert not channel.interactive and channel.prompt == "" and channel.reply_prefix == ""
    await channel.send(OutboundMessage("local", "x", "k"))
    assert out.getvalue() == "x\n"
    assert channel.should_read() is False
    assert ConsoleChannel(_FakeGateway(), stdin=FakeTerminal(""), stdout=out).should_read() is True


FAILING_CHANNEL = """
from core.channel import ChannelInfo
from core.errors import TransientError
from core.hookspecs import hookimpl


class Failing:
    platform = "failing"
    info = ChannelInfo("failing")
    online = True

    def __init__(self):
        self.attempts = 0

    async def send(self, message):
        self.attempts += 1
        raise TransientError("the platform answers 503")


@hookimpl
def roost_setup(gateway, config):
    gateway.data["failing"] = Failing()
    gateway.register_channel(gateway.data["failing"])
"""

BOTH = """\
  - id: both
    triggers:
      - {trigger: message, command: both}
    actions:
      - send: {platform: failing, chat_id: ops, text: "also told ops"}
      - reply: "told ops"
failing:
"""


async def test_a_reply_owed_to_a_failing_channel_does_not_hold_up_the_terminal(tmp_path, monkeypatch) -> None:
    write_integration(tmp_path / "integrations", "failing", FAILING_CHANNEL, kind="channel")
    started = asyncio.get_running_loop().time()
    gateway, out = await _chat(tmp_path, monkeypatch, io.StringIO("/both\nping\n"), more=BOTH)
    assert out == "told ops\npong\n"
    assert gateway.data["failing"].attempts >= 1
    assert asyncio.get_running_loop().time() - started < 5  # not held up by the retries
    # The reply to the failing channel is not lost: it waits in the store for the next start.
    store = await open_store(tmp_path, store_settings(None), exclusive=None)
    try:
        assert await store.outbox.pending_count("failing", "ops") == 1
    finally:
        await store.close()


async def test_the_owner_approves_a_pairing_code_at_the_console(tmp_path, monkeypatch) -> None:
    from core.pairing import DOMAIN, Pairing

    gateway = _gateway(tmp_path)
    await gateway.start()
    code = await Pairing(gateway.storage(DOMAIN)).request("telegram", "111", "111")
    await gateway.stop()
    gateway, out = await _chat(tmp_path, monkeypatch, io.StringIO(f"/pair list\n/pair approve {code}\n/pair nonsense\n"))
    lines = out.splitlines()
    assert lines[0].startswith(f"waiting   {code}  telegram user 111")
    assert lines[1:] == ["telegram user 111 approved.", "usage: pair list | approve CODE | deny CODE | revoke PLATFORM USER"]


async def test_a_line_the_store_cannot_take_is_told_and_the_console_reads_on(tmp_path, monkeypatch) -> None:
    read, write = os.pipe()
    stdout = io.StringIO()
    monkeypatch.setattr(sys, "stdin", os.fdopen(read, encoding="utf-8"))
    monkeypatch.setattr(sys, "stdout", stdout)
    gateway = _gateway(tmp_path)
    gateway.foreground_chat = True
    typed = os.fdopen(write, "w", encoding="utf-8", buffering=1)
    await gateway.start()
    try:
        async with asyncio.timeout(30):
            typed.write("/ping first\n")
            while "pong first" not in stdout.getvalue():
                await asyncio.sleep(0.02)
            await gateway.store.db.write(cap_pages)
            lines = 0
            while "not kept" not in stdout.getvalue():  # until the disk is full (at a long line: its reply is short)
                typed.write(f"/who {lines} {'x' * 2000}\n")
                lines += 1
                while stdout.getvalue().count("\n") <= lines and "not kept" not in stdout.getvalue():
                    await asyncio.sleep(0.02)
            await gateway.store.db.write(lift_cap)
            typed.write("/ping again\n")
            typed.close()
            await gateway.wait_stopped()
    finally:
        await gateway.stop()
    out = stdout.getvalue().splitlines()
    assert out[-2].startswith("Roost cannot store messages now (") and out[-2].endswith(
        "this line was not kept: type it again later"), out[-2]
    assert out[-1] == "pong again", "the console read on"

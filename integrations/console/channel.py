"""A channel bound to the process's stdin and stdout."""

from __future__ import annotations

import asyncio
import itertools
import logging
import signal
import sys
from collections.abc import AsyncIterator
from typing import Any, TextIO

from core.channel import ChannelBase, ChannelInfo, OutboundMessage
from core.errors import StoreUnavailable
from core.message import Message
from core.pairing import DOMAIN as PAIRING
from core.pairing import Pairing, pair_action
from core.terminal import LineReader, Terminal
from core.terminal_markdown import TerminalMarkdown, styled, wants_styles
from integrations.console.visitors import ConsoleSocket

_LOGGER = logging.getLogger(__name__)
PLATFORM = "console"
QUIT_COMMANDS = frozenset({"/quit", "/exit"})
PIPED_SETTLE = 0.005  # seconds of quiet that count as "every reply to this line was printed"


class ConsoleChannel(ChannelBase):
    """Each line typed is a message; replies are printed (streamed when the model streams)."""

    info = ChannelInfo(PLATFORM, streaming="native")

    def __init__(
        self,
        gateway: Any,
        *,
        chat_id: str = "local",
        sender: str = "console",
        visitor_sender: str | None = None,
        prompt: str = "you> ",
        reply_prefix: str = "roost> ",
        read_stdin: str = "auto",
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
    ) -> None:
        super().__init__(gateway, PLATFORM)
        self.chat_id = chat_id
        self.sender = sender
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.interactive = _isatty(self.stdin)
        self.prompt = prompt if self.interactive else ""
        self.reply_prefix = reply_prefix if self.interactive else ""
        self.read_stdin = read_stdin
        self._ids = itertools.count(1)
        self._reader: asyncio.Task[None] | None = None
        self._terminal: Terminal | None = None
        """The interactive prompt (when stdin and stdout are this process's terminal)."""
        self._answering = False
        self._styles = self.interactive and wants_styles(self.stdout)
        """A model's Markdown is styled (at a terminal that shows styles)."""
        self.socket = ConsoleSocket(self.answer, lambda: gateway.cancel_runs(PLATFORM, chat_id), visitor_sender)
        """The `roost chat` sessions of other terminals, attached over the console's socket."""

    def should_read(self) -> bool:
        """Read stdin in `roost chat`, or in `roost run` when stdin is a terminal."""
        if self.read_stdin == "never":
            return False
        if self.read_stdin == "always":
            return True
        return bool(self.gateway.foreground_chat or self.interactive)

    def start(self) -> None:
        """Start reading lines in a background thread."""
        if not self.should_read():
            return
        loop = asyncio.get_running_loop()
        if self.interactive and self.stdin is sys.stdin and _isatty(self.stdout):
            self._terminal = Terminal(self.stdout, self.prompt)
            self._terminal.take_logs()
            if self.gateway.foreground_chat:  # `roost chat`: Ctrl-C cancels the answer (in `roost run` it stops)
                try:
                    loop.add_signal_handler(signal.SIGINT, self.interrupt)
                except (NotImplementedError, RuntimeError):  # a loop without signal handlers: Ctrl-C stops Roost
                    pass
        lines = LineReader(self.stdin, self._terminal)
        lines.start(loop)
        self._reader = self.gateway.create_background_task(self._consume(lines), "console reader")
        self._show_prompt()

    def interrupt(self) -> None:
        """Ctrl-C: cancel the answer being written; at the prompt, say how to leave."""
        if self._answering and self.gateway.cancel_runs(PLATFORM, self.chat_id):
            self._write("\n(cancelled)\n")
        else:
            self._write("(Ctrl-D or /quit leaves Roost)\n")

    async def stop(self) -> None:
        """Stop consuming input; tell the sessions attached that Roost stops."""
        if self._reader is not None:
            self._reader.cancel()
        await self.socket.stop("Roost is stopping")

    async def _consume(self, lines: LineReader) -> None:
        while True:
            line = await lines.next()
            if line is None or line.strip().lower() in QUIT_COMMANDS:
                break
            if line.strip():
                self._answering = True
                said = await self.answer(line, self.sender, PIPED_SETTLE if not self.interactive else 0.05)
                self._answering = False
                if said is not None:
                    self._write(f"{self.reply_prefix}{said}\n")
            self._show_prompt()
        # End of input: answer everything that was asked, then stop the gateway.
        await self._wait_answered(0.05)
        if self.interactive:
            self._write("\n")
        self.gateway.request_stop()

    async def answer(self, line: str, sender: str, settle: float = PIPED_SETTLE) -> str | None:
        """Take a line typed at the console (here, or in a `roost chat` attached over its socket) until it is
        answered; what to tell whoever typed it alone, if anything."""
        if not line.strip():
            return None
        if line.split(maxsplit=1)[0].lower() == "/pair":  # the owner, at the device, answers pairing codes
            return (await pair_action(Pairing(self.gateway.storage(PAIRING)), line.split()[1:]))[1]
        message = Message.create(PLATFORM, self.chat_id, sender, line, bot_names=self.gateway.bot_names,
                                 mentions_bot=True)
        try:
            await self.ingest(message)  # a line Roost refuses is logged, and the next one is read
        except StoreUnavailable as err:  # its disk is full: whoever typed it still has it
            return f"Roost cannot store messages now ({err}); this line was not kept: type it again later"
        # Answer each line before reading the next, so replies come out in the order the
        # lines were typed (runs of different automations may otherwise finish in any order).
        # Only this chat's work counts: a reply owed to another chat (say a channel that
        # keeps failing) does not hold the terminal up; it stays queued in the store.
        await self._wait_answered(settle)
        return None

    async def _wait_answered(self, settle: float) -> None:
        await self.gateway.wait_idle(settle, platform=PLATFORM, chat_id=self.chat_id)

    def _show_prompt(self) -> None:
        if self.prompt and self._terminal is None:  # the terminal's prompt draws itself
            self._write(self.prompt)

    def _write(self, text: str) -> None:
        if self._terminal is not None:
            self._terminal.write(text)
            return
        self.stdout.write(text)
        self.stdout.flush()

    async def send(self, message: OutboundMessage) -> str:
        """Print a reply (for the `roost chat` sessions attached, send it to them)."""
        for visitor in self.socket.visitors:
            visitor.send(reply=message.text, **_marked(message))
        if self._shown_here():
            text = styled(message.text) if self._styles and message.markdown else message.text
            self._write(f"{self.reply_prefix}{text}\n")
        return f"console-{next(self._ids)}"

    async def send_stream(self, message: OutboundMessage, chunks: AsyncIterator[str]) -> str:
        """Print a reply as it is being written (to the sessions attached when it begins, too)."""
        visitors, here = list(self.socket.visitors), self._shown_here()
        markdown = TerminalMarkdown() if self._styles and message.markdown else None
        for visitor in visitors:
            visitor.send(begin=True, **_marked(message))
        if here:
            self._write(self.reply_prefix)
        async for chunk in chunks:
            for visitor in visitors:
                visitor.send(piece=chunk)
            if here:
                self._write(chunk if markdown is None else markdown.feed(chunk))
        for visitor in visitors:
            visitor.send(end=True)
        if here:
            self._write(("" if markdown is None else markdown.end()) + "\n")
        return f"console-{next(self._ids)}"

    def _shown_here(self) -> bool:
        """Replies are printed on this process's stdout while it reads its terminal, or no session is attached
        (a service's go to its log then, as before there were sessions)."""
        return self._reader is not None or not self.socket.visitors


def _marked(message: OutboundMessage) -> dict[str, bool]:
    """What a frame to the sessions attached says of a reply that is a model's Markdown."""
    return {"markdown": True} if message.markdown else {}


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False

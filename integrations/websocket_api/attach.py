"""`roost chat` while Roost runs (as a service, say): this terminal talks to it over /api/websocket.

Each line goes in with ``roost.send_message`` (``return_response``: the next line is read once its runs
are done) into the conversation ``terminal-USER``; the replies come as ``roost_reply`` events and are
printed as they are written; Ctrl-C stops the answer (``roost.cancel``). Replies that came while no
``roost chat`` held the conversation wait for the next one, and come first. The access token is made for the session (it would end in a day) and revoked when
it ends; whoever can open the store (its key file) may make one anyway.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, TextIO

import aiohttp
import orjson

from core.cli.common import open_config_store
from core.pairing import DOMAIN as PAIRING
from core.pairing import Pairing, pair_action
from core.terminal import LineReader, Terminal, user_name
from integrations.http.server import own_url
from integrations.http.tokens import TokenBook
from integrations.websocket_api.conversations import REPLY_EVENT

TOKEN_LIFETIME = 86400.0
"""Seconds the session's token works, should the session end without revoking it (killed)."""
PROMPT, REPLY_PREFIX = "you> ", "roost> "
QUIT_COMMANDS = frozenset({"/quit", "/exit"})
ENDING_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
CLOSING_SECONDS = 2.0
"""How long a session that could not send waits for the close frame that says why (Roost's comes at once)."""


class Refused(Exception):
    """The running Roost would not talk: why, in a line."""


async def chat_with_running(http: dict[str, Any], config_dir: Path, stdin: TextIO = sys.stdin,
                            stdout: TextIO = sys.stdout) -> int:
    """Talk to the Roost running on config_dir from this terminal until the end of input; the exit code."""
    user = user_name()
    url = own_url(http).replace("http", "ws", 1) + "/api/websocket"
    interactive = stdin.isatty() and stdout.isatty()
    terminal = Terminal(stdout, PROMPT) if interactive and stdin is sys.stdin else None
    print(f"Roost runs already: talking to it at {url}, in conversation terminal-{user}"
          f"{' (Ctrl-D or /quit leaves)' if interactive else ''}", file=sys.stderr)
    loop, ended_by = asyncio.get_running_loop(), []
    for signum in ENDING_SIGNALS:  # the session's token is revoked on these too (the terminal closed, say)
        loop.add_signal_handler(signum, _end_on, signum, ended_by, asyncio.current_task())
    try:  # a store that does not open (its key file is another user's, say) is the CLI's to report
        async with _session_token(config_dir, user) as token:
            try:
                async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as session, \
                        session.ws_connect(url, ssl=False, heartbeat=30) as ws:  # the header: 404, not 401, without
                    talk = _Talk(ws, f"terminal-{user}", config_dir, terminal or stdout,
                                 REPLY_PREFIX if interactive else "")
                    await talk.authenticate(token)
                    if terminal is None:
                        return await talk.converse(LineReader(stdin))
                    loop.add_signal_handler(signal.SIGINT, talk.interrupt)
                    code = await talk.converse(LineReader(stdin, terminal))
                    terminal.write("\n")  # the shell's prompt on a line of its own
                    return code
            except aiohttp.WSServerHandshakeError as err:
                print(f"roost chat: {url} answered HTTP {err.status}, not as a WebSocket: is websocket_api:"
                      " in the configuration Roost was started with? (after adding it, restart Roost)",
                      file=sys.stderr)
            except (aiohttp.ClientError, OSError) as err:
                print(f"roost chat: nothing answers at {url} ({err}); is http: in the configuration Roost was"
                      " started with, and its address this one?", file=sys.stderr)
            except Refused as err:
                print(f"roost chat: {err}", file=sys.stderr)
    except asyncio.CancelledError:
        if not ended_by:
            raise  # Ctrl-C from a pipe: KeyboardInterrupt, once the token is revoked
        return 128 + ended_by[0]
    return 1


def _end_on(signum: int, ended_by: list[int], task: asyncio.Task[Any] | None) -> None:
    ended_by.append(signum)
    if task is not None:
        task.cancel()


@contextlib.asynccontextmanager
async def _session_token(config_dir: Path, user: str) -> AsyncIterator[str]:
    """An access token for this session, revoked when it ends. Its name says who talks (it is the messages'
    sender): `roost chat (USER)`, with this process's id where another session (or one killed) holds that."""
    async with _tokens(config_dir) as book:
        try:
            name = f"roost chat ({user})"
            token = await book.create(name, TOKEN_LIFETIME)
        except ValueError:  # the name is taken
            name = f"roost chat ({user}, pid {os.getpid()})"
            token = await book.create(name, TOKEN_LIFETIME)
    try:
        yield token
    finally:
        async with _tokens(config_dir) as book:
            await book.revoke(name)


@contextlib.asynccontextmanager
async def _tokens(config_dir: Path) -> AsyncIterator[TokenBook]:
    store = await open_config_store(config_dir)
    try:
        yield TokenBook(store.state.of("http"))
    finally:
        await store.close()


class _Talk:
    """One session over Home Assistant's protocol: lines sent in turn, replies shown as they are written."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse, conversation_id: str, config_dir: Path,
                 out: Terminal | TextIO, prefix: str) -> None:
        self.ws = ws
        self.conversation_id = conversation_id
        self.config_dir = config_dir
        self.out = out
        self.prefix = prefix
        self._ids = itertools.count(1)
        self._results: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._reading: asyncio.Task[None]  # the frames Roost sends, read as they come
        self._waiting: asyncio.Future[None] | None = None
        """While a line's answer is awaited (its reply is shown as it is written): Ctrl-C's way to stop waiting."""
        self._cancelling: asyncio.Task[None] | None = None  # Ctrl-C asked Roost to stop the answer
        self._shown = ""  # the reply being written, as far as it is shown

    async def authenticate(self, token: str) -> None:
        """HA's auth phase."""
        await self.ws.receive_json()  # auth_required
        await self.ws.send_json({"type": "auth", "access_token": token})
        answer = await self.ws.receive_json()
        if answer.get("type") != "auth_ok":
            raise Refused(f"Roost refused the session's token: {answer.get('message')}")

    async def converse(self, lines: LineReader) -> int:
        """Send each line in turn until the end of input; the exit code."""
        loop = asyncio.get_running_loop()
        self._reading = loop.create_task(self._read())
        try:
            self._say(await self._request({"type": "subscribe_events", "event_type": REPLY_EVENT}))
            self._say(await self._request(self._service("subscribe_conversation")))
            lines.start(loop)
            while (line := await self._next_line(lines)) is not None and line.strip().lower() not in QUIT_COMMANDS:
                if line.split(maxsplit=1)[:1] == ["/pair"]:  # the owner, at the device, answers pairing codes
                    self._write(f"{self.prefix}{await self._pair(line.split()[1:])}\n")
                elif line.strip():
                    await self._turn(line)
            return 0
        except ConnectionError as err:
            self._end_reply()
            print(f"roost chat: {err}; the replies still to come wait for the next `roost chat`", file=sys.stderr)
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
        elif self._cancelling is None:
            self._cancelling = asyncio.get_running_loop().create_task(self._cancel())
        else:
            self._stop_waiting()

    async def _cancel(self) -> None:
        try:
            result = await self._request(self._service("cancel", return_response=True))
        except ConnectionError:  # said by the turn it was to stop
            return
        if ((result.get("result") or {}).get("response") or {}).get("cancelled"):
            self._end_reply()
            self._write("(cancelled)\n")
        else:  # its runs have not started (they wait behind others): the answer comes later
            self._stop_waiting()

    def _stop_waiting(self) -> None:
        if self._waiting is not None and not self._waiting.done():
            self._end_reply()
            self._write("(not waiting for it: the answer shows here when it comes)\n")
            self._waiting.set_result(None)

    async def _next_line(self, lines: LineReader) -> str | None:
        """The next line typed; ConnectionError when Roost closes the connection meanwhile."""
        line = asyncio.get_running_loop().create_task(lines.next())
        await asyncio.wait([line, self._reading], return_when=asyncio.FIRST_COMPLETED)
        if not line.done():
            line.cancel()
            self._reading.result()  # raises why it closed
        return line.result()

    async def _turn(self, line: str) -> None:
        """Send a line and show its replies as they are written, until its runs are done (or Ctrl-C)."""
        loop = asyncio.get_running_loop()
        self._waiting, self._cancelling = loop.create_future(), None
        request = loop.create_task(self._request(self._service("send_message", text=line, return_response=True)))
        try:
            await asyncio.wait([request, self._waiting], return_when=asyncio.FIRST_COMPLETED)
        finally:
            self._waiting = None
        if request.done():
            self._say(request.result())
        else:
            request.cancel()  # not waiting for it: its result, when it comes, is for no one

    def _service(self, service: str, *, return_response: bool = False, **data: Any) -> dict[str, Any]:
        """A call of one of Roost's services in this session's conversation."""
        return {"type": "call_service", "domain": "roost", "service": service, "return_response": return_response,
                "service_data": {"conversation_id": self.conversation_id, **data}}

    async def _request(self, command: dict[str, Any]) -> dict[str, Any]:
        """Send a command; its result. ConnectionError when Roost closes the connection first."""
        msg_id = next(self._ids)
        result = self._results[msg_id] = asyncio.get_running_loop().create_future()
        try:
            try:
                await self.ws.send_str(orjson.dumps({"id": msg_id, **command}).decode())
            except ConnectionError:  # it is closing: its close frame says why
                await asyncio.wait([self._reading], timeout=CLOSING_SECONDS)
                if self._reading.done():
                    self._reading.result()
                raise
            await asyncio.wait([result, self._reading], return_when=asyncio.FIRST_COMPLETED)
            if not result.done():
                self._reading.result()  # raises why it closed
            return result.result()
        finally:
            self._results.pop(msg_id, None)

    def _say(self, result: dict[str, Any]) -> None:
        """A failed result's error, on stderr (the session goes on)."""
        error = result.get("error")
        if error is None:
            return
        self._end_reply()
        if error.get("code") == "timeout":
            print("(Roost is still answering: its reply shows here when it comes)", file=sys.stderr)
        else:
            print(f"roost chat: {error.get('message')}", file=sys.stderr)

    async def _read(self) -> None:
        """Show reply events as they come and hand results to their callers, until Roost closes the connection:
        then raise ConnectionError, saying why."""
        while (frame := await self.ws.receive()).type == aiohttp.WSMsgType.TEXT:
            message = orjson.loads(frame.data)
            if message.get("type") == "event":
                reply = message["event"]["data"]
                if reply.get("conversation_id") == self.conversation_id:
                    self._show(reply)
            elif message.get("type") == "result" and message.get("id") in self._results:
                self._results.pop(message["id"]).set_result(message)
        said = f": {frame.extra}" if frame.type == aiohttp.WSMsgType.CLOSE and frame.extra else ""
        raise ConnectionError(f"Roost closed the connection{said}")

    def _show(self, reply: dict[str, Any]) -> None:
        text, done = str(reply.get("text", "")), bool(reply.get("done"))
        if self._shown and not text.startswith(self._shown):  # another reply began: end the one shown
            self._end_reply()
        if not done and (not text or self._waiting is None):  # at the prompt, a reply shows once it is whole
            return
        self._write((self.prefix if not self._shown else "") + text[len(self._shown):] + ("\n" if done else ""))
        self._shown = "" if done else text

    def _end_reply(self) -> None:
        if self._shown:
            self._write("\n")
            self._shown = ""

    async def _pair(self, words: list[str]) -> str:
        store = await open_config_store(self.config_dir)
        try:
            return (await pair_action(Pairing(store.state.of(PAIRING)), words))[1]
        finally:
            await store.close()

    def _write(self, text: str) -> None:
        self.out.write(text)
        if not isinstance(self.out, Terminal):
            self.out.flush()

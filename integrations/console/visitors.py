"""The console's socket: `roost chat` in another terminal talks to a running Roost as its console.

Roost listens on ``console.sock`` in the configuration directory, open to its owner only (mode 600,
in a directory only they may enter): whoever may open the store may talk. Each side writes one JSON
object a line. A visitor sends ``{"text": LINE}`` (answered, then ``{"answered": true}``) and
``{"cancel": true}`` (Ctrl-C: ``{"cancelled": N}``, the runs stopped). Roost sends replies as
``{"reply": TEXT}``, or as they are written: ``{"begin": true}``, ``{"piece": TEXT}``..., ``{"end": true}``
(with ``"markdown": true`` in the first frame when it is a model's answer, written in Markdown);
what it says to the visitor alone (``/pair``) as ``{"said": TEXT}``; and ``{"bye": WHY}`` before it
closes the socket as it stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import pwd
import socket
import struct
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import orjson

from core.errors import RoostError

_LOGGER = logging.getLogger(__name__)
SOCKET_NAME = "console.sock"
MAX_LINE = 4 * 1024 * 1024
"""The longest line a visitor may send (as the WebSocket API's frames)."""
MAX_BUFFERED = 1024 * 1024
"""Bytes waiting for a visitor that does not read before it is let go (a reply is never held up by one)."""
CLOSE_SECONDS = 2.0
"""How long stopping waits for the visitors' sockets to close."""
Answer = Callable[[str, str], Awaitable[str | None]]
"""(line, sender) -> what to tell the visitor alone, once the line is answered."""


class Visitor:
    """One `roost chat` attached over the socket: what is written to it."""

    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self.writer = writer

    def send(self, **frame: Any) -> None:
        """Write one frame; a visitor that lets too much pile up is let go."""
        if self.writer.is_closing():
            return
        self.writer.write(orjson.dumps(frame) + b"\n")
        if self.writer.transport.get_write_buffer_size() > MAX_BUFFERED:
            _LOGGER.warning("A roost chat attached to the console does not read what it is sent; letting it go")
            self.writer.close()


class ConsoleSocket:
    """Listens for visitors; hands their lines to the console and their Ctrl-C to the runs of its chat."""

    def __init__(self, answer: Answer, cancel: Callable[[], int], sender: str | None) -> None:
        self.path: Path | None = None
        self.answer = answer
        self.cancel = cancel
        self.sender = sender
        """Every visitor's sender when the configuration names one; else each visitor's login name."""
        self.visitors: set[Visitor] = set()
        self._server: asyncio.AbstractServer | None = None
        self._sessions: set[asyncio.Task[None]] = set()  # one a visitor, ended by closing its socket
        self._turns: set[asyncio.Task[None]] = set()  # the answering of visitors' lines

    async def start(self, path: Path) -> None:
        """Listen at path (the instance lock is held: a socket file a Roost that was killed left is replaced)."""
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        try:
            self._server = await asyncio.start_unix_server(self._serve, path=str(path), limit=MAX_LINE)
        except OSError as err:  # a path longer than the 107 bytes a socket's may be, say
            _LOGGER.warning("roost chat cannot reach this Roost from another terminal: cannot listen on %s (%s)",
                            path, err)
            return
        os.chmod(path, 0o600)  # in a directory only its owner may enter: no one else could reach it meanwhile
        self.path = path

    async def stop(self, why: str) -> None:
        """Tell each visitor why, and close."""
        if self._server is None or self.path is None:
            return
        self._server.close()
        for task in list(self._turns):
            task.cancel()
        for visitor in list(self.visitors):
            visitor.send(bye=why)
            visitor.writer.close()
        if self._turns or self._sessions:
            await asyncio.wait([*self._turns, *self._sessions], timeout=CLOSE_SECONDS)
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._sessions.add(task)
        visitor = Visitor(writer)
        self.visitors.add(visitor)
        who = _peer_name(writer)
        sender = self.sender or who
        _LOGGER.info("roost chat of %s attached to the console", who)
        turn: asyncio.Task[None] | None = None
        try:
            while line := await reader.readline():  # read on while a line is answered: a Ctrl-C comes meanwhile
                frame = orjson.loads(line)
                if frame.get("cancel"):
                    visitor.send(cancelled=self.cancel())
                elif isinstance(frame.get("text"), str):
                    turn = asyncio.get_running_loop().create_task(self._turn(visitor, frame["text"], sender, turn))
                    self._turns.add(turn)
                    turn.add_done_callback(self._turns.discard)
        except (ValueError, AttributeError, ConnectionError) as err:  # not JSON objects, a line too long, gone
            _LOGGER.warning("A roost chat attached to the console was let go: %s", err)
        finally:
            self.visitors.discard(visitor)
            self._sessions.discard(task)
            writer.close()
            _LOGGER.info("roost chat of %s left the console", who)

    async def _turn(self, visitor: Visitor, text: str, sender: str, after: asyncio.Task[None] | None) -> None:
        """Answer a visitor's line, after its line before (one at a time, in order)."""
        if after is not None:
            await asyncio.wait([after])
        try:
            said = await self.answer(text, sender)
        except RoostError as err:  # Roost is stopping, say
            said = f"this line was not taken: {err}"
        if said is not None:
            visitor.send(said=said)
        visitor.send(answered=True)


def _peer_name(writer: asyncio.StreamWriter) -> str:
    """The login name of the process at the other end of the socket (its user id, where it has no name)."""
    sock = writer.get_extra_info("socket")
    _pid, uid, _gid = struct.unpack("3i", sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED,
                                                            struct.calcsize("3i")))
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)

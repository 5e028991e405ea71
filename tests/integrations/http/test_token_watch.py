"""A revoked or expired access token closes the WebSockets opened with it, the chat socket's and Home Assistant's
alike; a socket of another token goes on."""

from __future__ import annotations

import asyncio
import logging
import subprocess
from pathlib import Path

import aiohttp
from aiohttp import WSMsgType

from integrations.http.tokens import TokenBook
from tests.helpers.configdir import ROOST


async def _chat(session: aiohttp.ClientSession, url: str, token: str) -> aiohttp.ClientWebSocketResponse:
    return await session.ws_connect(url.replace("http", "ws") + "/api/chat",
                                    headers={"Authorization": f"Bearer {token}"})


async def _home_assistant(session: aiohttp.ClientSession, url: str, token: str) -> aiohttp.ClientWebSocketResponse:
    ws = await session.ws_connect(url.replace("http", "ws") + "/api/websocket")
    assert (await ws.receive_json())["type"] == "auth_required"
    await ws.send_json({"type": "auth", "access_token": token})
    assert (await ws.receive_json())["type"] == "auth_ok"
    return ws


async def _closed(ws: aiohttp.ClientWebSocketResponse) -> tuple[int | None, str]:
    """The close code and reason the server sent (within 5 s), as its close frame holds them: the client's close_code
    reads 1006 when the server's end of the connection is gone before the client's answer to that frame reaches it."""
    frame = await ws.receive(timeout=5)
    assert frame.type == WSMsgType.CLOSE, frame
    return frame.data, frame.extra


async def _echoes(ws: aiohttp.ClientWebSocketResponse, text: str) -> bool:
    await ws.send_str(text)
    return await ws.receive_str(timeout=5) == f"echo: {text}"


async def test_revoking_a_token_from_the_command_line_closes_its_sockets_and_leaves_the_others(
        serve, tmp_path: Path, caplog) -> None:
    served = await serve()
    leaked, kept = await served.token("leaked"), await served.token("kept")
    caplog.set_level(logging.INFO, logger="integrations.http.token_watch")
    async with aiohttp.ClientSession() as session:
        chat = await _chat(session, served.url, leaked)
        assistant = await _home_assistant(session, served.url, leaked)
        other = await _chat(session, served.url, kept)
        assert await _echoes(chat, "before")
        revoked = await asyncio.to_thread(subprocess.run, [str(ROOST), "token", "revoke", "leaked", "--config",
                                                           str(tmp_path / "config")],
                                          capture_output=True, text=True, timeout=60)
        assert revoked.returncode == 0, revoked.stderr
        assert "closed within a second" in revoked.stdout
        for ws in (chat, assistant):
            assert await _closed(ws) == (1008, "the access token 'leaked' was revoked")
        assert await _echoes(other, "after")
        await other.close()
    assert "Closed 2 WebSocket connections opened with the access token 'leaked': it was revoked" in caplog.text


async def test_a_token_that_expires_closes_its_socket(serve) -> None:
    served = await serve()
    short = await served.token("short", expires_in=1.5)
    async with aiohttp.ClientSession() as session:
        chat = await _chat(session, served.url, short)
        assert await _echoes(chat, "while it lasts")
        assert await _closed(chat) == (1008, "the access token 'short' has expired")


async def test_a_token_kept_in_use_by_an_open_socket_shows_as_used(serve) -> None:
    served = await serve()
    now = [1_000_000.0]
    book = TokenBook(served.gateway.storage("http"), clock=lambda: now[0])
    token = await book.create("dashboard")
    info = await book.verify(token)  # the socket's handshake
    assert info is not None
    now[0] += 3600  # an hour later, the socket still open: the watch's check
    assert await book.ended(info) is None
    [listed] = await book.list()
    assert listed.last_used == now[0]
    now[0] += 30  # within a minute of that: not written again
    assert await book.ended(info) is None
    assert (await book.list())[0].last_used == now[0] - 30
    assert await book.revoke("dashboard")
    assert await book.ended(info) == "was revoked"

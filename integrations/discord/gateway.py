"""Discord's Gateway WebSocket: heartbeats with jitter, zombie detection, identify, resume, invalid sessions.

One owner for the connection: ``GatewayClient.run`` connects, and each connection's reader and
heartbeat are its own tasks, ended together. The session (id, resume URL, last sequence) is
saved through the channel's cursor after each message was stored, so a restarted Roost resumes
and Discord replays what it missed; the inbox drops what it already has. A message Roost cannot
store now (its disk is full) ends the connection the same way, resumable from before it. Close
codes that cannot succeed again (a refused token, disallowed intents, ...) stop this channel only.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import orjson

from core.errors import PermanentError, StoreUnavailable
from core.outage import OutageLog

_LOGGER = logging.getLogger(__name__)
FATAL = {
    4004: "Discord refused the bot token (4004 Authentication failed): check bot_token",
    4010: "Discord refused the shard (4010 Invalid shard)",
    4011: "Discord requires sharding for this bot (4011)",
    4012: "Discord refused the API version (4012)",
    4013: "Discord refused the intents (4013 Invalid intents): check `intents`",
    4014: "Discord refused a privileged intent (4014 Disallowed intents): enable the Message Content intent"
          " for the bot in the Developer Portal (Bot > Privileged Gateway Intents), or remove it from `intents`",
}
NEW_SESSION = {4007, 4009}
"""Close codes after which the session cannot be resumed (identify anew)."""
ZOMBIE_CLOSE = 4000
IDENTIFY_SPACING = 5.0
"""Seconds between identifies (max_concurrency 1 per 5 s)."""


class Reconnect(Exception):
    """This connection is over; resume (or identify anew when resume is False)."""

    def __init__(self, why: str, resume: bool = True, wait: float = 0.0) -> None:
        super().__init__(why)
        self.resume = resume
        self.wait = wait


class GatewayClient:
    """Keeps one bot connected to the Gateway; dispatch events go to on_dispatch."""

    def __init__(self, token: str, intents: int, on_dispatch: Callable[[str, dict[str, Any]], Awaitable[None]],
                 save: Callable[[dict[str, Any]], Awaitable[None]], outage: OutageLog, *,
                 rng: random.Random | None = None) -> None:
        self.token = token
        self.intents = intents
        self.on_dispatch = on_dispatch
        self.save = save
        self.outage = outage
        """Where failed connections are told (the channel's, which also hears when it is reached again)."""
        self.session: dict[str, Any] = {}  # session_id, resume_url, seq
        self.user: dict[str, Any] = {}
        self.connected = asyncio.Event()
        self._rng = rng or random.Random()
        self._last_identify = 0.0
        self._acked = True

    async def run(self, gateway_url: str, session: dict[str, Any], budget: dict[str, Any],
                  on_state: Callable[[bool], None]) -> None:
        """Stay connected for ever (until a fatal close code raises PermanentError)."""
        self.session = dict(session)
        self.user = dict(self.session.get("user") or {})
        attempt = 0
        async with aiohttp.ClientSession() as http:
            while True:
                resume = bool(self.session.get("session_id"))
                url = (self.session.get("resume_url") if resume else None) or gateway_url
                if not resume:
                    await self._identify_slot(budget)  # before connecting: Hello's heartbeat clock must not wait on it
                started = time.monotonic()
                failure: str | None = None
                try:
                    await self._connection(http, url, resume, budget)
                except Reconnect as again:
                    _LOGGER.info("Discord connection ended (%s); %s", again, "resuming" if again.resume else "new session")
                    if not again.resume:
                        self.session = {}
                    await asyncio.sleep(again.wait)
                except (aiohttp.ClientError, OSError, TimeoutError) as err:
                    failure = f"{type(err).__name__}: {err}"
                except StoreUnavailable as err:  # resumed from before the message: Discord sends it again
                    failure = f"Roost cannot store its messages now ({err})"
                finally:
                    on_state(False)
                    self.connected.clear()
                if time.monotonic() - started > 60:
                    attempt = 0
                delay = self._rng.uniform(0.5, min(60.0, 1.0 * 2 ** attempt))
                attempt += 1
                if failure is not None:
                    self.outage.failed("Discord connection failed", failure, delay)
                await asyncio.sleep(delay)

    async def _connection(self, http: aiohttp.ClientSession, url: str, resume: bool, budget: dict[str, Any]) -> None:
        async with http.ws_connect(f"{url.rstrip('/')}/?v=10&encoding=json", heartbeat=None,
                                   max_msg_size=16 * 1024 * 1024) as ws:
            hello = await ws.receive_json(timeout=30)
            if hello.get("op") != 10:
                raise Reconnect(f"expected Hello, got op {hello.get('op')}")
            beats = asyncio.create_task(self._heartbeat(ws, hello["d"]["heartbeat_interval"] / 1000))
            reader: asyncio.Task[None] | None = None
            try:
                if resume:
                    await ws.send_json({"op": 6, "d": {"token": self.token, "session_id": self.session["session_id"],
                                                       "seq": self.session.get("seq")}})
                else:
                    await self._identify(ws, budget)
                reader = asyncio.create_task(self._read(ws))
                await asyncio.wait({reader, beats}, return_when=asyncio.FIRST_COMPLETED)
                if not reader.done():  # the heartbeat found a zombie: only the reader may receive, so stop it first
                    reader.cancel()
                    await asyncio.gather(reader, return_exceptions=True)
                    await ws.close(code=ZOMBIE_CLOSE)
                    raise Reconnect("Discord did not acknowledge a heartbeat (a zombie connection)")
                reader.result()
            except asyncio.CancelledError:
                if reader is not None:
                    reader.cancel()
                await ws.close(code=ZOMBIE_CLOSE)  # not 1000: the session stays resumable for the next start
                raise
            except StoreUnavailable:
                await ws.close(code=ZOMBIE_CLOSE)
                raise
            finally:
                beats.cancel()
                await asyncio.gather(beats, return_exceptions=True)

    async def _identify_slot(self, budget: dict[str, Any]) -> None:
        """Wait until an identify is allowed: the daily budget (never burn the token) and one per 5 s."""
        if budget.get("remaining", 1) <= 0:
            wait = budget.get("reset_after", 60_000) / 1000
            _LOGGER.error("Discord's daily identify budget is spent; waiting %.0f s", wait)
            await asyncio.sleep(wait)
            budget["remaining"] = budget.get("total", 1000)
        spacing = self._last_identify + IDENTIFY_SPACING - time.monotonic()
        if spacing > 0:
            await asyncio.sleep(spacing)

    async def _identify(self, ws: aiohttp.ClientWebSocketResponse, budget: dict[str, Any]) -> None:
        self._last_identify = time.monotonic()
        budget["remaining"] = budget.get("remaining", 1) - 1
        await ws.send_json({"op": 2, "d": {"token": self.token, "intents": self.intents,
                                           "properties": {"os": "linux", "browser": "roost", "device": "roost"}}})

    async def _heartbeat(self, ws: aiohttp.ClientWebSocketResponse, interval: float) -> None:
        """First beat after interval × jitter, then every interval; returns when a beat was not acknowledged by
        the time the next is due (a zombie connection)."""
        self._acked = True
        await asyncio.sleep(interval * self._rng.random())
        while True:
            if not self._acked:
                _LOGGER.warning("Discord did not acknowledge the last heartbeat: the connection is a zombie; resuming")
                return
            self._acked = False
            await ws.send_json({"op": 1, "d": self.session.get("seq")})
            await asyncio.sleep(interval)

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        async for frame in ws:
            if frame.type != aiohttp.WSMsgType.TEXT:
                break
            payload = orjson.loads(frame.data)
            op = payload.get("op")
            if op == 0:
                await self._dispatch(payload)
            elif op == 11:
                self._acked = True
            elif op == 1:
                await ws.send_json({"op": 1, "d": self.session.get("seq")})
            elif op == 7:
                await ws.close(code=ZOMBIE_CLOSE)
                raise Reconnect("Discord asked to reconnect (op 7)")
            elif op == 9:
                await ws.close(code=ZOMBIE_CLOSE)
                resumable = bool(payload.get("d"))  # else wait 1-5 s before identifying anew
                raise Reconnect("invalid session (op 9)", resume=resumable,
                                wait=0.0 if resumable else self._rng.uniform(1, 5))
        code = ws.close_code
        if code in FATAL:
            raise PermanentError(FATAL[code])
        raise Reconnect(f"closed with {code}", resume=code not in NEW_SESSION)

    async def _dispatch(self, payload: dict[str, Any]) -> None:
        kind, data = payload.get("t"), payload.get("d") or {}
        if kind == "READY":
            self.user = data.get("user") or {}
            self.session = {"session_id": data.get("session_id"), "resume_url": data.get("resume_gateway_url"),
                            "seq": payload.get("s"), "user": {"id": self.user.get("id")}}
            self.connected.set()
        elif kind == "RESUMED":
            self.connected.set()
        await self.on_dispatch(str(kind), data)
        if payload.get("s") is not None:
            self.session["seq"] = payload["s"]
            if kind in ("MESSAGE_CREATE", "READY", "RESUMED"):
                await self.save(self.session)  # after the message was stored: a restart resumes from here

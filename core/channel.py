"""The channel contract, version 2: what a chat-app adapter declares, how the core sends through it,
and ``ChannelBase``, which gives adapters ingest, online state, a persisted cursor and reconnects.

How a channel reports a failed send (``core.pipeline.retry`` decides what happens next):

- ``TransientError(retry_after=...)``: rate limited (HTTP 429, Discord buckets), a server error
  (5xx), a timeout or a network failure. Retried with backoff; ``retry_after`` is honoured.
- ``RecipientAway``: the one a reply is for is not connected now (a socket's client went away). Held,
  tried again hourly, and sent at once when the channel says the chat is back (``chat_back``).
- ``PermanentError``: the platform refused for good (unknown chat, the bot was blocked, a request
  it will never accept). Dead-lettered at once, with the error's text.
- ``RecipientGone``: no one can ever receive the reply (an HTTP client hung up, a socket whose
  conversation no one can take up). Dropped at once: nothing to retry, no dead letter.
- anything else: treated as transient up to the attempt limit, then dead-lettered with its text.

A channel that can tell says so before a send too (``ChannelBase.gone``): an answer being gathered
whole for a chat no one can receive any more stops there, and frees the model.

An adapter acknowledges a message to its platform (a Telegram offset, a webhook's 200) only
after ``ChannelBase.ingest`` returned: then the message is stored with its runs. When it raises
``StoreUnavailable`` (the disk is full, Roost is stopping), the adapter acknowledges nothing and
goes on: a webhook answers 503 (the http server does), a poller asks again later, a session resumes.
Anything else that fails while one message is taken in (a shape Roost cannot read, a fault of
Roost's) would fail again each time the platform sent it, and hold up the messages after it:
``ChannelBase.skip_on_fault`` logs it and lets it be acknowledged.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar, runtime_checkable

import voluptuous as vol

from core import events
from core.access_rules import AccessRules
from core.errors import PermanentError, StoreUnavailable, TransientError
from core.message import Message
from core.reply_parts import send_parts

_LOGGER = logging.getLogger(__name__)
UNSUPPORTED_SCHEMA = {vol.Optional("unsupported_reply", default="Sorry, I can only read text messages."):
                      vol.Any(None, str)}
"""The key a chat channel's config section adds (merge into its schema): what the sender of a message Roost cannot
read is told (``null``: nothing); set ``ChannelBase.unsupported_reply`` from it."""
FORMAT_ANSWERS_SCHEMA = {vol.Optional("format_answers", default=True): bool}
"""The key a chat channel that formats a model's answers adds (merge into its schema); read it with ``formatted``."""
T = TypeVar("T")

STREAMING = ("none", "edits", "native")
"""How a channel shows an answer while it is written: not at all, by editing a sent message, or natively."""
NETWORK_SENDS = 8
"""ChannelInfo.concurrent_sends for a platform across the network: with round trips of 0.1-0.3 s, 8 sends at once
keep up with Telegram's 30 messages a second."""
CURSOR_KEY = "cursor"
NOT_ACCEPTED = "Roost did not accept the message (its log says why)"
IDLE_POLL = 0.005
"""The longest a caller waiting for its answer goes without looking whether its chat is idle (it also
looks whenever a task ends or a reply goes out: ``Gateway.wait_idle``)."""


@dataclass(frozen=True, slots=True)
class ChannelInfo:
    """What a channel declares about its platform (the core reads this instead of guessing)."""

    platform: str
    streaming: str = "none"
    max_text: int | None = None
    """The longest text one platform message may carry (the channel splits longer ones)."""
    rate_limit: float | None = None
    """Messages per second the platform allows (the outbound queue paces to it)."""
    threads: bool = False
    """Whether a reply can name the message it answers."""
    reports_failures: bool = False
    """Whether the channel tells its client of a failed run itself (an HTTP error): then no failure reply is sent."""
    concurrent_sends: int = 1
    """Sends to different chats the outbound queue may have in flight at once: for a platform across the network,
    whose round trips and per-chat waits then hold up only their own chat."""

    def __post_init__(self) -> None:
        if self.streaming not in STREAMING:
            raise ValueError(f"streaming must be one of {', '.join(STREAMING)}, got {self.streaming!r}")


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    """One reply for a chat, as the outbound queue hands it to a channel."""

    chat_id: str
    text: str
    idempotency_key: str
    """The same on every attempt: a platform that honours it (Discord nonces) drops a repeat."""
    reply_to: str | None = None
    """The platform message id this answers (for channels with threads)."""
    markdown: bool = False
    """The text is a model's answer, in Markdown: a channel that can shows it formatted (``core.markup``). Other
    replies (an automation's text, a report, an echo) go as written."""


def formatted(message: OutboundMessage, config: dict[str, Any]) -> bool:
    """Whether a channel shows message formatted: a model's answer (Markdown), while its format_answers is on."""
    return message.markdown and config["format_answers"]


@runtime_checkable
class Channel(Protocol):
    """A connection to one chat platform."""

    info: ChannelInfo

    @property
    def online(self) -> bool:
        """Whether the platform is reachable right now (replies are held while it is not)."""
        ...

    async def send(self, message: OutboundMessage) -> str:
        """Deliver a reply; return the platform's message id (see the module docstring for errors)."""
        ...


@runtime_checkable
class StreamingChannel(Channel, Protocol):
    """A channel that can show an answer while it is being written (``info.streaming`` is not none)."""

    async def send_stream(self, message: OutboundMessage, chunks: AsyncIterator[str]) -> str:
        """Show chunks as they come (message.text is empty); return the platform's message id. A TransientError
        or PermanentError but RecipientGone (the chat away, the platform unreachable, a message refused or
        deleted), before a chunk is taken or after, makes the answer go whole through the outbox once written,
        to meet the fate of any reply there; RecipientGone stops it."""
        ...


@runtime_checkable
class PacedChannel(Channel, Protocol):
    """A channel whose platform paces each chat (Telegram: one message a second to a chat, 20 a minute to a group)."""

    def turn_in(self, chat_id: str) -> float:
        """Seconds until the chat may be sent to again (0.0: now); the outbound queue sends to the others meanwhile."""
        ...


@runtime_checkable
class TypingChannel(Channel, Protocol):
    """A channel that can show "typing…" in a chat while an answer is written (core.typing_indicator)."""

    typing_every: float
    """Seconds between two showings: a little less than the platform keeps it shown."""

    async def show_typing(self, chat_id: str, reply_to: str | None) -> None:
        """Show "typing…" in the chat (reply_to: the message being answered)."""
        ...


class ChannelBase:
    """The base of a channel adapter: ingest, online state, a persisted cursor, a reconnect loop.

    Subclasses set ``info`` and implement ``send`` (and ``send_stream`` when they stream). A
    connection-based adapter passes its connect-and-read coroutine to ``keep_connected``.
    """

    info: ChannelInfo
    access: AccessRules | None = None
    """Who may talk through this channel (a chat platform's dm and group rules); None: anyone it lets in
    (its senders are authenticated already)."""
    unsupported_reply: str | None = None
    """What the sender of a message Roost cannot read (``Message.unreadable``) is told; None: nothing."""
    reconnect_base = 1.0
    """Seconds of the first reconnect delay (doubled each attempt, with full jitter)."""
    reconnect_cap = 60.0
    """The longest reconnect delay."""
    healthy_after = 30.0
    """A connection that lasted this long starts the backoff anew when it drops."""

    def __init__(self, gateway: Any, domain: str, *, online: bool = True, rng: random.Random | None = None,
                 sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep) -> None:
        self.gateway = gateway
        self.domain = domain
        self._online = online
        self.last_error: tuple[float, str] | None = None
        """When and why the platform last could not be reached (for the status page), or None."""
        self._probing = False
        self._connection: asyncio.Task[Any] | None = None
        self._rng = rng or random.Random()
        self._sleep = sleep

    @property
    def platform(self) -> str:
        """The platform name of the messages this channel carries."""
        return self.info.platform

    @property
    def online(self) -> bool:
        """Whether the platform is reachable right now."""
        return self._online

    def set_online(self, online: bool, why: str | None = None) -> None:
        """Report reachability (why: what made it unreachable); held replies go out when the channel comes back."""
        if why is not None:
            self.last_error = (time.time(), why)
        if online != self._online:
            self._online = online
            self.gateway.channel_state(self.platform, online)

    def gone(self, chat_id: str, reply_to: str | None = None) -> bool:
        """True when no one can ever receive a reply to this chat, or to the message it answers (what
        ``RecipientGone`` says at a send); False when the channel cannot tell."""
        return False

    async def chat_back(self, chat_id: str) -> None:
        """The recipient of a chat is connected again (after this channel's send raised RecipientAway for it):
        the replies held for it go now."""
        await self.gateway.chat_back(self.platform, chat_id)

    async def ingest(self, message: Message) -> bool:
        """Hand a message to Roost; acknowledge it to the platform once this returns.

        True when it was stored, False when it was a redelivery or Roost refused it for good
        (both are acknowledged: reading it again would change nothing). StoreUnavailable when Roost
        cannot store it now (its disk is full, it is stopping): leave it unacknowledged, to come again.
        """
        try:
            return await self.gateway.ingest(message)
        except PermanentError as err:
            _LOGGER.warning("A %s message was refused: %s", self.platform, err)
            return False

    async def skip_on_fault(self, take: Awaitable[Any], what: str) -> None:
        """Await take, the taking in of one message from the platform (what names it in the log); when it fails for
        any reason but StoreUnavailable, log the fault (ERROR, with its traceback) and return, so that the message
        is acknowledged and the ones after it come through."""
        try:
            await take
        except StoreUnavailable:
            raise
        except Exception:
            _LOGGER.exception("A %s %s could not be taken in, and is skipped (acknowledged, so that the platform does"
                              " not send it again and again ahead of the messages after it)", self.platform, what)
            self.gateway.bus.fire(events.MESSAGE_SKIPPED, {"platform": self.platform, "what": what})

    def connect_when_started(self, run: Callable[[], Awaitable[Any]]) -> None:
        """Run the channel's connection (run(): poll, or stay on a WebSocket) once Roost has started."""

        async def start(_event: Any) -> None:
            self._connection = self.gateway.create_background_task(run(), f"{self.platform} connection")

        self.gateway.bus.listen_once(events.GATEWAY_STARTED, start)

    async def disconnect(self) -> None:
        """End the connection task (from roost_stop, before closing the sessions it uses)."""
        task, self._connection = self._connection, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def send_parts(self, message: OutboundMessage, parts: list[str],
                         send_part: Callable[[int, str], Awaitable[str]], *, wait_turns: bool = False) -> str:
        """Send a reply's parts (but blank ones) in order with send_part(index, part), each once even across tries,
        the rest at the chat's next turn where the platform paces it (see core.reply_parts); the id of the last.
        wait_turns: send_part waits for the chat's turn itself (a send outside the outbound queue, which
        ``NotItsTurn`` could not reach: the end of a streamed answer)."""
        paced = isinstance(self, PacedChannel) and not wait_turns  # as the outbound queue tells a paced channel
        return await send_parts(self.gateway.storage(self.domain), message.idempotency_key, parts, send_part,
                                (lambda: self.turn_in(message.chat_id)) if paced else None)

    async def reach(self, call: Awaitable[T], probe: Callable[[], Awaitable[Any]]) -> T:
        """Await a call to the platform; when the platform cannot be reached (a TransientError without
        retry_after: not a rate limit), the channel holds its replies until probe() succeeds (``hold``)."""
        try:
            return await call
        except TransientError as err:
            if err.retry_after is None:
                self.hold(probe, str(err))
            raise

    def hold(self, probe: Callable[[], Awaitable[Any]], why: str) -> None:
        """The platform cannot be reached: offline (replies wait in the outbox, their attempts untouched) until
        probe() succeeds, tried with the reconnect backoff; one probe at a time."""
        if self._probing:
            return
        _LOGGER.error("The %s channel is offline: %s", self.platform, why)
        self.set_online(False, why)
        self._probing = True
        self.gateway.create_background_task(self._probe(probe), f"{self.platform} probe")

    async def _probe(self, probe: Callable[[], Awaitable[Any]]) -> None:
        attempt = 0
        try:
            while True:
                await self._sleep(self.reconnect_delay(attempt))
                attempt += 1
                try:
                    await probe()
                except TransientError:
                    continue
                break
        finally:
            self._probing = False
        _LOGGER.info("The %s channel is online again", self.platform)
        self.set_online(True)

    async def ingest_and_wait(self, message: Message, timeout: float) -> list[Any]:
        """Ingest a message and wait (timeout at most) until every run it started finished and the
        replies they queued for its chat were sent; the traces of those runs.

        For request-and-answer channels (an HTTP request, a WebSocket call). Raises TransientError
        when Roost did not take the message, TimeoutError when its runs took longer.
        """
        running: dict[str, Callable[[], None]] = {}  # run id -> stop listening for its end
        traces: list[Any] = []
        done = asyncio.Event()
        bus = self.gateway.bus

        def started(event: Any) -> None:
            for run_id in event.data["runs"]:
                running[run_id] = bus.listen_keyed(events.AUTOMATION_FINISHED, _run_id, run_id, ended)

        def ended(event: Any) -> None:
            stop = running.pop(event.data["run_id"], None)
            if stop is not None:
                stop()
            traces.append(event.data["trace"])
            if not running:
                done.set()

        stop_started = bus.listen_keyed(events.MESSAGE_RECEIVED, _message_id, message.id, started)
        try:
            if not await self.ingest(message):
                raise TransientError(NOT_ACCEPTED)
            async with asyncio.timeout(timeout):
                if running:
                    await done.wait()  # its runs are done: what is left is sending their queued replies
                await self.gateway.wait_idle(settle=IDLE_POLL, platform=self.platform, chat_id=message.chat_id)
        finally:
            stop_started()
            for stop in running.values():
                stop()
        return traces

    async def load_cursor(self, default: Any = None) -> Any:
        """The position this channel saved (a Telegram offset, a Discord session), or default."""
        return await self.gateway.storage(self.domain).get(CURSOR_KEY, default)

    async def save_cursor(self, value: Any) -> None:
        """Save the position durably, after the messages before it were ingested."""
        await self.gateway.storage(self.domain).set(CURSOR_KEY, value)

    def reconnect_delay(self, attempt: int) -> float:
        """Seconds to wait before reconnect attempt number attempt (0 for the first): full jitter."""
        return self._rng.uniform(0, min(self.reconnect_cap, self.reconnect_base * 2 ** attempt))

    async def keep_connected(self, connect: Callable[[], Awaitable[None]]) -> None:
        """Run connect again and again: it connects and reads until the connection ends.

        Between tries the channel is offline and waits ``reconnect_delay``; a PermanentError
        (say, the platform refused the token) ends the loop with one clear log line.
        """
        loop = asyncio.get_running_loop()
        attempt = 0
        while True:
            started = loop.time()
            try:
                await connect()
            except PermanentError as err:
                self.set_online(False, str(err))
                _LOGGER.error("The %s channel stops: %s", self.platform, err)
                return
            except Exception as err:
                _LOGGER.warning("The %s connection failed: %s: %s", self.platform, type(err).__name__, err)
                self.set_online(False, f"{type(err).__name__}: {err}")
            self.set_online(False)
            if loop.time() - started >= self.healthy_after:
                attempt = 0
            delay = self.reconnect_delay(attempt)
            attempt += 1
            await self._sleep(delay)


def _message_id(data: Mapping[str, Any]) -> str:
    """The key of a message-received event to wait for."""
    return data["message"].id


def _run_id(data: Mapping[str, Any]) -> str:
    """The key of an automation-finished event to wait for."""
    return data["run_id"]

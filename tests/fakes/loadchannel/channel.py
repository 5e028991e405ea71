"""The load channel: polls the platform file's inbound table, sends replies into its sink.

It behaves like a long-polling chat channel (Telegram) on ``ChannelBase``: it reads inbound rows
above its cursor (the offset), ingests each one, and only after ``ingest`` returned saves the
cursor past them — so after a crash the unacknowledged rows are read again and the inbox drops
the redeliveries. Rows of one chat are ingested one after another (so their order is kept),
chats concurrently. All SQLite work runs on the channel's own thread.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from core.channel import ChannelBase, ChannelInfo, OutboundMessage
from core.errors import PermanentError, TransientError
from core.message import Message

from .platform import Platform

_LOGGER = logging.getLogger(__name__)


class LoadChannel(ChannelBase):
    """A Channel whose platform is a SQLite file (see platform.py)."""

    def __init__(self, gateway: Any, domain: str, config: dict[str, Any]) -> None:
        super().__init__(gateway, domain)
        self.info = ChannelInfo(config["platform"], rate_limit=config.get("rate_limit"))
        self.poll_interval: float = config["poll_interval"]
        self.batch: int = config["batch"]
        self.chats: frozenset[str] | None = frozenset(map(str, config["chats"])) if config.get("chats") else None
        self.offset = 0
        self.accepted = 0  # rows the gateway took as new messages
        self.redelivered = 0  # rows it recognised as already stored (or refused for good)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"{domain}-platform")
        self._platform: Platform | None = None
        self._path = Path(config["platform_db"])
        self._task: asyncio.Task[None] | None = None

    async def _call(self, fn: Any, *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    async def start(self) -> None:
        """Open the platform file, load the offset, start polling."""
        self._platform = await self._call(Platform, self._path)
        self.offset = int(await self.load_cursor(0))
        self._task = self.gateway.create_background_task(self._poll(), f"{self.domain} poll")

    async def stop(self) -> None:
        """Stop polling and close the platform file."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self._platform is not None:
            await self._call(self._platform.close)
            self._platform = None
        self._executor.shutdown(wait=True)

    async def fail_next(self, kind: str, count: int, *, retry_after: float | None = None,
                        match: str | None = None) -> None:
        """Make the next count sends (with match in their text) fail: kind 'transient' or 'permanent'."""
        assert self._platform is not None
        await self._call(self._platform.set_control, kind,
                         {"count": count, "retry_after": retry_after, "match": match})

    async def _poll(self) -> None:
        assert self._platform is not None
        while True:
            try:
                rows, offline = await self._call(self._platform.read, self.offset, self.batch)
            except Exception:
                _LOGGER.exception("Reading the load platform failed; trying again")
                await asyncio.sleep(max(self.poll_interval, 0.1))
                continue
            self.set_online(not offline)
            if not rows:
                await asyncio.sleep(self.poll_interval)
                continue
            by_chat: dict[str, list[tuple[int, str, str, str]]] = defaultdict(list)
            for row in rows:
                if self.chats is None or row[1] in self.chats:
                    by_chat[row[1]].append(row)
            results = await asyncio.gather(*(self._ingest_chat(chat_rows) for chat_rows in by_chat.values()))
            if not all(results):
                await asyncio.sleep(max(self.poll_interval, 0.1))
                continue  # not acknowledged: read again (the inbox drops what it already has)
            self.offset = rows[-1][0]
            await self.save_cursor(self.offset)

    async def _ingest_chat(self, rows: list[tuple[int, str, str, str]]) -> bool:
        for row_id, chat_id, sender, text in rows:
            message = Message.create(self.platform, chat_id, sender, text, id=str(row_id),
                                     bot_names=self.gateway.bot_names)
            try:
                stored = await self.ingest(message)  # a message refused for good is acknowledged: never read again
            except Exception:
                _LOGGER.exception("Ingesting load message %s failed", row_id)
                return False
            if self.gateway.state != "running":
                return False  # refused while stopping: read it again after the restart
            if stored:
                self.accepted += 1
            else:
                self.redelivered += 1
        return True

    async def send(self, message: OutboundMessage) -> str:
        """Deliver a reply into the sink; return its platform id (idempotent by key)."""
        assert self._platform is not None
        result = await self._call(self._platform.deliver, message.chat_id, message.text, message.reply_to,
                                  message.idempotency_key)
        if result.outcome == "offline":
            self.set_online(False)
            raise TransientError("the load platform is offline")
        self.set_online(True)
        if result.outcome == "transient":
            raise TransientError("the load platform asked to retry later", retry_after=result.retry_after)
        if result.outcome == "permanent":
            raise PermanentError("the load platform refused the message (400 Bad Request)")
        return str(result.platform_id)

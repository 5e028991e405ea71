"""Telegram's polling when the store cannot take a message (its disk is full): nothing confirmed, nothing lost,
and the channel goes on once there is room."""

from __future__ import annotations

import contextlib
import logging

from tests.integrations.http.test_store_full import cap_pages, lift_cap
from tests.integrations.telegram.conftest import until

SHORT = """
automations:
  - id: got
    mode: queued
    triggers: [{trigger: message, platform: telegram}]
    actions: [{reply: "got {{ trigger.text.split()[0] }}"}]
"""
"""Long messages, short replies: the disk fills at a message, and a reply still fits (the next written)."""


def unstored(caplog) -> bool:
    """Whether the channel said Roost cannot store what came."""
    return any("Roost cannot store" in r.getMessage() for r in caplog.records)


async def test_updates_the_store_cannot_take_stay_with_telegram_until_there_is_room(serve_telegram, telegram,
                                                                                    caplog) -> None:
    gateway = await serve_telegram(extra=SHORT)
    telegram.user_says("before")
    await until(lambda: telegram.texts(111))
    await gateway.store.db.write(cap_pages)
    said = 0
    while not unstored(caplog):  # until the disk is full
        telegram.user_says(f"{said} " + "x" * 2000)
        said += 1
        with contextlib.suppress(TimeoutError):  # a reply that did not fit waits for room: go on
            await until(lambda n=said: len(telegram.texts(111)) > n or unstored(caplog), timeout=2)
    assert telegram.updates, "what was not stored is not confirmed: Telegram keeps it"
    await gateway.store.db.write(lift_cap)
    telegram.user_says("after")
    await until(lambda: telegram.texts(111)[-1:] == ["got after"], timeout=60)
    assert telegram.texts(111)[1:-1] == [f"got {n}" for n in range(said)], "each answered once, in order"
    assert gateway.data["telegram"].online
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR and r.name.startswith("integrations")]

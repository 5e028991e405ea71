"""Telegram's polling when the store cannot take a message (its disk is full): nothing confirmed, nothing lost,
and the channel goes on once there is room."""

from __future__ import annotations

import logging

from tests.helpers.store_full import SHORT_REPLIES, fill_until_unstored, lift_cap
from tests.integrations.telegram.conftest import until


async def test_updates_the_store_cannot_take_stay_with_telegram_until_there_is_room(serve_telegram, telegram,
                                                                                    caplog) -> None:
    gateway = await serve_telegram(extra=SHORT_REPLIES.replace("PLATFORM", "telegram"))
    telegram.user_says("before")
    await until(lambda: telegram.texts(111))
    said = await fill_until_unstored(gateway, telegram.user_says, lambda: len(telegram.texts(111)), caplog, 2000)
    assert telegram.updates, "what was not stored is not confirmed: Telegram keeps it"
    await gateway.store.db.write(lift_cap)
    telegram.user_says("after")
    await until(lambda: telegram.texts(111)[-1:] == ["got after"], timeout=60)
    assert telegram.texts(111)[1:-1] == [f"got {n}" for n in range(said)], "each answered once, in order"
    assert gateway.data["telegram"].online
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR and r.name.startswith("integrations")]

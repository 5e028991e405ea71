"""Discord when the store cannot take a message (its disk is full): the session is resumed from before it, so
Discord sends it again, and it is answered once there is room."""

from __future__ import annotations

import logging

from tests.helpers.store_full import SHORT_REPLIES, fill_until_unstored, lift_cap
from tests.integrations.discord.test_discord_gateway import DM
from tests.integrations.telegram.conftest import until


async def test_a_message_the_store_cannot_take_is_resumed_from_and_answered_once_there_is_room(
        serve_discord, discord, caplog) -> None:
    gateway = await serve_discord(extra=SHORT_REPLIES.replace("PLATFORM", "discord"))
    discord.user_says("before")
    await until(lambda: discord.texts(DM))
    said = await fill_until_unstored(gateway, discord.user_says, lambda: len(discord.texts(DM)), caplog, 1500)
    await gateway.store.db.write(lift_cap)
    discord.user_says("after")
    await until(lambda: discord.texts(DM)[-1:] == ["got after"], timeout=60)
    assert discord.texts(DM)[1:-1] == [f"got {n}" for n in range(said)], "each answered once, in order"
    assert discord.closes and discord.closes[0] not in (1000, 1001), "closed so the session stays resumable"
    assert discord.identifies == 1 and discord.resumes >= 1
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR and r.name.startswith("integrations")]

"""An alert jumps ahead of queued replies: in the outbox order, and in a batch being delivered."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from alert_setup import say, texts, wait_until

from core.crypto import NullCipher
from core.store import Store


async def test_outbox_hands_out_higher_priority_first_and_keeps_order_within_a_priority(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "roost.db", NullCipher())
    try:
        outbox = store.outbox
        for n in range(6):
            await outbox.add("tg", f"chat{n % 2}", f"normal {n}", f"n{n}")
        await outbox.add("tg", "chat1", "urgent A", "uA", priority=1000)
        await outbox.add("tg", "chat0", "low", "low", priority=-5)
        await outbox.add_prepared([await outbox.prepare("tg", "chat2", "urgent B", "uB", priority=1000),
                                   await outbox.prepare("tg", "chat0", "medium", "m", priority=10)])
        batch = await outbox.next_batch("tg", time.time(), 100)
        assert [e.body for e in batch] == [
            "urgent A", "urgent B", "medium",
            "normal 0", "normal 1", "normal 2", "normal 3", "normal 4", "normal 5", "low",
        ]
        assert [e.priority for e in batch[:3]] == [1000, 1000, 10]
        assert [e.body for e in await outbox.next_batch("tg", time.time(), 4)] == [
            "urgent A", "urgent B", "medium", "normal 0"]

        # A chat whose urgent entry waits for a retry holds its lower-priority entries too.
        await outbox.defer(batch[0].id, time.time() + 60, "busy")
        held = [e.body for e in await outbox.next_batch("tg", time.time(), 100)]
        assert "urgent A" not in held and "normal 1" not in held and "normal 0" in held
        assert held[0] == "urgent B"
    finally:
        await store.close()


async def test_alert_goes_out_before_fifty_replies_held_while_the_channel_was_offline(start_alerts: Any) -> None:
    gateway = await start_alerts()
    whatsapp = gateway.data["recorder"]["whatsapp"]
    whatsapp.online = False
    gateway.channel_state("whatsapp", False)
    for n in range(50):
        await say(gateway, "whatsapp", "W1" if n % 2 else "W2", f"say reply {n:02d}")
    await gateway.wait_idle()
    assert await gateway.store.outbox.pending_count("whatsapp") == 50 and not whatsapp.sent

    await say(gateway, "telegram", "T9", "!alert smoke in the server room")
    await wait_until(lambda: texts(gateway.data["recorder"]["telegram"], "T9"), what="the confirmation")
    await gateway.wait_idle()
    assert await gateway.store.outbox.pending_count("whatsapp") == 51

    whatsapp.online = True
    gateway.channel_state("whatsapp", True)
    await wait_until(lambda: len(whatsapp.sent) == 51, what="every held message")
    first_chat, first_text = whatsapp.sent[0]
    assert first_chat == "W1" and "ALERT" in first_text and "smoke in the server room" in first_text
    # Everything else still arrives in the order it was written, per chat.
    assert texts(whatsapp, "W1")[1:] == [f"reply {n:02d}" for n in range(1, 50, 2)]
    assert texts(whatsapp, "W2") == [f"reply {n:02d}" for n in range(0, 50, 2)]


async def test_alert_overtakes_the_batch_a_slow_channel_is_delivering(start_alerts: Any) -> None:
    gateway = await start_alerts()
    whatsapp = gateway.data["recorder"]["whatsapp"]
    whatsapp.online = False  # queue the replies first, so delivery reads them as one batch
    gateway.channel_state("whatsapp", False)
    for n in range(60):
        await say(gateway, "whatsapp", "W1" if n % 2 else "W2", f"say slow {n:02d}")
    await gateway.wait_idle()
    whatsapp.delay = 0.01  # 60 replies take at least 0.6 s
    whatsapp.online = True
    gateway.channel_state("whatsapp", True)
    await wait_until(lambda: len(whatsapp.sent) >= 5, what="delivery to start")

    await say(gateway, "telegram", "T9", "!alert the batch must wait")
    await wait_until(lambda: any("ALERT" in text for _chat, text in whatsapp.sent), what="the alert")
    position = next(i for i, (_chat, text) in enumerate(whatsapp.sent) if "ALERT" in text)
    assert position < 40, f"the alert waited behind {position} replies"
    await wait_until(lambda: len(whatsapp.sent) == 61, what="every reply")
    assert texts(whatsapp, "W2") == [f"slow {n:02d}" for n in range(0, 60, 2)]
    assert [t for t in texts(whatsapp, "W1") if "ALERT" not in t] == [f"slow {n:02d}" for n in range(1, 60, 2)]

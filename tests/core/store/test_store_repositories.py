"""Inbox, integration state, history, traces and vault on a real encrypted store."""

from __future__ import annotations

import asyncio
import time

from inbox_rows import receive_entry

from core.store import Store, database


async def test_inbox_add_get_and_duplicates_dropped(store: Store) -> None:
    entry = await receive_entry(store, "tg", "1001", "chat-1", "user-7", "hello", b'{"u":1}', 123.5)
    assert entry is not None and (entry.text, entry.raw, entry.received_at) == ("hello", b'{"u":1}', 123.5)
    assert (
        await store.inbox.receive("tg", "1001", "chat-1", "user-7", "hello", b'{"u":1}', 124.0) is None
    )
    other = await store.inbox.receive(
        "wa", "1001", "chat-1", "user-7", "same id, other app", b"", 125.0
    )
    assert other is not None
    stored = await store.inbox.get(entry.id)
    assert stored == entry
    assert await store.inbox.get(10**9) is None
    count = await store.db.fetchone("SELECT COUNT(*) FROM inbox")
    assert count == (2,)


async def test_concurrent_redeliveries_store_exactly_one(store: Store) -> None:
    results = await asyncio.gather(
        *(store.inbox.receive("tg", "77", "c", "u", "redelivered", b"", time.time()) for _ in range(50))
    )
    assert sum(r is not None for r in results) == 1


async def test_inbox_prune_keeps_the_messages_of_open_tasks(store: Store) -> None:
    now = 1_000_000.0
    day = 86400.0
    old_done = await store.inbox.receive("tg", "1", "c", "u", "old, handled", b"", now - 9 * day)
    row = await store.inbox.new_id()
    open_task = await store.tasks.prepare("k", b"", priority=0, chat_key="c", lane="default", inbox_id=row)
    old_open = await store.inbox.receive("tg", "2", "c", "u", "old, its task still open", b"", now - 9 * day,
                                         tasks=[open_task], id=row)
    young = await store.inbox.receive("tg", "3", "c", "u", "young", b"", now - 1 * day)
    stamped_old = await store.inbox.receive("tg", "4", "c", "u", "arrived later, stamped old", b"", now - 8 * day)
    assert None not in (old_done, old_open, young, stamped_old)
    assert await store.inbox.prune(7 * day, now=now) == 1
    left = {row[0] for row in await store.db.fetchall("SELECT platform_msg_id FROM inbox")}
    assert left == {"2", "3", "4"}  # the one with an open task stays; "4" waits until nothing younger is below it
    # A pruned message no longer catches its redelivery; a kept one still does.
    assert await store.inbox.receive("tg", "1", "c", "u", "old, handled", b"", now) is not None
    assert await store.inbox.receive("tg", "3", "c", "u", "young", b"", now) is None
    assert await store.inbox.prune(0, now=now + 10 * day) == 0  # the open task's message holds the rows above it
    assert await store.tasks.complete(open_task.id)
    assert await store.inbox.prune(0, now=now + 10 * day) == 4  # once its task is done, all are old


async def test_inbox_prune_keeps_the_messages_that_tasks_still_need(store: Store) -> None:
    now = time.time()
    day = 86400.0
    await store.inbox.receive("tg", "1", "c", "u", "old", b"", now - 9 * day)
    inbox_id = await store.inbox.new_id()
    task = await store.tasks.prepare("run", b"{}", priority=0, chat_key="tg:c", lane="l", inbox_id=inbox_id)
    assert await store.inbox.receive("tg", "2", "c", "u", "old, its run still queued", b"", now - 9 * day,
                                     tasks=[task], id=inbox_id) == inbox_id
    await store.inbox.receive("tg", "3", "c", "u", "old too", b"", now - 8 * day)
    assert await store.inbox.prune(7 * day, now=now) == 1  # "2" is its task's message, "3" is above it
    [leased] = await store.tasks.lease(time.time() + 1, 10)
    assert leased.id == task.id and leased.inbox_id == inbox_id
    await store.tasks.bury(leased.id, "broken")  # a dead task can be retried for keep_days: kept
    assert await store.inbox.prune(7 * day, now=now) == 0
    assert await store.inbox.prune(7 * day, now=now + 30 * day) == 2  # it died long before that
    assert await store.db.fetchall("SELECT id FROM inbox") == []


async def test_integration_state_round_trips_types(store: Store) -> None:
    assert await store.state.get("telegram", "offset", 0) == 0
    await store.state.set("telegram", "offset", 4242)
    await store.state.set("discord", "session", {"id": "abc", "seq": 17, "urls": ["wss://x"]})
    await store.state.set("discord", "raw", b"\x00\xff")
    await store.state.set("discord", "name", "gateway-1")
    assert await store.state.get("telegram", "offset") == 4242
    assert await store.state.get("discord", "session") == {
        "id": "abc",
        "seq": 17,
        "urls": ["wss://x"],
    }
    assert await store.state.get("discord", "raw") == b"\x00\xff"
    assert await store.state.get("discord", "name") == "gateway-1"
    await store.state.set("telegram", "offset", 4243)
    assert await store.state.get("telegram", "offset") == 4243
    assert await store.state.delete("telegram", "offset") is True
    assert await store.state.get("telegram", "offset", "gone") == "gone"


async def test_history_recent_is_oldest_to_newest_per_chat(store: Store) -> None:
    for i in range(6):
        await store.history.append("chat-A", "user" if i % 2 == 0 else "assistant", f"turn {i}")
    await store.history.append("chat-B", "user", "elsewhere")
    assert await store.history.recent("chat-A", 3) == [
        ("assistant", "turn 3"),
        ("user", "turn 4"),
        ("assistant", "turn 5"),
    ]
    assert await store.history.prune(10**9, keep_per_chat=2) == 4  # chat-B keeps its one turn
    assert await store.history.recent("chat-A", 10) == [("user", "turn 4"), ("assistant", "turn 5")]
    assert await store.history.clear("chat-A") == 2
    assert await store.history.recent("chat-A", 10) == []
    assert await store.history.recent("chat-B", 10) == [("user", "elsewhere")]
    await store.history.append("chat-B", "assistant", "an old turn")
    assert await store.history.prune(0, keep_per_chat=10, now=time.time() + 1) == 2  # by age


async def test_traces_recent_and_retention(store: Store) -> None:
    for i in range(5):
        await store.traces.add(
            "greet", f"run{i}", 100.0 + i, 100.5 + i, "ok", {"step": i, "text": "hi"}
        )
    for i in range(3):
        await store.traces.add("alert", f"a{i}", 200.0 + i, None, "error", {"i": i})
    recent = await store.traces.recent(3)
    assert [t.run_id for t in recent] == ["a2", "a1", "a0"]
    greet = await store.traces.recent(10, automation_id="greet")
    assert [t.data["step"] for t in greet] == [4, 3, 2, 1, 0]
    assert greet[0].finished_at == 104.5 and greet[0].status == "ok"
    # Keep the newest 2 per automation, and nothing started before 101.
    removed = await store.traces.prune(keep_last=2, older_than=101.0)
    assert removed == 1 + 2 + 1
    assert [t.run_id for t in await store.traces.recent(10)] == ["a2", "a1", "run4", "run3"]


async def test_state_values_expire_and_are_purged(store: Store) -> None:
    now = time.time()
    pii = store.state.of("pii")
    assert await pii.get("vault:chat-1", {}) == {}
    await pii.set("vault:chat-1", {"<PHONE_1>": "+49 170 1234567"}, expires_at=now + 60)
    await pii.set("vault:chat-2", {"<EMAIL_1>": "a@b.c"}, expires_at=now - 1)
    await pii.set("hash_key", b"kept")
    assert await pii.get("vault:chat-1") == {"<PHONE_1>": "+49 170 1234567"}
    assert await pii.get("vault:chat-2", {}) == {}  # expired values are never handed out
    await pii.set("vault:chat-1", {"<PHONE_1>": "x", "<PHONE_2>": "y"}, expires_at=now + 60)
    assert await pii.get("vault:chat-1") == {"<PHONE_1>": "x", "<PHONE_2>": "y"}
    assert await store.state.purge_expired(now) == 1
    assert await store.db.fetchone("SELECT COUNT(*) FROM state") == (2,)  # one that lives on, one that never expires
    await pii.set("vault:chat-1", {"<PHONE_1>": "x"})  # set again without expiry: it no longer expires
    assert await store.state.purge_expired(now + 3600) == 0


async def test_pruning_deletes_in_chunks_what_one_statement_did(store: Store, monkeypatch) -> None:
    # A backlog goes a chunk at a time (one statement deleting 685,000 traces took the writer to 699 MiB).
    monkeypatch.setattr(database, "DELETE_CHUNK", 2)
    for i in range(7):
        await store.traces.add("greet", f"g{i}", 100.0 + i, None, "ok", {})
    for i in range(5):
        await store.traces.add("alert", f"a{i}", 200.0 + i, None, "ok", {})
    assert await store.traces.prune(keep_last=2, older_than=101.0) == 1 + 4 + 3
    assert [t.run_id for t in await store.traces.recent(10)] == ["a4", "a3", "g6", "g5"]
    for i in range(5):
        task = await store.tasks.enqueue("k", b"", priority=0, chat_key=f"c{i}", lane="l")
        await store.tasks.complete(task)
        entry = await store.outbox.add("tg", f"c{i}", "hi", f"key-{i}")
        await store.outbox.mark_delivered_many([(entry, f"m-{i}")])
        await store.inbox.receive("tg", str(i), "c", "u", "handled", b"", 1.0)
    kept = await store.outbox.add("tg", "c9", "not yet delivered", "key-9")
    later = time.time() + 1
    assert [await store.tasks.prune(0, now=later), await store.outbox.prune(0, now=later),
            await store.inbox.prune(0, now=later)] == [5, 5, 5]
    assert await store.db.fetchall("SELECT id FROM outbox") == [(kept,)]
    assert await store.db.fetchall("SELECT COUNT(*) FROM tasks UNION ALL SELECT COUNT(*) FROM inbox") == [(0,), (0,)]

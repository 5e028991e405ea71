"""Writes combined into one commit (message + its tasks, replies + task completion), reply_to, leasing options."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from core.store import MIGRATIONS, Database, RowNotFoundError, Store
from core.store.schema import migrate


async def _prepare(store: Store, name: str, *, chat: str = "A", priority: int = 0, key: str | None = None):
    return await store.tasks.prepare("run", name.encode(), priority=priority, chat_key=chat, lane="default",
                                     idempotency_key=key)


async def test_receive_stores_the_message_and_its_tasks_in_one_commit(store: Store) -> None:
    inbox_id = await store.inbox.new_id()
    tasks = [await _prepare(store, "one", key=f"msg:{inbox_id}:a"), await _prepare(store, "two", key=f"msg:{inbox_id}:b")]
    commits = store.db.stats()["commits"]
    stored = await store.inbox.receive("tg", "m1", "A", "alice", "hello", b"{}", 1.0, tasks=tasks, id=inbox_id)
    assert stored == inbox_id
    assert store.db.stats()["commits"] == commits + 1
    entry = await store.inbox.get(inbox_id)
    assert entry.text == "hello"
    leased = await store.tasks.lease(time.time(), 10)
    assert [t.payload for t in leased] == [b"one"]  # same chat: the second waits for the first
    assert leased[0].id == tasks[0].id and leased[0].idempotency_key == f"msg:{inbox_id}:a"


async def test_a_redelivered_message_writes_nothing_not_even_its_tasks(store: Store) -> None:
    assert await store.inbox.receive("tg", "m1", "A", "alice", "hello", b"{}", 1.0) is not None
    again = [await _prepare(store, "dup")]
    assert await store.inbox.receive("tg", "m1", "A", "alice", "hello", b"{}", 1.0, tasks=again) is None
    assert (await store.tasks.counts())["queued"] == 0
    assert await store.tasks.get(again[0].id) is None
    assert await store.db.fetchone("SELECT COUNT(*) FROM inbox") == (1,)


async def test_lease_min_priority_and_payload_known(store: Store) -> None:
    low = await store.tasks.enqueue("run", b"low", priority=0, chat_key="A", lane="default")
    high = await store.tasks.enqueue("run", b"high", priority=5, chat_key="B", lane="default")
    assert [t.id for t in await store.tasks.lease(time.time(), 10, min_priority=5)] == [high]
    (task,) = await store.tasks.lease(time.time(), 10, payload_known={low})
    assert task.id == low and task.payload == b""  # the caller holds it: not decrypted
    await store.tasks.retry(low, 0.0, "again")
    (task,) = await store.tasks.lease(time.time(), 10, payload_known={low})
    assert task.attempts == 2 and task.payload == b"low"  # a retry is read from the store


async def test_replies_and_the_task_that_made_them_commit_together(store: Store) -> None:
    first = await store.tasks.enqueue("run", b"", priority=0, chat_key="A", lane="default")
    second = await store.tasks.enqueue("run", b"", priority=0, chat_key="A", lane="default")
    await store.tasks.lease(time.time(), 10)
    entries = [
        await store.outbox.prepare("tg", "A", "part 1", f"{first}:1", reply_to="m-7"),
        await store.outbox.prepare("tg", "A", b"part 2", f"{first}:2", priority=3),
    ]
    commits = store.db.stats()["commits"]
    ids = await store.outbox.add_prepared(entries, complete_task=first)
    assert ids == [e.entry.id for e in entries]
    assert store.db.stats()["commits"] == commits + 1
    assert (await store.tasks.get(first)).state == "done"
    assert [t.id for t in await store.tasks.lease(time.time(), 10)] == [second]
    one, two = [await store.outbox.get(i) for i in ids]
    assert (one.body, one.reply_to, one.priority) == ("part 1", "m-7", 0)
    assert (two.body, two.reply_to, two.priority) == (b"part 2", None, 3)
    # The same keys again (a run repeated after a crash) add nothing.
    again = [await store.outbox.prepare("tg", "A", "part 1", f"{first}:1")]
    assert await store.outbox.add_prepared(again) == [ids[0]]
    # An unknown task fails the write alone, and none of its replies are kept.
    orphan = [await store.outbox.prepare("tg", "B", "orphan", "orphan-key")]
    with pytest.raises(RowNotFoundError):
        await store.outbox.add_prepared(orphan, complete_task=999_999)
    assert await store.outbox.find("orphan-key") is None


async def test_deliveries_are_recorded_in_one_write(store: Store) -> None:
    ids = [await store.outbox.add("tg", "A", f"m{i}", f"k{i}") for i in range(3)]
    await store.outbox.mark_delivered_many([(ids[0], "p0")])
    commits = store.db.stats()["commits"]
    assert await store.outbox.mark_delivered_many([(ids[0], "again"), (ids[1], "p1"), (ids[2], 2)]) == 2
    assert store.db.stats()["commits"] == commits + 1
    entries = [await store.outbox.get(i) for i in ids]
    assert [(e.state, e.platform_msg_id) for e in entries] == [
        ("delivered", "p0"), ("delivered", "p1"), ("delivered", "2")]
    assert await store.outbox.mark_delivered_many([]) == 0


async def test_next_batch_reads_priorities_in_one_pass(store: Store) -> None:
    low_a = await store.outbox.add("tg", "A", "low a", "k1")
    high_b = await store.outbox.add("tg", "B", "high b", "k2", priority=9)
    low_b = await store.outbox.add("tg", "B", "low b", "k3")
    mid_c = await store.outbox.add("tg", "C", "mid c", "k4", priority=4)
    await store.outbox.defer(high_b, time.time() + 60, "busy")  # B is blocked at 9, so at 0 too
    batch = await store.outbox.next_batch("tg", time.time(), 10)
    assert [(e.id, e.body) for e in batch] == [(mid_c, "mid c"), (low_a, "low a")]
    assert low_b not in [e.id for e in batch]


async def test_version_two_database_gains_reply_to_and_the_new_index(db_path: Path, cipher) -> None:
    conn = sqlite3.connect(db_path, isolation_level=None)
    migrate(conn, list(MIGRATIONS[:2]), str(db_path))
    conn.execute(
        "INSERT INTO outbox(id, platform, chat_id, body, is_text, idempotency_key, state,"
        " next_attempt_at, created_at) VALUES (1, 'tg', 'A', ?, 1, 'old', 'pending', 0, 0)",
        (cipher.encrypt(b"from v2", table="outbox", row=1, column="body"),),
    )
    conn.close()
    db = await Database.open(db_path, cipher)
    try:
        store = Store(db)
        assert db.schema_version == len(MIGRATIONS) >= 3
        old = await store.outbox.get(1)
        assert (old.body, old.reply_to) == ("from v2", None)
        plan = await db.fetchall(
            "EXPLAIN QUERY PLAN SELECT id FROM outbox WHERE platform = 'tg'"
            " AND state = 'pending' ORDER BY priority DESC, id")
        assert "outbox_open" in str(plan) and "TEMP B-TREE" not in str(plan)
    finally:
        await db.close()


async def test_a_version_five_database_keeps_every_message_task_reply_and_dead_letter(db_path: Path, cipher) -> None:
    conn = sqlite3.connect(db_path, isolation_level=None)
    migrate(conn, list(MIGRATIONS[:5]), str(db_path))
    seal = cipher.encrypt
    conn.execute("INSERT INTO inbox(id, platform, platform_msg_id, chat_id, sender, text, raw, received_at, state)"
                 " VALUES (1, 'tg', 'm1', 'A', 'u', ?, ?, 5, 'done')",
                 (seal(b"kept message", table="inbox", row=1, column="text"),
                  seal(b"{}", table="inbox", row=1, column="raw")))
    conn.execute("INSERT INTO tasks(id, kind, payload, priority, chat_key, lane, state, head, available_at,"
                 " created_at, inbox_id) VALUES (1, 'run', ?, 0, 'A', 'default', 'queued', 1, 0, 0, 1)",
                 (seal(b"payload", table="tasks", row=1, column="payload"),))
    for row, state in ((1, "sending"), (2, "dead")):
        conn.execute("INSERT INTO outbox(id, platform, chat_id, body, is_text, idempotency_key, state,"
                     " next_attempt_at, created_at) VALUES (?, 'tg', 'A', ?, 1, ?, ?, 0, 0)",
                     (row, seal(b"reply %d" % row, table="outbox", row=row, column="body"), f"k{row}", state))
    conn.execute("INSERT INTO dead_letters(id, source, ref_id, reason, created_at) VALUES (1, 'outbox', 2, ?, 0)",
                 (seal(b"refused", table="dead_letters", row=1, column="reason"),))
    conn.close()
    db = await Database.open(db_path, cipher)
    try:
        store = Store(db)
        assert db.schema_version == len(MIGRATIONS)
        assert (await store.inbox.get(1)).text == "kept message"
        assert (await store.tasks.get(1)).payload == b"payload"
        sending = await store.outbox.get(1)
        assert (sending.state, sending.body) == ("pending", "reply 1")  # a send in flight is pending again
        assert [e.id for e in await store.outbox.next_batch("tg", time.time(), 10)] == [1]
        assert [(d.ref_id, d.reason) for d in await store.dead.list()] == [(2, "refused")]
        tables = {name for (name,) in await db.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert not {"pairing", "tokens", "vault"} & tables
    finally:
        await db.close()


async def test_unlease_gives_tasks_back_without_counting_the_attempt(store: Store) -> None:
    ids = [await store.tasks.enqueue("run", b"x", priority=0, chat_key=c, lane="default") for c in "AB"]
    leased = await store.tasks.lease(time.time(), 10)
    assert [t.attempts for t in leased] == [1, 1]
    assert await store.tasks.unlease(ids) == 2
    assert await store.tasks.unlease(ids) == 0  # no longer leased
    assert (await store.tasks.counts())["queued"] == 2
    again = await store.tasks.lease(time.time(), 10)
    assert sorted(t.id for t in again) == ids and [t.attempts for t in again] == [1, 1]


async def test_a_version_eight_database_loses_its_lease_times_and_keeps_its_leased_tasks(db_path: Path, cipher) -> None:
    conn = sqlite3.connect(db_path, isolation_level=None)
    migrate(conn, list(MIGRATIONS[:8]), str(db_path))
    for row, state in ((1, "leased"), (2, "queued")):
        conn.execute("INSERT INTO tasks(id, kind, payload, priority, chat_key, lane, state, head, available_at,"
                     " created_at, lease_until) VALUES (?, 'run', ?, 0, ?, 'model', ?, 1, 0, 0, 1e12)",
                     (row, cipher.encrypt(b"p", table="tasks", row=row, column="payload"), f"a|c{row}", state))
    conn.close()
    db = await Database.open(db_path, cipher)
    try:
        store = Store(db)
        assert db.schema_version == len(MIGRATIONS)
        columns = {name for (_, name, *_) in await db.fetchall("PRAGMA table_info(tasks)")}
        assert "lease_until" not in columns
        assert await store.tasks.recover_leased() == 1
        leased = await store.tasks.lease(time.time(), 10, lanes_capacity={"model": 1})
        assert [t.id for t in leased] == [1], "the lane holds one: the count of leased tasks sees the first"
        plan = await db.fetchall("EXPLAIN QUERY PLAN SELECT lane, COUNT(*) FROM tasks WHERE state = 'leased'"
                                 " GROUP BY lane")
        assert "USING INDEX tasks_leased" in str(plan), plan
    finally:
        await db.close()


async def test_a_version_nine_database_keeps_its_heads_and_its_chats_take_turns(db_path: Path, cipher) -> None:
    conn = sqlite3.connect(db_path, isolation_level=None)
    migrate(conn, list(MIGRATIONS[:9]), str(db_path))
    for row, chat, head in ((1, "a|A", 1), (2, "a|A", 0), (3, "a|B", 1)):  # a head was 1, any other task 0
        conn.execute("INSERT INTO tasks(id, kind, payload, priority, chat_key, lane, state, head, available_at,"
                     " created_at) VALUES (?, 'run', ?, 0, ?, 'default', 'queued', ?, 0, 0)",
                     (row, cipher.encrypt(b"p", table="tasks", row=row, column="payload"), chat, head))
    conn.close()
    db = await Database.open(db_path, cipher)
    try:
        store = Store(db)
        assert db.schema_version == len(MIGRATIONS)
        assert [t.id for t in await store.tasks.lease(time.time(), 1)] == [1]
        await store.tasks.complete(1)  # A's next queues behind B
        assert [t.id for t in await store.tasks.lease(time.time(), 10)] == [3, 2]
        plan = await db.fetchall("EXPLAIN QUERY PLAN SELECT id FROM tasks WHERE state = 'queued' AND head > 0"
                                 " AND available_at <= 1 AND priority >= 0 ORDER BY priority DESC, head, id")
        assert "USING INDEX tasks_ready" in str(plan) and "TEMP B-TREE" not in str(plan), plan
    finally:
        await db.close()

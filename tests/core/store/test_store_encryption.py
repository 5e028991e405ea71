"""Encryption at rest: no plaintext in the file or its WAL, per-row errors, rotation."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from store_ciphers import AesGcmTestCipher, PlainTestCipher

from core.store import SEALED_TABLES, RowDecryptError, Store


def _markers(n: int) -> list[str]:
    return [f"secret-marker-{i:04d}-plaintext" for i in range(n)]


async def _inbox_texts(store: Store) -> list[str]:
    """The texts of every inbox row, in row order (damaged rows left out)."""
    ids = [row_id for (row_id,) in await store.db.fetchall("SELECT id FROM inbox ORDER BY id")]
    found = await store.inbox.get_many(ids)
    return [found[i].text for i in ids if i in found]


async def _write_everything(store: Store, markers: list[str]) -> int:
    """Write one marker into every encrypted column; return how many markers were used."""
    m = iter(markers)
    for i in range(40):
        await store.inbox.receive(
            "tg", f"msg{i}", "chat-9", "user-1", next(m), next(m).encode(), time.time()
        )
    task = await store.tasks.enqueue("reply", next(m).encode(), priority=1, chat_key="c", lane="tg")
    await store.tasks.lease(time.time(), 1)
    await store.tasks.retry(task, time.time() + 60, next(m))
    for i in range(5):
        await store.outbox.add("tg", "chat-9", next(m), f"k{i}")
    out = await store.outbox.add("tg", "chat-9", next(m), "kdead")
    await store.outbox.bury(out, next(m))
    await store.history.append("chat-9", "user", next(m))
    await store.traces.add("auto", "run", 1.0, 2.0, "ok", {"text": next(m)})
    await store.state.set("pii", "vault:chat-9", {"<P1>": next(m)}, expires_at=time.time() + 60)
    await store.state.set("telegram", "session", next(m))
    return markers.index(next(m))


def _file_bytes(db_path: Path) -> tuple[bytes, bytes]:
    wal = Path(f"{db_path}-wal")
    return db_path.read_bytes(), wal.read_bytes() if wal.exists() else b""


@pytest.mark.parametrize("encrypted", [True, False])
async def test_database_and_wal_hold_no_plaintext(db_path: Path, encrypted: bool) -> None:
    cipher = AesGcmTestCipher() if encrypted else PlainTestCipher()
    markers = _markers(200)
    store = await Store.open(db_path, cipher)
    try:
        used = markers[: await _write_everything(store, markers)]
        main, wal = _file_bytes(db_path)  # while open: the rows are in the WAL
        assert len(wal) > 0
        await store.db.checkpoint()  # now also in the main file
        main_after, _ = _file_bytes(db_path)
    finally:
        await store.close()
    closed_main, _ = _file_bytes(db_path)
    found = [
        x for x in used if any(x.encode() in blob for blob in (main, wal, main_after, closed_main))
    ]
    if encrypted:
        assert found == [], f"plaintext on disk: {found[:3]}"
    else:
        # The control: without encryption the same scan finds every text, so the scan works.
        assert found == used


async def test_tampered_ciphertext_is_a_per_row_error(store: Store) -> None:
    entries = [
        await store.inbox.receive("tg", str(i), "c", "u", f"text {i}", b"raw", float(i))
        for i in range(5)
    ]
    victim = entries[2]

    def flip(conn) -> None:
        blob = bytearray(
            conn.execute("SELECT text FROM inbox WHERE id = ?", (victim,)).fetchone()[0]
        )
        blob[-1] ^= 0x01
        conn.execute("UPDATE inbox SET text = ? WHERE id = ?", (bytes(blob), victim))

    await store.db.write(flip)
    with pytest.raises(RowDecryptError) as info:
        await store.inbox.get(victim)
    err = info.value
    assert (err.table, err.row, err.column) == ("inbox", victim, "text")
    assert f"inbox row {victim}" in str(err) and "failed to decrypt" in str(err)
    # Lists skip the damaged row and report it; every other row is still readable.
    reported = []
    store.db.on_row_error = reported.append
    found = await store.inbox.get_many(entries)
    assert [found[i].text for i in sorted(found)] == ["text 0", "text 1", "text 3", "text 4"]
    assert [(e.table, e.row) for e in reported] == [("inbox", victim)]
    assert store.db.row_errors[-1] is reported[0]
    assert (await store.inbox.get(entries[3])).text == "text 3"


async def test_ciphertext_moved_to_another_row_fails(store: Store) -> None:
    a = await store.inbox.receive("tg", "a", "c", "u", "for row a", b"", 1.0)
    b = await store.inbox.receive("tg", "b", "c", "u", "for row b", b"", 2.0)
    await store.db.write(
        lambda c: c.execute(
            "UPDATE inbox SET text = (SELECT text FROM inbox WHERE id = ?) WHERE id = ?",
            (a, b),
        )
    )
    assert (await store.inbox.get(a)).text == "for row a"
    with pytest.raises(RowDecryptError):
        await store.inbox.get(b)


async def test_a_text_column_that_is_not_utf8_fails_like_a_damaged_one(store: Store) -> None:
    entry = await store.inbox.receive("tg", "a", "c", "u", "text", b"", 1.0)
    sealed = store.db.cipher.encrypt(b"\xff\xfe", table="inbox", row=entry, column="text")
    await store.db.write(lambda c: c.execute("UPDATE inbox SET text = ? WHERE id = ?", (sealed, entry)))
    with pytest.raises(RowDecryptError, match="can't decode|invalid start byte") as info:
        await store.inbox.get(entry)
    assert (info.value.table, info.value.row, info.value.column) == ("inbox", entry, "text")


async def test_damaged_task_is_buried_on_lease_not_returned(store: Store) -> None:
    bad = await store.tasks.enqueue("run", b"x", priority=5, chat_key="A", lane="l")
    good = await store.tasks.enqueue("run", b"y", priority=1, chat_key="B", lane="l")
    nxt = await store.tasks.enqueue("run", b"z", priority=1, chat_key="A", lane="l")
    await store.db.write(
        lambda c: c.execute("UPDATE tasks SET payload = x'00' WHERE id = ?", (bad,))
    )
    leased = await store.tasks.lease(time.time(), 10)
    assert [t.id for t in leased] == [good]
    assert (await store.tasks.get(nxt)).state == "queued"
    letters = await store.dead.list(10)
    assert [(d.ref_id, d.source) for d in letters] == [(bad, "task")]
    assert "failed to decrypt" in letters[0].reason
    assert [t.id for t in await store.tasks.lease(time.time(), 10)] == [nxt]


async def test_damaged_outbox_entry_is_buried_and_its_chat_goes_on(store: Store) -> None:
    first = await store.outbox.add("tg", "A", "first", "k1")
    second = await store.outbox.add("tg", "A", "second", "k2")
    await store.db.write(
        lambda c: c.execute("UPDATE outbox SET body = x'0102' WHERE id = ?", (first,))
    )
    batch = await store.outbox.next_batch("tg", time.time() + 1, 10)
    assert [e.id for e in batch] == [second]
    assert (await store.outbox.get(second)).body == "second"
    letters = await store.dead.list(10)
    assert [(d.source, d.ref_id) for d in letters] == [("outbox", first)]
    assert store.db.row_errors[-1].table == "outbox"


class _KeyRingCipher:
    """Two-key test ring: encrypts with the current key, decrypts with any, tags values by key."""

    def __init__(self) -> None:
        self.keys = {b"1": AesGcmTestCipher(), b"2": AesGcmTestCipher()}
        self.current = b"1"

    def encrypt(self, plaintext: bytes, *, table: str, row: str | int, column: str) -> bytes:
        blob = self.keys[self.current].encrypt(plaintext, table=table, row=row, column=column)
        return self.current + blob

    def decrypt(self, blob: bytes, *, table: str, row: str | int, column: str) -> bytes:
        return self.keys[blob[:1]].decrypt(blob[1:], table=table, row=row, column=column)

    def needs_rotation(self, blob: bytes) -> bool:
        return blob[:1] != self.current


async def test_live_rotation_with_a_key_ring_rewrites_only_old_values(db_path: Path) -> None:
    ring = _KeyRingCipher()
    store = await Store.open(db_path, ring)
    try:
        markers = _markers(200)
        used = await _write_everything(store, markers)
        ring.current = b"2"
        await store.history.append("chat-9", "assistant", "already under key 2")
        report = await store.rekey(ring)
        assert report.failed == [] and report.rewritten["history"] == 1
        blobs = [b for (b,) in await store.db.fetchall("SELECT text FROM inbox")]
        assert blobs and all(b[:1] == b"2" for b in blobs)
        del ring.keys[b"1"]  # retire the old key: everything must still open
        assert await _inbox_texts(store) == markers[0:80:2]
        assert (await store.history.recent("chat-9", 5))[-1] == ("assistant", "already under key 2")
        assert len(store.db.row_errors) == 0 and used == 93
        assert (await store.rekey(ring)).rewritten == dict.fromkeys(report.rewritten, 0)
    finally:
        await store.close()


async def test_rotation_keeps_every_value_readable(db_path: Path) -> None:
    old = AesGcmTestCipher()
    new = AesGcmTestCipher()
    markers = _markers(200)
    store = await Store.open(db_path, old)
    try:
        await _write_everything(store, markers)
        report = await store.rekey(new, old=old)
        assert report.failed == []
        assert report.rewritten["inbox"] == 80 and report.rewritten["state"] == 2
        assert set(report.rewritten) == {t.name for t in SEALED_TABLES}
    finally:
        await store.close()

    with pytest.raises(RowDecryptError):  # the old key no longer opens anything
        reopened = await Store.open(db_path, old)
        try:
            await reopened.inbox.get(1)
        finally:
            await reopened.close()
    store = await Store.open(db_path, new)
    try:
        assert await _inbox_texts(store) == markers[0:80:2]
        assert len(store.db.row_errors) == 0
        assert (await store.tasks.get(1)).payload == markers[80].encode()
        assert (await store.tasks.get(1)).last_error == markers[81]
        assert (await store.outbox.get(1)).body == markers[82]
        assert await store.history.recent("chat-9", 5) == [("user", markers[89])]
        assert (await store.traces.recent(1))[0].data == {"text": markers[90]}
        assert await store.state.get("pii", "vault:chat-9") == {"<P1>": markers[91]}
        assert await store.state.get("telegram", "session") == markers[92]
        letters = await store.dead.list(5)
        assert letters[0].reason == markers[88]
    finally:
        await store.close()

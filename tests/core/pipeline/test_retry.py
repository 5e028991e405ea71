"""Retries honour retry_after, permanent errors become dead letters, `roost queue` works on them."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from tests.core.pipeline.conftest import LoadSetup, roost, wait_for


def _attempts_of(platform: Any, reply: str) -> list[tuple[str, str, float, str]]:
    key = next(row[1] for row in platform.sink() if row[3] == reply)
    return [a for a in platform.attempts() if a[0] == key]


async def test_retry_after_is_honoured_and_the_chat_keeps_its_order(
    load_setup: LoadSetup, make_gateway: Any
) -> None:
    platform = load_setup.platform
    gateway = await make_gateway(load_setup.config_dir)
    channel = gateway.data["loadchannel"]
    await channel.fail_next("transient", 1, retry_after=1.0, match="slow")
    platform.post([("c1", "u", "slow one"), ("c1", "u", "after the slow one"), ("c2", "u", "other chat")])
    await asyncio.to_thread(wait_for, lambda: platform.sink_count() == 3, 20, "3 replies")
    await gateway.wait_idle()

    slow = _attempts_of(platform, "re: slow one")
    assert [a[3] for a in slow] == ["transient", "ok"]
    assert 1.0 <= slow[1][2] - slow[0][2] < 3.0, slow
    other = _attempts_of(platform, "re: other chat")
    assert other[0][2] < slow[0][2] + 0.9  # another chat does not wait for c1's retry
    c1 = [row[3] for row in platform.sink() if row[2] == "c1"]
    assert c1 == ["re: slow one", "re: after the slow one"]  # never overtaken within a chat
    row = await gateway.store.db.fetchone("SELECT id FROM outbox WHERE idempotency_key = ?", (slow[0][0],))
    assert row is not None
    entry = await gateway.store.outbox.get(row[0])
    assert entry is not None and entry.state == "delivered" and entry.attempts == 1
    assert entry.last_error == "the load platform asked to retry later"


async def test_permanent_errors_become_dead_letters_that_roost_queue_handles(
    load_setup: LoadSetup, make_gateway: Any
) -> None:
    platform = load_setup.platform
    gateway = await make_gateway(load_setup.config_dir)
    channel = gateway.data["loadchannel"]
    await channel.fail_next("permanent", 2, match="bad")
    platform.post([("c1", "u", "bad one"), ("c1", "u", "next in c1"), ("c2", "u", "bad two"),
                   ("c3", "u", "good")])
    await asyncio.to_thread(wait_for, lambda: platform.sink_count() == 2, 20, "2 replies")
    await gateway.wait_idle()
    assert (await gateway.store.dead.stats())["outbox"] == 2
    assert sorted(row[3] for row in platform.sink()) == ["re: good", "re: next in c1"]
    assert [a[3] for a in _attempts_of(platform, "re: good")] == ["ok"]
    assert sum(1 for a in platform.attempts() if a[3] == "permanent") == 2  # never retried
    await gateway.stop()

    config = str(load_setup.config_dir)
    listed = roost("queue", "list", "--json", "--config", config)
    assert listed.returncode == 0, listed.stderr
    letters = json.loads(listed.stdout)
    assert sorted(letter["chat"] for letter in letters) == ["load:c1", "load:c2"]
    for letter in letters:
        assert letter["source"] == "outbox"
        assert "permanent error: the load platform refused the message (400 Bad Request)" in letter["reason"]
    by_chat = {letter["chat"]: letter["id"] for letter in letters}

    shown = roost("queue", "show", str(by_chat["load:c1"]), "--json", "--config", config)
    assert shown.returncode == 0, shown.stderr
    detail = json.loads(shown.stdout)
    assert detail["message"]["text"] == "re: bad one"  # decrypted for the owner
    assert detail["message"]["chat_id"] == "c1"
    shown = roost("queue", "show", str(by_chat["load:c1"]), "--config", config)
    assert shown.returncode == 0, shown.stderr
    when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(detail["failed_at"]))
    assert f"failed_at: {when}\n" in shown.stdout, "a date, not seconds since 1970"
    assert "message:\n  platform: load\n  chat_id: c1\n" in shown.stdout

    text = roost("queue", "list", "--config", config)
    assert text.returncode == 0 and "400 Bad Request" in text.stdout

    stats = roost("queue", "stats", "--json", "--config", config)
    assert stats.returncode == 0, stats.stderr
    figures = json.loads(stats.stdout)
    assert figures["dead_letters"]["total"] == 2
    assert figures["outbox"]["load"] == {"pending": 0, "dead": 2} and figures["delivered"] == 2
    assert figures["tasks"]["done"] == 4

    retried = roost("queue", "retry", str(by_chat["load:c1"]), "--config", config)
    assert retried.returncode == 0, retried.stderr
    missing = roost("queue", "show", "99999", "--config", config)
    assert missing.returncode == 1 and "No dead letter #99999" in missing.stdout

    pruned = roost("queue", "prune", "--older-than", "0s", "--config", config)
    assert pruned.returncode == 0, pruned.stderr
    assert "Pruned 1 dead letters" in pruned.stdout
    left = json.loads(roost("queue", "list", "--json", "--config", config).stdout)
    assert left == []
    bad_age = roost("queue", "prune", "--older-than", "soon", "--config", config)
    assert bad_age.returncode == 2 and "expected an age like 7d" in bad_age.stderr

    # The next start delivers the retried letter, and only that one.
    again = await make_gateway(load_setup.config_dir)
    await asyncio.to_thread(wait_for, lambda: platform.sink_count() == 3, 20, "the retried reply")
    await again.wait_idle()
    assert sorted(row[3] for row in platform.sink()) == ["re: bad one", "re: good", "re: next in c1"]
    assert [a[3] for a in _attempts_of(platform, "re: bad one")] == ["permanent", "ok"]
    assert "re: bad two" not in {row[3] for row in platform.sink()}

"""Messages are grouped into templates with their variable parts masked."""

from __future__ import annotations

import pytest

from integrations.system_check.templates import OVERFLOW, TemplateMiner, mask


@pytest.mark.parametrize(
    ("message", "template"),
    [
        ("Failed password for root from 192.168.1.23 port 52344 ssh2",
         "Failed password for root from <IP> port <NUM> ssh<NUM>"),
        ("connect to 10.0.0.5:5432 refused", "connect to <IP> refused"),
        ("peer fe80::1%eth0 and 2001:db8:0:0:0:0:0:1 down", "peer <IP> and <IP> down"),
        ("request 3f2a1c9e-1b2c-4d5e-8f90-123456789abc took 35ms", "request <UUID> took <NUM>ms"),
        ("commit deadbeef12 and 0x7fff", "commit <HEX> and <HEX>"),
        ("token aB3dE5fG7hJ9 rejected", "token <ID> rejected"),
        ("cannot open /var/lib/app/data.db (read-only)", "cannot open <PATH> (read-only)"),
        ('user "bob smith" said \'hi there\' and can\'t log in', "user <STR> said <STR> and can't log in"),
        ("mail to alice@example.com bounced", "mail to <EMAIL> bounced"),
        ("fetch https://example.org/a?b=1 failed", "fetch <URL> failed"),
        ("job 42 (user=bob, port=8080) ok", "job <NUM> (user=bob, port=<NUM>) ok"),
        ("std::vector<int> overflow", "std::vector<int> overflow"),
    ],
)  # fmt: skip
def test_mask(message: str, template: str) -> None:
    assert mask(message) == template


def test_miner_groups_counts_and_keeps_first_example_per_bucket() -> None:
    miner = TemplateMiner(buckets=2)
    for i in range(5):
        miner.add(f"disk /dev/sd{'ab'[i % 2]}{i} at {90 + i}%", source="smartd", raw=f"raw {i}", bucket=i % 2)
    miner.add("disk check finished", source="smartd", raw="raw done")
    miner.add("disk /dev/sda1 at 91%", source="other", raw="raw other")
    templates = miner.templates()
    top = templates[0]
    assert top.label() == "smartd: disk <PATH> at <NUM>%"
    assert top.counts == [3, 2] and top.total == 5
    assert top.examples == {0: "raw 0", 1: "raw 1"}
    assert {t.label() for t in templates} == {
        "smartd: disk <PATH> at <NUM>%",
        "smartd: disk check finished",
        "other: disk <PATH> at <NUM>%",
    }


def test_levels_are_separate_templates() -> None:
    miner = TemplateMiner()
    a = miner.add("retry 1 of 3", level="warning")
    b = miner.add("retry 3 of 3", level="error")
    c = miner.add("retry 2 of 3", level="warning")
    assert a is c and a is not b
    assert (a.level, a.total, b.level, b.total) == ("warning", 2, "error", 1)


def test_miner_lumps_templates_beyond_the_limit() -> None:
    miner = TemplateMiner(max_templates=3)
    for word in ("alpha", "beta", "gamma", "delta", "epsilon"):
        miner.add(f"unique {word} event")
    labels = [t.label() for t in miner.templates()]
    assert len(labels) == 4 and OVERFLOW in labels
    assert miner.overflowed


def test_cache_survives_being_cleared() -> None:
    miner = TemplateMiner(cache_size=2)
    first = [miner.add(f"value {i} for key{k}") for i in range(3) for k in "abc"]
    assert len({id(t) for t in first}) == 3  # the last words differ: three templates
    assert sum(t.total for t in miner.templates()) == 9


def test_hex_ids_share_a_template_but_short_hex_words_do_not() -> None:
    miner = TemplateMiner()
    ids = ["4cbd87ad5c90a958", "deadbeefcafe1234", "0123456789abcdef", "ffffffffffff0000"]
    found = {miner.add(f"trace {i} finished").label() for i in ids}
    assert found == {"trace <HEX> finished"}
    words = [miner.add(f"user {w} logged in") for w in ("bad", "fed", "cab", "add")]
    assert len({id(t) for t in words}) == 4
    assert words[0].label() == "user bad logged in"

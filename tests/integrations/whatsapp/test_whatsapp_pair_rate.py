"""Meta's pair rate limit (131056, about one message in 6 s to one customer, bursts allowed): that customer waits for
their turn, the others do not, and a long reply that meets it at every part goes whole without a failed attempt."""

from __future__ import annotations

import asyncio
import logging

from integrations.whatsapp import channel
from tests.fakes.whatsapp_server import GraphError
from tests.integrations.telegram.conftest import notes_left, until

CUSTOMER, OTHER = "16505551234", "447700900123"
SECTION = "dm_policy: open\nmark_read: false\npair_rate_wait: 0.3"
PARAGRAPH = "lorem ipsum " * 300
SIX_PARTS = f"""
automations:
  - id: long
    triggers: [{{trigger: message, platform: whatsapp}}]
    actions: [{{reply: "{{% if trigger.text == 'all' %}}{(PARAGRAPH.strip() + chr(10) * 2) * 6}end{{% else %}}echo:\
 {{{{ trigger.text }}}}{{% endif %}}"}}]
"""


def words(parts: list[str]) -> list[str]:
    """The words of a reply's parts (the split moves line breaks)."""
    return "".join(parts).split()


async def test_a_long_reply_met_by_the_limit_at_every_part_goes_whole_and_each_part_once(serve_whatsapp, whatsapp,
                                                                                          caplog) -> None:
    caplog.set_level(logging.INFO)
    gateway = await serve_whatsapp(SECTION, extra=SIX_PARTS)
    whatsapp.pair_limit = (1, 0.3)  # after the first part, one every 0.3 s: each next part is refused once
    await whatsapp.deliver(whatsapp.inbound("all"))
    await until(lambda: "end" in "".join(whatsapp.texts(CUSTOMER)), timeout=20)
    parts = whatsapp.texts(CUSTOMER)
    assert len(parts) == 6 and words(parts) == (PARAGRAPH * 6).split() + ["end"]
    refused = [body for _, body in whatsapp.calls if body.get("type") == "text"][len(parts):]
    assert len(refused) >= 4  # the limit was met (a try more than the parts sent)
    assert await gateway.store.dead.list(10) == [] and await notes_left(gateway, "whatsapp") == []
    assert "failed" not in caplog.text  # waiting for the customer's turn is no failed attempt


async def test_a_customer_met_by_the_limit_waits_and_the_others_do_not(serve_whatsapp, whatsapp) -> None:
    await serve_whatsapp(SECTION.replace("0.3", "2"), extra=SIX_PARTS)
    whatsapp.pair_limit = (2, 2.0)
    for n in range(3):
        await whatsapp.deliver(whatsapp.inbound(f"m{n}"))
    await until(lambda: len(whatsapp.texts(CUSTOMER)) == 2)
    await whatsapp.deliver(whatsapp.inbound("hi", wa_id=OTHER))  # while the third reply waits for its turn
    await until(lambda: whatsapp.texts(OTHER) == ["echo: hi"], timeout=1.5)
    assert len(whatsapp.texts(CUSTOMER)) == 2
    await until(lambda: len(whatsapp.texts(CUSTOMER)) == 3, timeout=10)
    assert whatsapp.texts(CUSTOMER) == ["echo: m0", "echo: m1", "echo: m2"]


async def test_a_customer_refused_for_long_is_left_alone_longer_each_time_and_nothing_is_given_up(
        serve_whatsapp, whatsapp, caplog) -> None:
    caplog.set_level(logging.INFO)
    retries = "scheduler: {backoff_base: 0.05}\nstore: {delivery_max_attempts: 3}\n"  # failures would end it soon
    gateway = await serve_whatsapp(SECTION.replace("0.3", "0.1"), extra=SIX_PARTS + retries)
    whatsapp.pair_limit = (1, 2.0)  # one message, then the next in 2 s (a burst borrowed from the rate)
    for n in range(2):
        await whatsapp.deliver(whatsapp.inbound(f"m{n}"))
    await until(lambda: whatsapp.texts(CUSTOMER) == ["echo: m0", "echo: m1"], timeout=15)
    refusals = len([body for _, body in whatsapp.calls if body.get("type") == "text"]) - 2
    assert 3 <= refusals <= 6  # left alone 0.1, 0.2, 0.4, 0.8, 1.6 s: a handful of tries in 2 s, not twenty
    assert await gateway.store.dead.list(10) == [] and "failed" not in caplog.text
    assert caplog.text.count("pair rate limit") == 1  # one INFO line when it began



async def test_refusals_in_a_row_end_when_the_customers_turn_came_long_ago(serve_whatsapp, whatsapp, caplog,
                                                                           monkeypatch) -> None:
    monkeypatch.setattr(channel, "PAIR_WAIT_LONGEST", 0.3)
    caplog.set_level(logging.INFO, logger="integrations.whatsapp.channel")
    gateway = await serve_whatsapp(SECTION.replace("0.3", "0.1"), extra=SIX_PARTS)
    limited = GraphError(131056, "(Business Account, Consumer Account) pair rate limit hit", 400)
    whatsapp.fail_next(limited, GraphError(131047, "Re-engagement message", 400))  # refused, then given up
    await whatsapp.deliver(whatsapp.inbound("m0"))
    async with asyncio.timeout(10):
        while not await gateway.store.dead.list(10):  # the reply failed for another reason
            await asyncio.sleep(0.02)
    await asyncio.sleep(0.6)  # the customer's turn came longer ago than the longest wait
    whatsapp.fail_next(limited)
    await whatsapp.deliver(whatsapp.inbound("m1"))
    await until(lambda: whatsapp.texts(CUSTOMER) == ["echo: m1"], timeout=10)
    began = [r.getMessage() for r in caplog.records if "(refused 1 in a row)" in r.getMessage()]
    assert len(began) == 2, "a new run of refusals, not the second of the one before"

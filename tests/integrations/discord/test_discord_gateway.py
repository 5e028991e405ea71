"""The discord channel against the fake: the Gateway's lifecycle, messages, sends with nonces and limits."""

from __future__ import annotations

import asyncio
import logging

import pytest

from tests.fakes.discord_server import RestFailure, rate_limited
from tests.integrations.telegram.conftest import until

DM = "1250000000000000001"
GUILD_CHANNEL = "1250000000000000777"

IDENTIFY_AGAIN = 30.0
"""Seconds a new session may take after op 9: Discord's 1-5 s, the reconnect backoff (longer after a
zombie reconnect on a stalled host) and 5 s between identifies; a clean clone's run once took over 15."""


async def test_identify_then_messages_in_dms_and_servers(serve_discord, discord) -> None:
    await serve_discord("dm_policy: open\ngroup_policy: open")
    await until(lambda: discord.sessions)
    discord.user_says("hello")
    discord.user_says("talking among ourselves", channel_id=GUILD_CHANNEL, guild=True)
    discord.user_says("are you there?", channel_id=GUILD_CHANNEL, guild=True, mention=True)
    discord.user_says("answering you", channel_id=GUILD_CHANNEL, guild=True, reply_to_bot=True)
    discord.user_says("I am a bot", bot_author=True)
    discord.dispatch("GUILD_CREATE", {"id": "1240000000000000001", "roles": [
        {"id": "1270000000000000001", "name": "Roost", "tags": {"bot_id": "1230000000000000001"}},
        {"id": "1270000000000000002", "name": "Staff"}]})
    discord.user_says("@Staff only", channel_id=GUILD_CHANNEL, guild=True, mention_role="1270000000000000002")
    discord.user_says("@Roost (the role)", channel_id=GUILD_CHANNEL, guild=True, mention_role="1270000000000000001")
    await until(lambda: len(discord.texts(GUILD_CHANNEL)) == 3 and discord.texts(DM))
    await asyncio.sleep(0.3)
    assert discord.texts(DM) == ["echo: hello"]
    assert discord.texts(GUILD_CHANNEL) == ["echo: <@1230000000000000001> are you there?", "echo: answering you",
                                            "echo: @Roost (the role)"]
    first = discord.posted[0]["body"]
    assert first["allowed_mentions"] == {"parse": [], "replied_user": False} and first["enforce_nonce"] is True
    assert first["message_reference"]["message_id"] and len(first["nonce"]) <= 25
    assert discord.identifies == 1


@pytest.mark.allow_logged_errors
async def test_a_message_roost_cannot_read_is_skipped_and_the_next_ones_come_through(serve_discord, discord,
                                                                                   caplog) -> None:
    await serve_discord("dm_policy: open")
    await until(lambda: discord.sessions)
    discord.dispatch("MESSAGE_CREATE", {"id": "1210000000000000001", "type": 0, "content": "no channel id",
                                        "author": {"id": "1220000000000000001", "username": "ana"}})
    discord.user_says("after it")
    await until(lambda: discord.texts(DM))
    assert discord.texts(DM) == ["echo: after it"] and discord.identifies == 1, "no reconnect: it is not replayed"
    assert "A discord message (1210000000000000001) could not be taken in, and is skipped" in caplog.text


async def test_heartbeats_start_with_jitter_and_a_zombie_connection_resumes(serve_discord, discord) -> None:
    await serve_discord()
    await until(lambda: len(discord.beats) >= 2, timeout=5)
    assert 0 <= discord.beats[0] - discord.hellos[0] <= 0.5 + 0.1, "the first beat comes within one interval"
    discord.ack = False  # Discord stops acknowledging: the connection is a zombie
    await until(lambda: discord.closes, timeout=5)
    assert discord.closes[0] not in (1000, 1001), f"closed so the session stays resumable {discord.closes}"
    discord.ack = True
    await until(lambda: discord.resumes == 1, timeout=10)
    discord.user_says("after the zombie")
    await until(lambda: discord.texts(DM))
    assert discord.identifies == 1


async def test_missed_events_are_replayed_and_answered_once(serve_discord, discord) -> None:
    await serve_discord()
    discord.user_says("before")
    await until(lambda: discord.texts(DM))
    await discord.close_with(4000)  # a resumable close
    discord.user_says("while away 1")
    discord.user_says("while away 2")
    await until(lambda: discord.resumes == 1, timeout=10)
    await until(lambda: len(discord.texts(DM)) == 3)
    await discord.send_op(7)  # Reconnect: the replay includes everything after the last seq seen again
    await until(lambda: discord.resumes == 2, timeout=10)
    await asyncio.sleep(0.5)
    assert discord.texts(DM) == ["echo: before", "echo: while away 1", "echo: while away 2"]


async def test_invalid_sessions_resume_or_identify_anew(serve_discord, discord) -> None:
    await serve_discord()
    await discord.send_op(9, True)
    await until(lambda: discord.resumes == 1, timeout=10)
    await discord.send_op(9, False)
    await until(lambda: discord.identifies == 2, timeout=IDENTIFY_AGAIN)
    discord.user_says("new session")
    await until(lambda: discord.texts(DM))


async def test_a_fatal_close_code_stops_only_discord(serve_discord, discord, caplog) -> None:
    gateway = await serve_discord()
    discord.allow_privileged = False
    await discord.send_op(9, False)  # identify again: Discord now refuses the Message Content intent
    await until(lambda: 4014 in discord.refusals, timeout=IDENTIFY_AGAIN)
    await until(lambda: "Privileged Gateway Intents" in caplog.text, timeout=5)
    await asyncio.sleep(1.5)
    assert discord.identifies == 1 and not gateway.data["discord"].online
    assert gateway.state == "running"


async def test_a_send_retried_after_a_lost_answer_posts_once(serve_discord, discord) -> None:
    gateway = await serve_discord()
    discord.rest_failures.append(RestFailure(create_then_drop=True))
    await gateway.send("discord", DM, "exactly once")
    await until(lambda: discord.texts(DM), timeout=15)
    await asyncio.sleep(1.5)
    assert discord.texts(DM) == ["exactly once"]


async def test_429s_are_waited_out_in_order(serve_discord, discord) -> None:
    gateway = await serve_discord()
    discord.rest_failures.extend([rate_limited(0.3), rate_limited(0.2, global_=True)])
    for n in range(4):
        await gateway.send("discord", DM, f"reply {n}")
    await until(lambda: len(discord.texts(DM)) == 4, timeout=20)
    assert discord.texts(DM) == [f"reply {n}" for n in range(4)]


async def test_a_part_met_by_a_429_goes_at_its_bucket_s_turn_without_a_failed_attempt(serve_discord, discord,
                                                                                        caplog) -> None:
    caplog.set_level(logging.INFO)
    gateway = await serve_discord()
    discord.rest_failures.extend([None, rate_limited(0.3)])  # the second part is refused once
    long = "\n\n".join(f"paragraph {n} " + "word " * 300 for n in range(3))  # three parts
    await gateway.send("discord", DM, long)
    await until(lambda: any("paragraph 2" in t for t in discord.texts(DM)), timeout=15)
    assert [t.split()[:2] for t in discord.texts(DM)] == [["paragraph", str(n)] for n in range(3)]
    assert "failed" not in caplog.text  # the rest went at the bucket's turn, the reply's attempts untouched


async def test_long_replies_are_split_with_code_fences_closed_and_reopened(serve_discord, discord) -> None:
    gateway = await serve_discord()
    code = "\n".join(f"print({i})" for i in range(400))
    await gateway.send("discord", DM, f"Here you go:\n```python\n{code}\n```\nDone.")
    await until(lambda: any("Done." in t for t in discord.texts(DM)), timeout=15)
    parts = discord.texts(DM)
    assert len(parts) >= 3 and all(len(p) <= 2000 for p in parts)
    assert all(p.count("```") % 2 == 0 for p in parts) and parts[1].startswith("```python")


async def test_a_long_reply_that_empties_its_bucket_holds_up_no_other_channel(serve_discord, discord) -> None:
    gateway = await serve_discord()
    discord.message_bucket = (2, 1.5)  # two posts a channel every 1.5 s
    long = "\n\n".join(f"paragraph {n} " + "word " * 300 for n in range(4))  # four parts of up to 2,000
    await gateway.send("discord", DM, long)
    await until(lambda: len(discord.texts(DM)) == 2)
    await gateway.send("discord", GUILD_CHANNEL, "meanwhile")  # while the long reply's third part waits
    await until(lambda: len(discord.texts(DM)) == 4, timeout=20)
    posted = [message["channel_id"] for message in discord.posted]
    assert posted.index(GUILD_CHANNEL) == 2  # before the third part, not after the last
    assert "".join(discord.texts(DM)).split() == long.split() and discord.rate_limited == 0


async def test_a_full_bucket_holds_up_only_its_own_channel(serve_discord, discord) -> None:
    gateway = await serve_discord()
    discord.message_bucket = (2, 1.5)  # two posts a channel every 1.5 s
    for n in range(3):
        await gateway.send("discord", DM, f"dm {n}")
    await until(lambda: len(discord.texts(DM)) == 2)
    await gateway.send("discord", GUILD_CHANNEL, "meanwhile")  # while the DM's third waits for its bucket
    await until(lambda: len(discord.texts(DM)) == 3, timeout=20)
    posted = [(message["channel_id"], message["content"]) for message in discord.posted]
    assert posted.index((GUILD_CHANNEL, "meanwhile")) < posted.index((DM, "dm 2"))
    assert discord.rate_limited == 0  # the bucket was waited out, not run into


async def test_a_voice_message_for_roost_is_answered_with_what_roost_reads(serve_discord, discord) -> None:
    await serve_discord("dm_policy: open\ngroup_policy: open")
    await until(lambda: discord.sessions)
    discord.user_says("", voice=True)
    discord.user_says("", voice=True, channel_id=GUILD_CHANNEL, guild=True)  # not for Roost
    discord.user_says("", channel_id=GUILD_CHANNEL, guild=True)  # what Discord sends without the content intent
    discord.user_says("", voice=True, channel_id=GUILD_CHANNEL, guild=True, reply_to_bot=True)
    await until(lambda: discord.texts(DM) and discord.texts(GUILD_CHANNEL))
    await asyncio.sleep(0.3)
    assert discord.texts(DM) == discord.texts(GUILD_CHANNEL) == ["Sorry, I can only read text messages."]


@pytest.mark.parametrize("servers, said", [
    (0, "Discord bot roost connected, in no server yet: direct-message it, or add it to a server at"
        " https://discord.com/oauth2/authorize?client_id=1230000000000000001&scope=bot&permissions=68608"),
    (2, "Discord bot roost connected, in 2 servers")])
async def test_the_log_says_the_bot_connected_and_where_to_add_it_to_a_server(serve_discord, discord, caplog,
                                                                              servers, said) -> None:
    caplog.set_level(logging.INFO, logger="integrations.discord")
    discord.guilds = [{"id": f"124000000000000000{n}", "unavailable": True} for n in range(servers)]
    gateway = await serve_discord("dm_policy: open")
    await until(lambda: gateway.data["discord"].online)
    assert said in caplog.text and ("in no server yet" in caplog.text) is (servers == 0)


async def test_a_reply_refused_for_a_missing_permission_says_what_to_give_the_bot(serve_discord, discord) -> None:
    gateway = await serve_discord("dm_policy: open\ngroup_policy: open")
    await until(lambda: discord.sessions)
    discord.rest_failures.append(RestFailure(403, {"message": "Missing Permissions", "code": 50013}))
    discord.user_says("are you there?", channel_id=GUILD_CHANNEL, guild=True, mention=True)
    async with asyncio.timeout(10):
        while not (letters := await gateway.store.dead.list(10)):
            await asyncio.sleep(0.05)
    assert "Missing Permissions; the bot lacks a permission there: give its role View Channels, Send Messages" \
        in letters[0].reason

"""Message: command and argument parsing, bot mentions, immutability, chat keys."""

from __future__ import annotations

import dataclasses

import pytest

from core.message import Message, parse_command


@pytest.mark.parametrize(
    ("text", "command", "args"),
    [
        ("/check_logs 30m", "check_logs", ("30m",)),
        ("!alert disk full", "alert", ("disk", "full")),
        ("/start@MyBot", "start", ()),
        ("/start@MyBot now please", "start", ("now", "please")),
        ("  /Ping   a  b ", "ping", ("a", "b")),
        ("/ping\nsecond line", "ping", ("second", "line")),
        ("/system.status", "system.status", ()),
    ],
)
def test_commands_and_args_are_parsed(text: str, command: str, args: tuple[str, ...]) -> None:
    message = Message.create("telegram", "1", "alice", text)
    assert message.command == command
    assert message.args == args
    assert message.args_text == " ".join(args)
    assert message.text == text  # the text is kept as typed


@pytest.mark.parametrize(
    "text",
    ["hello there", "what is /ping?", "/usr/bin is a path", "! alert", "/", "", "check /logs 30m"],
)
def test_plain_text_has_no_command(text: str) -> None:
    message = Message.create("console", "local", "me", text)
    assert message.command is None
    assert message.args == ()
    assert message.args_text == ""


def test_parse_command_reports_the_addressed_bot() -> None:
    assert parse_command("/start@MyBot go") == ("start", ("go",), "MyBot")
    assert parse_command("!alert disk full") == ("alert", ("disk", "full"), None)
    assert parse_command("no command") == (None, (), None)


def test_command_addressed_to_this_bot_counts_as_a_mention_and_another_bots_is_none_of_ours() -> None:
    ours = Message.create("telegram", "1", "a", "/start@MyBot go", bot_names=("mybot",))
    theirs = Message.create("telegram", "1", "a", "/start@OtherBot go", bot_names=("mybot",))
    assert (ours.mentions_bot, ours.command, ours.args) == (True, "start", ("go",))
    assert (theirs.mentions_bot, theirs.command, theirs.args) == (False, None, ())
    nameless = Message.create("telegram", "1", "a", "/start@OtherBot", bot_names=())
    assert nameless.command == "start", "without a name of its own, Roost cannot tell whose it is"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hey @Roost what's up", True),
        ("@roost, status?", True),
        ("ping @roost", True),
        ("hey roost", False),  # a name without @ is not a mention
        ("@roosterfan hello", False),  # another handle that starts with the bot's name
        ("mail me at bob@roost.example", False),
        ("hello", False),
    ],
)
def test_mentions_bot_detects_at_names(text: str, expected: bool) -> None:
    message = Message.create("discord", "c", "u", text, bot_names=("roost", "helper"))
    assert message.mentions_bot is expected


def test_mention_without_bot_names_is_false_and_can_be_set_by_the_channel() -> None:
    assert Message.create("discord", "c", "u", "@roost hi").mentions_bot is False
    assert Message.create("discord", "c", "u", "hi", mentions_bot=True).mentions_bot is True


def test_message_is_immutable() -> None:
    message = Message.create("telegram", 42, 7, "/ping")
    with pytest.raises(dataclasses.FrozenInstanceError):
        message.text = "changed"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        message.command = "other"  # type: ignore[misc]
    assert isinstance(message.args, tuple)


def test_ids_are_strings_and_chat_key_names_platform_and_chat() -> None:
    message = Message.create("telegram", 42, 7, "hi")
    assert message.chat_id == "42"
    assert message.sender == "7"
    assert message.chat_key == "telegram:42"
    assert Message.create("whatsapp", "42", "7", "hi").chat_key != message.chat_key


def test_each_message_gets_its_own_id_and_a_time() -> None:
    first = Message.create("console", "local", "me", "a")
    second = Message.create("console", "local", "me", "a")
    assert first.id != second.id
    assert first.time > 0
    assert Message.create("console", "local", "me", "a", id="fixed").id == "fixed"


def test_as_dict_exposes_template_fields_but_not_the_raw_payload() -> None:
    message = Message.create("telegram", "1", "a", "!alert disk full", raw={"secret": "payload"})
    data = message.as_dict()
    assert data["command"] == "alert"
    assert data["args"] == ["disk", "full"]
    assert data["args_text"] == "disk full"
    assert data["chat_key"] == "telegram:1"
    assert "raw" not in data
    assert "payload" not in repr(data)

"""The command policy: only allow-listed commands, only arguments that match their patterns."""

from __future__ import annotations

from pathlib import Path

import pytest
import voluptuous as vol

from core.errors import ConfigErrors
from core.sandbox import CONFIG_SCHEMA, CommandPolicy, CommandRefused, Limits, SandboxError

SECTION = {
    "limits": {"wall_seconds": 5, "memory_bytes": "128M"},
    "commands": {
        "disk": ["df", "-h"],
        "say": {
            "argv": ["echo", "said:"],
            "args": ["[A-Za-z0-9_.-]{1,32}"],
            "max_args": 3,
        },
        "head": {
            "argv": ["head", "-n"],
            "args": ["[0-9]{1,4}", "/var/log/[a-z.]+"],
            "min_args": 2,
            "limits": {"wall_seconds": 2},
            "read_paths": ["/var/log"],
        },
        "seq": {"argv": ["seq"], "args": ["-?[0-9]+"], "allow_options": True},
    },
}


@pytest.fixture
def policy() -> CommandPolicy:
    """A policy built from SECTION."""
    return CommandPolicy.from_config(SECTION)


def test_config_is_read_with_defaults(policy: CommandPolicy) -> None:
    assert policy.names == ("disk", "head", "say", "seq")
    disk = policy.get("disk")
    assert disk is not None and disk.argv == ("df", "-h") and disk.max_args == 0
    seq = policy.get("seq")
    assert seq is not None and seq.max_args == 1  # one pattern: one argument by default
    head = policy.get("head")
    assert head is not None
    # Section limits are the base; a command's own limits override them.
    assert head.limits == Limits(wall_seconds=2, memory_bytes=128 << 20)
    assert disk.limits == Limits(wall_seconds=5, memory_bytes=128 << 20)
    assert "say" in policy and "rm" not in policy


def test_build_appends_arguments_as_separate_items(policy: CommandPolicy) -> None:
    argv, options = policy.build("say", ["hello", "big", "world"])

    assert argv == ["echo", "said:", "hello", "big", "world"]
    assert options["network"] is False and options["limits"].wall_seconds == 5
    assert options["isolation"] == "auto"


def test_patterns_apply_by_position_and_the_last_repeats(policy: CommandPolicy) -> None:
    argv, options = policy.build("head", ["20", "/var/log/syslog"])
    assert argv == ["head", "-n", "20", "/var/log/syslog"]
    assert options["read_paths"] == ("/var/log",)

    with pytest.raises(CommandRefused, match="argument 1 '/var/log/syslog' does not match"):
        policy.build("head", ["/var/log/syslog", "20"])


@pytest.mark.parametrize(
    "evil",
    ["; rm -rf /", "$(reboot)", "a && reboot", "`id`", "a|b", "x\ny", "../../etc/shadow", "a b"],
)
def test_shell_metacharacters_are_refused(policy: CommandPolicy, evil: str) -> None:
    with pytest.raises(CommandRefused) as info:
        policy.build("say", [evil])

    assert info.value.command == "say"
    assert info.value.argument == evil
    assert info.value.index == 0
    message = str(info.value)
    assert "command 'say'" in message and repr(evil) in message
    assert "[A-Za-z0-9_.-]{1,32}" in message


def test_unknown_command_names_the_allowed_ones(policy: CommandPolicy) -> None:
    with pytest.raises(CommandRefused, match="'rm' is not allowed; allowed commands: disk, "):
        policy.build("rm", ["-rf", "/"])


def test_argument_counts_are_enforced(policy: CommandPolicy) -> None:
    with pytest.raises(CommandRefused, match="'disk' takes at most 0 argument"):
        policy.build("disk", ["/"])
    with pytest.raises(CommandRefused, match="'say' takes at most 3 argument"):
        policy.build("say", ["a", "b", "c", "d"])
    with pytest.raises(CommandRefused, match="'head' needs at least 2 argument"):
        policy.build("head", ["20"])


def test_options_are_refused_unless_allowed(policy: CommandPolicy) -> None:
    policy.build("say", ["a-b"])  # a dash inside is fine
    with pytest.raises(CommandRefused, match="looks like an option"):
        policy.build("say", ["--help"])
    assert policy.build("seq", ["-3"])[0] == ["seq", "-3"]


def test_arguments_must_be_a_list_of_strings(policy: CommandPolicy) -> None:
    with pytest.raises(CommandRefused, match="list of separate strings"):
        policy.build("say", "hello world")
    with pytest.raises(CommandRefused, match="argument 1 must be a string, got int"):
        policy.build("say", [5])  # type: ignore[list-item]


def test_long_arguments_are_shortened_in_messages(policy: CommandPolicy) -> None:
    with pytest.raises(CommandRefused) as info:
        policy.build("say", ["x" * 500])
    assert len(str(info.value)) < 200


def test_refusal_is_a_sandbox_error(policy: CommandPolicy) -> None:
    with pytest.raises(SandboxError):
        policy.build("nope")


@pytest.mark.parametrize(
    ("section", "where", "what"),
    [
        ({"commands": {"x": {"argv": []}}}, "sandbox.commands.x.argv", "length"),
        ({"commands": {"x": {"argv": ["a"], "args": ["("]}}}, "args.0", "regular expression"),
        ({"commands": {"x": ["./run.sh"]}}, "commands.x.argv", "bare command name"),
        ({"commands": {"bad name": ["ls"]}}, "commands.bad name", "letters, digits"),
        ({"commands": {"x": {"argv": ["a"], "max_args": 2}}}, "max_args", "needs at least one"),
        ({"commands": {"x": {"argv": ["a"], "limits": {"cpu": 1}}}}, "limits", "unknown limit"),
        ({"commands": {"x": {"argv": ["a"], "read_paths": ["logs"]}}}, "read_paths.0", "absolute"),
        ({"commands": {"x": {"argv": ["a"], "shell": True}}}, "x.shell", "unknown key"),
        ({"limits": {"wall_seconds": -1}}, "sandbox.limits", "must be positive"),
        ({"isolation": "chroot"}, "sandbox.isolation", "one of"),
    ],
)
def test_config_errors_are_located(section: dict, where: str, what: str) -> None:
    with pytest.raises(ConfigErrors) as info:
        CommandPolicy.from_config(section)
    text = str(info.value)
    assert where in text and what in text, text


def test_config_schema_checks_the_sandbox_section_of_a_whole_config() -> None:
    config = CONFIG_SCHEMA({"homeassistant_like": {"x": 1}, "sandbox": SECTION})
    assert config["sandbox"]["commands"]["say"]["max_args"] == 3
    assert CONFIG_SCHEMA({})["sandbox"] == {"isolation": "auto", "limits": {}, "commands": {}}
    with pytest.raises(vol.Invalid):
        CONFIG_SCHEMA({"sandbox": {"commands": {"x": {"argv": "ls"}}}})


async def test_policy_runs_allowed_commands_literally(tmp_path: Path) -> None:
    policy = CommandPolicy.from_config(
        {"commands": {"say": {"argv": ["echo"], "args": [".{1,40}"], "max_args": 4}}}
    )
    work = tmp_path / "work"
    work.mkdir()
    work.chmod(0o777)
    canary = work / "canary"
    canary.write_text("alive")

    # A permissive pattern lets metacharacters through, yet they stay plain text.
    result = await policy.run(
        "say", ["; rm canary", "$(rm canary)", "&& rm canary"], workdir=str(work)
    )

    assert result.ok
    assert result.text() == "; rm canary $(rm canary) && rm canary\n"
    assert canary.read_text() == "alive"


async def test_refused_command_never_runs(tmp_path: Path) -> None:
    policy = CommandPolicy.from_config(
        {"commands": {"touch": {"argv": ["touch"], "args": ["[a-z]+"]}}}
    )
    work = tmp_path / "work"
    work.mkdir()
    work.chmod(0o777)

    with pytest.raises(CommandRefused):
        await policy.run("touch", ["pwned;"], workdir=str(work))
    assert list(work.iterdir()) == []

    result = await policy.run("touch", ["made"], workdir=str(work))
    assert result.ok and (work / "made").exists()


async def test_policy_isolation_setting_is_used() -> None:
    policy = CommandPolicy.from_config({"isolation": "none", "commands": {"t": ["true"]}})

    result = await policy.run("t")

    assert result.ok and result.isolation == "none"

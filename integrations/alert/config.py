"""The alert section of configuration.yaml, and the targets alerts go to."""

from __future__ import annotations

from typing import Any, NamedTuple

import voluptuous as vol

DOMAIN = "alert"


class Target(NamedTuple):
    """One chat an alert goes to: a platform and a chat id on it."""

    platform: str
    chat_id: str

    def __str__(self) -> str:
        return f"{self.platform}:{self.chat_id}"


_TARGET_DICT = vol.Schema({vol.Required("platform"): vol.All(str, vol.Length(min=1)),
                           vol.Required("chat_id"): vol.All(vol.Coerce(str), vol.Length(min=1))})


def target(value: Any) -> Target:
    """A target from {platform: P, chat_id: C} or the short form "P:C"."""
    if isinstance(value, Target):
        return value
    if isinstance(value, str):
        platform, sep, chat_id = value.partition(":")
        if not sep or not platform or not chat_id:
            raise vol.Invalid(f"expected a target like 'telegram:123' or {{platform, chat_id}}, got {value!r}")
        return Target(platform.strip(), chat_id.strip())
    if isinstance(value, dict):
        checked = _TARGET_DICT(value)
        return Target(str(checked["platform"]), str(checked["chat_id"]))
    raise vol.Invalid(f"expected a target like 'telegram:123' or {{platform, chat_id}}, got {value!r}")


def targets(value: Any) -> list[Target]:
    """A list of targets, without duplicates, in the order given."""
    if value is None:
        return []
    if isinstance(value, Target) or not isinstance(value, list | tuple):
        value = [value]
    unique: dict[Target, None] = {}
    for index, item in enumerate(value):
        try:
            unique[target(item)] = None
        except vol.Invalid as err:
            raise vol.Invalid(err.msg, path=[index]) from None
    return list(unique)


repeat_minutes = vol.All(vol.Coerce(float), vol.Range(min=0, msg="expected minutes >= 0 (0: no repeat)"))

CONFIG_SCHEMA = vol.Schema(vol.All(lambda v: {} if v is None else v, {
    vol.Optional("targets", default=[]): targets,
    vol.Optional("repeat_minutes", default=0.0): repeat_minutes,
    vol.Optional("max_repeats", default=10): vol.All(int, vol.Range(min=0)),
    vol.Optional("ack_command", default="ack"): vol.All(
        str, vol.Match(r"^[A-Za-z0-9_][\w.-]*$", msg="expected a command word without the slash"), vol.Lower,
    ),
    vol.Optional("ack_from", default="targets"): vol.In(
        ["targets", "anyone"], msg="expected 'targets' (only the alerted chats) or 'anyone'",
    ),
    vol.Optional("priority", default=1000): vol.All(int, vol.Range(min=1)),
    vol.Optional("keep", default=100): vol.All(int, vol.Range(min=1)),
}))
"""alert: targets, repeat_minutes (0 = once), max_repeats, ack_command, ack_from, priority, keep."""

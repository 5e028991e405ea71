"""A configuration directory for the alert tests: two recording channels, the alert section, automations."""

from __future__ import annotations

import asyncio
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.message import Message

# A drop-in channel integration: one recording channel per platform listed in its section.
RECORDER = '''
from __future__ import annotations

import asyncio

from core.channel import ChannelInfo
from core.hookspecs import hookimpl


class Recorder:
    """Records every (chat_id, text) it is asked to send; can be held offline or made slow."""

    def __init__(self, platform):
        self.platform = platform
        self.info = ChannelInfo(platform)
        self.online = True
        self.delay = 0.0
        self.sent = []

    async def send(self, message):
        if self.delay:
            await asyncio.sleep(self.delay)
        self.sent.append((message.chat_id, message.text))
        return f"{self.platform}-{len(self.sent)}"


@hookimpl
def roost_setup(gateway, config):
    channels = {}
    for platform in (config or {}).get("platforms", ["telegram", "whatsapp"]):
        channel = Recorder(platform)
        gateway.register_channel(channel)
        channels[platform] = channel
    gateway.data["recorder"] = channels
'''

AUTOMATIONS = """\
automations:
  - id: emergency
    use_blueprint:
      path: emergency_alert.yaml
      input:
        platforms: []
  - id: echo
    triggers:
      - trigger: message
        pattern: "^say (?P<what>.+)$"
    actions:
      - reply: "{{ trigger.match.what }}"
  - id: alerts
    triggers:
      - trigger: message
        command: alerts
    actions:
      - call: alert.list
        response_variable: listing
      - reply: "{{ listing }}"
"""


def write_alert_config(config_dir: Path, alert_section: str = "", *, automations: str = AUTOMATIONS) -> Path:
    """configuration.yaml with the recorder (telegram, whatsapp), the alert section and automations."""
    section = alert_section or """\
        targets:
          - platform: telegram
            chat_id: "T1"
          - whatsapp:W1
        """
    text = (
        "roost:\n  log_level: warning\n  stop_timeout: 5\n"
        "recorder:\n  platforms: [telegram, whatsapp]\n"
        "alert:\n" + textwrap.indent(textwrap.dedent(section), "  ") + automations
    )
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "configuration.yaml").write_text(text, encoding="utf-8")
    folder = config_dir / "integrations" / "recorder"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "manifest.json").write_text(
        '{"domain": "recorder", "kind": "channel", "name": "Recorder", "version": "1.0.0"}', encoding="utf-8"
    )
    (folder / "__init__.py").write_text(RECORDER, encoding="utf-8")
    return config_dir


async def say(gateway: Any, platform: str, chat_id: str, text: str, sender: str = "someone") -> Message:
    """A message arriving from a chat, through the gateway's one door."""
    message = Message.create(platform, chat_id, sender, text)
    assert await gateway.ingest(message)
    return message


async def wait_until(predicate: Callable[[], Any], timeout: float = 5.0, what: str = "condition") -> Any:
    """Poll predicate until it returns something truthy; fail with what after timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(0.01)


def texts(channel: Any, chat_id: str) -> list[str]:
    """What a recording channel sent to one chat, in order."""
    return [text for chat, text in channel.sent if chat == chat_id]

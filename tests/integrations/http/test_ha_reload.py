"""Home Assistant's `automation.reload` over Roost's WebSocket, with HA's Python client: for admin tokens only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hass_client import HomeAssistantClient
from hass_client.exceptions import FailedCommand

from tests.helpers.ha_socket import ha_socket

ECHO = """
automations:
  - id: echo
    triggers: [{trigger: message, platform: websocket}]
    actions: [{reply: "echo: {{ trigger.text }}"}]
"""


async def ask(client: HomeAssistantClient, text: str) -> list[str]:
    """Roost's replies to text sent as a message of the WebSocket API."""
    result = await client.send_command("call_service", domain="roost", service="send_message",
                                       service_data={"text": text}, return_response=True)
    return result["response"]["replies"]


async def test_an_admin_token_reloads_the_automations_and_another_is_refused(serve, tmp_path: Path) -> None:
    served = await serve(extra=ECHO)
    file = tmp_path / "config" / "configuration.yaml"
    url = served.url.replace("http", "ws") + "/api/websocket"
    async with HomeAssistantClient(url, await served.token("reader")) as client:
        user = await client.send_command("auth/current_user")
        assert (user["name"], user["is_admin"], user["is_owner"]) == ("reader", False, False)
        file.write_text(file.read_text().replace('"echo: ', '"ECHO: '))
        with pytest.raises(FailedCommand, match="Unauthorized"):
            await client.send_command("call_service", domain="automation", service="reload")
        assert await ask(client, "hi") == ["echo: hi"]
    async with HomeAssistantClient(url, await served.token("owner", admin=True)) as client:
        user = await client.send_command("auth/current_user")
        assert (user["is_admin"], user["is_owner"]) == (True, True)
        services = await client.send_command("get_services")
        assert services["automation"]["reload"]["fields"] == {}
        assert set(await client.send_command("call_service", domain="automation", service="reload")) == {"context"}
        assert await ask(client, "hi") == ["ECHO: hi"]
        file.write_text(file.read_text().replace("reply:", "replyy:"))
        with pytest.raises(FailedCommand, match="Automations not reloaded: 1 error"):
            await client.send_command("call_service", domain="automation", service="reload")
        assert await ask(client, "still?") == ["ECHO: still?"]


async def test_a_refused_reload_says_where_the_error_is_in_the_error_frame(serve, tmp_path: Path) -> None:
    served = await serve(extra=ECHO)
    file = tmp_path / "config" / "configuration.yaml"
    file.write_text(file.read_text().replace("reply:", "replyy:"))
    session, ws = await ha_socket(served, await served.token("owner", admin=True))
    async with session:
        await ws.send_str(json.dumps({"id": 1, "type": "call_service", "domain": "automation", "service": "reload"}))
        answer = json.loads(await ws.receive_str(timeout=10))
        assert answer["success"] is False and answer["error"]["code"] == "home_assistant_error"
        first, last = answer["error"]["message"].splitlines()[0], answer["error"]["message"].splitlines()[-1]
        assert first.startswith(f"{file}:") and "replyy" in first
        assert last == "Automations not reloaded: 1 error(s); the running ones stay as they were"

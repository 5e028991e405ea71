"""The http integration: health, tokens (hashed, expiring, revocable), bans, loopback-only by default."""

from __future__ import annotations

import asyncio
import json
import logging
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from integrations.http import server as http_server
from integrations.http.addresses import page_addresses
from integrations.http.tokens import TokenBook
from tests.helpers.configdir import write_config
from tests.integrations.http.conftest import ECHO

ROOST = Path(sys.executable).parent / "roost"


async def _get(url: str, token: str | None = None) -> tuple[int, dict]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with aiohttp.ClientSession() as session, session.get(url, headers=headers) as response:
        return response.status, await response.json()


async def test_health_reports_store_integrations_and_channels_without_a_token_on_loopback(serve) -> None:
    served = await serve()
    status, body = await _get(served.url + "/api/health")
    assert status == 200
    assert body["status"] == "ok" and body["store"]["writable"] is True and body["store"]["low_on_space"] is False
    free = shutil.disk_usage(served.gateway.config_dir).free
    assert abs(body["store"]["free_bytes"] - free) < free / 100, "read at start, from the store's disk"


async def test_health_is_degraded_while_the_store_s_disk_is_low(serve, caplog) -> None:
    served = await serve(extra=f"store: {{low_disk_mib: {1 << 40}}}\n" + ECHO)  # more than any disk here has
    status, body = await _get(served.url + "/api/health")
    assert status == 200 and body["status"] == "degraded", "it still writes: not failing"
    assert body["store"]["writable"] is True and body["store"]["low_on_space"] is True
    [warning] = [r for r in caplog.records if "low on space" in r.getMessage()]
    assert warning.levelname == "WARNING" and "MiB free (store: low_disk_mib is" in warning.getMessage()
    assert body["integrations"]["http"] == {"status": "loaded"}
    assert body["channels"] == {"websocket_chat": {"online": True}, "websocket": {"online": True}}


async def test_health_can_require_a_token(serve) -> None:
    served = await serve("health_requires_token: true")
    assert (await _get(served.url + "/api/health"))[0] == 401
    assert (await _get(served.url + "/api/health", await served.token()))[0] == 200


async def test_health_is_503_when_the_store_cannot_write(serve) -> None:
    served = await serve()
    await served.gateway.store.db.close()  # the writer is gone: nothing can be made durable
    status, body = await _get(served.url + "/api/health")
    assert status == 503 and body["status"] == "failing"
    assert body["store"]["writable"] is False and body["store"]["reason"]


async def test_tokens_are_checked_and_expire_and_revocation_is_immediate(serve) -> None:
    served = await serve("health_requires_token: true")
    book = TokenBook(served.gateway.storage("http"))
    good = await served.token("dashboard")
    short = await served.token("short", expires_in=0.2)
    assert (await _get(served.url + "/api/health", good))[0] == 200
    assert (await _get(served.url + "/api/health", short))[0] == 200
    await asyncio.sleep(0.3)
    assert (await _get(served.url + "/api/health", short))[0] == 401
    assert (await _get(served.url + "/api/health", good + "x"))[0] == 401
    assert await book.revoke("dashboard")
    assert (await _get(served.url + "/api/health", good))[0] == 401
    [info] = [i for i in await book.list() if i.name == "short"]
    assert info.last_used is not None


async def test_repeated_failures_are_throttled_then_banned_and_the_log_never_shows_a_token(serve, caplog) -> None:
    served = await serve("health_requires_token: true\nlogin_attempts_threshold: 3\nban_seconds: 60")
    good = await served.token()
    caplog.set_level(logging.WARNING)
    statuses = []
    for attempt in range(3):
        statuses.append((await _get(served.url + "/api/health", f"wrong-{attempt}-secret"))[0])
    assert statuses == [401, 401, 401]
    status, body = await _get(served.url + "/api/health", good)
    assert status == 403 and "banned" in body["error"]
    assert "Banned 127.0.0.1 for 60 s after 3 failed logins" in caplog.text
    assert "a restart of Roost lifts them" in caplog.text  # the way out, for a local script that got it wrong
    assert "wrong-" not in caplog.text and good not in caplog.text


@pytest.mark.allow_logged_errors
async def test_listening_beyond_loopback_is_refused_without_tokens_and_warned_without_tls(
    make_gateway, tmp_path: Path, caplog,
) -> None:
    config = write_config(tmp_path / "c", "http:\n  host: 0.0.0.0\n  port: 0\n")
    gateway = await make_gateway(config, builtins=True)
    state = gateway.integrations["http"]
    assert state.status == "failed" and state.reason.startswith("host 0.0.0.0 can be reached from other machines")
    assert "roost token create" in state.reason
    assert not [r for r in caplog.records if r.exc_info], "a refused configuration is no crash: no traceback"
    await gateway.stop()
    result = subprocess.run([str(ROOST), "token", "create", "remote", "--config", str(config)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    [where] = [line for line in result.stderr.splitlines() if line.startswith("The status page logs in with it:")]
    assert where.endswith(":0/") and "0.0.0.0" not in where, "where a browser on the network finds this machine"
    gateway = await make_gateway(config, builtins=True)
    assert gateway.integrations["http"].status == "loaded"
    assert "without TLS" in caplog.text


def test_the_token_command_shows_a_token_once_and_keeps_only_its_hash(tmp_path: Path) -> None:
    config = write_config(tmp_path / "c", "http:\n  port: 0\n")
    created = subprocess.run([str(ROOST), "token", "create", "ci", "--expires", "90d", "--config", str(config)],
                             capture_output=True, text=True, timeout=60)
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    assert token.startswith("roost_") and len(token) > 40
    assert "only time" in created.stderr
    assert "The status page logs in with it: http://127.0.0.1:0/" in created.stderr
    assert "chat page" not in created.stderr  # websocket_api is not configured
    again = subprocess.run([str(ROOST), "token", "create", "ci", "--config", str(config)],
                           capture_output=True, text=True, timeout=60)
    assert again.returncode == 1 and "exists already" in again.stderr
    owner = subprocess.run([str(ROOST), "token", "create", "owner", "--admin", "--config", str(config)],
                           capture_output=True, text=True, timeout=60)
    assert owner.returncode == 0, owner.stderr
    listed = subprocess.run([str(ROOST), "token", "list", "--config", str(config)],
                            capture_output=True, text=True, timeout=60)
    lines = sorted(listed.stdout.splitlines())
    assert lines[0].startswith("ci\tapi\tcreated ") and "last used never" in lines[0]
    assert lines[1].startswith("owner\tadmin\tcreated ")
    assert token not in listed.stdout
    for name in ("roost.db", "roost.db-wal"):
        if (config / name).exists():
            assert token.encode() not in (config / name).read_bytes()
    revoked = subprocess.run([str(ROOST), "token", "revoke", "ci", "--config", str(config)],
                             capture_output=True, text=True, timeout=60)
    assert revoked.returncode == 0
    assert subprocess.run([str(ROOST), "token", "list", "--config", str(config)],
                          capture_output=True, text=True, timeout=60).stdout.startswith("owner\t")


@pytest.mark.parametrize("lifetime", ["0d", "0.0h", "0", "2y"])
def test_a_token_lifetime_must_be_more_than_nothing_in_a_known_unit(tmp_path: Path, capsys, lifetime: str) -> None:
    from core.cli import main

    config = write_config(tmp_path / "c", "http:\n  port: 0\n")
    with pytest.raises(SystemExit) as refused:
        main(["token", "create", "t", "--expires", lifetime, "--config", str(config)])
    err = capsys.readouterr().err
    assert refused.value.code == 2 and "roost token create: error: argument --expires:" in err
    assert ("is no lifetime" if lifetime[-1] in "dh" else "expected a number and a unit") in err


async def test_errors_are_json_and_unknown_routes_need_a_token(serve) -> None:
    served = await serve()
    token = await served.token()
    assert await _get(served.url + "/api/nothing", token) == (404, {"error": "Not Found"})
    status, body = await _get(served.url + "/api/nothing")
    assert status == 401 and "roost token create" in body["error"]


def test_roost_check_refuses_a_reachable_host_until_a_token_exists(tmp_path: Path) -> None:
    config = write_config(tmp_path / "c", "http:\n  host: 0.0.0.0\n  port: 0\n")
    checked = subprocess.run([str(ROOST), "check", "--config", str(config)], capture_output=True, text=True, timeout=60)
    assert checked.returncode == 1
    assert checked.stderr.startswith(f"{config / 'configuration.yaml'}:1: http: host 0.0.0.0 can be reached")
    subprocess.run([str(ROOST), "token", "create", "remote", "--config", str(config)], capture_output=True, timeout=60,
                   check=True)
    checked = subprocess.run([str(ROOST), "check", "--config", str(config)], capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stderr


async def test_an_address_in_use_is_tried_again_until_it_is_free(make_gateway, tmp_path: Path, caplog,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http_server, "LISTEN_RETRY_FIRST", 0.05)
    caplog.set_level(logging.INFO, "integrations.http")
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    port = holder.getsockname()[1]
    write_config(tmp_path / "config", f"http:\n  port: {port}\n")
    gateway = await make_gateway(tmp_path / "config", builtins=True)
    server = gateway.data["http"].server
    async with asyncio.timeout(5):
        while "Cannot listen" not in caplog.text:
            await asyncio.sleep(0.01)
    await asyncio.sleep(0.3)  # several tries while the port is held
    assert server.port is None and gateway.state == "running"
    holder.close()
    async with asyncio.timeout(5):
        while server.port is None:
            await asyncio.sleep(0.01)
    status, body = await _get(f"http://127.0.0.1:{port}/api/health")
    assert status == 200 and body["status"] == "ok"
    assert caplog.text.count("Cannot listen") == 1 and f"Listening on http://127.0.0.1:{port}" in caplog.text


async def test_stopping_while_the_address_is_in_use_ends_the_tries(make_gateway, tmp_path: Path, caplog) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        write_config(tmp_path / "config", f"http:\n  port: {holder.getsockname()[1]}\n")
        gateway = await make_gateway(tmp_path / "config", builtins=True)
        async with asyncio.timeout(5):
            while "Cannot listen" not in caplog.text:
                await asyncio.sleep(0.01)
        retrying = gateway.data["http"].server._retrying
        async with asyncio.timeout(10):
            await gateway.stop()
        assert retrying.cancelled() and gateway.state == "stopped"


async def test_stopping_tells_websocket_clients_it_goes_away_and_does_not_wait_for_them(serve) -> None:
    served = await serve()
    token = await served.token()
    ws_url = served.url.replace("http", "ws")
    async with aiohttp.ClientSession() as session:
        chat = await session.ws_connect(f"{ws_url}/api/chat?access_token={token}")
        ha = await session.ws_connect(f"{ws_url}/api/websocket")
        await ha.receive_str(timeout=5)
        await ha.send_str(json.dumps({"type": "auth", "access_token": token}))
        assert json.loads(await ha.receive_str(timeout=5))["type"] == "auth_ok"
        started = time.monotonic()
        stopping = asyncio.ensure_future(served.gateway.stop())
        for ws in (chat, ha):
            closing = await ws.receive(timeout=5)
            assert (closing.type, closing.data, closing.extra) == (aiohttp.WSMsgType.CLOSE, 1001, "Roost is stopping")
        await asyncio.wait_for(stopping, 10)
        assert time.monotonic() - started < 5, "aiohttp waits 60 s for open handlers unless they are closed"


def test_the_pages_are_found_at_an_address_of_this_machine() -> None:
    assert page_addresses("127.0.0.1", 8765, False) == ["http://127.0.0.1:8765"]
    assert page_addresses("::1", 8765, True) == ["https://[::1]:8765"]
    assert page_addresses("pi.local", 80, False) == ["http://pi.local:80"]
    for base in page_addresses("0.0.0.0", 8765, False):  # every address: the one the network reaches it at
        host = base.removeprefix("http://").rsplit(":", 1)[0]
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as own:
            own.bind((host, 0))  # an address of this machine, or this fails
        assert host != "0.0.0.0"

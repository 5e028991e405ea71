"""The status page at /, in a real headless Chromium: log in, watch a channel, approve a pairing code, retry a
dead letter; and its JSON and buttons over plain HTTP."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import subprocess
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
from selenium.webdriver.common.by import By

from core.channel import ChannelBase, ChannelInfo, OutboundMessage
from core.errors import PermanentError
from core.pairing import DOMAIN as PAIRING
from core.pairing import Pairing
from integrations.http.tokens import TokenBook
from tests.helpers.browser import Browser
from tests.helpers.configdir import ROOST
from tests.integrations.http.conftest import ECHO


class Door(ChannelBase):
    """A chat platform that refuses replies while refusing is set, and records the rest."""

    info = ChannelInfo("door")

    def __init__(self, gateway: Any) -> None:
        super().__init__(gateway, "door")
        self.refusing = False
        self.sent: list[str] = []

    async def send(self, message: OutboundMessage) -> str:
        """Refuse for good, or keep the text."""
        if self.refusing:
            raise PermanentError("the platform says: chat not found")
        self.sent.append(message.text)
        return f"door-{len(self.sent)}"


async def _log_in(browser: Browser, url: str, token: str) -> None:
    await browser.do(lambda d: d.get(url + "/"))
    field = await browser.until(lambda d: d.find_element(By.ID, "token") if d.find_element(By.ID, "login")
                                .is_displayed() else None)
    await browser.do(lambda _d: field.send_keys(token))
    await browser.do(lambda d: d.find_element(By.ID, "login-button").click())


def _text(selector: str) -> Any:
    """A wait condition: the text of the first element matching the CSS selector, when there is one."""
    def look(driver: Any) -> str | None:
        found = driver.find_elements(By.CSS_SELECTOR, selector)
        return found[0].text if found else None
    return look


class Remote:
    """A model with nothing to load (as a remote API)."""

    name = "remote"
    accepts_tools = False

    async def stream(self, _request: Any) -> AsyncIterator[str]:
        """Answer at once."""
        yield "ok"

    async def close(self) -> None:
        """Nothing to release."""


class Local(Remote):
    """A model that is in memory."""

    name = "local"
    loaded = True


async def _dead_letter(gateway: Any, door: Door) -> int:
    door.refusing = True
    await gateway.send("door", "c1", "the reply that was refused")
    async with asyncio.timeout(10):
        while not (letters := await gateway.store.dead.list()):
            await asyncio.sleep(0.02)
    return letters[0].id


async def test_log_in_watch_a_channel_approve_a_code_and_retry_a_dead_letter(serve, browser: Browser,
                                                                            tmp_path: Path) -> None:
    served = await serve(channels=(Door,))
    gateway = served.gateway
    door: Door = gateway.channels["door"]  # type: ignore[assignment]
    token = await served.token("owner", admin=True)

    await _log_in(browser, served.url, "roost_not-a-token")
    refused = await browser.until(lambda d: d.find_element(By.ID, "login-error").text)
    assert "valid access token" in refused

    await _log_in(browser, served.url, token)
    assert await browser.until(_text('#channels tr[data-platform="door"] .state')) == "online"

    door.set_online(False, "cannot connect to door.example: connection refused")
    assert await browser.until(lambda d: _text('#channels tr[data-platform="door"] .state')(d) == "offline")
    error = await browser.do(_text('#channels tr[data-platform="door"] td.text'))
    assert "connection refused" in error
    door.set_online(True)
    assert await browser.until(lambda d: _text('#channels tr[data-platform="door"] .state')(d) == "online")

    code = await Pairing(gateway.storage(PAIRING)).request("door", "u42", "c42")
    assert code is not None
    button = await browser.until(lambda d: d.find_element(By.CSS_SELECTOR, f'button[data-approve="{code}"]'))
    await browser.do(lambda _d: button.click())
    async with asyncio.timeout(10):
        while not await Pairing(gateway.storage(PAIRING)).approved("door", "u42"):
            await asyncio.sleep(0.02)
    assert await browser.until(lambda d: not d.find_elements(By.CSS_SELECTOR, f'tr[data-code="{code}"]'))

    letter = await _dead_letter(gateway, door)
    reason = await browser.until(_text(f'#dead tr[data-letter="{letter}"] td.text'))
    assert "chat not found" in reason
    store = await browser.do(_text("#store"))
    assert re.search(r"free on its disk \d+\.\d GiB", store), store
    assert re.search(r"backups none scheduled", store), store
    shot = tmp_path / "status-page.png"
    await browser.do(lambda d: d.save_screenshot(str(shot)))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    print(f"screenshot: {shot}")

    door.refusing = False
    button = await browser.do(lambda d: d.find_element(By.CSS_SELECTOR, f'button[data-retry="{letter}"]'))
    await browser.do(lambda _d: button.click())
    async with asyncio.timeout(10):
        while door.sent != ["the reply that was refused"]:
            await asyncio.sleep(0.02)
    assert await browser.until(lambda d: not d.find_elements(By.CSS_SELECTOR, f'tr[data-letter="{letter}"]'))
    assert (await gateway.store.dead.stats())["total"] == 0


async def test_a_read_only_token_sees_no_buttons(serve, browser: Browser) -> None:
    served = await serve(channels=(Door,))
    gateway = served.gateway
    letter = await _dead_letter(gateway, gateway.channels["door"])
    await _log_in(browser, served.url, await served.token("viewer"))
    assert await browser.until(_text(f'#dead tr[data-letter="{letter}"] td:first-child')) == str(letter)
    assert "read-only" in await browser.do(_text("#mode"))
    assert not await browser.do(lambda d: d.find_elements(By.CSS_SELECTOR, "button[data-retry]"))
    assert await TokenBook(gateway.storage("http")).revoke("viewer")  # the page is open: it asks to log in again
    refused = await browser.until(lambda d: d.find_element(By.ID, "login-error").text
                                  if d.find_element(By.ID, "login").is_displayed() else None)
    assert "valid access token" in refused


async def test_the_owner_reloads_the_automations_from_the_page_and_sees_what_changed(serve, browser: Browser,
                                                                                     tmp_path: Path) -> None:
    served = await serve(channels=(Door,))
    file = tmp_path / "config" / "configuration.yaml"
    await _log_in(browser, served.url, await served.token("owner", admin=True))
    button = await browser.until(lambda d: d.find_element(By.ID, "reload") if d.find_element(By.ID, "reload")
                                 .is_displayed() else None)
    file.write_text(file.read_text() + "  - {id: hours, triggers: [{trigger: message, command: hours}],"
                                       " actions: [{reply: open}]}\n"
                                       "  - {id: nightly, use_blueprint: {path: backup.yaml, input: {folder: copies,"
                                       " platforms: [door]}}}\n")
    await browser.do(lambda _d: button.click())
    said = await browser.until(_text("#said"))
    assert said == "Automations reloaded: added hours, nightly (1 unchanged)"
    assert "hours" in served.gateway.engine.automations
    assert await browser.until(lambda d: "none yet" in _text("#store")(d))  # the nightly automation's row
    await served.gateway.actions["roost.backup"](None, {"folder": "copies"})
    row = await browser.until(lambda d: next((line for line in _text("#store")(d).splitlines()
                                              if line.startswith("backup (nightly)") and "1 kept" in line), None))
    assert re.fullmatch(r"backup \(nightly\) .+, \d+\.\d KiB, 1 kept", row), row
    file.write_text(file.read_text().replace("reply: open", "replyy: open"))
    await browser.do(lambda _d: button.click())
    said = await browser.until(lambda d: _text("#said.error")(d))
    assert said.startswith(f"{file}:") and "replyy" in said
    assert said.splitlines()[-1] == "Automations not reloaded: 1 error(s); the running ones stay as they were"
    updated = await browser.do(_text("#updated"))
    await browser.until(lambda d: _text("#updated")(d) != updated)  # the page was refreshed since
    assert (await browser.do(_text("#said.error"))) == said  # and what the reload said is still shown


async def test_the_api_behind_the_page(serve) -> None:
    served = await serve(channels=(Door,), models=(Local(), Remote()))
    gateway = served.gateway
    door: Door = gateway.channels["door"]  # type: ignore[assignment]
    letter = await _dead_letter(gateway, door)
    admin, viewer = await served.token("owner", admin=True), await served.token("viewer")
    async with aiohttp.ClientSession(served.url) as http:
        async with http.get("/api/status") as answer:
            assert answer.status == 401  # the data needs a token, also from this machine
        async with http.get("/") as answer:
            assert answer.status == 200 and "default-src 'self'" in answer.headers["Content-Security-Policy"]
        async with http.get("/api/status", headers={"Authorization": f"Bearer {viewer}"}) as answer:
            body = await answer.json()
        assert body["admin"] is False
        assert body["dead_letters"]["latest"][0]["id"] == letter
        assert {"database", "wal"} <= set(body["store"]) and body["store"]["database"] > 0
        assert body["store"]["disk"] == gateway.status()["disk"] and body["store"]["disk"]["free_bytes"] > 0
        assert any(c["platform"] == "door" for c in body["channels"])
        assert body["models"] == [{"name": "local", "loaded": True}, {"name": "remote", "loaded": None}]
        async with http.post(f"/api/dead_letters/{letter}/discard",
                             headers={"Authorization": f"Bearer {viewer}"}) as answer:
            assert answer.status == 403 and "--admin" in (await answer.json())["error"]
        async with http.post(f"/api/dead_letters/{letter}/discard",
                             headers={"Authorization": f"Bearer {admin}"}) as answer:
            discarded = await answer.json()
            assert answer.status == 200 and discarded["source"] == "outbox"
        async with http.post(f"/api/dead_letters/{letter}/retry",
                             headers={"Authorization": f"Bearer {admin}"}) as answer:
            assert answer.status == 404
        async with http.post("/api/pairing/NOSUCH/approve", headers={"Authorization": f"Bearer {admin}"}) as answer:
            assert answer.status == 404
        assert body["backups"] == []  # no automation of the backup blueprint
        assert body["knowledge"] is None  # no knowledge: section
        async with http.post("/api/reload", headers={"Authorization": f"Bearer {viewer}"}) as answer:
            assert answer.status == 403
        async with http.post("/api/reload", headers={"Authorization": f"Bearer {admin}"}) as answer:
            assert (answer.status, await answer.json()) == (200, {
                "said": ["Automations reloaded: none changed (1 unchanged)"],
                "changes": {"added": [], "changed": [], "removed": [], "unchanged": 1}, "restart_for": []})
    assert (await gateway.store.dead.stats())["total"] == 0
    assert await gateway.store.outbox.get(discarded["ref_id"]) is None  # the dead reply is gone with its letter
    assert door.sent == []


async def _next_status(stream: aiohttp.StreamReader, within: float) -> dict[str, Any] | None:
    """The next status the stream sends within that many seconds, or None."""
    try:
        async with asyncio.timeout(within):
            event = await stream.readuntil(b"\n\n")
    except TimeoutError:
        return None
    assert event.startswith(b"data: ")
    return json.loads(event[6:])


async def test_the_status_stream_sends_what_happened_at_once_and_ends_with_its_token(serve) -> None:
    served = await serve(channels=(Door,))
    door: Door = served.gateway.channels["door"]  # type: ignore[assignment]
    token = await served.token("viewer")
    async with aiohttp.ClientSession(served.url) as http:
        async with http.get("/api/status/stream") as answer:
            assert answer.status == 401
        async with http.get("/api/status/stream", headers={"Authorization": f"Bearer {token}"}) as answer:
            assert answer.status == 200 and answer.headers["Content-Type"] == "text/event-stream"
            first = await _next_status(answer.content, within=5)
            assert first is not None and first["admin"] is False
            assert [c["online"] for c in first["channels"] if c["platform"] == "door"] == [True]
            assert await _next_status(answer.content, within=2.5) is None  # nothing happened: nothing sent
            door.set_online(False, "cannot connect to door.example: connection refused")
            offline = await _next_status(answer.content, within=2)
            assert offline is not None
            assert [c["online"] for c in offline["channels"] if c["platform"] == "door"] == [False]
            assert await TokenBook(served.gateway.storage("http")).revoke("viewer")
            async with asyncio.timeout(3):
                assert await answer.content.read() == b""  # the stream ended


async def test_stopping_roost_ends_the_status_stream_at_once(serve) -> None:
    served = await serve()
    token = await served.token("viewer")
    async with aiohttp.ClientSession(served.url) as http:
        async with http.get("/api/status/stream", headers={"Authorization": f"Bearer {token}"}) as answer:
            assert await _next_status(answer.content, within=5) is not None
            started = time.monotonic()
            await served.gateway.stop()
            assert time.monotonic() - started < 3  # not the 5 s the server gives a request still being answered
            assert await answer.content.read() == b""


async def test_a_first_start_says_how_to_log_in_to_the_page(serve, make_gateway, tmp_path: Path, caplog) -> None:
    caplog.set_level(logging.INFO, logger="integrations.http")
    served = await serve()
    hint = f"none exists yet: `roost token create NAME --admin --config {tmp_path / 'config'}` makes one"
    async with asyncio.timeout(5):
        while hint not in caplog.text:
            await asyncio.sleep(0.02)
    await served.token("owner", admin=True)
    await served.gateway.stop()
    caplog.clear()
    again = await make_gateway(tmp_path / "config", builtins=True)
    async with asyncio.timeout(5):
        while "The status page: " not in caplog.text:
            await asyncio.sleep(0.02)
    assert f"The status page: http://127.0.0.1:{again.data['http'].server.port}/" in caplog.text
    assert "none exists yet" not in caplog.text
    await again.stop()


async def test_the_page_shows_the_knowledge_base_and_the_files_it_could_not_read(serve, browser: Browser,
                                                                                tmp_path: Path) -> None:
    folder = tmp_path / "config" / "knowledge"
    folder.mkdir(parents=True)
    (folder / "hours.md").write_text("# Hours\n\nOpen from seven.\n", encoding="utf-8")
    (folder / "manual.docx").write_bytes(b"PK\x03\x04 not really")
    (folder / "slides.ppt").write_bytes(b"\xd0\xcf\x11\xe0")
    (folder / ".~lock.hours.md#").write_text("an editor's lock file: passed over", encoding="utf-8")
    served = await serve(extra=ECHO + "knowledge:\n  directory: knowledge\n")
    token = await served.token("viewer")
    async with aiohttp.ClientSession(served.url) as http:
        async with asyncio.timeout(10):
            while True:
                async with http.get("/api/status", headers={"Authorization": f"Bearer {token}"}) as answer:
                    knowledge = (await answer.json())["knowledge"]
                if knowledge["indexed"] is not None:
                    break
                await asyncio.sleep(0.05)
    assert (knowledge["documents"], knowledge["passages"]) == (1, 1)
    assert knowledge["not_indexed"] == ["manual.docx: not a Word document (it is a zip archive; this is not one)"]
    assert knowledge["not_read"] == ["slides.ppt"]
    (folder / "prices.csv").write_text("Item,Price\nRye bread,4.20\n", encoding="utf-8")
    reindexed = await asyncio.to_thread(subprocess.run, [str(ROOST), "knowledge", "reindex", "--config",
                                                         str(tmp_path / "config")], capture_output=True, timeout=60)
    assert reindexed.returncode == 0, reindexed.stderr
    async with aiohttp.ClientSession(served.url) as http:  # the index as it is now, whoever wrote it
        async with http.get("/api/status", headers={"Authorization": f"Bearer {token}"}) as answer:
            assert (await answer.json())["knowledge"]["documents"] == 2
    await _log_in(browser, served.url, token)
    shown = await browser.until(lambda d: (_text("#knowledge")(d) or "") if "not indexed" in (
        _text("#knowledge")(d) or "") else None)
    assert "documents 2" in shown and "passages 2" in shown
    assert "not indexed manual.docx: not a Word document" in shown
    assert "not read slides.ppt: kinds of file Roost does not read" in shown

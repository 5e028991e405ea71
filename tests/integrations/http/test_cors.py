"""CORS, in a real headless Chromium: a page of another origin calls Roost's APIs with fetch(), as a web chat app
does with the OpenAI API, and reads what a browser lets it read."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from tests.helpers.browser import Browser

# What the openai SDK for JavaScript sends from a browser: its own headers make the browser ask first (preflight).
CALLS = """
const [base, token, done] = arguments;
async function call(path, key, init = {}) {
  try {
    const response = await fetch(base + path, {...init, headers: {Authorization: "Bearer " + key,
      "Content-Type": "application/json", "X-Stainless-Lang": "js", "X-Stainless-Retry-Count": "0"}});
    return {status: response.status, body: await response.text()};
  } catch (err) {
    return {error: String(err)};
  }
}
(async () => done({
  wrongToken: await call("/v1/models", "roost_not-a-token"),
  models: await call("/v1/models", token),
  streamed: await call("/v1/chat/completions", token, {method: "POST", body: JSON.stringify(
    {model: "instant", stream: true, messages: [{role: "user", content: "hi"}]})}),
  unknownRoute: await call("/v1/nothing-here", token),
}))();
"""


class Instant:
    """A model that answers at once, in two pieces."""

    name = "instant"
    accepts_tools = False

    async def stream(self, _request: Any) -> AsyncIterator[str]:
        """Answer."""
        for piece in ("Hello ", "there."):
            yield piece

    async def close(self) -> None:
        """Nothing to release."""


@pytest.fixture
async def page_origin() -> AsyncIterator[str]:
    """Another origin (another port) serving an empty page for the browser's scripts to run in."""
    async def page(_request: web.Request) -> web.Response:
        return web.Response(text="<!doctype html><title>web app</title>", content_type="text/html")

    app = web.Application()
    app.router.add_get("/", page)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    await runner.cleanup()


async def _calls_from(browser: Browser, page: str, base: str, token: str) -> dict[str, Any]:
    await browser.do(lambda d: d.get(page + "/"))
    await browser.do(lambda d: d.set_script_timeout(20))
    return await browser.do(lambda d: d.execute_async_script(CALLS, base, token))


async def test_an_allowed_origin_reads_answers_errors_and_streams(serve, browser: Browser, page_origin: str) -> None:
    served = await serve(f"cors_allowed_origins: [{page_origin}]", extra="openai_api:\n", models=(Instant(),))
    token = await served.token()

    results = await _calls_from(browser, page_origin, served.url, token)

    assert results["wrongToken"]["status"] == 401  # the page can tell a wrong token from a network failure
    assert "access token" in results["wrongToken"]["body"]
    assert results["models"]["status"] == 200 and '"instant"' in results["models"]["body"]
    streamed = results["streamed"]
    assert streamed["status"] == 200, streamed  # a stream is answered before CORS could be added at its end
    assert '"Hello "' in streamed["body"] and streamed["body"].rstrip().endswith("data: [DONE]")
    assert results["unknownRoute"]["status"] == 404


async def test_another_origin_reads_nothing(serve, browser: Browser, page_origin: str) -> None:
    served = await serve("cors_allowed_origins: [http://app.example]", extra="openai_api:\n", models=(Instant(),))
    token = await served.token()

    results = await _calls_from(browser, page_origin, served.url, token)

    assert all("error" in result for result in results.values()), results  # the browser keeps every answer from it
    async with aiohttp.ClientSession() as session, session.options(
            f"{served.url}/v1/models", headers={"Origin": page_origin, "Access-Control-Request-Method": "GET"}) as answer:
        assert "Access-Control-Allow-Origin" not in answer.headers

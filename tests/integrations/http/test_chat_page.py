"""The chat page at /chat, in a real headless Chromium: log in, talk over the chat socket, watch a model's answer as
it is written, get an answer that came while the page was closed, and go back to the login when the token is
revoked."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from integrations.http.tokens import TokenBook
from tests.helpers.browser import Browser
from tests.helpers.models import InstantModel
from tests.helpers.store_full import allow_messages, refuse_messages

CHAT = """
automations:
  - id: echo
    triggers: [{trigger: message, platform: websocket_chat}]
    conditions: [{condition: template, value_template: "{{ not trigger.text.startswith('slow') }}"}]
    actions: [{reply: "echo: {{ trigger.text }}"}]
  - id: slow
    triggers: [{trigger: message, platform: websocket_chat, pattern: '^slow'}]
    actions: [{delay: 1}, {reply: "slowly: {{ trigger.text }}"}]
"""

ASK = """
automations:
  - id: ask
    triggers: [{trigger: message, platform: websocket_chat}]
    actions: [{generate: {prompt: "{{ trigger.text }}", reply: true}}]
"""

LATE = """
automations:
  - id: late
    triggers: [{trigger: message, platform: websocket_chat}]
    actions: [{delay: 3}, {reply: "late: {{ trigger.text }}"}]
"""
"""Answers that come after the page had time to lose its connection and take it up again."""


def _lines(driver: Any) -> list[tuple[str, str]]:
    return [(line.get_attribute("class"), line.text) for line in driver.find_elements(By.CSS_SELECTOR, "#transcript li")]


def _shows(*wanted: tuple[str, str]) -> Any:
    """A wait condition: the transcript ends with these lines."""
    return lambda driver: (lines := _lines(driver))[-len(wanted):] == list(wanted) and lines


def _formatting(driver: Any) -> list[tuple[str, str, str | None]]:
    """The elements in Roost's last line: (tag, text, rel)."""
    line = driver.find_elements(By.CSS_SELECTOR, "#transcript li.roost")[-1]
    return [(e.tag_name, e.text, e.get_attribute("rel")) for e in line.find_elements(By.CSS_SELECTOR, "*")]


async def _log_in(browser: Browser, url: str, token: str) -> None:
    """Open the chat page and log in with token."""
    await browser.do(lambda d: d.get(url + "/chat"))
    field = await browser.until(lambda d: d.find_element(By.ID, "token") if d.find_element(By.ID, "login")
                                .is_displayed() else None)
    await browser.do(lambda _d: field.send_keys(token, Keys.ENTER))


async def _chatting(serve: Any, browser: Browser, token_name: str) -> tuple[Any, str]:
    """Roost answering with CHAT, and the page logged in with a new token of that name, answered once: (served,
    token)."""
    served = await serve(extra=CHAT)
    token = await served.token(token_name)
    await _log_in(browser, served.url, token)
    await _say(browser, "hello")
    await browser.until(_shows(("roost", "echo: hello")))
    return served, token


async def _say(browser: Browser, text: str) -> None:
    box = await browser.until(lambda d: d.find_element(By.ID, "text") if d.find_element(By.ID, "chat").is_displayed()
                              and "connected" == d.find_element(By.ID, "state").text else None)
    await browser.do(lambda _d: box.send_keys(text, Keys.ENTER))


async def test_a_person_talks_to_roost_in_the_browser(serve, browser: Browser, caplog) -> None:
    served = await serve(extra=CHAT)
    token = await served.token("phone")
    await _log_in(browser, served.url, token)
    await _say(browser, "hello")
    await browser.until(_shows(("you", "hello"), ("roost", "echo: hello")))
    assert await browser.do(lambda d: d.find_element(By.ID, "text").get_attribute("value")) == ""
    await _say(browser, "<b>bold</b> & <img src=x>")  # shown as text, never as the page's markup
    await browser.until(_shows(("roost", "echo: <b>bold</b> & <img src=x>")))
    assert await browser.do(lambda d: d.find_elements(By.CSS_SELECTOR, "#transcript b, #transcript img")) == []
    async with aiohttp.ClientSession() as http:
        async with http.get(served.url + "/chat.css") as answer:
            assert answer.status == 200 and answer.headers["Content-Security-Policy"].startswith("default-src 'self'")
    await browser.do(lambda d: d.get(served.url + "/"))  # the status page, logged in by the same login
    link = await browser.until(lambda d: d.find_element(By.ID, "chat-link") if d.find_element(By.ID, "chat-link")
                               .is_displayed() else None)
    await browser.do(lambda _d: link.click())
    await browser.until(_shows(("you", "hello"), ("roost", "echo: hello"), ("you", "<b>bold</b> & <img src=x>"),
                               ("roost", "echo: <b>bold</b> & <img src=x>")))
    assert "Failed login" not in caplog.text  # a browser asks for the pages' icon with no token


async def test_an_answer_that_came_while_the_page_was_closed_comes_when_it_opens(serve, browser: Browser) -> None:
    served = await serve(extra=CHAT)
    token = await served.token("phone")
    await _log_in(browser, served.url, token)
    await _say(browser, "slow question")
    await browser.until(lambda d: d.find_element(By.ID, "waiting").is_displayed())
    await browser.do(lambda d: d.get("about:blank"))  # closed before the answer (1 s)
    await browser.do(lambda d: d.get(served.url + "/chat"))  # the same tab: logged in, the same conversation
    lines = await browser.until(_shows(("roost", "slowly: slow question")), timeout=15)
    assert lines == [("you", "slow question"), ("roost", "slowly: slow question")]
    await browser.do(lambda d: d.find_element(By.ID, "forget").click())  # a new conversation: nothing shown
    await _say(browser, "again")
    assert await browser.until(_shows(("roost", "echo: again"))) == [("you", "again"), ("roost", "echo: again")]


async def test_a_revoked_token_brings_back_the_login_with_why(serve, browser: Browser) -> None:
    served, token = await _chatting(serve, browser, "lost-phone")
    await TokenBook(served.gateway.storage("http")).revoke("lost-phone")
    said = await browser.until(lambda d: d.find_element(By.ID, "login-error").text if d.find_element(By.ID, "login")
                               .is_displayed() else None, timeout=15)
    assert said == "the access token 'lost-phone' was revoked"
    assert not await browser.do(lambda d: d.find_element(By.ID, "chat").is_displayed())  # the chat is gone with it
    await browser.do(lambda d: d.get(served.url + "/chat"))  # the token is gone from the tab: the login again
    await browser.until(lambda d: d.find_element(By.ID, "login").is_displayed())
    wrong = await browser.until(lambda d: d.find_element(By.ID, "token"))
    await browser.do(lambda _d: wrong.send_keys("roost_not-a-token", Keys.ENTER))
    said = await browser.until(lambda d: d.find_element(By.ID, "login-error").text or None)
    assert "token" in said


async def test_a_models_answer_is_shown_as_it_is_written(serve, browser: Browser) -> None:
    served = await serve(extra=ASK, models=(InstantModel(text="word " * 30, delay=0.1),))  # 3 s to write
    token = await served.token("phone")
    await _log_in(browser, served.url, token)
    await _say(browser, "tell me")
    partial = await browser.until(lambda d: (lines := _lines(d))[-1][0] == "roost" and 0 < len(lines[-1][1]) < 100
                                  and lines[-1][1])
    assert partial.startswith("word") and partial != ("word " * 30).strip()
    await browser.until(_shows(("you", "tell me"), ("roost", ("word " * 30).strip())))
    await browser.do(lambda d: d.refresh())  # the whole answer is what the tab keeps
    await browser.until(_shows(("you", "tell me"), ("roost", ("word " * 30).strip())))


async def test_a_models_markdown_is_shown_formatted_and_after_a_reload(serve, browser: Browser) -> None:
    answer = "Rye is **cheap** & [good](https://e.org):\n\n- one\n- two\n\n```\nbake <rye>\n```"
    served = await serve(extra=ASK, models=(InstantModel(text=answer, delay=0.01),))
    token = await served.token("phone")
    await _log_in(browser, served.url, token)
    await _say(browser, "bread?")
    shown = ("roost", "Rye is cheap & good:\n\n• one\n• two\nbake <rye>")  # a code block is a block of its own
    for _ in range(2):  # as answered, then as the tab keeps it
        await browser.until(_shows(("you", "bread?"), shown))
        assert await browser.do(_formatting) == [("b", "cheap", None), ("a", "good", "noopener noreferrer"),
                                                 ("pre", "bake <rye>", None)]
        await browser.do(lambda d: d.refresh())


async def test_a_second_tab_takes_the_conversation_and_the_first_does_not_take_it_back(serve, browser: Browser) -> None:
    served, token = await _chatting(serve, browser, "phone")
    first = await browser.do(lambda d: d.current_window_handle)
    await browser.do(lambda d: d.switch_to.new_window("tab"))  # a new tab has no login: it logs in too
    await _log_in(browser, served.url, token)
    await _say(browser, "from the second tab")
    await browser.until(_shows(("roost", "echo: from the second tab")))
    await browser.do(lambda d: d.switch_to.window(first))
    said = await browser.until(lambda d: d.find_element(By.ID, "state").text if "another tab" in d.find_element(
        By.ID, "state").text else None)
    assert said.startswith("this conversation is open in another tab or browser")
    await asyncio.sleep(2.5)  # the first tab's retries would have begun (1 s, then 2 s)
    assert await browser.do(lambda d: d.find_element(By.ID, "state").text) == said  # it did not take it back
    await browser.do(lambda d: d.switch_to.window(d.window_handles[-1]))
    await _say(browser, "still here")  # the second tab kept it
    await browser.until(_shows(("roost", "echo: still here")))


async def test_the_chat_page_keeps_its_look_with_the_status_page_off(serve) -> None:
    served = await serve(http_section="status_page: false", extra=CHAT)
    async with aiohttp.ClientSession() as http:
        for path in ("/chat", "/chat.js", "/chat.css", "/status.css", "/favicon.svg", "/favicon.ico"):
            async with http.get(served.url + path) as answer:
                assert answer.status == 200, path
        async with http.get(served.url + "/status.js") as answer:
            assert answer.status == 401  # the status page's own files are not served


async def test_stop_ends_an_answer_where_it_is(serve, browser: Browser) -> None:
    served = await serve(extra=ASK, models=(InstantModel(text="word " * 100, delay=0.1),))  # 10 s to write
    token = await served.token("phone")
    await _log_in(browser, served.url, token)
    await _say(browser, "go on and on")
    await browser.until(lambda d: (lines := _lines(d))[-1][0] == "roost" and len(lines[-1][1]) > 10)
    await browser.do(lambda d: d.find_element(By.ID, "stop").click())
    await browser.until(lambda d: d.find_element(By.ID, "state").text == "stopped")
    stopped = (await browser.do(_lines))[-1][1]
    assert stopped.startswith("word") and len(stopped) < len("word " * 100) - 100
    assert not await browser.do(lambda d: d.find_element(By.ID, "waiting").is_displayed())
    await asyncio.wait_for(served.gateway.wait_idle(), 5)
    [trace] = await served.gateway.traces(1, "ask", None)
    assert trace["status"] == "cancelled"
    await browser.do(lambda d: d.refresh())  # the tab keeps the answer as far as it came
    await browser.until(_shows(("you", "go on and on"), ("roost", stopped)))


async def test_a_message_roost_did_not_store_can_be_sent_again(serve, browser: Browser) -> None:
    served, token = await _chatting(serve, browser, "phone")
    assert await browser.do(lambda d: d.find_elements(By.CSS_SELECTOR, "#transcript li.pending")) == []
    await served.gateway.store.db.write(refuse_messages)
    await _say(browser, "the oven is hot")
    await browser.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#transcript li.unsent button"))
    assert "Roost cannot store messages now" in (await browser.do(_lines))[-1][1]
    await browser.do(lambda d: d.refresh())  # the tab keeps what was not stored, with its button
    again = await browser.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#transcript li.unsent button"))
    await served.gateway.store.db.write(allow_messages)
    await browser.until(lambda d: d.find_element(By.ID, "state").text == "connected")
    await browser.do(lambda _d: again[0].click())
    await browser.until(_shows(("you", "the oven is hot"), ("roost", "echo: the oven is hot")))
    assert await browser.do(lambda d: d.find_elements(By.CSS_SELECTOR, "#transcript li.unsent")) == [], \
        "the line not stored gave way to the one sent again"


async def test_a_message_whose_word_was_lost_is_stored_once_and_answered_once(serve, browser: Browser) -> None:
    served = await serve(extra=LATE)
    token = await served.token("phone")
    await _log_in(browser, served.url, token)
    await browser.until(lambda d: d.find_element(By.ID, "state").text == "connected")
    sent_and_dropped = """
        for (const text of ["late one", "late two"]) {
          document.getElementById("text").value = text;
          document.getElementById("compose").requestSubmit();
        }
        socket.close();  // Roost stores both; the word that it did is lost with the connection
    """
    await browser.do(lambda d: d.execute_script(sent_and_dropped))
    await browser.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#transcript li.unsent button")) == 2)
    await browser.until(lambda d: d.find_element(By.ID, "state").text == "connected")
    again = await browser.do(lambda d: d.find_elements(By.CSS_SELECTOR, "#transcript li.unsent button"))
    await browser.do(lambda _d: again[0].click())  # before its answer (3 s): Roost has it, and says so
    await browser.until(_shows(("you", "late two"), ("you", "late one"), ("roost", "late: late one"),
                               ("roost", "late: late two")), timeout=15)
    assert await browser.do(lambda d: d.find_elements(By.CSS_SELECTOR, "#transcript li.unsent, li.pending")) == [], \
        "the line not sent again is marked stored once its answer comes"
    await asyncio.wait_for(served.gateway.wait_idle(), 5)
    assert len(await served.gateway.traces(10, "late", None)) == 2, "one run for each message, not for its copy"
    await browser.do(lambda d: d.refresh())  # the tab keeps the lines as they are now
    await browser.until(_shows(("you", "late two"), ("you", "late one"), ("roost", "late: late one"),
                               ("roost", "late: late two")))
    assert await browser.do(lambda d: d.find_elements(By.CSS_SELECTOR, "#transcript li.unsent")) == []

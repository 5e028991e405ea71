"""The Bot API's wire format as the fake speaks it: parameters however a client sends them, the `{ok, result}` /
`{ok: false, error_code, description, parameters}` envelope (HTTP status equal to `error_code`, `Retry-After` on
429), scripted failures, and a message's text checked as Telegram checks it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from aiohttp import web

from tests.fakes.telegram_text import parse_html, parse_markdown_v2, refused_link

MAX_TEXT = 4096


@dataclass
class Failure:
    """A scripted error answer: status, description, parameters, headers; or drop the connection."""

    status: int = 500
    description: str = "Internal Server Error: fake failure"
    parameters: dict[str, Any] | None = None
    drop: bool = False


def checked_text(params: dict[str, Any]) -> str | web.Response:
    """The text as Telegram keeps it (markup parsed), or the error Telegram answers."""
    text = params.get("text")
    if text is None or text == "":
        return error(400, "Bad Request: message text is empty")
    mode = str(params.get("parse_mode") or "").lower()
    if mode == "html":
        plain = parse_html(str(text))
        if plain is None:
            return error(400, "Bad Request: can't parse entities: Can't find end of the entity starting at"
                               " byte offset 0")
        refused = refused_link(str(text))
        if refused is not None:
            return error(400, f"Bad Request: entity URL '{refused}' is invalid: URL host is empty")
    elif mode == "markdownv2":
        plain = parse_markdown_v2(str(text))
        if plain is None:
            return error(400, "Bad Request: can't parse entities: Character '.' is reserved and must be escaped"
                               " with the preceding '\\'")
    else:
        plain = str(text)
    if not plain.strip():
        return error(400, "Bad Request: text must be non-empty")
    if len(plain) > MAX_TEXT:
        return error(400, "Bad Request: message is too long")
    return plain


async def params_of(request: web.Request) -> dict[str, Any]:
    """A call's parameters from its query, form or JSON body (nested values also as JSON strings)."""
    params: dict[str, Any] = dict(request.query)
    if request.method == "POST":
        if request.content_type == "application/json":
            body = await request.read()
            params.update(orjson.loads(body) if body else {})
        else:
            params.update({k: v for k, v in (await request.post()).items() if isinstance(v, str)})
    for key, value in list(params.items()):
        if isinstance(value, str) and value[:1] in "[{" and key in ("reply_parameters", "allowed_updates", "entities"):
            params[key] = orjson.loads(value)
    return params


def ok(result: Any, description: str | None = None) -> web.Response:
    """The envelope of a call that worked."""
    body: dict[str, Any] = {"ok": True, "result": result}
    if description:
        body["description"] = description
    return web.Response(body=orjson.dumps(body), content_type="application/json")


def error(status: int, description: str, parameters: dict[str, Any] | None = None) -> web.Response:
    """The envelope of a refused call (Retry-After too when parameters carry retry_after)."""
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    headers = {}
    if parameters:
        body["parameters"] = parameters
        if "retry_after" in parameters:
            headers["Retry-After"] = str(parameters["retry_after"])
    return web.Response(body=orjson.dumps(body), status=status, content_type="application/json", headers=headers)


def too_many_requests(retry_after: int) -> Failure:
    """Telegram's flood-control answer."""
    return Failure(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})

"""The knowledge base's documents from the status page: listed with any token; added and removed with an admin
token. The knowledge provider does the work (documents(), add(name, data), remove(path), max_document_bytes); this
module only carries it over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web

from core.errors import RoostError
from integrations.http.server import TOKEN, HttpServer, json_error

NO_KNOWLEDGE = "this Roost has no knowledge base: add `knowledge:` to configuration.yaml"
READ_BYTES = 1 << 16


def add_knowledge_routes(server: HttpServer, gateway: Any, not_admin: Callable[[], web.Response]) -> None:
    """GET /api/knowledge/documents, PUT /api/knowledge/documents/{name} (the body is the file), DELETE
    /api/knowledge/documents/{path}."""

    def provider() -> Any:
        knowledge = gateway.knowledge
        return knowledge if knowledge is not None and hasattr(knowledge, "documents") else None

    async def documents(_request: web.Request) -> web.Response:
        if (knowledge := provider()) is None:
            return json_error(404, NO_KNOWLEDGE)
        return web.json_response({"documents": await knowledge.documents()})

    async def add(request: web.Request) -> web.Response:
        if not request[TOKEN].admin:
            return not_admin()
        if (knowledge := provider()) is None:
            return json_error(404, NO_KNOWLEDGE)
        data = await _body(request, knowledge.max_document_bytes)
        if data is None:
            return json_error(413, f"a knowledge document may have {knowledge.max_document_bytes} bytes at most"
                                   " (knowledge: max_file_mib)")
        try:
            return web.json_response(await knowledge.add(request.match_info["name"], data))
        except RoostError as err:  # not a document Roost reads, or one it cannot: nothing was written
            return json_error(400, f"not added: {err}")

    async def remove(request: web.Request) -> web.Response:
        if not request[TOKEN].admin:
            return not_admin()
        if (knowledge := provider()) is None:
            return json_error(404, NO_KNOWLEDGE)
        path = request.match_info["path"]
        try:
            await knowledge.remove(path)
        except LookupError as err:
            return json_error(404, str(err))
        return web.json_response({"removed": path})

    server.add_route("GET", "/api/knowledge/documents", documents)
    server.add_route("PUT", "/api/knowledge/documents/{name}", add)
    server.add_route("DELETE", "/api/knowledge/documents/{path:.+}", remove)


async def _body(request: web.Request, limit: int) -> bytes | None:
    """The request's body, or None when it is longer than limit (read no further than that)."""
    if request.content_length is not None and request.content_length > limit:
        return None
    parts, size = [], 0
    while chunk := await request.content.read(READ_BYTES):
        size += len(chunk)
        if size > limit:
            return None
        parts.append(chunk)
    return b"".join(parts)

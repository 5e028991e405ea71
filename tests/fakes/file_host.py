"""A model file host as Hugging Face is one: a repository's file page (/OWNER/REPO/blob/main/FILE, a web page), its
download link (/OWNER/REPO/resolve/main/FILE, a 302 to the file on another path, as Hugging Face sends its files from
a CDN), and the file itself answering byte ranges (206 with Content-Range; 416 past its end).

A test can have the next answer end the connection after some bytes, ignore a Range (answering 200 with all of it),
or answer an error status.
"""

from __future__ import annotations

import re

from aiohttp import web

from tests.fakes.base import FakeServer

_RANGE = re.compile(r"bytes=(\d+)-$")


class FileHost(FakeServer):
    """Serves files (name -> bytes) under any OWNER/REPO; records each request to a file (its path and Range)."""

    def __init__(self, files: dict[str, bytes]) -> None:
        super().__init__()
        self.files = files
        self.requests: list[tuple[str, str | None]] = []
        self.cut_after: int | None = None
        """The next answer of a file ends the connection after this many bytes of it."""
        self.ignore_range = False
        self.status: int | None = None
        """The next answers of a file are this error status."""
        self.claimed_length: int | None = None
        """The Content-Length the answers of a file claim instead of their own (a file too large for the disk)."""
        self.authorizations: list[str | None] = []
        """The Authorization header of each request to a download link."""

    def routes(self, app: web.Application) -> None:
        """The file page, the download link and the file."""
        app.router.add_get("/{owner}/{repo}/blob/main/{name}", self._page)
        app.router.add_get("/{owner}/{repo}/resolve/main/{name}", self._resolve)
        app.router.add_get("/cdn/{name}", self._file)

    def url(self, name: str, kind: str = "resolve") -> str:
        """The address of a file's download link (kind "resolve") or page ("blob")."""
        return f"http://127.0.0.1:{self.port}/bakery/models/{kind}/main/{name}"

    async def _page(self, request: web.Request) -> web.Response:
        return web.Response(text=f"<!doctype html><title>{request.match_info['name']}</title>", content_type="text/html")

    async def _resolve(self, request: web.Request) -> web.Response:
        self.authorizations.append(request.headers.get("Authorization"))
        if request.match_info["name"] not in self.files:
            return web.Response(status=404, text="Entry not found")
        raise web.HTTPFound(f"/cdn/{request.match_info['name']}")

    async def _file(self, request: web.Request) -> web.StreamResponse:
        data = self.files[request.match_info["name"]]
        asked = request.headers.get("Range")
        self.requests.append((request.path, asked))
        if self.status is not None:
            return web.json_response({"error": "busy"}, status=self.status)
        start = int(match.group(1)) if asked and (match := _RANGE.match(asked)) and not self.ignore_range else 0
        if start >= len(data) and start:
            return web.Response(status=416, headers={"Content-Range": f"bytes */{len(data)}"})
        length = self.claimed_length or len(data) - start
        headers = {"Content-Type": "binary/octet-stream", "Content-Length": str(length),
                   "Accept-Ranges": "bytes"}
        if start:
            headers["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
        answer = web.StreamResponse(status=206 if start else 200, headers=headers)
        await answer.prepare(request)
        body = data[start:]
        if self.cut_after is not None:
            await answer.write(body[:self.cut_after])
            self.cut_after = None
            assert request.transport is not None
            request.transport.close()  # the connection ends mid-file
            return answer
        await answer.write(body)
        await answer.write_eof()
        return answer

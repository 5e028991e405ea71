"""A flood of connections meets a bound: those beyond http.max_connections are answered 503 and closed, and
Roost answers again once the flood is gone."""

from __future__ import annotations

import asyncio
import logging
import resource
import subprocess
import sys

import aiohttp

from integrations.http.limit import FILES_KEPT_FREE, connection_bound


async def test_connections_beyond_the_bound_are_answered_503(serve, caplog) -> None:
    served = await serve("max_connections: 20")
    caplog.set_level(logging.WARNING, logger="integrations.http.limit")
    port = served.server.port
    held = [await asyncio.open_connection("127.0.0.1", port) for _ in range(20)]  # idle, as a Slowloris holds them
    await asyncio.sleep(0.2)
    refused = [await asyncio.open_connection("127.0.0.1", port) for _ in range(5)]
    answers = [await asyncio.wait_for(reader.read(), 5) for reader, _writer in refused]  # read() ends: closed
    assert all(answer.startswith(b"HTTP/1.1 503 ") for answer in answers), answers[0]
    assert b"as many connections as it can take" in answers[0]
    async with aiohttp.ClientSession() as session:
        async with session.get(served.url + "/api/health") as response:
            assert response.status == 503
        for _reader, writer in held + refused:
            writer.close()
        await asyncio.sleep(0.2)
        async with session.get(served.url + "/api/health") as response:
            assert response.status == 200
    warnings = [r.getMessage() for r in caplog.records if "as many as http.max_connections allows" in r.getMessage()]
    assert len(warnings) == 1, "said once while the bound holds, not once a connection"


def test_the_bound_stays_below_what_the_process_may_open() -> None:
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    assert connection_bound(10) == 10
    if soft != resource.RLIM_INFINITY:
        assert connection_bound(soft) == soft - FILES_KEPT_FREE


def test_a_gateway_asks_for_more_open_files_than_a_service_gets() -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    script = ("import resource\n"
              f"resource.setrlimit(resource.RLIMIT_NOFILE, (1024, {hard}))\n"
              "from core.cli.run_commands import OPEN_FILES, tune_process\n"
              "tune_process()\n"
              "print(resource.getrlimit(resource.RLIMIT_NOFILE)[0], OPEN_FILES)\n")
    soft_after, wanted = map(int, subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                                                 check=True).stdout.split())
    assert soft_after == (wanted if hard == resource.RLIM_INFINITY else min(wanted, hard))

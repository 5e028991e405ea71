"""Durable timers: due at their time, once per key, and still due after a kill."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest

from tests.core.pipeline.conftest import LoadSetup, RunningRoost, roost_env, wait_for
from tests.helpers import write_integration

TICKER = """
import json
import time
from pathlib import Path

from core.hookspecs import hookimpl


@hookimpl
def roost_setup(gateway, config):
    out = Path(config["out"])

    async def ring(data):
        with out.open("a") as file:
            file.write(json.dumps(data) + "\\n")

    gateway.register_timer("ticker.ring", ring)
    return gateway.schedule("ticker.ring", float(config["at"]), {"n": 1}, key="the-one")
"""


async def test_a_timer_runs_at_its_time_once_per_key(make_config, make_gateway) -> None:
    gateway = await make_gateway(make_config("roost: {}\n"))
    rang: list[tuple[float, object]] = []

    async def ring(data: object) -> None:
        rang.append((time.time(), data))

    gateway.register_timer("test.ring", ring)
    due = time.time() + 0.3
    first = await gateway.schedule("test.ring", due, {"n": 1}, key="k")
    assert await gateway.schedule("test.ring", due + 5, {"n": 2}, key="k") == first  # the same timer
    await gateway.schedule("test.ring", due, ["no key"])
    async with asyncio.timeout(5):
        while len(rang) < 2:
            await asyncio.sleep(0.02)
    assert all(at >= due - 0.01 for at, _ in rang)
    assert sorted(json.dumps(data) for _, data in rang) == ['["no key"]', '{"n": 1}']


async def test_an_unknown_timer_name_is_refused(make_config, make_gateway) -> None:
    from core.errors import ConfigError

    gateway = await make_gateway(make_config("roost: {}\n"))
    with pytest.raises(ConfigError, match="no timer handler named 'nobody.home'"):
        await gateway.schedule("nobody.home", time.time())


@pytest.mark.slow
def test_a_timer_set_before_a_kill_fires_after_the_restart_once(load_setup: LoadSetup, tmp_path: Path) -> None:
    out = tmp_path / "rang.txt"
    write_integration(load_setup.config_dir / "integrations", "ticker", TICKER, kind="other")
    due = time.time() + 3
    load_setup.write(log_level="info", extra=f"ticker:\n  out: {out}\n  at: {due}\n")
    log, env = tmp_path / "roost.log", roost_env()
    first = RunningRoost(load_setup.config_dir, log, env)
    wait_for(lambda: "Roost started" in first.output() or first.proc.poll() is not None, 30, "roost to start")
    first.kill()  # before the timer is due
    assert not out.exists()
    second = RunningRoost(load_setup.config_dir, log, env)
    try:
        wait_for(lambda: out.exists() and out.read_text(), 30, "the timer")
        time.sleep(1.0)
    finally:
        assert second.terminate() == 0
    assert time.time() >= due
    assert out.read_text().splitlines() == ['{"n": 1}']

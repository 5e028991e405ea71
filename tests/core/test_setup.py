"""Integration setup: once each, after dependencies, in a time limit; failures never stop the gateway."""

from __future__ import annotations

import logging
import textwrap

import pytest

from core.message import Message
from core.setup import await_me_maybe
from tests.helpers import RECORDING_CHANNEL, write_integration

PING = """\
automations:
  - id: ping
    use_blueprint:
      path: ping.yaml
"""

BROKEN = """
from core.hookspecs import hookimpl

@hookimpl
def roost_setup(gateway, config):
    raise RuntimeError("cannot reach the device")
"""

SLEEPS = """
import asyncio
from core.hookspecs import hookimpl

@hookimpl
async def roost_setup(gateway, config):
    await asyncio.sleep(float(config["seconds"]))
    gateway.data["slept"] = True
"""

NOTES_SETUP = """
from core.hookspecs import hookimpl

@hookimpl
def roost_setup(gateway, config):
    gateway.data.setdefault("set_up", []).append(__name__.rsplit(".", 1)[-1])
"""


def config_with(*sections: str, roost: str = "") -> str:
    head = f"roost:\n{textwrap.indent(roost, '  ')}\n" if roost else ""
    return head + "".join(f"{s}\n" for s in sections) + PING


async def test_await_me_maybe_accepts_values_and_awaitables() -> None:
    async def later() -> int:
        return 2

    assert await await_me_maybe(1) == 1
    assert await await_me_maybe(later()) == 2
    assert await await_me_maybe(None) is None


@pytest.mark.allow_logged_errors
async def test_failing_setup_is_reported_dependants_skipped_and_gateway_answers(
    make_config, make_gateway, caplog: pytest.LogCaptureFixture
) -> None:
    config_dir = make_config(config_with("testchan:", "broken:", "needs_broken:", "independent:"))
    folder = config_dir / "integrations"
    write_integration(folder, "testchan", RECORDING_CHANNEL, kind="channel")
    write_integration(folder, "broken", BROKEN)
    write_integration(folder, "needs_broken", NOTES_SETUP, dependencies=["broken"])
    write_integration(folder, "independent", NOTES_SETUP)
    with caplog.at_level(logging.INFO):
        gateway = await make_gateway(config_dir)

    states = gateway.integrations
    assert states["broken"].status == "failed"
    assert states["broken"].reason == "setup raised RuntimeError: cannot reach the device"
    assert states["needs_broken"].status == "skipped"
    assert states["needs_broken"].reason == "dependency 'broken' failed to set up"
    assert states["independent"].status == "loaded"
    assert states["testchan"].status == "loaded"
    assert gateway.data["set_up"] == ["independent"]
    assert gateway.state == "running"
    failures = [r for r in caplog.records if r.exc_info]
    assert [str(r.exc_info[1]) for r in failures] == ["cannot reach the device"]

    channel = gateway.data["testchan"]
    assert await gateway.ingest(Message.create("test", "c1", "alice", "/ping still here"))
    assert await channel.wait_for(1) == [("c1", "pong still here")]


async def test_setup_timeout_fails_the_integration_with_the_reason(make_config, make_gateway) -> None:
    config_dir = make_config(config_with("slow:\n  seconds: 30", roost="setup_timeout: 0.5"))
    write_integration(config_dir / "integrations", "slow", SLEEPS)
    gateway = await make_gateway(config_dir)
    state = gateway.integrations["slow"]
    assert state.status == "failed"
    assert state.reason == "setup did not finish within 0.5 s"
    assert 0.4 < state.setup_seconds < 5
    assert "slept" not in gateway.data
    assert gateway.state == "running"


async def test_slow_setup_logs_a_warning_and_still_loads(
    make_config, make_gateway, caplog: pytest.LogCaptureFixture
) -> None:
    config_dir = make_config(config_with("slow:\n  seconds: 0.3", roost="setup_warn_after: 0.05"))
    write_integration(config_dir / "integrations", "slow", SLEEPS)
    with caplog.at_level(logging.WARNING, logger="core.setup"):
        gateway = await make_gateway(config_dir)
    assert gateway.integrations["slow"].status == "loaded"
    assert gateway.data["slept"] is True
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == ["Setup of slow is taking over 0.05 s"]


async def test_fast_setup_does_not_warn(make_config, make_gateway, caplog: pytest.LogCaptureFixture) -> None:
    config_dir = make_config(config_with("slow:\n  seconds: 0", roost="setup_warn_after: 0.5"))
    write_integration(config_dir / "integrations", "slow", SLEEPS)
    with caplog.at_level(logging.WARNING, logger="core.setup"):
        gateway = await make_gateway(config_dir)
    assert gateway.integrations["slow"].status == "loaded"
    assert gateway.integrations["slow"].setup_seconds is not None
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


async def test_independent_integrations_are_set_up_concurrently(make_config, make_gateway) -> None:
    # "waiter" can only finish once "setter" has run: set up one after the other, it times out.
    waiter = """
import asyncio
from core.hookspecs import hookimpl

@hookimpl
async def roost_setup(gateway, config):
    await gateway.data.setdefault("ready", asyncio.Event()).wait()
"""
    setter = """
import asyncio
from core.hookspecs import hookimpl

@hookimpl
async def roost_setup(gateway, config):
    await asyncio.sleep(0.01)
    gateway.data.setdefault("ready", asyncio.Event()).set()
"""
    config_dir = make_config(config_with("a_waiter:", "b_setter:", roost="setup_timeout: 2"))
    write_integration(config_dir / "integrations", "a_waiter", waiter)
    write_integration(config_dir / "integrations", "b_setter", setter)
    gateway = await make_gateway(config_dir)
    assert gateway.integrations["a_waiter"].status == "loaded"
    assert gateway.integrations["b_setter"].status == "loaded"


async def test_integration_without_setup_hook_loads(make_config, make_gateway) -> None:
    config_dir = make_config(config_with("quiet:"))
    write_integration(config_dir / "integrations", "quiet", "X = 1\n")
    gateway = await make_gateway(config_dir)
    assert gateway.integrations["quiet"].status == "loaded"


@pytest.mark.allow_logged_errors
async def test_import_error_fails_only_that_integration(make_config, make_gateway) -> None:
    config_dir = make_config(config_with("typo:", "fine:", "needs_typo:"))
    folder = config_dir / "integrations"
    write_integration(folder, "typo", "def broken(:\n")
    write_integration(folder, "fine", NOTES_SETUP)
    write_integration(folder, "needs_typo", NOTES_SETUP, dependencies=["typo"])
    gateway = await make_gateway(config_dir)
    assert gateway.integrations["typo"].status == "failed"
    assert gateway.integrations["typo"].reason.startswith("import failed: SyntaxError")
    assert gateway.integrations["needs_typo"].status == "skipped"
    assert gateway.data["set_up"] == ["fine"]

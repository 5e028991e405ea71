"""When the store's writer process dies, Roost stops with a clear line and a non-zero exit."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

from core.channel import ChannelInfo, OutboundMessage
from tests.core.pipeline.conftest import LoadSetup, RunningRoost, roost_env, wait_for


def writer_of(pid: int) -> list[int]:
    """The store's writer processes among those pid started (from its main thread, as asyncio does)."""
    found = []
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        try:
            if b"core.store.child" in Path(f"/proc/{child}/cmdline").read_bytes():
                found.append(int(child))
        except OSError:
            continue
    return found


def test_a_killed_writer_stops_roost_with_exit_code_one(load_setup: LoadSetup, tmp_path: Path) -> None:
    load_setup.write(log_level="info")
    platform = load_setup.platform
    run = RunningRoost(load_setup.config_dir, tmp_path / "roost.log", roost_env())
    try:
        wait_for(lambda: "Roost started" in run.output() or run.proc.poll() is not None, 30, "roost to start")
        platform.post([("c1", "u", "before")])
        wait_for(lambda: platform.sink_count() == 1, 20, "the first reply")
        [writer] = wait_for(lambda: writer_of(run.proc.pid), 10, "the writer process")
        os.kill(writer, signal.SIGKILL)  # as the OOM killer would
        started = time.monotonic()
        code = run.wait(30)
    finally:
        if run.proc.poll() is None:
            run.kill()
    output = run.output()
    assert code == 1, output[-3000:]
    assert time.monotonic() - started < 15
    assert "The store cannot be written any more (the store process ended" in output, output[-3000:]
    assert "Traceback" not in output, output[-3000:]


class StoreKillingChannel:
    """Delivers a reply, and the store's writer process is killed (as the OOM killer would) before the
    delivery can be recorded: the write that records it is in flight when the store is lost."""

    platform = "doomed"
    info = ChannelInfo("doomed")
    online = True

    def __init__(self, writer_pid: Callable[[], int | None]) -> None:
        self.writer_pid = writer_pid
        self.sent: list[str] = []

    async def send(self, message: OutboundMessage) -> str:
        self.sent.append(message.text)
        pid = self.writer_pid()
        assert pid is not None, "the store runs its writer in a process"
        os.kill(pid, signal.SIGKILL)
        return "m-1"


async def test_a_delivery_recorded_while_the_writer_dies_stops_roost_without_a_traceback(
    make_config, make_gateway, caplog
) -> None:
    gateway = await make_gateway(make_config("store: {writer: process}\n"), start=False)
    channel = StoreKillingChannel(lambda: gateway.store.db.writer_pid)
    gateway.register_channel(channel)
    await gateway.start()
    await gateway.send("doomed", "c1", "hello")
    async with asyncio.timeout(15):
        await gateway.wait_stopped()
    assert channel.sent == ["hello"] and gateway.exit_code == 1
    assert any("The store cannot be written any more" in r.getMessage() for r in caplog.records)
    assert [r.getMessage() for r in caplog.records if r.exc_info] == []  # no loop logs the loss again, with a traceback

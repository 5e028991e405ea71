"""When the store's writer process dies, Roost stops with a clear line and a non-zero exit."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

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

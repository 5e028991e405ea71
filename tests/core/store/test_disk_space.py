"""The store's disk running low is a WARNING while there is still room, a reminder while it stays low (sooner when
half of what was left went), and one INFO line once there is room again. The disk is real: an 8 MiB tmpfs, mounted
in a user and mount namespace of the test's own."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.helpers.own_disk import on_own_disk, require_own_disk

REPO = Path(__file__).resolve().parents[3]
FILL = """
import asyncio, logging, os, sys
from pathlib import Path
from core.store.disk_space import MIB, DiskSpace

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s", stream=sys.stdout)
disk = Path(sys.argv[1])
now = [0.0]
space = DiskSpace(disk / "roost.db", 4 * MIB, clock=lambda: now[0])

def fill(name, mib):
    with open(disk / name, "wb") as f:
        f.write(b"x" * int(mib * MIB))

async def main():
    async def step(what):
        print(f"-- {what}", flush=True)
        await space.check()
        print(f"low={space.low}", flush=True)
    await step("empty")
    fill("a", 5)
    await step("5 MiB written")
    now[0] += 60
    await step("a minute later")
    fill("b", 1.6)
    now[0] += 60
    await step("half of the rest went")
    now[0] += 3600
    await step("an hour later")
    os.remove(disk / "a")
    os.remove(disk / "b")
    now[0] += 60
    await step("freed")

asyncio.run(main())
"""


def test_a_low_disk_is_warned_of_reminded_of_and_its_end_said(tmp_path: Path) -> None:
    require_own_disk()
    disk = tmp_path / "disk"
    disk.mkdir()
    said = on_own_disk('mount -t tmpfs -o size=8M tmpfs "$DISK" && exec "$PYTHON" -c "$FILL" "$DISK"', DISK=str(disk),
                       PYTHON=sys.executable, FILL=FILL, PYTHONPATH=str(REPO))
    assert "-- freed" in said, said
    steps = [part.strip().splitlines() for part in said.split("-- ")[1:]]
    lines = {step[0] + ": " + step[-1]: step[1:-1] for step in steps}  # what: low=..., and what it logged
    assert lines["empty: low=False"] == [], "8 MiB free: nothing to say"
    [warning] = lines["5 MiB written: low=True"]
    assert warning.startswith(f"WARNING The disk holding {disk / 'roost.db'} is low on space: 3.0 MiB free "
                              "(store: low_disk_mib is 4)"), said
    assert lines["a minute later: low=True"] == [], "not every minute"
    [sooner] = lines["half of the rest went: low=True"]
    assert sooner.startswith("WARNING") and "1.4 MiB free" in sooner, said
    [reminder] = lines["an hour later: low=True"]
    assert reminder.startswith("WARNING") and "1.4 MiB free" in reminder, said
    [room] = lines["freed: low=False"]
    assert room.startswith("INFO The disk holding") and "has room again: 8.0 MiB free (it was low for 1 h 3 min)" in room

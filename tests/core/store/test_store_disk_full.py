"""A full disk at a start is said to be full, not taken for a damaged store (whose advice is to move it away), and
Roost goes on once there is room. The disk is really full: a 2 MiB tmpfs, mounted in a namespace of the test's own."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.own_disk import kept_store, on_own_disk, require_own_disk

# Run in a user and mount namespace (unshare -rm), which any user may make: the tmpfs goes with it.
FILL_THEN_START = """
set -u
mount -t tmpfs -o size=2M tmpfs "$DISK"
cp -a "$SOURCE" "$DISK/config"
if [ "$CRASHED" = yes ]; then  # a power cut: the write-ahead log and its index are left beside the store
  "$ROOST" run --config "$DISK/config" > "$DISK/first.log" 2>&1 &
  until grep -q "Roost started" "$DISK/first.log"; do sleep 0.1; done
  kill -9 $!; wait $! 2>/dev/null
fi
dd if=/dev/zero of="$DISK/filler" bs=4k 2>/dev/null
timeout -s INT 8 "$ROOST" run --config "$DISK/config"; echo "exit $?"
rm "$DISK/filler"
"$ROOST" token list --config "$DISK/config"; echo "exit $?"
"""


def _full_disk_start(tmp_path: Path, crashed: bool) -> str:
    require_own_disk()
    source = kept_store(tmp_path / "source")
    disk = tmp_path / "disk"
    disk.mkdir()
    return on_own_disk(FILL_THEN_START, DISK=str(disk), SOURCE=str(source), CRASHED="yes" if crashed else "no")


def test_a_full_disk_at_a_start_is_said_to_be_full_and_the_store_opens_once_there_is_room(tmp_path: Path) -> None:
    said = _full_disk_start(tmp_path, crashed=False)
    assert "the disk holding it is full" in said and "the store is not damaged by this" in said, said
    assert "is damaged" not in said and "Traceback" not in said, said
    assert "exit 1" in said, said
    assert said.count("exit 0") == 1 and "kept" in said.split("exit 1")[-1], "after freeing, the store opens whole"


@pytest.mark.slow
def test_a_full_disk_after_a_power_cut_starts_in_the_room_it_has_or_says_the_disk_is_full(tmp_path: Path) -> None:
    said = _full_disk_start(tmp_path, crashed=True)
    # Which one depends on how much of SQLite's shared-memory file the killed run had made real: with it, the
    # room the write-ahead log already has is enough to start in.
    started = "Roost started" in said and "Roost stopped" in said
    assert started or "the disk holding it is full" in said, said
    assert "is damaged" not in said and "Traceback" not in said, said
    assert said.count("exit 0") == 1 and "kept" in said, said

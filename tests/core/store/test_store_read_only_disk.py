"""A disk Linux remounted read-only (as it does to an SD card after errors) is said to be read-only, by `roost run` and
`roost doctor`, never taken for a damaged store; once it is writable again, Roost goes on with the store as it was.
The disk is real: a tmpfs, mounted in a user and mount namespace of the test's own."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.own_disk import kept_store, on_own_disk, require_own_disk

REMOUNTED = """
set -u
exec 2>&1
mount -t tmpfs -o size=16M tmpfs "$DISK"
cp -a "$SOURCE" "$DISK/config"
mount -o remount,ro "$DISK"
echo "== run"; timeout -s INT 8 "$ROOST" run --config "$DISK/config"; echo "exit $?"
echo "== doctor"; "$ROOST" doctor --config "$DISK/config"; echo "exit $?"
mount -o remount,rw "$DISK"
echo "== list"; "$ROOST" token list --config "$DISK/config"; echo "exit $?"
"""


def test_a_disk_remounted_read_only_is_named_and_the_store_goes_on_once_it_is_writable(tmp_path: Path) -> None:
    require_own_disk()
    source = kept_store(tmp_path / "source")
    disk = tmp_path / "disk"
    disk.mkdir()
    said = on_own_disk(REMOUNTED, DISK=str(disk), SOURCE=str(source))
    run, doctor, listed = (part.strip() for part in said.split("== ")[1:])
    read_only = f"the disk holding {disk / 'config'} is mounted read-only"
    assert read_only in run and "`dmesg` says which" in run and run.endswith("exit 1"), said
    assert "Traceback" not in said and "is damaged" not in said, said
    store_line = next(line for line in doctor.splitlines() if line.startswith("PROBLEM store:"))
    assert read_only in store_line, doctor
    assert any(line.startswith("ok      keys:") for line in doctor.splitlines()), "the other checks still run"
    http = next(line for line in doctor.splitlines() if line.startswith("PROBLEM http:"))
    assert "the store does not open (see the store's line)" in http, "not read as a store without tokens"
    assert "kept" in listed and listed.endswith("exit 0"), "writable again, the store opens as it was"

"""The system status reads this machine's real /proc and filesystems."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from integrations.system_check.status import (
    collect_status,
    read_disks,
    read_meminfo,
    systemd_state,
    top_processes,
)

ROOT = Path(__file__).resolve().parents[3]


def test_collect_status_has_sane_values() -> None:
    status = collect_status()
    mounts = [d.mount for d in status.disks]
    assert "/" in mounts
    root = status.disks[mounts.index("/")]
    assert root.total > 0 and 0 <= root.percent <= 100 and root.used + root.free <= root.total
    assert status.mem_total > 0 and 0 < status.mem_available <= status.mem_total
    assert all(x >= 0 for x in status.load) and len(status.load) == 3
    assert status.uptime > 0 and status.cpus >= 1
    assert 0 < len(status.top_memory) <= 5 and 0 < len(status.top_cpu) <= 5
    assert status.top_memory[0].rss >= status.top_memory[-1].rss > 0
    assert all(p.pid > 0 and p.name for p in status.top_cpu)
    assert status.problems == []
    assert isinstance(status.systemd, str) and isinstance(status.failed_units, list)
    text = status.to_text()
    assert "Memory:" in text and "/" in text and len(text.splitlines()) <= 30
    data = json.loads(json.dumps(status.to_dict()))
    assert data["mem_total"] == status.mem_total and "warnings" in data


def test_disk_warning_threshold() -> None:
    root = next(d for d in collect_status(disk_warn_percent=0.001).disks if d.mount == "/")
    assert root.warn
    status = collect_status(disk_warn_percent=100)
    assert not any(d.warn for d in status.disks)
    warned = collect_status(disk_warn_percent=0.001)
    assert any(w.startswith("disk / is") for w in warned.warnings)


def test_read_disks_skips_pseudo_filesystems_and_duplicates(tmp_path: Path) -> None:
    inner = tmp_path / "with space"
    inner.mkdir()
    mounts = tmp_path / "mounts"
    mounts.write_text(
        "proc /proc proc rw 0 0\n"
        "tmpfs /run tmpfs rw 0 0\n"
        "/dev/root / ext4 rw 0 0\n"
        f"/dev/root {str(inner).replace(' ', chr(92) + '040')} ext4 rw 0 0\n"
        "/dev/gone /no/such/mount ext4 rw 0 0\n"
    )
    disks = read_disks(90, str(mounts))
    same_device = os.stat("/").st_dev == os.stat(inner).st_dev
    expected = ["/"] if same_device else sorted(["/", str(inner)])
    assert [d.mount for d in disks] == expected
    only_inner = tmp_path / "mounts2"
    only_inner.write_text(mounts.read_text().replace("/dev/root / ext4 rw 0 0\n", ""))
    assert [d.mount for d in read_disks(90, str(only_inner))] == [str(inner)]  # octal escape undone


def test_meminfo_in_bytes() -> None:
    info = read_meminfo()
    with open("/proc/meminfo") as f:
        kb = int(f.readline().split()[1])
    assert info["MemTotal"] == kb * 1024


def test_top_processes_sees_a_busy_child() -> None:
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.2)
        by_cpu, by_rss = top_processes(sample=0.5, count=1000)
    finally:
        busy.kill()
        busy.wait()
    child = [p for p in by_cpu if p.pid == busy.pid]
    assert child and child[0].cpu_percent > 5  # a whole core when the machine is idle
    assert by_cpu == sorted(by_cpu, key=lambda p: (p.cpu_percent, p.rss), reverse=True)
    assert any(p.pid == os.getpid() for p in by_rss)


def test_systemd_state_matches_this_machine() -> None:
    state, failed = systemd_state()
    if not os.path.isdir("/run/systemd/system"):
        assert (state, failed) == ("systemd not present", [])
    else:
        assert isinstance(failed, list) and state


def test_status_cli_json() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "integrations.system_check.status", "--json"],
        capture_output=True, text=True, timeout=60, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert any(d["mount"] == "/" for d in data["disks"]) and data["mem_total"] > 0
    bad = subprocess.run(
        [sys.executable, "-m", "integrations.system_check.status", "--disk-warn", "150"],
        capture_output=True, text=True, timeout=60, cwd=ROOT,
    )  # fmt: skip
    assert bad.returncode == 2 and "between 0 and 100" in bad.stderr


def test_manifest() -> None:
    path = ROOT / "integrations" / "system_check" / "manifest.json"
    manifest = json.loads(path.read_text())
    assert manifest["domain"] == path.parent.name == "system_check"
    assert manifest["kind"] == "action" and manifest["after_dependencies"] == ["pii"]
    assert list(manifest) == sorted(manifest)

"""A snapshot of the machine: disks, memory, load, uptime, failed systemd units, top processes.

Reads /proc and os.statvfs (Linux); runnable on its own:

    python -m integrations.system_check.status [--json] [--disk-warn PERCENT]

Only the standard library is imported. `collect_status` blocks for about 0.2 s (it samples
process CPU times twice); call it from an executor in async code.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field

__all__ = ["DiskUsage", "ProcessInfo", "Status", "collect_status", "main"]

PSEUDO_FILESYSTEMS = frozenset(
    {
        "proc", "sysfs", "devtmpfs", "devpts", "tmpfs", "cgroup", "cgroup2", "securityfs",
        "pstore", "debugfs", "tracefs", "configfs", "fusectl", "mqueue", "hugetlbfs", "bpf",
        "autofs", "binfmt_misc", "rpc_pipefs", "nsfs", "ramfs", "efivarfs", "selinuxfs",
        "squashfs", "overlayfs-meta", "fuse.lxcfs", "fuse.gvfsd-fuse", "fuse.portal",
        "fuse.snapfuse", "nfsd", "devfs", "sockfs", "pipefs", "iso9660", "udev",
    }
)  # fmt: skip
SAMPLE_SECONDS = 0.2
SYSTEMCTL_TIMEOUT = 5.0
TOP_PROCESSES = 5


@dataclass
class DiskUsage:
    """Usage of one mounted filesystem, in bytes; percent as `df` shows it."""

    mount: str
    device: str
    fstype: str
    total: int
    used: int
    free: int
    percent: float
    warn: bool


@dataclass
class ProcessInfo:
    """One process: pid, name, CPU percent over the sample, resident memory in bytes."""

    pid: int
    name: str
    cpu_percent: float
    rss: int


@dataclass
class Status:
    """The snapshot; `to_text()` fits one screen, `to_dict()` is JSON-ready."""

    time: float
    hostname: str
    disks: list[DiskUsage]
    disk_warn_percent: float
    mem_total: int
    mem_available: int
    swap_total: int
    swap_free: int
    load: tuple[float, float, float]
    cpus: int
    uptime: float
    systemd: str
    failed_units: list[str]
    top_cpu: list[ProcessInfo]
    top_memory: list[ProcessInfo]
    problems: list[str] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        """Things a person should look at: full disks, low memory, high load, failed units."""
        found = [
            f"disk {d.mount} is {d.percent:.0f}% full ({_size(d.free)} free)"
            for d in self.disks
            if d.warn
        ]
        if self.mem_total and self.mem_available / self.mem_total < 0.1:
            found.append(f"memory is low: {_size(self.mem_available)} available")
        if self.cpus and self.load[1] > 2 * self.cpus:
            found.append(f"load {self.load[1]:.1f} is over twice the {self.cpus} CPUs")
        if self.failed_units:
            found.append(f"{len(self.failed_units)} systemd unit(s) failed")
        return found

    def to_dict(self) -> dict:
        """A JSON-ready dict."""
        data = asdict(self)
        data["load"] = list(self.load)
        data["warnings"] = self.warnings
        return data

    def to_text(self) -> str:
        """A plain-text summary of at most about 30 lines."""
        lines = [f"{self.hostname}: up {_duration(self.uptime)}, load {_load(self.load)} on {self.cpus} CPUs"]
        used = self.mem_total - self.mem_available
        mem_pct = 100.0 * used / self.mem_total if self.mem_total else 0.0
        mem = f"Memory: {_size(used)} used of {_size(self.mem_total)} ({mem_pct:.0f}%)"
        if self.swap_total:
            mem += f", swap {_size(self.swap_total - self.swap_free)} of {_size(self.swap_total)}"
        lines.append(mem)
        lines.append(f"Disks (warning over {self.disk_warn_percent:g}%):")
        for d in self.disks[:8]:
            flag = "  ⚠" if d.warn else ""
            lines.append(
                f"  {d.mount:<20} {d.percent:5.1f}%  {_size(d.used):>8} of {_size(d.total):<8}{flag}"
            )
        if len(self.disks) > 8:
            lines.append(f"  ... and {len(self.disks) - 8} more")
        if self.failed_units:
            shown = ", ".join(self.failed_units[:6])
            more = f" and {len(self.failed_units) - 6} more" if len(self.failed_units) > 6 else ""
            lines.append(f"Failed units: {shown}{more}")
        else:
            lines.append(f"Systemd: {self.systemd}")
        if self.top_cpu:
            lines.append("Top CPU: " + ", ".join(f"{p.name} ({p.pid}) {p.cpu_percent:.0f}%" for p in self.top_cpu))
        if self.top_memory:
            lines.append("Top memory: " + ", ".join(f"{p.name} ({p.pid}) {_size(p.rss)}" for p in self.top_memory))
        warnings = self.warnings
        lines.append("Warnings: " + "; ".join(warnings) if warnings else "No warnings.")
        for problem in self.problems[:3]:
            lines.append(f"Could not check: {problem}")
        return "\n".join(lines)


def _size(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(n) < 1024 or unit == "TiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TiB"


def _duration(seconds: float) -> str:
    minutes = int(seconds // 60)
    days, minutes = divmod(minutes, 1440)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes}m"
    return f"{minutes}m"


def _load(load: tuple[float, float, float]) -> str:
    return " ".join(f"{x:.2f}" for x in load)


def _unescape_mount(path: str) -> str:
    """/proc/mounts writes space, tab, newline and backslash as octal escapes."""
    if "\\" not in path:
        return path
    return (
        path.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\")
    )


def read_disks(warn_percent: float, mounts_file: str = "/proc/self/mounts") -> list[DiskUsage]:
    """Usage of every real filesystem mount (pseudo filesystems and duplicates skipped)."""
    disks: dict[int, DiskUsage] = {}
    with open(mounts_file, encoding="utf-8", errors="replace") as f:
        entries = [line.split() for line in f]
    for parts in entries:
        if len(parts) < 3:
            continue
        device, mount, fstype = parts[0], _unescape_mount(parts[1]), parts[2]
        if fstype in PSEUDO_FILESYSTEMS or not os.path.isdir(mount):
            continue
        try:
            st = os.statvfs(mount)
            dev = os.stat(mount).st_dev
        except OSError:
            continue
        if st.f_blocks == 0:
            continue
        total = st.f_blocks * st.f_frsize
        free = st.f_bavail * st.f_frsize
        used = (st.f_blocks - st.f_bfree) * st.f_frsize
        denom = used + free
        percent = 100.0 * used / denom if denom else 0.0
        usage = DiskUsage(mount, device, fstype, total, used, free, round(percent, 1), percent >= warn_percent)
        known = disks.get(dev)
        if known is None or len(mount) < len(known.mount):  # one line per filesystem: its shortest mount
            disks[dev] = usage
    return sorted(disks.values(), key=lambda d: d.mount)


def read_meminfo(path: str = "/proc/meminfo") -> dict[str, int]:
    """/proc/meminfo as bytes per key."""
    info: dict[str, int] = {}
    with open(path, encoding="ascii", errors="replace") as f:
        for line in f:
            key, _, rest = line.partition(":")
            fields = rest.split()
            if fields and fields[0].isdigit():
                value = int(fields[0])
                info[key] = value * 1024 if len(fields) > 1 and fields[1] == "kB" else value
    return info


def systemd_state() -> tuple[str, list[str]]:
    """('running'|'systemd not present'|'...', failed unit names) via systemctl when systemd is PID 1."""
    if not os.path.isdir("/run/systemd/system"):
        return "systemd not present", []
    try:
        with open("/proc/1/comm", encoding="ascii", errors="replace") as f:
            if f.read().strip() != "systemd":
                return "systemd not present", []
    except OSError:
        pass
    systemctl = shutil.which("systemctl")
    if systemctl is None:
        return "systemd present, but systemctl was not found", []
    try:
        done = subprocess.run(
            [systemctl, "list-units", "--state=failed", "--no-legend", "--plain", "--no-pager"],
            capture_output=True,
            text=True,
            timeout=SYSTEMCTL_TIMEOUT,
            env={"PATH": "/usr/bin:/bin", "LANG": "C", "SYSTEMD_COLORS": "0"},
        )
    except subprocess.TimeoutExpired:
        return f"systemctl did not answer within {SYSTEMCTL_TIMEOUT:g} s", []
    except OSError as exc:
        return f"systemctl could not run: {exc.strerror or exc}", []
    if done.returncode != 0:
        return f"systemctl failed: {done.stderr.strip()[:200] or done.returncode}", []
    units = [line.split()[0].lstrip("●* ") for line in done.stdout.splitlines() if line.split()]
    return "running", [u for u in units if u]


def read_stat(pid: str | int) -> tuple[str, int, int] | None:
    """(name, utime+stime ticks, rss pages) of a pid, or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            data = f.read()
    except OSError:
        return None
    open_paren, close_paren = data.find(b"("), data.rfind(b")")
    if open_paren < 0 or close_paren < 0:
        return None
    name = data[open_paren + 1 : close_paren].decode("utf-8", "replace")
    fields = data[close_paren + 2 :].split()
    try:  # fields after the name start at field 3 (state): utime 14, stime 15, rss 24
        return name, int(fields[11]) + int(fields[12]), int(fields[21])
    except (IndexError, ValueError):
        return None


def _sample_processes() -> dict[str, tuple[str, int, int]]:
    found = {}
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            stat = read_stat(pid)
            if stat is not None:
                found[pid] = stat
    return found


def top_processes(sample: float = SAMPLE_SECONDS, count: int = TOP_PROCESSES) -> tuple[list[ProcessInfo], list[ProcessInfo]]:
    """(top by CPU over a `sample`-second interval, top by resident memory; kernel threads hold none and are left out)."""
    ticks = os.sysconf("SC_CLK_TCK")
    page = os.sysconf("SC_PAGE_SIZE")
    before = _sample_processes()
    t0 = time.monotonic()
    time.sleep(sample)
    after = _sample_processes()
    elapsed = max(time.monotonic() - t0, 1e-6)
    procs = []
    for pid, (name, cpu_ticks, rss) in after.items():
        prev = before.get(pid)
        delta = cpu_ticks - prev[1] if prev is not None and prev[0] == name else 0
        cpu = 100.0 * max(delta, 0) / ticks / elapsed
        procs.append(ProcessInfo(int(pid), name, round(cpu, 1), rss * page))
    by_cpu = sorted(procs, key=lambda p: (p.cpu_percent, p.rss), reverse=True)[:count]
    by_rss = sorted((p for p in procs if p.rss > 0), key=lambda p: p.rss, reverse=True)[:count]
    return by_cpu, by_rss


def collect_status(disk_warn_percent: float = 90) -> Status:
    """Collect the snapshot (blocks about 0.2 s); parts that cannot be read are listed as problems."""
    problems: list[str] = []
    try:
        disks = read_disks(disk_warn_percent)
    except OSError as exc:
        disks = []
        problems.append(f"mounts: {exc.strerror or exc}")
    try:
        mem = read_meminfo()
    except OSError as exc:
        mem = {}
        problems.append(f"memory: {exc.strerror or exc}")
    try:
        load = os.getloadavg()
    except OSError:
        load = (0.0, 0.0, 0.0)
        problems.append("load average: not available")
    try:
        with open("/proc/uptime", encoding="ascii") as f:
            uptime = float(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        uptime = 0.0
        problems.append("uptime: /proc/uptime not readable")
    systemd, failed = systemd_state()
    try:
        top_cpu, top_mem = top_processes()
    except OSError as exc:
        top_cpu, top_mem = [], []
        problems.append(f"processes: {exc.strerror or exc}")
    return Status(
        time=time.time(),
        hostname=os.uname().nodename,
        disks=disks,
        disk_warn_percent=disk_warn_percent,
        mem_total=mem.get("MemTotal", 0),
        mem_available=mem.get("MemAvailable", mem.get("MemFree", 0)),
        swap_total=mem.get("SwapTotal", 0),
        swap_free=mem.get("SwapFree", 0),
        load=(round(load[0], 2), round(load[1], 2), round(load[2], 2)),
        cpus=os.cpu_count() or 1,
        uptime=uptime,
        systemd=systemd,
        failed_units=failed,
        top_cpu=top_cpu,
        top_memory=top_mem,
        problems=problems,
    )


def main(argv: list[str] | None = None) -> int:
    """Print the status as text or JSON."""
    parser = argparse.ArgumentParser(prog="python -m integrations.system_check.status", description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--disk-warn", type=float, default=90.0, help="warn when a disk is fuller (percent)")
    args = parser.parse_args(argv)
    if not 0 < args.disk_warn <= 100:
        sys.stderr.write("error: --disk-warn must be a percentage between 0 and 100\n")
        return 2
    status = collect_status(args.disk_warn)
    text = json.dumps(status.to_dict(), ensure_ascii=False, indent=1) if args.json else status.to_text()
    sys.stdout.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

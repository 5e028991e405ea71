"""A damaged roost.db stops Roost with one clear message; `roost backup` and `roost restore` bring it back."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

import core.store.backup
from core.cli import main
from core.store.backup import backups_in, check_database
from tests.helpers.configdir import PING, ROOST, write_config


def _chat(directory: Path, text: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(ROOST), "chat", "--config", str(directory)], input=text,
                          capture_output=True, text=True, timeout=60)


def _traces(capsys: pytest.CaptureFixture[str], directory: Path) -> list[str]:
    capsys.readouterr()
    assert main(["trace", "--config", str(directory), "--json", "--limit", "100"]) == 0
    return [t["trigger"]["text"] for t in json.loads(capsys.readouterr().out)]


def _await_trace(capsys: pytest.CaptureFixture[str], directory: Path, text: str) -> None:
    deadline = time.monotonic() + 10
    while text not in _traces(capsys, directory):
        assert time.monotonic() < deadline, f"no trace of {text!r} within 10 s"
        time.sleep(0.05)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def used(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A configuration whose store has answered a few messages (then stopped)."""
    directory = write_config(tmp_path_factory.mktemp("used"), PING)
    result = _chat(directory, "ping 1\nping 2\nping 3\n")
    assert result.stdout == "pong\npong\npong\n", result.stderr
    return directory


def _flipped(used: Path, tmp_path: Path, offset: int) -> Path:
    directory = tmp_path / "flipped"
    shutil.copytree(used, directory)
    with open(directory / "roost.db", "r+b") as file:
        file.seek(offset)
        byte = file.read(1)[0]
        file.seek(offset)
        file.write(bytes([byte ^ 0x5A]))
    return directory


@pytest.mark.parametrize(("where", "offset"), [
    ("the header's magic string", 0), ("the page size", 16), ("the page count", 28),
    ("the schema's page", 108), ("a b-tree page's header", 4096 * 2 + 5),
])
def test_a_flipped_byte_stops_roost_with_one_clear_message(used: Path, tmp_path: Path, where: str,
                                                           offset: int) -> None:
    directory = _flipped(used, tmp_path, offset)
    before = _digest(directory / "roost.db")
    started = time.monotonic()
    result = _chat(directory, "ping\n")
    assert result.returncode == 1 and result.stdout == "", where
    assert time.monotonic() - started < 30
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert f"{directory / 'roost.db'} is damaged" in line
    assert "before changing anything" in line and "roost restore" in line
    assert _digest(directory / "roost.db") == before, "nothing was changed"


def test_backup_while_running_then_restore_over_a_damaged_store(used: Path, tmp_path: Path, capsys) -> None:
    directory = tmp_path / "live"
    shutil.copytree(used, directory)
    gateway = subprocess.Popen([str(ROOST), "chat", "--config", str(directory)], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert gateway.stdin is not None and gateway.stdout is not None
        gateway.stdin.write("ping 4\n")
        gateway.stdin.flush()
        assert gateway.stdout.readline() == "pong\n"
        _await_trace(capsys, directory, "ping 4")  # traces are written up to a moment after the reply
        assert main(["backup", "--config", str(directory), "--output", str(tmp_path / "copies")]) == 0
        assert main(["restore", "--config", str(directory), str(tmp_path / "copies")]) == 1
        assert "cannot restore a backup: Roost (pid" in capsys.readouterr().err
    finally:
        gateway.communicate("", timeout=30)
    [copy] = (tmp_path / "copies").iterdir()
    assert sorted(p.name for p in copy.iterdir()) == ["configuration", "keys.json", "roost.db"]
    assert (copy / "roost.db").stat().st_mode & 0o077 == 0
    with open(directory / "roost.db", "r+b") as file:
        file.write(b"garbage!")
    assert _chat(directory, "ping\n").returncode == 1
    assert main(["restore", "--config", str(directory), str(copy)]) == 0
    assert sorted(_traces(capsys, directory)) == ["ping 1", "ping 2", "ping 3", "ping 4"]
    assert any(p.name.startswith("roost.db.replaced-") for p in directory.iterdir()), "kept, not deleted"
    assert _chat(directory, "ping 5\n").stdout == "pong\n"


def test_a_damaged_store_names_the_latest_backup_in_its_folder_to_restore(used: Path, tmp_path: Path,
                                                                          capsys) -> None:
    directory = tmp_path / "config"
    shutil.copytree(used, directory)
    for _ in range(2):  # into CONFIG/backups, as the backup blueprint makes them
        assert main(["backup", "--config", str(directory)]) == 0
    latest = capsys.readouterr().out.split(" to ")[-1].splitlines()[0]
    assert [str(p) for p in backups_in(directory / "backups")][-1] == latest
    with open(directory / "roost.db", "r+b") as file:
        file.write(b"garbage!")
    said = _chat(directory, "ping\n").stderr
    assert f"Restore the latest backup with `roost restore {latest} --config {directory}`, or move" in said
    assert main(["restore", latest, "--config", str(directory)]) == 0  # the command as said
    assert _chat(directory, "ping 5\n").stdout == "pong\n"


def test_restore_refuses_what_is_not_a_backup_and_a_damaged_copy(used: Path, tmp_path: Path, capsys) -> None:
    directory = tmp_path / "config"
    shutil.copytree(used, directory)
    before = _digest(directory / "roost.db")
    assert main(["restore", "--config", str(directory), str(tmp_path)]) == 1
    assert "is not a Roost backup" in capsys.readouterr().err
    assert main(["backup", "--config", str(directory), "--output", str(tmp_path / "kept")]) == 0
    made = capsys.readouterr().out.split(" to ")[1].splitlines()[0]
    assert main(["restore", "--config", str(directory), str(tmp_path / "kept")]) == 1  # the folder given to backup
    assert f"it holds backups, the latest is {made}" in capsys.readouterr().err
    assert main(["restore", "--config", str(directory), str(tmp_path / "missing")]) == 1
    assert "missing does not exist" in capsys.readouterr().err
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "roost.db").write_bytes(b"not a database at all" * 100)
    assert main(["restore", "--config", str(directory), str(broken)]) == 1
    assert "is damaged" in capsys.readouterr().err
    assert _digest(directory / "roost.db") == before


def test_a_backup_folder_that_cannot_be_made_is_named_in_one_line(used: Path, tmp_path: Path, capsys) -> None:
    directory = tmp_path / "config"
    shutil.copytree(used, directory)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert main(["backup", "--config", str(directory), "-o", str(blocker)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"roost backup: {blocker}/roost-backup-") and err.rstrip().endswith("Not a directory"), err


def test_a_backup_without_room_on_its_disk_is_refused_before_writing(used: Path, tmp_path: Path, capsys,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(core.store.backup, "ROOM_TO_SPARE", shutil.disk_usage(tmp_path).free + 2**30)
    assert main(["backup", "--config", str(used), "-o", str(tmp_path / "copies")]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"roost backup: {tmp_path / 'copies'} has ") and "MiB free, and a copy of the store and the configuration needs" in err
    assert not (tmp_path / "copies").exists()


def test_the_check_at_open_is_bounded_in_time(tmp_path: Path) -> None:
    path = tmp_path / "big.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT)")
    conn.executemany("INSERT INTO t (b) VALUES (?)", ((f"row {i}" * 20,) for i in range(50_000)))
    conn.commit()
    conn.close()
    assert check_database(path, seconds=0.0) is False, "cut short, not reported as damage"
    assert check_database(path) is True

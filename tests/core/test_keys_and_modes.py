"""Key handling from the command line: strong passphrases, read without `ps` seeing them; file modes."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

from core.crypto.device_secret import ENV_STATE_DIR
from tests.helpers.configdir import PING, ROOST, write_config

STRONG = "otter lantern gravel symphony"


def roost(*argv: str, stdin: str = "", env: dict[str, str] | None = None, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(ROOST), *argv], input=stdin, capture_output=True, text=True, timeout=60,
                          env={**os.environ, **(env or {})}, **kwargs)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def used(tmp_path: Path) -> Path:
    """A configuration that has started once (it has a store and a key file)."""
    directory = write_config(tmp_path / "config", PING)
    assert roost("chat", "--config", str(directory), stdin="ping\n").stdout == "pong\n"
    return directory


def test_a_weak_export_passphrase_is_refused(used: Path) -> None:
    for weak, why in (("a", "too short"), ("password1234", "too easy to guess")):
        result = roost("keys", "export", "--config", str(used), "--passphrase-stdin", "-o", str(used / "k.export"),
                       stdin=weak + "\n")
        assert result.returncode == 1 and why in result.stderr, result.stderr
        assert not (used / "k.export").exists()


def test_export_from_stdin_then_import_from_a_file_descriptor_on_another_device(used: Path, tmp_path: Path) -> None:
    exported = tmp_path / "move.export"
    result = roost("keys", "export", "--config", str(used), "--passphrase-stdin", "-o", str(exported),
                   stdin=STRONG + "\n")
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr and _mode(exported) == 0o600

    new = write_config(tmp_path / "new", PING)
    other_device = {ENV_STATE_DIR: str(tmp_path / "other-state"), "ROOST_DEVICE_ID": "another-device"}
    read, write = os.pipe()
    os.write(write, (STRONG + "\n").encode())
    os.close(write)
    try:
        result = roost("keys", "import", str(exported), "--config", str(new), "--passphrase-fd", str(read),
                       env=other_device, pass_fds=(read,))
    finally:
        os.close(read)
    assert result.returncode == 0, result.stderr
    for name in ("roost.db", "roost.db-wal"):
        if (used / name).exists():
            (new / name).write_bytes((used / name).read_bytes())
    result = roost("trace", "--config", str(new), "--json", env=other_device)
    assert result.returncode == 0 and '"ping"' in result.stdout, result.stderr


def test_files_that_cannot_be_written_or_read_are_named_without_a_traceback(used: Path, tmp_path: Path) -> None:
    taken = tmp_path / "taken.export"
    taken.write_text("someone's file")
    result = roost("keys", "export", "--config", str(used), "--passphrase-stdin", "-o", str(taken), stdin=STRONG + "\n")
    assert result.returncode == 1 and "exists already" in result.stderr, result.stderr
    assert taken.read_text() == "someone's file"
    result = roost("keys", "export", "--config", str(used), "--passphrase-stdin", "-o", str(tmp_path / "no" / "k.export"),
                   stdin=STRONG + "\n")
    assert result.returncode == 1 and f"cannot write {tmp_path / 'no' / 'k.export'}" in result.stderr, result.stderr
    for wrong, why in ((str(tmp_path), "Is a directory"), (str(tmp_path / "missing.export"), "No such file")):
        result = roost("keys", "import", wrong, "--config", str(used), "--passphrase-stdin", stdin=STRONG + "\n")
        assert result.returncode == 1 and result.stderr.startswith(f"roost keys: {wrong}: {why}"), result.stderr
        assert "Traceback" not in result.stderr


def test_without_a_terminal_the_passphrase_is_not_asked_for_on_the_command_line(used: Path) -> None:
    result = roost("keys", "export", "--config", str(used), "-o", str(used / "k.export"))
    assert result.returncode == 1
    assert "--passphrase-stdin" in result.stderr and "--passphrase-fd" in result.stderr
    result = roost("keys", "export", "--config", str(used), "-o", str(used / "k.export"), "--passphrase", STRONG)
    assert result.returncode == 0
    assert "visible to other users (ps) and in shell history" in result.stderr


def test_modes_are_fixed_or_named_at_start_and_by_doctor(used: Path) -> None:
    (used / "secrets.yaml").write_text("token: abc\n")
    for name in ("secrets.yaml", "roost.db", "keys.json"):
        (used / name).chmod(0o644)
    (used / "configuration.yaml").chmod(0o666)
    result = roost("chat", "--config", str(used), stdin="ping\n")
    assert result.stdout == "pong\n"
    for name in ("secrets.yaml", "roost.db", "keys.json"):
        assert _mode(used / name) == 0o600, name
        assert f"{used / name} (mode 0644): holds secrets or data, readable by others; Roost changed it to 0600" in result.stderr
    assert _mode(used / "configuration.yaml") == 0o666, "the owner's choice: named, not changed"
    assert "configuration.yaml (mode 0666): writable by group or others" in result.stderr

    doctor = roost("doctor", "--config", str(used))
    assert doctor.returncode == 1
    assert "PROBLEM file mode:" in doctor.stdout and "ok      keys:" in doctor.stdout
    assert "ok      store:" in doctor.stdout
    (used / "configuration.yaml").chmod(0o600)
    (used / "secrets.yaml").chmod(0o640)
    doctor = roost("doctor", "--config", str(used))
    assert doctor.returncode == 0, doctor.stdout
    assert "fixed   file mode:" in doctor.stdout and _mode(used / "secrets.yaml") == 0o600

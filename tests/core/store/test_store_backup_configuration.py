"""A backup holds the configuration's own files too; `roost restore --configuration` puts them back, also on a
configuration directory that does not exist yet."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import pytest

import core.store.backup
from core.cli import main
from core.permissions import check_modes
from core.store.backup import backup, backups_in
from tests.helpers.configdir import PING, ROOST, write_config

CONFIG = "automations: !include automations/ping.yaml\nstore: !include store.yaml\n"


def _configured(directory: Path) -> Path:
    """A configuration with every kind of file a backup copies or leaves, and a store that has answered a ping."""
    write_config(directory, CONFIG, files={
        "store.yaml": "synchronous: NORMAL\n", "secrets.yaml": "token: s3cret\n",
        "blueprints/mine.yaml": "blueprint: {name: Mine}\n", "integrations/extra/__init__.py": "X = 1\n",
        "integrations/extra/manifest.json": '{"domain": "extra", "name": "Extra", "version": "1.0.0", "kind": "other"}',
        "integrations/extra/__pycache__/__init__.cpython-311.pyc": "bytecode", "knowledge/shop.md": "# Shop\n",
        "models/model.gguf": "weights", "knowledge.db": "index", "keys.export": "a key export",
        "automations/ping.yaml": PING.removeprefix("automations:\n"), "notes/todo.txt": "buy flour\n",
        "roost.db.replaced-20261201-000000": "a store moved aside",
    })
    chat = subprocess.run([str(ROOST), "chat", "--config", str(directory)], input="ping\n", capture_output=True,
                          text=True, timeout=60)
    assert chat.stdout == "pong\n", chat.stderr
    return directory


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_a_backup_holds_what_the_owner_wrote_privately_and_not_what_roost_makes(tmp_path: Path, capsys) -> None:
    directory = _configured(tmp_path / "config")
    assert main(["backup", "--config", str(directory)]) == 0
    [made] = backups_in(directory / "backups")
    assert _files(made / "configuration") == [
        "automations/ping.yaml", "blueprints/mine.yaml", "configuration.yaml", "integrations/extra/__init__.py",
        "integrations/extra/manifest.json", "knowledge/shop.md", "notes/todo.txt", "secrets.yaml", "store.yaml"]
    assert all(p.stat().st_mode & 0o077 == 0 for p in made.rglob("*")), "a backup is private, all of it"
    assert [f for f in check_modes(directory, fix=False) if "backups" in f.path.parts] == []
    assert "the configuration's own files" in capsys.readouterr().out

    assert main(["backup", "--config", str(directory), "-o", str(directory / "knowledge" / "copies")]) == 0
    [inside] = backups_in(directory / "knowledge" / "copies")
    assert _files(inside / "configuration" / "knowledge") == ["shop.md"], "a backup does not copy the backups"
    assert main(["backup", "--config", str(directory), "-o", str(tmp_path / "usb")]) == 0
    [elsewhere] = backups_in(tmp_path / "usb")
    assert _files(elsewhere / "configuration" / "knowledge") == ["shop.md"], "nor those another backup made"


def test_restore_puts_the_configuration_back_only_when_asked(tmp_path: Path, capsys) -> None:
    directory = _configured(tmp_path / "config")
    assert main(["backup", "--config", str(directory), "-o", str(tmp_path / "usb")]) == 0
    [made] = backups_in(tmp_path / "usb")
    (directory / "configuration.yaml").write_text("# changed\n" + CONFIG)
    capsys.readouterr()

    assert main(["restore", str(made), "--config", str(directory)]) == 0
    said = capsys.readouterr().out
    assert f"`roost restore {made} --configuration --config {directory}` puts them back too" in said
    assert "changed" in (directory / "configuration.yaml").read_text(), "left as it is without --configuration"

    assert main(["restore", str(made), "--configuration", "--config", str(directory)]) == 0
    assert (directory / "configuration.yaml").read_text() == CONFIG
    [aside] = directory.glob("configuration.yaml.replaced-*")
    assert "changed" in aside.read_text(), "the replaced one is moved aside, not deleted"
    assert (directory / "knowledge" / "shop.md").read_text() == "# Shop\n"


def test_restore_with_the_configuration_makes_a_new_directory_that_answers(tmp_path: Path, capsys) -> None:
    directory = _configured(tmp_path / "config")
    assert main(["backup", "--config", str(directory), "-o", str(tmp_path / "usb")]) == 0
    [made] = backups_in(tmp_path / "usb")
    fresh = tmp_path / "new-device" / "roost"
    assert main(["restore", str(made), "--configuration", "--config", str(fresh)]) == 0
    assert fresh.stat().st_mode & 0o777 == 0o700
    chat = subprocess.run([str(ROOST), "chat", "--config", str(fresh)], input="ping\n", capture_output=True,
                          text=True, timeout=60)
    assert chat.stdout == "pong\n", chat.stderr


@pytest.mark.parametrize("folder", ["configuration", "configuration/configuration.yaml"])
def test_restoring_the_configuration_of_a_backup_without_it_changes_nothing(tmp_path: Path, capsys,
                                                                             folder: str) -> None:
    directory = _configured(tmp_path / "config")
    assert main(["backup", "--config", str(directory), "-o", str(tmp_path / "usb")]) == 0
    [made] = backups_in(tmp_path / "usb")
    target = made / folder
    if target.is_dir():
        for path in sorted(target.rglob("*"), reverse=True):
            path.rmdir() if path.is_dir() else path.unlink()
        target.rmdir()
    else:
        target.unlink()
    before = sorted(p.name for p in directory.iterdir())
    capsys.readouterr()
    assert main(["restore", str(made), "--configuration", "--config", str(directory)]) == 1
    assert "holds no configuration/configuration.yaml (a backup made before backups held the configuration)" in \
        capsys.readouterr().err
    assert sorted(p.name for p in directory.iterdir()) == before


def test_a_pipe_or_socket_among_the_files_is_left_out_and_a_failed_copy_leaves_no_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    directory = _configured(tmp_path / "config")
    os.mkfifo(directory / "knowledge" / "pipe")
    with socket.socket(socket.AF_UNIX) as listening:
        listening.bind(str(directory / "integrations" / "live.sock"))
        made = backup(directory / "roost.db", directory, tmp_path / "usb")  # reading the pipe would block here
    assert _files(made / "configuration" / "knowledge") == ["shop.md"]
    assert not (made / "configuration" / "integrations" / "live.sock").exists()

    def fails(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(core.store.backup, "copy_configuration", fails)
    with pytest.raises(OSError, match="No space left"):
        backup(directory / "roost.db", directory, tmp_path / "usb")
    assert backups_in(tmp_path / "usb") == [made], "the failed copy's folder is gone: pruning counts what is there"


def test_a_store_kept_in_a_folder_of_the_configuration_is_copied_once(tmp_path: Path) -> None:
    directory = write_config(tmp_path / "config", PING + "store: {path: data/roost.db}\n",
                             files={"data/README": "the store lives here\n"})
    chat = subprocess.run([str(ROOST), "chat", "--config", str(directory)], input="ping\n", capture_output=True,
                          text=True, timeout=60)
    assert chat.stdout == "pong\n", chat.stderr
    made = backup(directory / "data" / "roost.db", directory, tmp_path / "usb")
    assert _files(made / "configuration" / "data") == ["README"], "the store is the backup's roost.db, not a file"
    assert (made / "roost.db").is_file()

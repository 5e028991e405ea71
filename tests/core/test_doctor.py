"""`roost doctor`: machine, configuration, store and each integration's check, against the fake platforms."""

from __future__ import annotations

import os
import shutil
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import core.cli.doctor_commands
from core.cli import main
from core.localtime import synchronized
from core.store.backup import backup_before_upgrade
from tests.fakes.discord_server import TOKEN as DISCORD_TOKEN
from tests.fakes.discord_server import FakeDiscord
from tests.fakes.telegram_server import FakeTelegram
from tests.fakes.whatsapp_server import PHONE_NUMBER_ID, FakeWhatsApp
from tests.helpers.cli import holding_the_lock
from tests.helpers.kill_rounds import FakeInThread


@pytest.fixture
def fakes() -> Iterator[dict[str, FakeInThread]]:
    """Telegram, WhatsApp and Discord fakes, each on a loop of its own (doctor runs its own loop)."""
    running = {"telegram": FakeInThread(FakeTelegram()), "whatsapp": FakeInThread(FakeWhatsApp()),
               "discord": FakeInThread(FakeDiscord())}
    yield running
    for fake in running.values():
        fake.stop()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _config(directory: Path, fakes: dict[str, FakeInThread], *, telegram_token: str | None = None,
            discord_base: str | None = None, telegram_extra: str = "") -> Path:
    telegram, whatsapp, discord = (fakes[name].fake for name in ("telegram", "whatsapp", "discord"))
    directory.mkdir(exist_ok=True)
    (directory / "configuration.yaml").write_text(f"""
http: {{port: {_closed_port()}}}
telegram: {{bot_token: "{telegram_token or telegram.token}", base_url: "{telegram.base_url}"{telegram_extra}}}
whatsapp: {{access_token: {whatsapp.access_token}, app_secret: {whatsapp.app_secret}, verify_token: verify-me-please,
           phone_number_id: "{PHONE_NUMBER_ID}", base_url: "{whatsapp.base_url}"}}
discord: {{bot_token: {DISCORD_TOKEN}, api_base: "{discord_base or discord.api}"}}
llama_cpp:
  models: [{{name: local, path: models/missing.gguf}}]
""", encoding="utf-8")
    return directory


def _doctor(capsys: pytest.CaptureFixture[str], directory: Path) -> tuple[int, dict[str, list[str]]]:
    code = main(["doctor", "--config", str(directory)])
    lines: dict[str, list[str]] = {}
    for line in capsys.readouterr().out.splitlines():
        if line.strip() and not line.startswith(" ") and not line[0].isdigit():
            status, _, text = line.partition(" ")
            lines.setdefault(text.strip().split(":")[0], []).append(f"{status} {text.strip()}")
    return code, lines


def test_doctor_checks_each_part_and_says_what_to_fix(tmp_path: Path, fakes, capsys, monkeypatch) -> None:
    monkeypatch.setenv("TZ", "Europe/Berlin")
    code, lines = _doctor(capsys, _config(tmp_path / "c", fakes))
    assert code == 1  # the model file is missing
    assert lines["python"][0].startswith("ok python: 3.")
    assert lines["sandbox"][0].split()[0] in ("ok", "WARNING")
    clock, = lines["clock"]
    assert "in Europe/Berlin, the zone schedules go by" in clock
    if synchronized() is False:  # as this test machine's kernel says
        assert clock.startswith("WARNING") and "no time server keeps it right" in clock
    else:
        assert clock.startswith("ok")
    assert lines["telegram"] == ["ok telegram: the token works (bot @roost_bot)"]
    assert lines["whatsapp"] == [f"ok whatsapp: the token works (phone number {PHONE_NUMBER_ID})"]
    assert lines["discord"] == ["ok discord: the token works (bot roost)"]
    assert any(line.startswith("ok http: ") and "is free to listen on" in line for line in lines["http"])
    assert any("no access tokens yet" in line for line in lines["http"])
    assert lines["llama_cpp"][0].startswith("ok llama_cpp: llama-cpp-python")
    missing = lines["llama_cpp"][1]
    assert missing.startswith("PROBLEM") and "roost model fetch" in missing
    assert lines["store"] == ["ok store: no database yet; the first start makes one"]
    disk, = lines["disk"]
    assert disk.startswith("ok disk: ") and disk.endswith(f" MiB free where the store is ({tmp_path / 'c'})")
    free_mib = shutil.disk_usage(tmp_path).free / 2**20
    assert abs(int(disk.split()[2]) - free_mib) < free_mib / 100, "the free space of the store's disk"


def test_doctor_warns_when_group_mode_all_meets_the_bot_s_privacy_mode(tmp_path: Path, fakes, capsys) -> None:
    _code, lines = _doctor(capsys, _config(tmp_path / "c", fakes, telegram_extra=", group_mode: all"))
    works, privacy = lines["telegram"]
    assert works == "ok telegram: the token works (bot @roost_bot)"
    assert privacy.startswith("WARNING telegram: group_mode is all, but the bot's privacy mode is on")
    assert "@BotFather /setprivacy" in privacy


@pytest.mark.parametrize(("extra", "warned"), [
    (", dm_policy: open", "dm_policy"), (", dm_policy: open, group_policy: open", "dm_policy and group_policy"),
    (", dm_policy: open, sender_limit: 20/minute", None), (", dm_policy: allowlist", None)])
def test_doctor_warns_of_a_bot_anyone_may_write_to_without_a_sender_limit(tmp_path: Path, fakes, capsys,
                                                                          extra: str, warned: str | None) -> None:
    _code, lines = _doctor(capsys, _config(tmp_path / "c", fakes, telegram_extra=extra))
    assert [line for line in lines["telegram"] if not line.startswith("ok ")] == ([f"WARNING telegram: {warned} open, sender_limit off: anyone who finds the bot"
                                      " can keep the model busy; set sender_limit (say 20/minute)"] if warned else [])

def test_doctor_warns_of_a_disk_low_on_space(tmp_path: Path, fakes, capsys) -> None:
    directory = _config(tmp_path / "c", fakes)
    with (directory / "configuration.yaml").open("a") as config:
        config.write(f"store: {{low_disk_mib: {1 << 40}}}\n")  # more than any disk here has
    _code, lines = _doctor(capsys, directory)
    disk, = lines["disk"]
    assert disk.startswith("WARNING disk: only ") and "MiB free where the store is" in disk
    assert f"store: low_disk_mib is {1 << 40}); once it is full Roost cannot keep what it is sent" in disk


def test_doctor_tells_a_refused_token_from_an_unreachable_platform(tmp_path: Path, fakes, capsys) -> None:
    directory = _config(tmp_path / "c", fakes, telegram_token="123456:WRONG-token_xyz",
                        discord_base=f"http://127.0.0.1:{_closed_port()}/api/v10")
    fakes["whatsapp"].do(setattr, fakes["whatsapp"].fake, "token_expired", True)
    code, lines = _doctor(capsys, directory)
    assert code == 1
    telegram, = lines["telegram"]
    assert telegram.startswith("PROBLEM telegram: the platform refused the credentials") and "Unauthorized" in telegram
    whatsapp, = lines["whatsapp"]
    assert whatsapp.startswith("PROBLEM whatsapp: the platform refused the credentials")
    discord, = lines["discord"]
    assert discord.startswith("PROBLEM discord: the platform cannot be reached")


def test_doctor_sees_a_running_roost_and_its_store(tmp_path: Path, fakes, capsys) -> None:
    directory = _config(tmp_path / "c", fakes)
    port = int((directory / "configuration.yaml").read_text().split("port: ")[1].split("}")[0])
    assert main(["token", "create", "owner", "--admin", "--config", str(directory)]) == 0
    assert main(["token", "create", "dashboard", "--expires", "3d", "--config", str(directory)]) == 0
    assert main(["token", "create", "ci", "--expires", "30d", "--config", str(directory)]) == 0
    with socket.socket() as holder:  # another program holds the port
        holder.bind(("127.0.0.1", port))
        holder.listen()
        _code, lines = _doctor(capsys, directory)
    assert any(line.startswith("PROBLEM http: cannot listen on") for line in lines["http"])
    assert any("3 access token(s), 1 admin, 0 expired" in line for line in lines["http"])
    expiring = [line for line in lines["http"] if " expires " in line]
    assert len(expiring) == 1 and expiring[0].startswith("WARNING http: the access token 'dashboard' expires 20")
    assert "in 3 days: what uses it needs a new one before" in expiring[0]
    assert lines["store"][0].startswith("ok store:") and "integrity check" in lines["store"][0]
    assert lines["keys"][0].startswith("ok keys:") and "(mode 600)" in lines["keys"][0]


def test_doctor_says_where_the_nightly_backups_are_and_when_they_stopped(tmp_path: Path, capsys) -> None:
    directory = tmp_path / "config"
    directory.mkdir(mode=0o700)
    (directory / "configuration.yaml").write_text("automations: []\n")
    assert main(["doctor", "--config", str(directory)]) == 0
    assert "ok      backups: none scheduled; the backup.yaml blueprint" in capsys.readouterr().out
    (directory / "configuration.yaml").write_text(
        "automations:\n  - {id: nightly, use_blueprint: {path: backup.yaml, input: {folder: copies}}}\n")
    assert main(["doctor", "--config", str(directory)]) == 0
    assert f"ok      backups: none yet in {directory / 'copies'}; automation nightly makes them" in \
        capsys.readouterr().out
    assert main(["queue", "stats", "--config", str(directory)]) == 0  # a store to back up
    assert main(["backup", "--config", str(directory), "--output", str(directory / "copies")]) == 0
    capsys.readouterr()
    assert main(["doctor", "--config", str(directory)]) == 0
    assert f"ok      backups: 1 in {directory / 'copies'}, the newest made " in capsys.readouterr().out
    [made] = (directory / "copies").iterdir()
    three_days_ago = time.time() - 3 * 86400
    os.utime(made / "roost.db", (three_days_ago, three_days_ago))
    assert main(["doctor", "--config", str(directory)]) == 0  # a warning, not a problem
    said = capsys.readouterr().out
    assert "WARNING backups: 1 in" in said and "3 days ago: the nightly ones stopped; `roost trace --automation" \
        " nightly` says why" in said


def test_doctor_names_the_copies_upgrades_made_since_nothing_removes_them(tmp_path: Path, capsys) -> None:
    directory = tmp_path / "config"
    directory.mkdir(mode=0o700)
    (directory / "configuration.yaml").write_text("automations: []\n")
    assert main(["queue", "stats", "--config", str(directory)]) == 0  # a store to copy
    assert main(["doctor", "--config", str(directory)]) == 0
    assert "copies made before upgrades" not in capsys.readouterr().out
    for version in (8, 10):
        backup_before_upgrade(directory / "roost.db", directory, version)
    size = sum(f.stat().st_size for f in (directory / "backups").rglob("*") if f.is_file()) / 2**20
    assert main(["doctor", "--config", str(directory)]) == 0
    assert (f"ok      copies made before upgrades: 2 in {directory / 'backups'} ({size:.1f} MiB), the newest"
            f" {time.strftime('%Y-%m-%d')}; remove one once the upgrade has proven itself") in capsys.readouterr().out


def test_doctor_says_when_the_running_roost_runs_code_from_before_an_upgrade(tmp_path: Path, capsys,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    directory = tmp_path / "config"
    directory.mkdir(mode=0o700)
    (directory / "configuration.yaml").write_text("automations: []\n")
    assert main(["doctor", "--config", str(directory)]) == 0
    assert "running:" not in capsys.readouterr().out, "nothing runs on it"
    with holding_the_lock(directory) as running:
        assert main(["doctor", "--config", str(directory)]) == 0
        said = capsys.readouterr().out
        assert f"ok      running: Roost (pid {running.pid}) since " in said and "on the code installed now" in said
        code = tmp_path / "site" / "core"
        code.mkdir(parents=True)
        (code / "gateway.py").write_text("# upgraded\n")
        later = time.time() + 60
        os.utime(code / "gateway.py", (later, later))
        monkeypatch.setattr(core.cli.doctor_commands, "CODE_FOLDERS", (code,))
        assert main(["doctor", "--config", str(directory)]) == 0  # a warning, not a problem
        said = capsys.readouterr().out
    assert f"WARNING running: Roost (pid {running.pid}) has run since " in said
    assert "and its code changed at " in said and "restart it to run the code installed now" in said

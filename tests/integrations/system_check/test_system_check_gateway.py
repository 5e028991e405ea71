"""/check_logs and /check_status through a running gateway: blueprint, sandbox, sanitized reply."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from system_check_logs import write_logs

from core.message import Message
from tests.helpers.channels import RECORDING_CHANNEL

MANIFEST = '{"domain": "rec", "name": "Recorder", "version": "1.0.0", "kind": "channel"}'
BUILTINS = Path(__file__).resolve().parents[3] / "integrations"


@pytest.fixture
def log_dir() -> Iterator[Path]:
    """A folder the sandbox's unprivileged user can read (pytest's tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="roost-logs-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _readable(folder: Path) -> None:
    for path in folder.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)


async def _gateway(make_config, make_gateway, sources: list[str]):
    config_dir = make_config(f"""
system_check: {{sources: {sources!r}, journal: false, default_window: 30m}}
rec: {{platform: test}}
automations:
  - id: checks
    use_blueprint:
      path: system_check.yaml
      input: {{platforms: [test]}}
""", files={"integrations/rec/__init__.py": RECORDING_CHANNEL, "integrations/rec/manifest.json": MANIFEST})
    return await make_gateway(config_dir, builtins=BUILTINS)


async def test_check_logs_finds_the_planted_spike_and_new_error(make_config, make_gateway, log_dir) -> None:
    logs = write_logs(log_dir, time.time(), spike=True, new_template=True)
    _readable(log_dir)
    gateway = await _gateway(make_config, make_gateway, [str(log_dir / "*.log"), str(log_dir / "*.json")])
    await gateway.ingest(Message.create("test", "ops", "alice", "/check_logs 30m"))
    (chat, report), = await gateway.data["rec"].wait_for(1, timeout=30)
    assert chat == "ops"
    assert "Logs for the last 30m" in report
    assert "SPIKE" in report
    assert "New messages" in report and "refused" in report
    assert logs.spike_lines > 0


async def test_quiet_logs_say_nothing_unusual(make_config, make_gateway, log_dir) -> None:
    write_logs(log_dir, time.time())
    _readable(log_dir)
    gateway = await _gateway(make_config, make_gateway, [str(log_dir / "*.log")])
    await gateway.ingest(Message.create("test", "ops", "alice", "/check_logs"))
    (_chat, report), = await gateway.data["rec"].wait_for(1, timeout=30)
    assert "Nothing unusual" in report
    assert "SPIKE" not in report


async def test_a_bad_window_gets_a_helpful_answer_and_status_works(make_config, make_gateway, log_dir) -> None:
    gateway = await _gateway(make_config, make_gateway, [str(log_dir / "*.log")])
    await gateway.ingest(Message.create("test", "ops", "alice", "/check_logs soon"))
    await gateway.ingest(Message.create("test", "ops2", "alice", "/check_status"))
    sent = dict(await gateway.data["rec"].wait_for(2, timeout=30))
    assert "invalid window" in sent["ops"] and "/check_logs 30m" in sent["ops"]
    assert "Memory:" in sent["ops2"] and "Disks" in sent["ops2"]


async def test_logs_outside_the_sources_stay_invisible_to_the_analyzer(make_config, make_gateway, log_dir) -> None:
    secret_dir = Path(tempfile.mkdtemp(prefix="roost-secret-"))
    try:
        secret_dir.chmod(0o755)
        (secret_dir / "private.log").write_text("Nov 24 00:00:00 host app: error: secret-marker\n")
        os.chmod(secret_dir / "private.log", 0o644)
        write_logs(log_dir, time.time())
        _readable(log_dir)
        gateway = await _gateway(make_config, make_gateway, [str(log_dir / "*.log")])
        check = gateway.data["system_check"]
        report = await check.analyze_logs(None, {"window": "30m", "sources": [str(log_dir / "*.log")]})
        assert "Logs for the last 30m" in report and "secret-marker" not in report
        # Action data may come from a chat: a path outside the configured sources is refused.
        asked = [str(log_dir / "*.log"), str(secret_dir / "private.log")]
        refused = await check.analyze_logs(None, {"window": "1d", "sources": asked})
        assert refused.startswith("Not a configured log source") and "secret-marker" not in refused
    finally:
        shutil.rmtree(secret_dir, ignore_errors=True)

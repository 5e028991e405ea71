"""With a TPM 2.0 the device secret is sealed by it: a copy of the whole state directory opens nowhere else.

The TPMs are software ones (swtpm), reached through tpm2-tss's swtpm TCTI like a hardware TPM
through /dev/tpmrm0.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.crypto.device_secret import ENV_STATE_DIR, SEALED_PRIVATE, SEALED_PUBLIC, SECRET_FILE
from core.crypto.tpm import ENV_TCTI, TOOLS
from tests.helpers.configdir import PING, ROOST, write_config

pytestmark = pytest.mark.skipif(
    not shutil.which("swtpm") or not all(shutil.which(tool) for tool in TOOLS),
    reason="needs swtpm and tpm2-tools (scripts/setup test installs them)",
)


def _free_port_pair() -> int:
    """A free port whose next port is free too (the swtpm TCTI reaches the control channel there)."""
    while True:
        with socket.socket() as sock, socket.socket() as control:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
            try:
                control.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
            return port


class SoftwareTpm:
    """One swtpm process with its own state: one device's TPM."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir()
        self.port = _free_port_pair()
        control = self.port + 1
        self.process = subprocess.Popen(
            ["swtpm", "socket", "--tpm2", "--tpmstate", f"dir={folder}", "--flags", "not-need-init,startup-clear",
             "--server", f"type=tcp,port={self.port},bindaddr=127.0.0.1",
             "--ctrl", f"type=tcp,port={control},bindaddr=127.0.0.1"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    @property
    def tcti(self) -> str:
        """The TCTI string that reaches it."""
        return f"swtpm:host=127.0.0.1,port={self.port}"

    def stop(self) -> None:
        """End the process."""
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def tpms(tmp_path: Path) -> Iterator[tuple[SoftwareTpm, SoftwareTpm]]:
    """Two devices' TPMs."""
    first, second = SoftwareTpm(tmp_path / "tpm-a"), SoftwareTpm(tmp_path / "tpm-b")
    yield first, second
    first.stop()
    second.stop()


def _chat(directory: Path, state: Path, tcti: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, ENV_STATE_DIR: str(state), ENV_TCTI: tcti, "ROOST_DEVICE_ID": "spoofable-identity"}
    return subprocess.run([str(ROOST), "chat", "--config", str(directory)], input="ping\n",
                          capture_output=True, text=True, timeout=60, env=env)


def test_the_secret_is_sealed_and_a_copy_of_config_and_state_opens_on_no_other_tpm(
    tpms: tuple[SoftwareTpm, SoftwareTpm], tmp_path: Path,
) -> None:
    mine, other = tpms
    config, state = write_config(tmp_path / "config", PING), tmp_path / "state"
    first = _chat(config, state, mine.tcti)
    assert first.stdout == "pong\n", first.stderr
    assert sorted(p.name for p in state.iterdir()) == [SEALED_PRIVATE, SEALED_PUBLIC], "sealed, no clear copy"
    assert not (state / SECRET_FILE).exists()
    assert _chat(config, state, mine.tcti).stdout == "pong\n", "it unseals again on its own TPM"

    stolen_config, stolen_state = tmp_path / "stolen-config", tmp_path / "stolen-state"
    shutil.copytree(config, stolen_config)
    shutil.copytree(state, stolen_state)
    elsewhere = _chat(stolen_config, stolen_state, other.tcti)
    assert elsewhere.returncode == 1 and elsewhere.stdout == ""
    assert "cannot unseal this device's secret" in elsewhere.stderr

    without = _chat(stolen_config, stolen_state, "none")
    assert without.returncode == 1 and "no TPM is reachable here" in without.stderr

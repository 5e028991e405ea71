"""Loading a model touches no file descriptor: console replies written meanwhile all arrive."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import IO

import pytest

REPO = Path(__file__).resolve().parents[3]
PINGS = 60


@pytest.mark.slow
def test_pings_answered_while_the_model_loads_all_arrive(model_path: Path, tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "configuration.yaml").write_text(textwrap.dedent(f"""\
        roost: {{log_level: warning}}
        console: {{}}
        llama_cpp:
          models:
            - name: local
              path: {model_path}
        automations:
          - id: ping
            use_blueprint: {{path: ping.yaml}}
        """), encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-c", "import sys; from core.cli import main; sys.exit(main())",
         "chat", "--config", str(config)],
        cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )

    def feed() -> None:
        assert proc.stdin is not None
        for n in range(PINGS):  # the model loads in the background from the first moment
            proc.stdin.write(f"/ping {n}\n")
            proc.stdin.flush()
            time.sleep(0.05)
        proc.stdin.close()

    streams: dict[str, str] = {}

    def drain(name: str, stream: IO[str]) -> None:
        streams[name] = stream.read()

    threads = [threading.Thread(target=feed),
               threading.Thread(target=drain, args=("out", proc.stdout)),
               threading.Thread(target=drain, args=("err", proc.stderr))]
    for thread in threads:
        thread.start()
    proc.wait(timeout=120)
    for thread in threads:
        thread.join(timeout=10)
    out, err = streams["out"], streams["err"]
    assert proc.returncode == 0, err[-3000:]
    assert out.count("pong") == PINGS, (out[-2000:], err[-2000:])
    assert "llama_" not in err and "llama_" not in out  # llama.cpp's log went to the logger, not the terminal

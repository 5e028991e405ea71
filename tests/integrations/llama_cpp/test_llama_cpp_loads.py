"""A model that takes Roost down as it loads (llama.cpp aborting on its file, the OOM killer) is refused after three
such ends in a row, so that a service manager starting Roost again gets a gateway that runs; a new file or new settings
are tried again, and a load that raises or a stop during a load is not counted."""

from __future__ import annotations

import asyncio
import json
import shutil
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from core.errors import ModelError
from integrations.llama_cpp.backend import LlamaCppBackend
from integrations.llama_cpp.loads import LIMIT, RECORD
from tests.core.pipeline.conftest import (
    LoadSetup,
    RunningRoost,
    install_loadchannel,
    roost,
    roost_env,
    wait_for,
)
from tests.integrations.llama_cpp.conftest import write_aborting_model

Make = Callable[..., LlamaCppBackend]
ASK = """
  - id: ask
    triggers: [{trigger: message}]
    actions: [{generate: {model: local, max_tokens: 4, temperature: 0}}]
"""
ADVICE = ("I cannot answer: the model 'local' took me down each time it loaded, so it stays off until its file or"
          " settings change (my log says more).")


@pytest.mark.slow
def test_a_model_that_aborts_roost_as_it_loads_is_refused_after_three_ends(model_path: Path, tmp_path: Path) -> None:
    model = write_aborting_model(model_path, tmp_path / "model.gguf")
    (tmp_path / "config").mkdir()
    install_loadchannel(tmp_path / "config")
    load_setup = LoadSetup(tmp_path / "config", tmp_path / "platform.db")
    load_setup.write(automations=ASK, log_level="info", extra=f"""
        llama_cpp:
          models: [{{name: local, path: {model}, n_threads: 1, parallel: 1}}]
        """)
    config, log, env = load_setup.config_dir, tmp_path / "roost.log", roost_env()
    platform = load_setup.platform

    for start in range(1, LIMIT + 1):  # as systemd's Restart=on-failure would
        run = RunningRoost(config, log, env)
        code = run.wait(60)
        assert code == -signal.SIGABRT, f"start {start} ended with {code}:\n{run.output()[-3000:]}"
    run = RunningRoost(config, log, env)
    try:
        wait_for(lambda: "could not be loaded" in run.output() or run.proc.poll() is not None, 60, "the refusal")
        assert run.proc.poll() is None, f"the model took Roost down again:\n{run.output()[-3000:]}"
        assert f"Roost ended {LIMIT} times in a row while loading {model}" in run.output()
        platform.post([("chat-1", "ann", "hello")])
        [reply] = wait_for(platform.sink, 30, "the answer")
        assert reply[2:4] == ("chat-1", ADVICE)
    finally:
        assert run.terminate() == 0
    doctor = roost("doctor", "--config", str(config), env=env)
    assert f"PROBLEM llama_cpp: model 'local': Roost ended {LIMIT} times in a row" in doctor.stdout, doctor.stdout
    listed = roost("model", "list", "--config", str(config), "--json", env=env)  # reading the file would abort it
    assert listed.returncode == 0, listed.stderr
    assert [row["status"] for row in json.loads(listed.stdout)] == ["refused"]

    shutil.copyfile(model_path, model)  # a good file in its place: it is tried again, and loads
    run = RunningRoost(config, log, env)
    try:
        platform.post([("chat-1", "ann", "hello again")])
        answers = wait_for(lambda: platform.sink()[1:], 60, "the model's answer")
        assert answers[0][2] == "chat-1" and not answers[0][3].startswith("I cannot answer"), answers
        assert not (config / RECORD).exists()
    finally:
        assert run.terminate() == 0
        load_setup.close()


def _ended_before(config_dir: Path, backend: LlamaCppBackend, times: int) -> None:
    """Write the record as that many loads of this backend's model ending Roost in a row would have left it."""
    with backend._loads.guard(backend.name, backend.path, backend.config):
        record = json.loads((config_dir / RECORD).read_text())
    record[backend.name]["unfinished"] = times
    (config_dir / RECORD).write_text(json.dumps(record))


async def test_a_refused_model_is_tried_again_once_its_file_or_settings_change(make_backend: Make,
                                                                               model_path: Path,
                                                                               tmp_path: Path) -> None:
    model = tmp_path / "model.gguf"
    shutil.copyfile(model_path, model)
    backend = make_backend(path=str(model))
    _ended_before(tmp_path, backend, LIMIT)
    with pytest.raises(ModelError, match=f"Roost ended {LIMIT} times in a row while loading"):
        await backend.load()
    # Other settings: tried.
    await make_backend(path=str(model), n_ctx=1024).load()
    assert not (tmp_path / RECORD).exists()  # loaded: the count starts again
    # One end fewer than the limit: tried.
    _ended_before(tmp_path, backend, LIMIT - 1)
    await backend.load()
    assert not (tmp_path / RECORD).exists()
    await backend.close()
    # A new file (the same bytes, written again): tried.
    again = make_backend(path=str(model))
    _ended_before(tmp_path, again, LIMIT)
    shutil.copyfile(model_path, model)
    await again.load()
    assert not (tmp_path / RECORD).exists()


async def test_a_load_that_raises_is_not_counted(make_backend: Make, model_path: Path, tmp_path: Path) -> None:
    truncated = tmp_path / "truncated.gguf"
    truncated.write_bytes(model_path.read_bytes()[:5_000_000])
    backend = make_backend(path=str(truncated))
    for _ in range(LIMIT + 1):
        with pytest.raises(ModelError, match="could not load"):
            await backend.load()
        assert not (tmp_path / RECORD).exists()


async def test_a_stop_during_a_load_is_not_counted(make_backend: Make, tmp_path: Path) -> None:
    backend = make_backend()
    loading, finish = threading.Event(), threading.Event()
    load = backend.worker._loader

    def slow_load() -> Any:
        loading.set()
        finish.wait(30)
        return load()

    backend.worker._loader = slow_load
    backend.worker._join_timeout = 0.1  # the load outlasts the stop, as a big model's would
    load_at_start = asyncio.ensure_future(backend.load())
    await asyncio.to_thread(loading.wait, 10)
    assert json.loads((tmp_path / RECORD).read_text())["local"]["unfinished"] == 1
    await backend.close()
    assert not (tmp_path / RECORD).exists()
    finish.set()
    await load_at_start  # its load goes on after the stop; it is struck out (again) when it ends
    assert not (tmp_path / RECORD).exists()


async def test_a_damaged_record_is_started_anew(make_backend: Make, tmp_path: Path, caplog) -> None:
    (tmp_path / RECORD).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / RECORD).write_text("{not json")
    await make_backend().load()
    assert "Cannot read" in caplog.text and not (tmp_path / RECORD).exists()


def test_model_list_tells_of_a_file_llama_cpp_aborts_on_and_goes_on(model_path: Path, tmp_path: Path,
                                                                     capfd) -> None:
    from core.cli import main

    bad = write_aborting_model(model_path, tmp_path / "bad.gguf")
    (tmp_path / "configuration.yaml").write_text(
        f"llama_cpp:\n  models:\n    - {{name: bad, path: {bad}}}\n    - {{name: good, path: {model_path}}}\n")
    assert main(["model", "list", "--json", "--config", str(tmp_path)]) == 0
    out, err = capfd.readouterr()  # the child's native output too
    rows = {row["name"]: row for row in json.loads(out)}
    assert rows["bad"]["status"] == "damaged" and rows["bad"]["kv_bytes_per_slot"] is None
    said = rows["bad"]["llama_cpp_said"]  # the build's folders left out
    assert said.startswith("llama-vocab.cpp:") and said.endswith(
        ": GGML_ASSERT(id_to_token.size() == token_to_id.size()) failed")
    assert rows["good"]["status"] == "present" and rows["good"]["kv_bytes_per_slot"] > 0
    assert "GGML_ASSERT" not in err and "backtrace" not in err.lower() and "#1 " not in err  # not on the terminal

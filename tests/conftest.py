"""Shared fixtures: real configuration directories, gateways that are always stopped, and strictness.

Every test fails when it logs an exception (an ERROR record with a traceback) it did not expect,
and every async test fails when it leaves asyncio tasks running. Opt out per test with
``@pytest.mark.allow_logged_errors`` or ``@pytest.mark.allow_leftover_tasks``.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import os
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest

from core.crypto.device_secret import ENV_STATE_DIR
from core.crypto.tpm import ENV_TCTI
from tests.helpers import forget_modules, write_config

LEFTOVER_TASKS_FIXTURE = "_no_leftover_tasks"


def pytest_configure(config: pytest.Config) -> None:
    """Declare the opt-out markers; keep this run's device secret in a folder of its own."""
    # The device secret is this test run's "device": never the developer's real one (also for
    # the `roost` processes tests start, which inherit the environment).
    os.environ[ENV_STATE_DIR] = tempfile.mkdtemp(prefix="roost-test-state-")
    os.environ[ENV_TCTI] = "none"  # and never the machine's TPM: the TPM tests bring a software one
    config.addinivalue_line(
        "markers", "allow_logged_errors: the test expects exceptions to be logged at ERROR"
    )
    config.addinivalue_line(
        "markers", "allow_leftover_tasks: the test may leave asyncio tasks running"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Give every coroutine test the leftover-task check, set up first and torn down last."""
    for item in items:
        function = getattr(item, "function", None)
        if function is not None and inspect.iscoroutinefunction(function):
            names = item.fixturenames  # type: ignore[attr-defined]
            if LEFTOVER_TASKS_FIXTURE not in names:
                names.insert(0, LEFTOVER_TASKS_FIXTURE)


class _TracebackCollector(logging.Handler):
    """Keeps ERROR records that carry a traceback."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the record when it has exception information."""
        if record.exc_info:
            self.records.append(record)


@pytest.fixture(autouse=True)
def _no_logged_exceptions(request: pytest.FixtureRequest) -> Iterator[list[logging.LogRecord]]:
    """Fail the test when an exception was logged at ERROR and the test did not allow it."""
    collector = _TracebackCollector()
    root = logging.getLogger()
    root.addHandler(collector)
    try:
        yield collector.records
    finally:
        root.removeHandler(collector)
    if collector.records and request.node.get_closest_marker("allow_logged_errors") is None:
        lines = [f"{r.name}: {r.getMessage()} ({r.exc_info[1]!r})" for r in collector.records]  # type: ignore[index]
        pytest.fail(
            "exceptions were logged unexpectedly (mark the test allow_logged_errors if they are "
            "expected):\n  " + "\n  ".join(lines),
            pytrace=False,
        )


@pytest.fixture
async def _no_leftover_tasks(request: pytest.FixtureRequest) -> AsyncIterator[None]:
    """Fail an async test that leaves tasks running on its loop (they are cancelled first)."""
    before = set(asyncio.all_tasks())
    yield
    for _ in range(3):  # let tasks that are finishing run their last step
        await asyncio.sleep(0)
    current = asyncio.current_task()
    left = [t for t in asyncio.all_tasks() if t is not current and t not in before and not t.done()]
    for task in left:
        task.cancel()
    await asyncio.gather(*left, return_exceptions=True)
    if left and request.node.get_closest_marker("allow_leftover_tasks") is None:
        names = ", ".join(f"{t.get_name()} ({t.get_coro()!r})" for t in left)
        pytest.fail(f"the test left {len(left)} asyncio task(s) running: {names}", pytrace=False)


@pytest.fixture(autouse=True)
def _forget_drop_ins() -> Iterator[None]:
    """Drop-in integrations are imported as roost_dropin.<domain>: forget them after each test."""
    yield
    forget_modules("roost_dropin")


MakeConfig = Callable[..., Path]


@pytest.fixture
def make_config(tmp_path: Path) -> MakeConfig:
    """Write a configuration directory: make_config(yaml_text, files={"secrets.yaml": ...})."""

    def make(yaml_text: str, files: dict[str, str] | None = None, *, name: str = "config") -> Path:
        return write_config(tmp_path / name, yaml_text, files)

    return make


@pytest.fixture
def no_builtins(tmp_path: Path) -> Path:
    """An empty folder to use as the built-in integrations (isolates tests from the real ones)."""
    folder = tmp_path / "no_builtins"
    folder.mkdir()
    return folder


@pytest.fixture
async def make_gateway(no_builtins: Path) -> AsyncIterator[Callable[..., Awaitable[object]]]:
    """Build (and optionally start) a Gateway for a config dir; every one is stopped afterwards.

    make_gateway(config_dir, builtins=None, start=True): builtins defaults to an empty folder;
    pass ``builtins=True`` for Roost's real built-in integrations.
    """
    from core.config import load_config
    from core.gateway import Gateway
    from core.loader import discover

    made: list[Gateway] = []

    async def make(config_dir: Path, *, builtins: Path | bool | None = None, start: bool = True) -> Gateway:
        folder = None if builtins is True else (builtins or no_builtins)
        gateway = Gateway(load_config(config_dir), discovery=discover(config_dir, builtins=folder))
        made.append(gateway)
        if start:
            await gateway.start()
        return gateway

    yield make
    for gateway in made:
        if gateway.state not in ("created", "prepared", "stopped"):
            await gateway.stop()


@pytest.fixture(scope="session")
def model_path() -> Path:
    """The bundled SmolLM2 GGUF in the model cache ($ROOST_MODEL_CACHE), fetched on first use."""
    from integrations.llama_cpp.modelfetch import (
        ModelFetchError,
        default_cache_dir,
        fetch_default_model,
    )

    cache = default_cache_dir()
    try:
        return fetch_default_model(cache, cache_dir=cache, progress=False)
    except ModelFetchError as exc:
        pytest.fail(f"the test model could not be fetched into {cache}: {exc}")

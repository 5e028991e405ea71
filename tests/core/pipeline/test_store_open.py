"""The one way to open the store, as the gateway uses it."""

from __future__ import annotations

from typing import Any

import pytest


async def test_without_a_store_process_the_gateway_writes_from_a_thread(
    load_setup: Any, make_gateway: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import asyncio

    from core.message import Message
    from core.store import process
    from core.store.writer import GroupWriter
    from tests.core.pipeline.conftest import wait_for

    monkeypatch.setattr(process.sys, "executable", "/nonexistent/python")
    gateway = await make_gateway(load_setup.config_dir)
    assert isinstance(gateway.store.db._writer, GroupWriter)
    assert "could not be started" in caplog.text and "from a thread" in caplog.text
    assert await gateway.ingest(Message.create("load", "c1", "u", "still durable"))
    await asyncio.to_thread(wait_for, lambda: load_setup.platform.sink_count() == 1, 10, "the reply")


async def test_open_store_takes_the_key_opened_ahead(tmp_path: Any) -> None:
    from core.crypto import KEY_FILE_NAME
    from core.store.open import _AHEAD, open_key_ahead, open_store, store_settings

    settings = store_settings(None)
    store = await open_store(tmp_path, settings, exclusive=None)
    await store.history.append("c", "user", "kept")
    await store.close()
    open_key_ahead(tmp_path, None)
    [ahead] = _AHEAD.values()
    ahead.result(10)
    (tmp_path / KEY_FILE_NAME).rename(tmp_path / "moved")  # what open_store would read now is gone
    store = await open_store(tmp_path, settings, exclusive=None)
    try:
        assert await store.history.recent("c", 5) == [("user", "kept")]
        assert _AHEAD == {}
    finally:
        await store.close()


async def test_a_new_or_unencrypted_store_opens_no_key_ahead(tmp_path: Any) -> None:
    from core.store.open import _AHEAD, open_key_ahead

    open_key_ahead(tmp_path, None)  # no database yet: its key is made as it is opened, not before
    open_key_ahead(tmp_path, {"encryption": False})
    open_key_ahead(tmp_path, {"encryption": "maybe"})  # a broken section is prepare()'s to report
    assert _AHEAD == {} and not any(tmp_path.iterdir())


async def test_a_key_opened_ahead_fails_as_opening_it_later_would(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from core.crypto import PassphraseError
    from core.store.open import open_key_ahead, open_store, store_settings

    monkeypatch.setenv("ROOST_PASSPHRASE", "correct horse")
    store = await open_store(tmp_path, store_settings(None), exclusive=None)
    await store.close()
    monkeypatch.delenv("ROOST_PASSPHRASE")
    open_key_ahead(tmp_path, None)
    with pytest.raises(PassphraseError, match="protected by a passphrase"):
        await open_store(tmp_path, store_settings(None), exclusive=None)

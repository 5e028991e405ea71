"""Reading stored run traces (for `roost trace`), from a gateway's database."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from core.config import load_config
from core.durability import STORE_SCHEMA, open_cipher
from core.store import Store


def store_path(config_dir: Path) -> tuple[Path, dict[str, Any]]:
    """The database path and store settings of a configuration directory."""
    config = load_config(config_dir)
    settings = STORE_SCHEMA(config.raw.get("store") or {}) or STORE_SCHEMA({})
    path = Path(settings["path"]).expanduser()
    return (path if path.is_absolute() else config_dir / path), settings


async def open_store(config_dir: Path) -> Store:
    """Open the store of a configuration directory (another process may be running on it)."""
    path, settings = store_path(config_dir)
    cipher = await asyncio.to_thread(open_cipher, config_dir, settings["encryption"], path)
    return await Store.open(path, cipher, synchronous=settings["synchronous"])


def read_traces(config_dir: Path, *, limit: int, automation_id: str | None) -> list[dict[str, Any]]:
    """The latest traces, newest first, as dicts."""
    path, _settings = store_path(config_dir)
    if not path.exists():
        return []

    async def read() -> list[dict[str, Any]]:
        store = await open_store(config_dir)
        try:
            return [t.data for t in await store.traces.recent(limit, automation_id)]
        finally:
            await store.close()

    return asyncio.run(read())


__all__ = ["open_store", "read_traces", "store_path"]

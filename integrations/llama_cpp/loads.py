"""A model that took Roost down while it loaded is not loaded again at every start.

An abort in llama.cpp's native code (a damaged or unsupported GGUF file) or the kernel's OOM killer (a model
too big for the box) ends the whole process while a model loads. The load at start would meet it again at each
start a service manager makes, and Roost would never be up for anyone. So each load is written down before it
begins and struck out when it ends, loaded or raised: a load still written down at the next start ended Roost.
After LIMIT of those in a row, with the same file and settings, the model is refused with a clear error (the
rest of Roost runs) until its file or its settings change.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from core.errors import ModelError

__all__ = ["LIMIT", "RECORD", "UnfinishedLoads"]

LIMIT = 3
"""Loads in a row that ended Roost, after which the model is refused."""
RECORD = Path("models") / "loading.json"
"""Where the record is kept, in the configuration directory."""
_LOGGER = logging.getLogger(__name__)
_LOCK = threading.Lock()  # each model loads on its own thread; they share the one file


def _identity(path: Path, settings: Mapping[str, Any]) -> str:
    """What a load depends on: the file as it is now, and the model's settings."""
    st = path.stat()
    described = json.dumps([str(path), st.st_size, st.st_mtime_ns, dict(settings)], sort_keys=True, default=str)
    return hashlib.sha256(described.encode()).hexdigest()[:16]


def _unfinished(entry: Any, identity: str) -> int:
    """The loads in a row an entry of the record counts, if it is of this identity."""
    if not isinstance(entry, dict) or entry.get("identity") != identity:
        return 0
    count = entry.get("unfinished")
    return count if isinstance(count, int) else 0


class UnfinishedLoads:
    """The models' loads begun and not finished, per model, in one file of the configuration directory."""

    def __init__(self, config_dir: Path) -> None:
        self.path = config_dir / RECORD

    def check(self, name: str, path: Path, settings: Mapping[str, Any]) -> None:
        """Raise ModelError when loads of this model, with this file and these settings, ended Roost LIMIT times."""
        self._ended(self._read(), name, path, _identity(path, settings))

    @contextlib.contextmanager
    def guard(self, name: str, path: Path, settings: Mapping[str, Any]) -> Iterator[None]:
        """Around one load (on the model's thread): refused after LIMIT ends, written down until it ends."""
        with _LOCK:
            records, identity = self._read(), _identity(path, settings)
            ended = self._ended(records, name, path, identity)
            records[name] = {"file": str(path), "identity": identity, "unfinished": ended + 1}
            self._write(records)
        try:
            yield
        finally:
            self.forget(name)

    def forget(self, name: str) -> None:
        """Strike out the model's load in progress: it ended without taking Roost down, or Roost stops."""
        with _LOCK:
            records = self._read()
            if records.pop(name, None) is not None:
                self._write(records)

    def _ended(self, records: dict[str, Any], name: str, path: Path, identity: str) -> int:
        ended = _unfinished(records.get(name), identity)
        if ended >= LIMIT:
            raise ModelError(
                f"model '{name}': Roost ended {ended} times in a row while loading {path} (llama.cpp aborted"
                " on a damaged or unsupported file? or killed for its memory?); it is not loaded again until"
                f" the file or its settings change. To try it as it is, delete {self.path}",
                advice=f"I cannot answer: the model '{name}' took me down each time it loaded, so it stays off"
                       " until its file or settings change (my log says more).",
            )
        return ended

    def _read(self) -> dict[str, Any]:
        try:
            records = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as err:  # damaged: start the count again rather than refuse a model
            _LOGGER.warning("Cannot read %s (%s); starting it anew", self.path, err)
            return {}
        return records if isinstance(records, dict) else {}

    def _write(self, records: dict[str, Any]) -> None:
        # No fsync: what this record is for (an abort, a kill) leaves the kernel's page cache to the disk; only a
        # power cut during a load could lose a line of it, which costs one load more.
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not records:
            self.path.unlink(missing_ok=True)
            return
        fresh = self.path.with_suffix(".tmp")
        fresh.write_text(json.dumps(records, indent=1), encoding="utf-8")
        os.replace(fresh, self.path)

"""The local knowledge base: documents in knowledge/ indexed in SQLite FTS5, searched offline."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from core.hookspecs import hookimpl
from integrations.knowledge.config import DOMAIN, KNOWLEDGE_SCHEMA, resolve_directory
from integrations.knowledge.context import gather_context, render_context, watch
from integrations.knowledge.folder import add_document, remove_document
from integrations.knowledge.index import KnowledgeIndex

_LOGGER = logging.getLogger(__name__)

CONFIG_SCHEMA = KNOWLEDGE_SCHEMA
INDEX_FILE = "knowledge.db"


def open_index(config_dir: Path, section: dict[str, Any]) -> KnowledgeIndex:
    """The index of a configuration directory, as its validated `knowledge:` section sets it up."""
    return KnowledgeIndex(config_dir / INDEX_FILE, max_file_bytes=int(section["max_file_mib"] * 2**20))


class KnowledgeService:
    """What the gateway holds for this integration: the index, its folder and its settings."""

    def __init__(self, index: KnowledgeIndex, directory: Any, config: dict[str, Any]) -> None:
        self.index = index
        self.directory = directory
        self.config = config

    async def context(self, message: str, query: str | None = None, top_k: int | None = None) -> str:
        """Glossary definitions and the best passages for a message, as prompt text."""
        return (await self.cited_context(message, query, top_k))[0]

    async def cited_context(self, message: str, query: str | None = None,
                            top_k: int | None = None) -> tuple[str, list[str]]:
        """The prompt text of ``context``, and the documents its passages come from (each once, in order)."""
        passages = await gather_context(
            self.index, message, query, top_k=top_k or self.config["top_k"], max_chars=self.config["max_chars"],
        )
        return render_context(passages), list(dict.fromkeys(passage.path for passage in passages))

    async def status(self) -> dict[str, Any]:
        """What the status page shows: documents and passages in the index now; when this Roost last indexed, and
        the files it could not read then and those of kinds not read."""
        if self.index.latest is None:
            return {"indexed": None}
        at, stats = self.index.latest
        documents = await self.index.documents()
        return {"indexed": at, "documents": len(documents), "passages": sum(row[2] for row in documents),
                "not_indexed": list(stats.errors), "not_read": list(stats.not_read)}

    @property
    def max_document_bytes(self) -> int:
        """The largest document the folder takes (knowledge: max_file_mib)."""
        return self.index.max_file_bytes

    async def documents(self) -> list[dict[str, Any]]:
        """The documents in the index now: their path, bytes and passages."""
        return [{"path": path, "bytes": size, "passages": passages}
                for path, size, passages in await self.index.documents()]

    async def add(self, name: str, data: bytes) -> dict[str, Any]:
        """Add (or replace) the document name, at most max_document_bytes (the caller reads no further), to the
        folder and the index: what became of it (DocumentError when it cannot be read or may not be added: the
        folder is left as it was)."""
        replaced, passages = await add_document(self.index, self.directory, name, data)
        _LOGGER.info("Knowledge: %s %s from the status page (%d passage%s)", "replaced" if replaced else "added",
                     name, passages, "" if passages == 1 else "s")
        return {"path": name, "replaced": replaced, "passages": passages}

    async def remove(self, path: str) -> None:
        """Delete the document at path from the folder and the index (UnknownDocument when there is none)."""
        await remove_document(self.index, self.directory, path)
        _LOGGER.info("Knowledge: removed %s from the status page", path)


@hookimpl
def roost_setup(gateway: Any, config: dict[str, Any]) -> Any:
    """Open the index, bring it up to date in the background, register knowledge.search."""
    return _setup(gateway, config)


async def _setup(gateway: Any, config: dict[str, Any]) -> None:
    directory = resolve_directory(gateway.config_dir, config)
    directory.mkdir(parents=True, exist_ok=True)
    index = open_index(gateway.config_dir, config)
    service = KnowledgeService(index, directory, config)
    gateway.data[DOMAIN] = service

    async def reindex() -> None:
        stats = await index.reindex(directory)  # which logs what it did
        for error in stats.errors:
            _LOGGER.warning("Knowledge: %s", error)

    gateway.create_background_task(reindex(), "knowledge reindex")
    if config["watch"]:
        gateway.create_background_task(watch(index, directory, interval=config["watch_interval"]), "knowledge watch")

    async def search(_ctx: Any, data: dict[str, Any]) -> str:
        query = str(data.get("query") or "")
        passages = await index.search(query, top_k=int(data.get("top_k") or config["top_k"]))
        return render_context(passages)

    gateway.register_action("knowledge.search", search)
    gateway.register_knowledge(service)


@hookimpl
def roost_stop(gateway: Any) -> Any:
    """Close the index."""
    service: KnowledgeService | None = gateway.data.get(DOMAIN)
    return service.index.close() if service is not None else None

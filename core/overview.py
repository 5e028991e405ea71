"""A running gateway at a glance (what the status page shows), and what its owner may do from there.

Text that came from a chat (dead letters' reasons, traces, chat ids) is scrubbed as logs are.
"""

from __future__ import annotations

import asyncio
import os
from typing import TYPE_CHECKING, Any

from core.backups import scheduled_backups
from core.pairing import DOMAIN as PAIRING
from core.pairing import Pairing
from core.pipeline.retention import last_pass
from core.store.errors import RowNotFoundError

if TYPE_CHECKING:
    from core.gateway import Gateway


class NotRunning(RuntimeError):
    """The gateway has no store or pipeline (it is starting or stopping)."""


class UnknownDeadLetter(LookupError):
    """No dead letter has that id (retried or discarded already, or pruned)."""


async def overview(gateway: Gateway, *, dead_limit: int = 50, trace_limit: int = 10) -> dict[str, Any]:
    """Channels, models, queue, outbox, dead letters, pairing codes, latest traces, store size and disk, last prune,
    the backups of each backup automation, the knowledge base."""
    store = gateway.store
    if store is None:
        raise NotRunning(f"Roost is {gateway.state}")
    status, scrub = gateway.status(), gateway.scrub
    stats = await gateway.queue_stats()
    channels = []
    for platform, channel in gateway.channels.items():
        last_error = getattr(channel, "last_error", None)
        channels.append({"platform": platform, "online": bool(channel.online),
                         "last_error": None if last_error is None else {"at": last_error[0],
                                                                        "text": scrub(last_error[1])}})
    dead = [{"id": letter.id, "source": letter.source, "kind": letter.kind, "chat": scrub(letter.chat or ""),
             "reason": scrub(letter.reason), "created": letter.created_at, "attempts": letter.attempts}
            for letter in await store.dead.list(dead_limit)]
    pairing = [{key: entry[key] for key in ("code", "platform", "user", "created")}
               for entry in await Pairing(gateway.storage(PAIRING)).pending()]
    traces = [_trace(trace) for trace in await gateway.traces(trace_limit)]
    # loaded: None for a model with nothing to load (a remote API)
    models = [{"name": name, "loaded": getattr(model, "loaded", None)} for name, model in gateway.models.items()]
    return {
        "name": status["name"], "state": status["state"], "integrations": status["integrations"],
        "channels": channels, "models": models, "configuration_errors": status["configuration_errors"],
        "tasks": stats["tasks"],
        "outbox": {platform: states.get("pending", 0) for platform, states in stats["outbox"].items()},
        "dead_letters": {"total": stats["dead_letters"]["total"], "latest": dead},
        "pairing": pairing, "traces": traces,
        "store": {**await asyncio.to_thread(_store_size, store.db.path), "disk": status["disk"]},
        "last_prune": await last_pass(store),
        "backups": await asyncio.to_thread(_backups, gateway),
        "knowledge": await knowledge_status(gateway),
    }


async def knowledge_status(gateway: Gateway) -> dict[str, Any] | None:
    """The knowledge provider's own account (its optional status()), None without one."""
    status = getattr(gateway.knowledge, "status", None)
    return None if status is None else await status()


def _backups(gateway: Gateway) -> list[dict[str, Any]]:
    found = []
    for each in scheduled_backups(gateway):
        newest = each.newest()
        found.append({"automation": each.automation_id, "folder": str(each.folder), "count": len(each.made),
                      "newest": None if newest is None else {"at": newest.st_mtime, "bytes": newest.st_size}})
    return found


def _trace(data: dict[str, Any]) -> dict[str, Any]:
    trigger = data.get("trigger") or {}
    return {"run_id": data.get("run_id"), "automation": data.get("automation_id"), "status": data.get("status"),
            "started": data.get("started"), "finished": data.get("finished"), "platform": trigger.get("platform"),
            "text": trigger.get("text"), "error": data.get("error")}


def _store_size(path: Any) -> dict[str, int]:
    sizes = {}
    for name, suffix in (("database", ""), ("wal", "-wal")):
        try:
            sizes[name] = os.stat(f"{path}{suffix}").st_size
        except OSError:
            sizes[name] = 0
    return sizes


async def retry_dead_letter(gateway: Gateway, letter_id: int) -> tuple[str, int]:
    """Queue a dead letter's task or reply again now; (source, ref_id). UnknownDeadLetter for an unknown id."""
    if gateway.pipeline is None:
        raise NotRunning(f"Roost is {gateway.state}")
    try:
        return await gateway.pipeline.retry_dead(letter_id)
    except RowNotFoundError:
        raise UnknownDeadLetter(letter_id) from None


async def discard_dead_letter(gateway: Gateway, letter_id: int) -> tuple[str, int]:
    """Delete a dead letter and its dead task or reply for good; (source, ref_id)."""
    if gateway.store is None:
        raise NotRunning(f"Roost is {gateway.state}")
    try:
        return await gateway.store.dead.discard(letter_id)
    except RowNotFoundError:
        raise UnknownDeadLetter(letter_id) from None


async def decide_pairing(gateway: Gateway, code: str, approve: bool) -> dict[str, Any] | None:
    """Approve or deny a waiting pairing code; its entry, or None for an unknown or expired code."""
    pairing = Pairing(gateway.storage(PAIRING))
    return await (pairing.approve(code) if approve else pairing.deny(code))

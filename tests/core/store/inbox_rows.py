"""Writing inbox rows in store tests the way ingest does (``Inbox.receive``), reading them back."""

from __future__ import annotations

from core.store import InboxEntry, Store


async def receive_entry(store: Store, platform: str, message_id: str, chat_id: str, sender: str, text: str,
                        raw: bytes, received_at: float) -> InboxEntry | None:
    """Store a message (no tasks) and return its row as read back; None for a redelivery."""
    row = await store.inbox.receive(platform, message_id, chat_id, sender, text, raw, received_at)
    return None if row is None else await store.inbox.get(row)

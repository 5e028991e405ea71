"""Phone numbers in the links chat apps make of them (WhatsApp, Telegram, Viber, Signal)."""

from __future__ import annotations

import pytest

from integrations.pii.recognizers import default_registry


def phones(text: str) -> list[tuple[str, float]]:
    """The PHONE findings the whole registry keeps in text, with their confidence."""
    return [(f.text, f.confidence) for f in default_registry().analyze(text) if f.entity == "PHONE"]


@pytest.mark.parametrize("text", [
    "chat with me: https://wa.me/4915123456789?text=hi",
    "wa.me/4915123456789",
    "https://api.whatsapp.com/send?phone=4915123456789&text=Hallo",
    "whatsapp://send?phone=4915123456789",
    "viber://chat?number=%2B4915123456789",
    "https://signal.me/#p/+4915123456789",
    "my Telegram: t.me/+4915123456789",
])
def test_a_phone_number_in_a_chat_apps_link_is_found(text: str) -> None:
    # After "/+" the international number's own recognizer finds it with its "+": the two are joined.
    number = "+4915123456789" if "/+" in text else "4915123456789"
    assert phones(text) == [(number, 0.9)]


@pytest.mark.parametrize("text", [
    "t.me/+AbCdEfGhIj12",  # a group's invitation
    "t.me/1234567",  # a channel's post, not a number
    "wa.me/123",  # too short for any number
    "wa.me/0015123456789",  # no country code begins with 0
    "https://example.com/item?number=4915123456789",  # a link of no chat app
    "see github.com/x/y/commit/0847954331",
])
def test_other_links_hold_no_phone_number(text: str) -> None:
    assert phones(text) == []

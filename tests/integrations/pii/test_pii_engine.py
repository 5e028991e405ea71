"""The sanitizer: placeholders stable per scope, independent across scopes, vault expiry, policies."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from core.errors import ConfigError
from core.sanitizer import Restorer, Sanitizer
from integrations.pii.engine import OFFLOAD_CHARS, PiiSanitizer
from integrations.pii.vault import InMemoryVault, VaultBackend

ID = "11010519491231002X"
PHONE = "13812345678"
EMAIL = "alice@example.com"
CARD = "4111 1111 1111 1111"
TEXT = f"身份证 {ID}，手机 {PHONE}，邮箱 {EMAIL}，卡号 {CARD}。"
RAW = (ID, PHONE, EMAIL, CARD)


def test_implements_the_core_protocols(sanitizer: PiiSanitizer, vault: InMemoryVault) -> None:
    assert isinstance(sanitizer, Sanitizer)
    assert isinstance(vault, VaultBackend)
    assert sanitizer.name == "pii"


def test_hash_key_is_required(vault: InMemoryVault) -> None:
    with pytest.raises(ConfigError, match="at least 16"):
        PiiSanitizer(None, vault, b"short")


async def test_sanitize_replaces_everything_with_placeholders(sanitizer: PiiSanitizer) -> None:
    out = await sanitizer.sanitize(TEXT, "chat-1")
    assert out == "身份证 [CN_ID_1]，手机 [PHONE_1]，邮箱 [EMAIL_1]，卡号 [CARD_1]。"
    for value in RAW:
        assert value not in out


async def test_placeholders_are_stable_within_a_scope(sanitizer: PiiSanitizer) -> None:
    first = await sanitizer.sanitize(f"call {PHONE} or 13912345678", "chat-1")
    second = await sanitizer.sanitize(f"again 139-1234-5678, then {PHONE}", "chat-1")
    assert first == "call [PHONE_1] or [PHONE_2]"
    assert second == "again [PHONE_2], then [PHONE_1]"


async def test_a_value_typed_otherwise_is_the_same_value(sanitizer: PiiSanitizer) -> None:
    # A no-break space (iOS), an en dash (a word processor), a zero-width space (a web page), full width (an input
    # method): one placeholder for one value, the whole of each replaced, each restored as it was typed.
    typed = ("+49 151 2345-6789", "+49\u00a0151\u00a02345\u20136789", "+49 151\u200b 2345-6789",
             "＋４９ １５１ ２３４５－６７８９")
    outs = [await sanitizer.sanitize(f"call {phone} now", "chat-1") for phone in typed]
    assert outs == ["call [PHONE_1] now"] * 4
    restorer = await sanitizer.restorer("chat-1")
    assert restorer.restore("[PHONE_1]") == typed[0]


async def test_scopes_are_independent(sanitizer: PiiSanitizer, vault: InMemoryVault) -> None:
    await sanitizer.sanitize("13912345678", "chat-a")
    assert await sanitizer.sanitize(PHONE, "chat-a") == "[PHONE_2]"
    assert await sanitizer.sanitize(PHONE, "chat-b") == "[PHONE_1]"
    assert await vault.load("chat-a") == {"[PHONE_1]": "13912345678", "[PHONE_2]": PHONE}
    assert await vault.load("chat-b") == {"[PHONE_1]": PHONE}
    restorer = await sanitizer.restorer("chat-b")
    assert restorer.feed("[PHONE_1] [PHONE_2]") + restorer.flush() == f"{PHONE} [PHONE_2]"


async def test_text_without_pii_touches_no_vault(
    sanitizer: PiiSanitizer, vault: InMemoryVault
) -> None:
    assert await sanitizer.sanitize("nothing to see, order 20240105123045", "chat-1") == (
        "nothing to see, order 20240105123045"
    )
    assert len(vault) == 0


async def test_vault_entries_expire(
    make_sanitizer: Callable[..., PiiSanitizer], vault: InMemoryVault, clock
) -> None:
    sanitizer = make_sanitizer({"vault_ttl": 60})
    assert await sanitizer.sanitize(PHONE, "chat-1") == "[PHONE_1]"
    clock.now += 30
    assert await sanitizer.sanitize("13912345678", "chat-1") == "[PHONE_2]"  # saving slides expiry
    clock.now += 59
    assert (await vault.load("chat-1"))["[PHONE_1]"] == PHONE
    clock.now += 2
    assert await vault.load("chat-1") == {}
    restorer = await sanitizer.restorer("chat-1")
    assert restorer.feed("[PHONE_1]") + restorer.flush() == "[PHONE_1]"
    await sanitizer.sanitize(PHONE, "chat-2")
    clock.now += 61
    assert await vault.purge_expired(clock.now) == 1
    assert len(vault) == 0


async def test_concurrent_sanitize_in_one_scope_keeps_one_numbering(
    sanitizer: PiiSanitizer,
) -> None:
    phones = [f"1391234{n:04d}" for n in range(20)]
    outs = await asyncio.gather(*(sanitizer.sanitize(p, "chat-1") for p in phones))
    assert sorted(outs) == sorted(f"[PHONE_{n}]" for n in range(1, 21))
    restorer = await sanitizer.restorer("chat-1")
    assert [restorer.restore(o) for o in outs] == phones


async def test_policies_mask_hash_redact(
    make_sanitizer: Callable[..., PiiSanitizer], vault: InMemoryVault
) -> None:
    sanitizer = make_sanitizer(
        {
            "entities": {
                "PHONE": {"policy": "mask", "keep_tail": 4},
                "EMAIL": "hash",
                "CARD": "redact",
                "CN_ID": {"enabled": False},
            }
        }
    )
    out = await sanitizer.sanitize(TEXT, "chat-1")
    assert "手机 138****5678，" in out
    assert "卡号 [REDACTED]。" in out
    assert ID in out  # turned off
    token = out.split("邮箱 ")[1].split("，")[0]
    assert token.startswith("[EMAIL#") and EMAIL not in out
    assert await sanitizer.sanitize(f"mail {EMAIL.upper()}", "other") == f"mail {token}"
    assert len(vault) == 0  # no placeholder was needed


def test_scrub_is_irreversible_and_follows_policies(
    make_sanitizer: Callable[..., PiiSanitizer],
) -> None:
    plain = make_sanitizer()
    assert plain.scrub(TEXT) == "身份证 [CN_ID]，手机 [PHONE]，邮箱 [EMAIL]，卡号 [CARD]。"
    masked = make_sanitizer({"entities": {"PHONE": "mask"}})
    assert "手机 138****5678" in masked.scrub(TEXT)
    assert plain.scrub("no pii here") == "no pii here"


def test_analyze_and_report(make_sanitizer: Callable[..., PiiSanitizer]) -> None:
    sanitizer = make_sanitizer({"entities": {"EMAIL": "mask"}})
    assert [f.entity for f in sanitizer.analyze(TEXT)] == ["CN_ID", "PHONE", "EMAIL", "CARD"]
    sanitized, report = sanitizer.sanitize_report(f"{PHONE} {PHONE} {EMAIL}")
    assert sanitized == "[PHONE_1] [PHONE_1] a****@*******.***"
    assert [(f.entity, policy) for f, policy in report] == [
        ("PHONE", "placeholder"),
        ("PHONE", "placeholder"),
        ("EMAIL", "mask"),
    ]


async def test_large_text_is_analyzed_off_the_loop(sanitizer: PiiSanitizer) -> None:
    text = ("filler text without anything. " * (OFFLOAD_CHARS // 30 + 10)) + f" call {PHONE}"
    assert len(text) > OFFLOAD_CHARS
    out = await sanitizer.sanitize(text, "chat-1")
    assert out.endswith(" call [PHONE_1]") and PHONE not in out


async def test_restore_complete_text(sanitizer: PiiSanitizer) -> None:
    sanitized = await sanitizer.sanitize(TEXT, "chat-1")
    assert await sanitizer.restore(sanitized, "chat-1") == TEXT
    restorer = await sanitizer.restorer("chat-1")
    assert isinstance(restorer, Restorer)


def test_masks_outbound(make_sanitizer: Callable[..., PiiSanitizer]) -> None:
    sanitizer = make_sanitizer({"mask_outbound": ["telegram"]})
    assert sanitizer.masks_outbound("telegram")
    assert not sanitizer.masks_outbound("discord")


def test_legacy_ids_follow_config(make_sanitizer: Callable[..., PiiSanitizer]) -> None:
    assert make_sanitizer().scrub("旧证 110105491231002") == "旧证 110105491231002"
    assert make_sanitizer({"legacy_cn_id": True}).scrub("旧证 110105491231002") == "旧证 [CN_ID]"


async def test_a_new_sanitizer_continues_from_the_vault(
    make_sanitizer: Callable[..., PiiSanitizer],
) -> None:
    before = make_sanitizer()
    assert await before.sanitize(f"{PHONE} {EMAIL}", "chat-1") == "[PHONE_1] [EMAIL_1]"
    after = make_sanitizer()  # e.g. after a restart, same vault
    assert await after.sanitize(f"13912345678 {PHONE}", "chat-1") == "[PHONE_2] [PHONE_1]"
    assert (await after.restorer("chat-1")).restore("[EMAIL_1]") == EMAIL

"""Cryptocurrency addresses: Bitcoin's by their checksums, Ethereum's by their shape."""

from __future__ import annotations

import hashlib
import random

import pytest

from integrations.pii.recognizers import default_registry
from integrations.pii.wallets import base58check_valid, bech32_valid

_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def wallets(text: str) -> list[tuple[str, float]]:
    return [(f.text, f.confidence) for f in default_registry().analyze(text) if f.entity == "CRYPTO"]


def base58check(version: int, payload: bytes) -> str:
    """A legacy address made as Bitcoin Core makes one (Base58Check), to check the recognizer's reading."""
    raw = bytes([version]) + payload
    raw += hashlib.sha256(hashlib.sha256(raw).digest()).digest()[:4]
    number, text = int.from_bytes(raw, "big"), ""
    while number:
        number, digit = divmod(number, 58)
        text = _BASE58[digit] + text
    return "1" * (len(raw) - len(raw.lstrip(b"\0"))) + text


def test_legacy_addresses_made_from_any_key_hash_pass_and_a_changed_character_fails() -> None:
    rng = random.Random(3)
    for _ in range(300):
        payload = bytes(rng.randrange(256) for _ in range(20))
        if rng.random() < 0.1:
            payload = b"\0" + payload[1:]  # a hash from a zero byte: its address begins with 11
        address = base58check(rng.choice((0, 5)), payload)
        assert base58check_valid(address), address
        at = rng.randrange(1, len(address))
        changed = address[:at] + _BASE58[(_BASE58.index(address[at]) + 1) % 58] + address[at + 1:]
        assert not base58check_valid(changed), changed
    assert not base58check_valid(base58check(111, bytes(20)))  # a testnet address's version


@pytest.mark.parametrize(("address", "valid"), [
    # BIP 173's and BIP 350's test vectors.
    ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", True),
    ("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", True),
    ("bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3", True),
    ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", True),
    ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", False),  # the checksum
    ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj1", False),
    # A version 1 address with bech32's checksum, not bech32m's (BIP 350 refuses it).
    ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd", False),
])
def test_bech32_addresses_as_bips_173_and_350_check_them(address: str, valid: bool) -> None:
    assert bech32_valid(address) is valid


@pytest.mark.parametrize(("text", "found"), [
    ("send 0.1 BTC to 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa please", [("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", 0.95)]),
    ("my wallet: 3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", [("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", 0.95)]),
    ("我的比特币地址 1BoatSLRHtKNngkdXEeobR76b53LETtpyT", [("1BoatSLRHtKNngkdXEeobR76b53LETtpyT", 0.95)]),
    ("pay bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4 now", [("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", 0.95)]),
    ("ETH: 0x52908400098527886E0F7030069857D2E4169EE7", [("0x52908400098527886E0F7030069857D2E4169EE7", 0.8)]),
])
def test_an_address_is_found(text: str, found: list) -> None:
    assert wallets(text) == found


@pytest.mark.parametrize("text", [
    "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",  # a legacy address only where the text speaks of Bitcoin or a wallet
    "wallet 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb",  # its checksum fails
    "pay bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5",
    "commit 3f9a1c2b4d5e6f708192a3b4c5d6e7f8091a2b3c",  # 40 hexadecimal digits without 0x
    "segfault at 0x7ffd5e3c",
    "tx 0x" + "ab" * 32,  # a transaction's hash: 64 digits
])
def test_what_only_looks_like_an_address_is_left_alone(text: str) -> None:
    assert wallets(text) == []

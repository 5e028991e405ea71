"""Cryptocurrency addresses (CRYPTO): Bitcoin's, by their checksums, and Ethereum's, by their shape.

A Bitcoin address in bech32 (``bc1q…``, ``bc1p…``; BIP 173 and, for Taproot, BIP 350) is found wherever it is, its
checksum right (0.95). A legacy one (``1…``, ``3…``; base58 with a double SHA-256 checksum) is looked for only in a
text that speaks of Bitcoin or a wallet (bitcoin, btc, wallet, 比特币, 钱包): searched for in every text, a base58
word's first digit cost each message of the pii benchmark 45,800 instructions (cachegrind), 16 % more, tried at every
1 and 3. An Ethereum address, ``0x`` and 40 hexadecimal digits, is taken alone (0.8): its mixed-case checksum (EIP 55)
needs Keccak-256, which Python's hashlib lacks (its SHA3-256 pads otherwise), and an address in lower case has none.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator

from .context import Words
from .registry import Finding

__all__ = ["BITCOIN_WORDS", "WALLET_WORDS", "CryptoRecognizer", "base58check_valid", "bech32_valid"]

BITCOIN_WORDS = Words("bitcoin", "btc", "allet", "比特币", "钱包", "₿")
"""Where a text may give a legacy Bitcoin address ("allet" for "wallet": no other word of the one scan begins with w)."""
WALLET_WORDS = Words(*BITCOIN_WORDS.words, "bc1")
"""Where a text may give a Bitcoin address (bc1: where a bech32 one begins)."""
_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE58_VALUES = {char: value for value, char in enumerate(_BASE58)}
_LEGACY = re.compile(r"(?<![0-9A-Za-z])[13][1-9A-HJ-NP-Za-km-z]{25,33}(?![0-9A-Za-z])")
_BECH32 = re.compile(r"bc1(?<![0-9A-Za-z]bc1)[02-9ac-hj-np-z]{11,71}(?![0-9A-Za-z])")
_BECH32_CAPITALS = re.compile(r"BC1(?<![0-9A-Za-z]BC1)[02-9AC-HJ-NP-Z]{11,71}(?![0-9A-Za-z])")
"""An address in bech32, in lower case or in a QR code's capitals (never mixed). Each regex begins with its literal, so
that a search skips to it (begun with a lookbehind, one is tried at every character: over 1 MB of a log the Ethereum search cost 211 million
instructions so, 6 million now; cachegrind)."""
_BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_ETHEREUM = re.compile(r"0x(?<![0-9A-Za-z]0x)[0-9a-fA-F]{40}(?![0-9A-Za-z])")


def base58check_valid(address: str) -> bool:
    """A legacy Bitcoin address: 25 bytes in base58, version 0 (P2PKH, from 1) or 5 (P2SH, from 3), the last four
    the first four of the double SHA-256 of the others."""
    number = 0
    for char in address:
        if char not in _BASE58_VALUES:
            return False
        number = number * 58 + _BASE58_VALUES[char]
    try:
        raw = number.to_bytes(25, "big")
    except OverflowError:
        return False
    if raw[0] not in (0, 5) or len(address) - len(address.lstrip("1")) != len(raw) - len(raw.lstrip(b"\0")):
        return False  # each 1 first stands for a zero byte first, and only then
    return hashlib.sha256(hashlib.sha256(raw[:21]).digest()).digest()[:4] == raw[21:]


def _polymod(values: list[int]) -> int:
    """BIP 173's checksum of the values."""
    check = 1
    for value in values:
        top = check >> 25
        check = (check & 0x1FFFFFF) << 5 ^ value
        for i, generator in enumerate((0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)):
            check ^= generator if top >> i & 1 else 0
    return check


def bech32_valid(address: str) -> bool:
    """A Bitcoin address in bech32: "bc1", a witness version, its program and a checksum, bech32's for version 0
    (BIP 173), bech32m's for versions 1 to 16 (BIP 350); 42 characters for version 0's key hash or 62 for a
    script hash or a Taproot key."""
    lower = address.lower()
    data = [_BECH32_CHARSET.find(char) for char in lower[3:]]
    if -1 in data or len(lower) not in (42, 62) or data[0] > 16:
        return False
    expanded = [ord(char) >> 5 for char in "bc"] + [0] + [ord(char) & 31 for char in "bc"]
    return _polymod(expanded + data) == (1 if data[0] == 0 else 0x2BC830A3)


class CryptoRecognizer:
    """Bitcoin addresses by their checksums (0.95), Ethereum addresses by their shape (0.8)."""

    entity = "CRYPTO"

    def applies(self, text: str) -> bool:
        """A text with 0x, bc1 (BC1 in a QR code's capitals) or a word of Bitcoin or wallets."""
        return "0x" in text or WALLET_WORDS.anywhere(text)

    def find(self, text: str) -> Iterator[Finding]:
        """Yield the addresses whose checksums are right, and the Ethereum-shaped ones."""
        for m in _ETHEREUM.finditer(text):
            yield Finding(self.entity, m.start(), m.end(), m.group(), 0.8)
        for bech32 in (_BECH32, _BECH32_CAPITALS):
            for m in bech32.finditer(text):
                if bech32_valid(m.group()):
                    yield Finding(self.entity, m.start(), m.end(), m.group(), 0.95)
        if BITCOIN_WORDS.anywhere(text):
            for m in _LEGACY.finditer(text):
                if base58check_valid(m.group()):
                    yield Finding(self.entity, m.start(), m.end(), m.group(), 0.95)

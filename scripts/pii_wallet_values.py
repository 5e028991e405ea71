"""Cryptocurrency addresses for the pii evaluation, made as wallets make them (Base58Check, BIP 173 and BIP 350), with
the sentences that hold them and the hard negatives beside them."""

from __future__ import annotations

import hashlib
import random
import string
from collections.abc import Callable

__all__ = ["WALLETS", "WALLET_NEGATIVE", "bech32_address", "ethereum_address", "legacy_address"]

_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def legacy_address(rng: random.Random) -> str:
    """A P2PKH (1…) or P2SH (3…) address: version, a 20-byte hash, the first four bytes of its double SHA-256, in
    base58 with a 1 for each zero byte first."""
    raw = bytes([rng.choice((0, 5))]) + bytes(rng.randrange(256) for _ in range(20))
    raw += hashlib.sha256(hashlib.sha256(raw).digest()).digest()[:4]
    number, text = int.from_bytes(raw, "big"), ""
    while number:
        number, digit = divmod(number, 58)
        text = _BASE58[digit] + text
    return "1" * (len(raw) - len(raw.lstrip(b"\0"))) + text


def _polymod(values: list[int]) -> int:
    check = 1
    for value in values:
        top = check >> 25
        check = (check & 0x1FFFFFF) << 5 ^ value
        for i, generator in enumerate((0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)):
            check ^= generator if top >> i & 1 else 0
    return check


def bech32_address(rng: random.Random) -> str:
    """A SegWit address: version 0 with a 20- or 32-byte program (bech32's checksum) or a Taproot key, version 1 with
    32 bytes (bech32m's), as BIP 173 and BIP 350 write them; in capitals now and then, as in a QR code."""
    version = rng.choice((0, 0, 1))
    program = bytes(rng.randrange(256) for _ in range(20 if version == 0 and rng.random() < 0.7 else 32))
    bits, value, data = 0, 0, [version]
    for byte in program:  # eight bits to five
        value, bits = value << 8 | byte, bits + 8
        while bits >= 5:
            bits -= 5
            data.append(value >> bits & 31)
    if bits:
        data.append(value << (5 - bits) & 31)
    constant = 1 if version == 0 else 0x2BC830A3
    checksum = _polymod([3, 3, 0, 2, 3] + data + [0] * 6) ^ constant
    data += [checksum >> 5 * (5 - i) & 31 for i in range(6)]
    address = "bc1" + "".join(_BECH32[d] for d in data)
    return address.upper() if rng.random() < 0.1 else address


def ethereum_address(rng: random.Random) -> str:
    """An Ethereum address: 0x and 20 bytes in hexadecimal, in lower case (no EIP-55 checksum)."""
    return "0x" + "".join(rng.choice("0123456789abcdef") for _ in range(40))


WALLETS: list[tuple[str, Callable[[random.Random], str], list[str]]] = [
    ("CRYPTO", legacy_address, ["Send 0.1 BTC to {v} please", "my bitcoin wallet: {v}", "比特币钱包地址：{v}",
                                "Wallet {v} got the refund"]),
    ("CRYPTO", bech32_address, ["pay {v} now", "Payout address: {v} (SegWit)", "收款地址 {v}"]),
    ("CRYPTO", ethereum_address, ["ETH address: {v}", "send the USDT to {v}, thanks", "contract {v} deployed"]),
]
"""Cryptocurrency addresses: a stream of their own, so that the other types' sentences stay as they were."""

WALLET_NEGATIVE: list[Callable[[random.Random], str]] = [
    lambda r: r.choice([f"commit {''.join(r.choice('0123456789abcdef') for _ in range(40))} fixed it",
                        f"segfault at 0x{r.randint(0x10000000, 0xffffffff):x}",
                        f"tx 0x{''.join(r.choice('0123456789abcdef') for _ in range(64))} confirmed",
                        f"1 BTC = {r.randint(20000, 90000)} USD today", "my wallet is empty",
                        f"wallet {''.join(r.choice(_BASE58) for _ in range(33))} (a typo)",
                        f"order {r.choice('13')}{''.join(r.choice(string.ascii_letters) for _ in range(30))} shipped"]),
]

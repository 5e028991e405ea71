"""Bank account numbers for the pii evaluation, written as each country's banks write them, with the sentences that hold
them and the hard negatives beside them (a bank's own code, a balance, an account named without its number)."""

from __future__ import annotations

import random
from collections.abc import Callable

__all__ = ["ACCOUNTS", "ACCOUNT_NEGATIVE", "account_number"]


def _digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(count))


def _nrb(rng: random.Random) -> str:
    """A Polish NRB: two ISO 7064 check digits over a bank's eight digits and sixteen of the account, in groups of four
    after the first two."""
    bban = _digits(rng, 24)
    check = 98 - int(bban + "252100") % 97  # "PL" is 25 21, then "00"
    number = f"{check:02d}{bban}"
    return number[:2] + "".join(" " + number[i:i + 4] for i in range(2, 26, 4))


def _czech(rng: random.Random) -> str:
    """A Czech account: maybe a prefix, the number (ten digits weighed mod 11 to 0) and a bank's code."""
    while True:
        number = str(rng.randint(10**5, 10**10 - 1)).zfill(10)
        if sum(int(d) * w for d, w in zip(number, (6, 3, 7, 9, 10, 5, 8, 4, 2, 1), strict=True)) % 11 == 0:
            break
    prefix = f"{rng.randint(1, 999999)}-" if rng.random() < 0.3 else ""
    return f"{prefix}{number.lstrip('0')}/{rng.choice(('0100', '0300', '0800', '2010', '5500'))}"


_FORMATS: tuple[Callable[[random.Random], str], ...] = (
    lambda r: _digits(r, r.randint(8, 12)),  # the US
    lambda r: _digits(r, 8),  # the UK
    lambda r: _digits(r, 10),  # Germany
    lambda r: _digits(r, 11),  # France
    lambda r: _digits(r, 12),  # Italy
    lambda r: f"{_digits(r, r.randint(5, 8))}-{r.randint(0, 9)}",  # Brazil
    _nrb,  # Poland
    _czech,
    lambda r: _digits(r, 7),  # Japan
    lambda r: r.choice((f"{_digits(r, 3)}-{_digits(r, 3)}-{_digits(r, 6)}",
                        f"{_digits(r, 6)}-{_digits(r, 2)}-{_digits(r, 6)}")),  # South Korea
    lambda r: " ".join(_digits(r, 4) for _ in range(5)),  # a Chinese company's account
    lambda r: "40817810" + _digits(r, 12),  # Russia
)


def account_number(rng: random.Random) -> str:
    """An account number as one country's banks write it."""
    return rng.choice(_FORMATS)(rng)


ACCOUNTS: list[tuple[str, Callable[[random.Random], str], list[str]]] = [
    ("BANK_ACCOUNT", account_number, ["Account number: {v}, sort code 60-16-13", "please wire it to my checking account {v}",
                                      "acct # {v}", "Kontonummer: {v}", "numéro de compte : {v}", "número de cuenta {v}",
                                      "conto corrente n. {v}", "número da conta: {v}", "numer konta {v}",
                                      "číslo účtu: {v}", "口座番号は{v}です", "계좌번호: {v}", "银行账号：{v}，谢谢",
                                      "номер счета {v}", "A/c No. {v} (SBI)"]),
]
"""Bank account numbers: a stream of their own, so that the other types' sentences stay as they were."""

ACCOUNT_NEGATIVE: list[Callable[[random.Random], str]] = [
    lambda r: r.choice([f"account ending in {_digits(r, 4)}", f"routing number 0{_digits(r, 8)}",
                        f"sort code {_digits(r, 2)}-{_digits(r, 2)}-{_digits(r, 2)}", "my account has 3 new alerts",
                        f"account balance: {r.randint(1, 99)},{_digits(r, 3)}.{_digits(r, 2)}",
                        f"the account {r.randint(2000, 2030)}-{r.randint(2000, 2030)} report",
                        f"AWS account {_digits(r, 12)} is ours", f"contact {_digits(r, 8)} about the container",
                        f"Kontoauszug vom {r.randint(1, 28)}.{r.randint(1, 12)}.{r.randint(2000, 2030)}",
                        f"账号已冻结，请致电 400-{_digits(r, 3)}-{_digits(r, 4)}", f"BSB {_digits(r, 3)}-{_digits(r, 3)}"]),
]

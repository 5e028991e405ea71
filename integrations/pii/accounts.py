"""Bank account numbers (BANK_ACCOUNT) where the text says it gives one: after a label.

"Account number: 31926819", "acct # 000123456789", "Kontonummer 0532013000", "numéro de compte : 12345678901",
"número de cuenta 0123456789", "conto corrente 000012345678", "rekeningnummer 417164300", "numer konta 61 1090 1014
0000 0712 1981 2874", "číslo účtu 19-2000145399/0800", "口座番号は1234567です", "계좌번호: 110-123-456789", "银行账号：6222
0212 3456 7890 123". An account number has no check that holds across banks and countries (Germany's banks use over a
hundred), so alone it is one more block of digits: an order, invoice or tracking number. A bank's own code (a US routing
number, a UK sort code, an Australian BSB) is the same for all its customers and is left as it is; an IBAN, which holds
both, has a recognizer of its own.
"""

from __future__ import annotations

import re

from .context import Words
from .labels import NUMBER_GAP, LabelledValueRecognizer

__all__ = ["ACCOUNT_WORDS", "BankAccountRecognizer"]

ACCOUNT_WORDS = Words("account", "acct", "a/c", "compte ", "compte:", "cuenta ", "cuenta:", "conto ", "conto:", "c/c", "conta ",
                      "conta:", "konto", "konta", "kto", "rekening", "tilinumero", "účtu", "uctu", "účet", "ucet",
                      "账号", "帐号", "帳號", "账户", "帐户", "帳戶", "口座", "계좌", "счет", "счёт", "р/с")
"""Where a text may give an account number. "conta " and not "conta": not around every "contact" and "container"."""
_LABEL = re.compile(
    r"(?<![:./])(?:\b(?i:(?:bank|checking|chequing|savings|current|deposit)\s+(?:account|acct\.?)"
    r"|account(?=[ \t]*(?:[:：#]|(?:number|no\.?|n[°º.])(?![A-Za-z])))|acct\.?|a/c"
    r"|(?:(?:num[ée]ro|n[°º]|no\.?)\s+de\s+)?compte(?:\s+bancaire)?"
    r"|(?:(?:n[úu]mero|n[°º]|no\.?)\s+de\s+)?cuenta(?:\s+(?:bancaria|corriente))?"
    r"|(?:numero\s+(?:di|del)\s+)?conto(?:\s+corrente)?|c/c"
    r"|(?:n[úu]mero\s+da\s+)?conta(?:\s+(?:corrente|banc[áa]ria|poupan[çc]a))?"
    r"|(?:giro|bank|spar)?kont(?:o(?:nummer|nr\.?|-nr\.?)?|a)|kto\.?(?:-?nr\.?)?|(?:numer|nr\.?)\s+konta"
    r"|rekening(?:nummer|nr\.?)?|tilinumero|(?:[čc][íi]slo\s+)?[úu][čc]tu|[úu][čc]et)"
    r"|(?:银行|銀行)?(?:账号|帐号|帳號|账户|帐户|帳戶)|口座(?:番号)?|계좌(?:번호)?[는은]?"
    r"|(?i:(?:номер\s+)?(?:сч[её]та|сч[её]т)|р/с))" + NUMBER_GAP
)
"""An account's label, in English, French, Spanish, Italian, Portuguese, German and the Nordic languages, Polish, Dutch,
Finnish, Czech and Slovak, Chinese, Japanese, Korean and Russian, and what may stand between it and the number. An
English "account" names a bank's only with a bank's word before it ("savings account") or "number", "no." or a colon
after it: an "AWS account 123456789012" is a cloud's. A label right after a colon, a dot or a slash is a part of a name
in code ("AWS::::Account:123456789012")."""
_NUMBER = re.compile(
    r"(?:(?:[0-9]{1,6}-)?[0-9]{2,10}/[0-9]{4}"  # Czech and Slovak: a prefix, the number, "/" and the bank's code
    r"|[0-9]{2,4}(?: [0-9]{4})+(?: [0-9]{1,4})?"  # in groups of four: "61 1090 1014 0000 0712 1981 2874"
    r"|[0-9]+(?:-[0-9]+)*(?:-[Xx])?)"  # a block, or groups with dashes: "110-123-456789", Brazil's "12345-6"
    r"(?![0-9A-Za-z]|[.,/][0-9])"
)
_NOT_AN_ACCOUNT = re.compile(r"(?:19|20)[0-9]{2}-(?:[0-9]{1,2}-[0-9]{1,2}|(?:19|20)?[0-9]{2})")
"""A date or a span of years after the word ("the account 2023-2024"), no account number."""
_FEWEST, _MOST = 6, 30
"""How many digits an account number has: six (a Japanese account's seven, a UK one's eight) to thirty (an NRB's 26
with a bank's code)."""


class BankAccountRecognizer(LabelledValueRecognizer):
    """An account number right after its label (0.96, as a national identity number's: the label outranks a card's
    issuer prefix and Luhn, 0.95, which one number in ten of a card's length passes by chance)."""

    entity = "BANK_ACCOUNT"
    cues = ACCOUNT_WORDS
    reach = 12
    """How far from its cue a label may begin or end ("checking account", "numéro de compte")."""
    confidence = 0.96
    label = _LABEL

    def value_end(self, text: str, label: re.Match[str]) -> int:
        """Where the number after the label ends (0: what follows is no account number)."""
        found = _NUMBER.match(text, label.end())
        if found is None or _NOT_AN_ACCOUNT.fullmatch(found.group()):
            return 0
        digits = sum(char.isdigit() for char in found.group())
        return found.end() if _FEWEST <= digits <= _MOST else 0

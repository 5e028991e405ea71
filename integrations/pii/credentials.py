"""The SECRET recognizer: API keys and tokens, private keys, password assignments, URL logins."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from .registry import Finding

__all__ = ["SecretPattern", "SecretRecognizer", "SECRET_PATTERNS"]


def _jwt_header_ok(value: str) -> bool:
    """True when the first JWT segment decodes to a JSON object naming an algorithm or type."""
    head = value.split(".", 1)[0]
    try:
        decoded = base64.urlsafe_b64decode(head + "=" * (-len(head) % 4))
    except (binascii.Error, ValueError):
        return False
    return decoded.startswith(b"{") and (b'"alg"' in decoded or b'"typ"' in decoded)


def _has_digit(value: str) -> bool:
    """Real keys mix digits in; prose like 'sk-learn-is-great-for-beginners' does not."""
    return any(ch.isdigit() for ch in value)


@dataclass(frozen=True, slots=True)
class SecretPattern:
    """One kind of secret: literal triggers where a match starts, the regex matched there.

    The regex is matched (anchored) at each occurrence of a trigger, found case-insensitively. ``group`` names the part that is the secret
    (0: all of it; -1: the first alternative group that matched).
    """

    name: str
    triggers: tuple[str, ...]
    regex: re.Pattern[str]
    confidence: float
    group: int = 0
    check: Callable[[str], bool] | None = None


_VALUE_END = r"\s\"',;，。；、）)】>"

SECRET_PATTERNS: tuple[SecretPattern, ...] = (
    SecretPattern(
        "private_key",
        ("-----BEGIN",),
        re.compile(
            r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END[A-Z0-9 ]*PRIVATE KEY-----|\Z)"
        ),
        0.99,
    ),
    SecretPattern(
        "openai_key",
        ("sk-",),
        re.compile(r"(?<![A-Za-z0-9_\-])sk-(?:proj-|ant-|svcacct-)?[A-Za-z0-9_\-]{20,200}"),
        0.97,
        check=_has_digit,
    ),
    SecretPattern(
        "stripe_key",
        ("sk_live_", "sk_test_", "rk_live_", "rk_test_"),
        re.compile(r"(?<![A-Za-z0-9_])[sr]k_(?:live|test)_[A-Za-z0-9]{16,200}"),
        0.97,
    ),
    SecretPattern(
        "github_token",
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
        re.compile(
            r"(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{30,255}|github_pat_[A-Za-z0-9_]{40,255})"
        ),
        0.98,
    ),
    SecretPattern(
        "slack_token",
        ("xoxa-", "xoxb-", "xoxp-", "xoxr-"),
        re.compile(r"(?<![A-Za-z0-9_])xox[abpr]-[A-Za-z0-9\-]{10,250}"),
        0.97,
        check=_has_digit,
    ),
    SecretPattern(
        "aws_access_key",
        ("AKIA", "ASIA"),
        re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Z0-9])"),
        0.97,
    ),
    SecretPattern(
        "jwt",
        ("eyJ",),
        re.compile(
            r"(?<![A-Za-z0-9_\-])eyJ[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]*"
        ),
        0.97,
        check=_jwt_header_ok,
    ),
    SecretPattern(
        "url_credentials",
        ("://",),
        re.compile(r"(?<=[A-Za-z0-9])://([^\s/@:?#]{1,64}:[^\s/@?#]{1,128})@"),
        0.98,
        group=1,
    ),
    SecretPattern(
        "assignment",
        ("pass", "pwd", "密码", "口令", "api", "secret", "client", "access", "auth"),
        re.compile(
            r"(?i)(?<![A-Za-z0-9_])(?:password|passwd|passphrase|passcode|pass|pwd|密码|口令"
            r"|api[_\-]?key|secret[_\-]?key|client[_\-]?secret|access[_\-]?token|auth[_\-]?token)"
            r"[\"']?\s*(?:[:=：]|是|为)\s*"
            r"(?:\"([^\"\r\n]{1,200})\"|'([^'\r\n]{1,200})'|([^" + _VALUE_END + r"]{1,200}))"
        ),
        0.9,
        group=-1,
    ),
)


class SecretRecognizer:
    """Credentials of every kind: each pattern is tried only where one of its triggers occurs.

    One scan of the lower-cased text finds every trigger (a case-sensitive pattern then just
    fails to match where only the lower-cased text had its trigger).
    """

    entity = "SECRET"

    def __init__(self, patterns: tuple[SecretPattern, ...] = SECRET_PATTERNS) -> None:
        self.patterns = patterns
        self._by_trigger: dict[str, list[SecretPattern]] = {}
        for pattern in patterns:
            for trigger in pattern.triggers:
                self._by_trigger.setdefault(trigger.lower(), []).append(pattern)
        alternatives = sorted(self._by_trigger, key=len, reverse=True)
        self._triggers = re.compile("|".join(re.escape(t) for t in alternatives))

    def find(self, text: str) -> Iterator[Finding]:
        """Yield secrets; for assignments and URLs only the secret part is the finding."""
        lowered = text.lower()
        hits = [(m.start(), m.group()) for m in self._triggers.finditer(lowered)]
        if not hits:
            return
        seen: set[tuple[int, int]] = set()
        if len(lowered) == len(text):
            candidates = [
                (pattern, m)
                for pos, trigger in hits
                for pattern in self._by_trigger[trigger]
                if (m := pattern.regex.match(text, pos))
            ]
        else:  # lower() changed the length of some character: positions do not line up
            found = {p.name: p for _, t in hits for p in self._by_trigger[t]}
            candidates = [(p, m) for p in found.values() for m in p.regex.finditer(text)]
        for pattern, m in candidates:
            group = pattern.group
            if group == -1:
                group = next(i for i in range(1, m.re.groups + 1) if m.group(i) is not None)
            span = m.span(group)
            if span in seen:
                continue
            value = text[span[0] : span[1]]
            if pattern.check is not None and not pattern.check(value):
                continue
            seen.add(span)
            yield Finding(self.entity, span[0], span[1], value, pattern.confidence)

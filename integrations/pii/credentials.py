"""The SECRET recognizer: API keys and tokens, private keys, password assignments and passwords stated in prose (in 18
languages), HTTP credentials (Bearer, Basic), URL logins, passwords on command lines; and the codes of secret_codes.py
(cards' security codes, one-time codes, the codes of homes' locks and of services)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from .context import Words
from .registry import Finding
from .secret_checks import (
    basic_credentials,
    before_closing_punctuation,
    has_digit,
    jwt_header_ok,
    key_like,
    latin_or_digits,
    openai_key_like,
    password_like,
    plausible_literal,
    plausible_value,
    random_like,
    token_like,
    user_and_password,
    with_own_brackets,
)
from .secret_codes import CODE_PATTERNS
from .secret_names import IS, NETWORK_CUES, NETWORK_KEY, OF_WHAT, PASSWORD_CUES, PASSWORD_NAME
from .secret_pattern import SecretPattern

__all__ = ["SecretRecognizer", "SECRET_PATTERNS"]


_ASSIGNMENT_WORDS = (*PASSWORD_CUES, *NETWORK_CUES, "api", "secret", "client", "access", "auth", "token", "psk")
# A name that says secret. Unambiguous words may end a longer name (DB_PASSWORD, newpassword); the short "pass"
# and "token" must stand alone (not "bypass", "max_tokens").
_KEY_NAME = (r"api[_\-]?key|secret[_\-]?(?:access[_\-]?)?key|client[_\-]?secret|access[_\-]?token|auth[_\-]?token"
             r"|(?<![A-Za-z0-9])token")
# Atomic ("(?>"): a name matched is not matched again another way when what follows it fails. Backtracking into
# the 18 languages' names, in each of the patterns tried at a "pass", cost each message of the pii benchmark ~7,000
# instructions (cachegrind); atomic, the names cost none told apart from the noise (+640 with typed_forms.py).
_PW = r"(?<![\w\-/+.])pw(?![\w-])"
"""A password's short name as a word of its own ("login: jdoe / pw: Summer2024!", "my pw is …"), not a hash's last
letters ("…KouER1s/pw:19700:0:…" in /etc/shadow): right before ":" when assigned, as code's "pw = pw[:-1]", "pw :
rational number", '"pw": [n2]' are a name's or a parameter's."""
_SECRET_NAME = (rf"(?>(?i:(?:{PASSWORD_NAME}){OF_WHAT}|{NETWORK_KEY}|pwd|{_PW}(?=[:：])|{_KEY_NAME}"
                r"|(?<![A-Za-z0-9])pass|(?<![\w-])psk(?![\w-])))")
"""A secret's name: a password's, a network key's (and wpa_supplicant's "psk"), a key's or a token's."""
_A_KEY_NAMED = re.compile(f"(?i:{_KEY_NAME})")
"""A key's or a token's name, where a secret's name was matched: its value must look like one (key_like)."""
_ASSIGNED = (r"(?<!:param )(?<!:type )" + _SECRET_NAME
             + rf"(?:[\"'`]|\*\*|__)?[ \t]*(?:[:=：]|[ \t](?!to\b)(?i:{IS})[ \t]*[:：])(?:\*\*(?=[ \t]))?[ \t]*")
"""A secret's name, then its value after ":", "=" or "is:" ("lautet:"; not "to:", "pass to :py:func:"); the name may be
quoted or in bold ("**Password:**"); not a parameter a docstring describes (":param password: The …")."""
_SAID_IN_CJK = _SECRET_NAME + r"[ \t]*(?:是|为|は|는|은)[ \t]*"
"""A secret's name, then its value after "是" or "为", "は", "는" or "은" ("密码是abc123", "パスワードは abc123", "비밀번호는
abc123"; but "密码是多少", "密码为空" ask or say)."""
# A value ends before a space, punctuation, a quote or the end. Brackets may be inside it ("O6z)RjBr#5"); closing
# ones at its end (before a space, punctuation, the end or a Chinese character) are left to widen, which knows
# whether the text opened them: "(密码是abc123)请查收".
_ENDS = "\\s\"'`,;，。；、）】“”‘’「」"
"""What ends a value written without quotes: a space, punctuation, a quote."""
_SENTENCE_GOES_ON = r"(?<=[!-~])[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]"
"""A value in Latin letters or digits ends where Chinese, Japanese or Korean goes on ("密码是abc123请查收", "暗証番号は1234
です"); one that begins in them is a password too ("密码：芝麻开门123")."""
_MARKUP = r"\*\*[^*\s][^*\r\n]*\*\*|__[^_\s][^_\r\n]*__|<(?:b|strong|em|i|code|kbd|samp|tt)>|<[A-Za-z/!]"
"""Bold, italics or code around a value (markdown or HTML), which the patterns for wrapped values take; or an HTML
tag, no value ("Password: <input type=password>")."""
_VALUE = (rf"(?!{_MARKUP})([^{_ENDS}]{{1,200}}?)"
          rf"(?=[)>}}\]]+(?:[.!?]*(?:[{_ENDS}]|\Z)|[^\x00-\x7f])|[{_ENDS}]|\Z|{_SENTENCE_GOES_ON})")
_QUOTED = (r"(?:\"([^\"\r\n]{1,200})\"|'([^'\r\n]{1,200})'|“([^”\r\n]{1,200})”|‘([^’\r\n]{1,200})’"
           r"|「([^」\r\n]{1,200})」)")
"""A value as a string literal: in quotes (straight, curly or corner brackets)."""
_CODE = r"(?:`([^`\r\n]{1,200})`|<(?:code|kbd|samp|tt)>([^<\r\n]{1,200})</)"
"""A value as code: a markdown code span or an HTML code element."""
_EMPHASIZED = r"(?:\*\*([^*\s][^*\r\n]{0,199})(?<!\s)\*\*|__([^_\s][^_\r\n]{0,199})(?<!\s)__|<(?:b|strong|em|i)>([^<\r\n]{1,200})</)"
"""A value in bold or italics (markdown or HTML): as often a word of prose ("the password is **required**"). Markdown's
emphasis neither starts nor ends with a space: in "**Password:** x**y" the stars around " x" are no pair."""

_MY_PASS = r"(?:(?<=(?i:my)[ \t])|(?<=(?i:our|his|her)[ \t])|(?<=(?i:your)[ \t]))(?i:pass)(?=[ \t]+(?i:is)[ \t])"
"""A password's short name, someone's and stated: "my pass is hunter22" (not "the boarding pass is ready")."""
_STATED = (rf"(?<![=\"'])(?>(?i:(?:{PASSWORD_NAME}){OF_WHAT}|{NETWORK_KEY}|{_PW})|{_MY_PASS})"
           rf"(?:[ \t]+(?i:{IS})|['’]s)?[ \t]+")
"""A password's or a Wi-Fi key's name stated in prose, without ":" or "=": "my password is hunter2", "my password's
hunter2", "wifi密码 abc12345", "mein Passwort ist Sonne2024!"; not a value itself, as in HTML's type=password."""
_STATED_VALUE = rf"(?!{_MARKUP})((?![(\[{{<][^\n]*[)\]}}>])[^{_ENDS}]{{4,200}}?)(?=[{_ENDS}]|\Z|{_SENTENCE_GOES_ON})"
"""Not a bracket the line closes again: "password (bool, optional): ..." describes a parameter."""
_NAMED = f"{_ASSIGNED}|{_SAID_IN_CJK}|{_STATED}"
"""A secret's name before its value, in any of the ways above."""

_ARGUMENT = r"(?:'([^'\r\n]{1,200})'|\"([^\"\r\n]{1,200})\"|([^\s'\"]{1,200}))"
"""A command line's argument, quoted or not."""
_LATER_OPTION = r"[^\n|;&]*?[ \t]"
"""The rest of a command up to one of its options (not past a pipe, ";" or "&")."""
_COMMAND_PASSWORD = (r"(?:(?:mysql(?:dump|admin)?|mariadb)(?=[ \t])" + _LATER_OPTION + r"-p(?=[^\s-])"
                     r"|(?:docker|podman)[ \t]+login(?=[ \t])" + _LATER_OPTION + r"(?:-p|--password)[ \t=]+"
                     r"|sshpass[ \t]+-p[ \t]*|redis-cli(?=[ \t])" + _LATER_OPTION + r"-a[ \t]+)" + _ARGUMENT)
"""A password given to a command on its command line: "mysql -u root -pS3cret" (a "-p" apart asks for it), "docker
login -u me -p S3cret", "sshpass -p 'S3cret' ssh host", "redis-cli -a S3cret"."""
_USER_PASSWORD = r"(?<![^\s])(?:-u|--user)[ \t=]+" + _ARGUMENT
"""curl's and wget's "-u user:password"."""
_ENCODED_KEY = (r"(?<![\w\-.])key[\"']?[ \t]*[:=][ \t]*[\"']?"
                r"([A-Za-z0-9+/]{22,86}={0,2}|[0-9a-fA-F]{32,128})(?![\w+/=])")
"""A key named "key" alone, its bytes in base64 or hex ("key: \"8YvF2c3z…=\"", an ESPHome device's API encryption key);
a word or a name after "key" is a dictionary's or a config's, not a secret (random_like)."""
_WIFI_QR = r"WIFI:(?:[A-Z]:(?:\\.|[^;\\\n])*;)*?P:((?:\\.|[^;\\\n])+)"
"""A Wi-Fi network's password in the text of the QR code phones share a network with: "WIFI:S:Home;T:WPA;P:Secret123;;"
(ZXing's format: fields in any order, ";", ":" and "\\" escaped with a backslash)."""


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
        check=openai_key_like,
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
        ("xoxa-", "xoxb-", "xoxp-", "xoxr-", "xapp-"),
        re.compile(r"(?<![A-Za-z0-9_])(?:xox[abpr]|xapp)-[A-Za-z0-9\-]{10,250}"),
        0.97,
        check=has_digit,
    ),
    SecretPattern(  # each service's own prefix and length: GitLab, Google's API keys, npm, Hugging Face, SendGrid
        "service_token",
        ("glpat-", "aiza", "npm_", "hf_", "sg."),
        re.compile(r"(?<![A-Za-z0-9_\-])(?:glpat-[A-Za-z0-9_\-]{20,64}|AIza[0-9A-Za-z_\-]{35}|npm_[A-Za-z0-9]{36}"
                   r"|hf_[A-Za-z]{34}|SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43})(?![A-Za-z0-9_\-])"),
        0.97,
        check=token_like,  # not "hf_" and 34 letters of one case
    ),
    SecretPattern(
        "connection_string_key",
        ("accountkey=", "sharedaccesskey="),
        re.compile(r"(?:AccountKey|SharedAccessKey)=([A-Za-z0-9+/]{40,100}={0,2})(?![A-Za-z0-9+/=])"),
        0.97,
        group=1,
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
        check=jwt_header_ok,
    ),
    SecretPattern(
        "bearer_token",
        ("bearer",),
        re.compile(r"(?i:bearer)[ \t]+([A-Za-z0-9\-._~+/]{16,}=*)(?![A-Za-z0-9\-._~+/=])"),  # RFC 6750's b64token
        0.95,
        group=1,
        check=token_like,
    ),
    SecretPattern(
        "basic_credentials",
        ("basic",),
        re.compile(r"(?i:basic)[ \t]+([A-Za-z0-9+/]{8,}={0,2})(?![A-Za-z0-9+/=])"),
        0.95,
        group=1,
        check=basic_credentials,
    ),
    SecretPattern(
        "url_credentials",
        ("://",),
        re.compile(r"(?<=[A-Za-z0-9])://([^\s/@:?#]{0,64}:[^\s/@?#]{1,128})@"),  # "redis://:pass@host" names no user
        0.98,
        group=1,
    ),
    SecretPattern(  # what a URL holds as its secret: Telegram's Bot API, Discord's and Slack's webhooks
        "url_token",
        ("://",),  # found from the URL's "://": a trigger of its own costs every message's scan (0.35 us)
        re.compile(r"://[^\s/]{1,255}/(?:[^\s/]{1,64}/){0,4}bot([0-9]{6,12}:[A-Za-z0-9_\-]{30,60})(?![A-Za-z0-9_\-])"
                   r"|://[^\s/]{1,255}/api/webhooks/[0-9]{17,20}/([A-Za-z0-9_\-]{60,100})(?![A-Za-z0-9_\-])"
                   r"|://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Z0-9]+/[A-Z0-9]+/([A-Za-z0-9]{20,40})"
                   r"(?![A-Za-z0-9])"),
        0.97,
        group=-1,
        check=token_like,  # not the documentation's "XXXXXXXXXXXXXXXXXXXXXXXX"
    ),
    SecretPattern(  # "telegram bot token 123456789:AAH...", "discord token MTIz...": a token named, no ":" or "="
        "stated_token",
        ("token",),
        re.compile(r"(?i:(?<![A-Za-z0-9_])token)(?:[ \t]+(?i:is|was))?[ \t]+([A-Za-z0-9_\-.:]{20,200})"),
        0.85,
        group=1,
        check=token_like,
        widen=before_closing_punctuation,
    ),
    SecretPattern(
        "xml_element",
        _ASSIGNMENT_WORDS,
        re.compile(rf"(?<=<){_SECRET_NAME}>([^<\r\n]{{1,200}})</"),
        0.9,
        group=1,
        check=plausible_literal,
        named=True,
    ),
    SecretPattern("command_password", ("mysql", "mariadb", "docker", "podman", "sshpass", "redis-cli"),
                  re.compile(_COMMAND_PASSWORD), 0.9, group=-1, check=plausible_value),
    SecretPattern("user_password_option", ("-u", "--user"), re.compile(_USER_PASSWORD), 0.9, group=-1,
                  check=user_and_password),
    SecretPattern("wifi_qr_code", ("wifi",), re.compile(_WIFI_QR), 0.95, group=1),
    SecretPattern("encoded_key", ("key:", "key=", "key =", "key\":", "key':"), re.compile(_ENCODED_KEY), 0.9, group=1,
                  check=random_like),
    *(SecretPattern(name, _ASSIGNMENT_WORDS, re.compile(prefix + _VALUE), 0.9, group=1, check=check,
                    widen=with_own_brackets, named=True)
      for name, prefix, check in (("assignment", _ASSIGNED, plausible_value),
                                  ("said_in_cjk", _SAID_IN_CJK, latin_or_digits))),
    # Quotes or markup around a value mark its ends ("**Hunter22**"), better than where an unquoted value stops.
    *(SecretPattern(name, _ASSIGNMENT_WORDS, re.compile(f"(?:{prefix}){wrapped}"), 0.92, group=-1, check=check,
                    named=True)
      for name, prefix, wrapped, check in (
          ("quoted_assignment", _NAMED, _QUOTED, plausible_literal),  # a string literal: 'p(4ss' is no call
          ("code_assignment", _NAMED, _CODE, plausible_value),
          ("emphasized_assignment", f"{_ASSIGNED}|{_SAID_IN_CJK}", _EMPHASIZED, latin_or_digits))),
    SecretPattern(
        "emphasized_password",
        (*PASSWORD_CUES, *NETWORK_CUES),
        re.compile(_STATED + _EMPHASIZED),
        0.92,
        group=-1,
        check=password_like,
    ),
    *CODE_PATTERNS,
    SecretPattern(
        "stated_password",
        (*PASSWORD_CUES, *NETWORK_CUES),
        re.compile(_STATED + _STATED_VALUE),
        0.85,
        group=1,
        check=password_like,
        widen=before_closing_punctuation,
    ),
)


_SPELLED = {"eyj": "eyJ", "hf_": "hf_"}
"""Triggers found as they are spelled (str.find), not in the scan of the lowered text: a JWT's "eyJ" made every
"e" of a text a place for that scan to look, a Hugging Face token's "hf_" every "h" (their patterns match only this
spelling anyway)."""
# `in` tests mapped, not a generator (which cost 1.4 % of the pii benchmark's instructions) nor one regex of both
# (which looked at every "e" and "h": ~10,000 instructions a message of that benchmark more, cachegrind).
_SPELLED_IN = tuple(_SPELLED.values())


@functools.cache
def _trigger_words(triggers: tuple[str, ...]) -> Words:
    """The triggers as words of the one scan, made once for each set of them: every kind made stays in it (context)."""
    return Words(*triggers)


class SecretRecognizer:
    """Credentials of every kind: each pattern is tried only where one of its triggers occurs.

    The scan of the lower-cased text for context words finds every trigger too (a case-sensitive
    pattern then just fails to match where only the lower-cased text had its trigger).
    """

    entity = "SECRET"

    def __init__(self, patterns: tuple[SecretPattern, ...] = SECRET_PATTERNS) -> None:
        self.patterns = patterns
        self._by_trigger: dict[str, list[SecretPattern]] = {}
        for pattern in patterns:
            for trigger in pattern.triggers:
                self._by_trigger.setdefault(trigger.lower(), []).append(pattern)
        self._triggers = _trigger_words(tuple(trigger for trigger in self._by_trigger if trigger not in _SPELLED))

    def applies(self, text: str) -> bool:
        """One of the triggers is needed."""
        return self._triggers.anywhere(text) or any(map(text.__contains__, _SPELLED_IN))

    def find(self, text: str) -> Iterator[Finding]:
        """Yield secrets; for assignments and URLs only the secret part is the finding."""
        hits = self._triggers.occurrences(text)
        for trigger, spelled in _SPELLED.items():
            at = text.find(spelled)
            while at != -1:
                hits.append((at, trigger))
                at = text.find(spelled, at + 1)
        hits.sort()
        if not hits:
            return
        seen: set[tuple[int, int]] = set()
        candidates = [
            (pattern, m)
            for pos, trigger in hits
            for pattern in self._by_trigger[trigger]
            if (m := pattern.regex.match(text, pos)) and (pattern.before is None or (m := pattern.look_before(text, m)))
        ]
        for pattern, m in candidates:
            group = pattern.group
            if group == -1:
                group = next(i for i in range(1, m.re.groups + 1) if m.group(i) is not None)
            span = m.span(group)
            if pattern.widen is not None:
                span = (span[0], pattern.widen(text, *span))
            if span in seen:
                continue
            value = text[span[0] : span[1]]
            if pattern.check is not None and not pattern.check(value):
                continue
            if pattern.named and _A_KEY_NAMED.match(text, m.start()) and not key_like(value):
                continue  # a lexer's "token = Punctuation", a paginator's "output_token": "Marker"
            seen.add(span)
            yield Finding(self.entity, span[0], span[1], value, pattern.confidence)

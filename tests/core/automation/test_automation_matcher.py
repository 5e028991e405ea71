"""The message index finds exactly the triggers a check of every trigger would find."""

from __future__ import annotations

import re
import sys
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.automation.matcher import (
    MessageIndex,
    MessageTrigger,
    required_literal,
    required_literals,
)
from core.message import Message

PLATFORMS = ["telegram", "discord", "console"]
COMMANDS = ["ping", "help", "check_logs", "alert", "go"]
# Plain words, and words of characters whose case rules are unusual (final sigma, dotted and
# dotless i, Kelvin sign, long s, sharp s, micro sign): the index case-folds text and
# literals, while the regexes and the checks compare in their own ways.
PLAIN = st.text(alphabet="abcdexyz", min_size=1, max_size=5)
TRICKY = st.text(alphabet="aisk" + "ΣσςİıIKſSßµΜ", min_size=1, max_size=3)
WORDS = st.one_of(PLAIN, TRICKY)


@st.composite
def patterns(draw: st.DrawFn, vocab: list[str]) -> re.Pattern[str]:
    word = st.sampled_from(vocab)
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["word", "word", "digits", "any", "group", "alt", "optional", "class", "space"]))
        escaped = re.escape(draw(word))
        parts.append({
            "word": escaped,
            "digits": r"\d+",
            "any": ".*",
            "group": f"(?P<g{len(parts)}>{escaped})",
            "alt": f"(?:{escaped}|{re.escape(draw(word))})",
            "optional": f"(?:{escaped})?",
            "class": "[a-cΣ]",
            "space": r"\s+",
        }[kind])
    body = "".join(parts)
    if draw(st.booleans()):
        body = "^" + body
    flags = re.IGNORECASE if draw(st.booleans()) else 0
    return re.compile(body, flags)


@st.composite
def triggers(draw: st.DrawFn, index: int, vocab: list[str]) -> MessageTrigger:
    def rarely() -> bool:  # filters that rule most messages out keep the interesting cases rare
        return draw(st.integers(0, 3)) == 0

    def maybe(values: st.SearchStrategy) -> frozenset[str] | None:
        return frozenset(draw(st.lists(values, min_size=1, max_size=2))) if rarely() else None

    return MessageTrigger(
        automation=f"automation{index}",
        index=index,
        platforms=maybe(st.sampled_from(PLATFORMS)),
        commands=maybe(st.sampled_from(COMMANDS)),
        pattern=draw(st.one_of(st.none(), patterns(vocab))),
        contains=tuple(draw(st.lists(st.sampled_from(vocab), max_size=2))),
        mention=rarely(),
        chats=maybe(st.sampled_from(["c1", "c2"])),
        senders=maybe(st.sampled_from(["ann", "bob"])),
    )


@st.composite
def messages(draw: st.DrawFn, vocab: list[str]) -> Message:
    words = draw(st.lists(st.one_of(st.sampled_from(vocab), WORDS, st.sampled_from(["12", "7"])), max_size=8))
    text = draw(st.sampled_from([" ", "", "\n", "-"])).join(words)
    if draw(st.booleans()):
        text = draw(st.sampled_from(["/", "!"])) + draw(st.sampled_from(COMMANDS + ["other"])) + " " + text
    text = draw(st.sampled_from([str, str.upper, str.lower, str.swapcase, str.casefold]))(text)
    return Message.create(
        draw(st.sampled_from(PLATFORMS)), draw(st.sampled_from(["c1", "c2", "c3"])),
        draw(st.sampled_from(["ann", "bob", "eve"])), text,
        bot_names=("roost",), mentions_bot=draw(st.booleans()),
    )


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[list[MessageTrigger], list[Message]]:
    vocab = draw(st.lists(WORDS, min_size=1, max_size=6))
    count = draw(st.integers(0, 12))
    found = [draw(triggers(i, vocab)) for i in range(count)]
    return found, draw(st.lists(messages(vocab), min_size=1, max_size=6))


def brute_force(found: list[MessageTrigger], message: Message) -> list[tuple[MessageTrigger, dict]]:
    results = []
    for trigger in found:
        variables = trigger.check(message)
        if variables is not None:
            results.append((trigger, variables))
    return results


def _same(index: MessageIndex, found: list[MessageTrigger], message: Message) -> None:
    got = index.match(message)
    want = brute_force(found, message)
    assert [t for t, _ in got] == [t for t, _ in want], message.text
    assert [v for _, v in got] == [v for _, v in want]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_index_matches_exactly_like_brute_force(scenario) -> None:
    found, said = scenario
    index = MessageIndex()
    for trigger in found:
        index.add(trigger)
    for message in said:
        _same(index, found, message)


TRANSFORMS = st.sampled_from([str, str.upper, str.lower, str.swapcase, str.casefold, str.title])


@settings(max_examples=300, deadline=None)
@given(TRICKY, st.text(alphabet="aΣıİS", max_size=2), st.text(alphabet="aΣıİS", max_size=2),
       TRANSFORMS, st.booleans(), st.booleans())
def test_case_rules_never_hide_a_match(word, before, after, transform, ignorecase, as_contains) -> None:
    text = before + transform(word) + after
    if as_contains:
        trigger = MessageTrigger("x", 0, contains=(word,))
    else:
        trigger = MessageTrigger("x", 0, pattern=re.compile(re.escape(word), re.IGNORECASE if ignorecase else 0))
    index = MessageIndex()
    index.add(trigger)
    _same(index, [trigger], _msg(text))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.data())
def test_index_stays_exact_after_removals(scenario, data) -> None:
    found, said = scenario
    index = MessageIndex()
    for trigger in found:
        index.add(trigger)
    index.match(said[0])  # build the index once before changing it
    removed = data.draw(st.lists(st.sampled_from(found), unique=True)) if found else []
    for trigger in removed:
        index.remove(trigger)
    kept = [t for t in found if t not in removed]
    assert len(index) == len(kept)
    for message in said:
        _same(index, kept, message)


@pytest.mark.parametrize(("pattern", "text"), [
    ("aΣ", "aΣb"),  # str.lower() would give a final sigma for the literal, not for the text
    ("(?i)ſ", "s"),  # long s and s are the same letter to re.IGNORECASE
    ("(?i)k", "\u212a"),  # Kelvin sign
    ("(?i)ix", "İx"),  # str.lower() turns İ into two characters
    ("(?i)µ", "Μ"),  # micro sign and capital mu
])
def test_unusual_case_rules(pattern: str, text: str) -> None:
    index = MessageIndex()
    trigger = MessageTrigger("x", 0, pattern=re.compile(pattern))
    index.add(trigger)
    message = _msg(text)
    assert trigger.check(message) is not None
    assert [t for t, _ in index.match(message)] == [trigger]


def test_contains_folds_case_like_the_index() -> None:
    index = MessageIndex()
    trigger = MessageTrigger("x", 0, contains=("STRASSE", "ſchön"))
    index.add(trigger)
    assert [t for t, _ in index.match(_msg("die Strasse ist SCHÖN"))] == [trigger]
    assert index.match(_msg("die strasse ist schon")) == []


def _msg(text: str, platform: str = "telegram") -> Message:
    return Message.create(platform, "c1", "ann", text)


def test_fixed_examples() -> None:
    index = MessageIndex()
    check = MessageTrigger("check", 0, platforms=frozenset({"telegram"}), pattern=re.compile(r"^/check_(?P<what>\w+)"))
    alert = MessageTrigger("alert", 0, platforms=frozenset({"whatsapp"}), commands=frozenset({"alert"}))
    bot = MessageTrigger("bot", 0, platforms=frozenset({"discord"}), mention=True)
    disk = MessageTrigger("disk", 0, pattern=re.compile(r"(?i)disk\s+(is\s+)?full"))
    for trigger in (check, alert, bot, disk):
        index.add(trigger)
    assert [t.automation for t, _ in index.match(_msg("/check_logs 30m"))] == ["check"]
    assert index.match(_msg("/check_logs 30m"))[0][1]["match"] == {"what": "logs"}
    assert index.match(_msg("/check_logs", "discord")) == []
    assert [t.automation for t, _ in index.match(_msg("!alert DISK IS FULL", "whatsapp"))] == ["alert", "disk"]
    assert [t.automation for t, _ in index.match(Message.create("discord", "c", "u", "hey @Roost", bot_names=("roost",)))] == ["bot"]
    assert index.match(_msg("all good")) == []


def test_candidates_skip_unrelated_patterns() -> None:
    index = MessageIndex()
    many = [MessageTrigger(f"a{i}", 0, pattern=re.compile(f"kw{i:03d}x\\b")) for i in range(200)]
    for trigger in many:
        index.add(trigger)
    candidates = index.candidates(_msg("this mentions KW017X only"))
    assert [t.automation for t in candidates] == ["a17"]


@pytest.mark.parametrize(("pattern", "expected"), [
    (r"^/check_(?P<what>\w+)", {"/check_"}),
    (r"hello\s+world", {"hello"}),
    (r"(?:abc)?defg", {"defg"}),
    (r"colou?r", {"color", "colour"}),
    (r"foo(bar|baz)", {"foobar", "foobaz"}),
    (r"(?i)^(?:hi|hello|hey)\b", {"hi", "hello", "hey"}),
    (r"(abc)", {"abc"}),
    (r"[ab]cd", {"acd", "bcd"}),
    (r"x*yz", {"yz"}),
    (r"(?i)Alert", {"Alert"}),
    (r"^disk\b.*full$", {"disk"}),
    (r"(?:ab)+c", {"ab"}),
    (r"(?=abc)", {"abc"}),
    (r"(?!abc)x", {"x"}),
    (r"(\w+) \1", {" "}),
    (r"(\w+)\1", None),
    (r"a|b", {"a", "b"}),
    (r"a|\d", None),
    (r"\d+", None),
    (r".*", None),
])
def test_required_literals(pattern: str, expected: set[str] | None) -> None:
    literals = required_literals(re.compile(pattern))
    assert literals == (None if expected is None else frozenset(expected))
    assert required_literal(re.compile(pattern)) == (
        next(iter(expected)) if expected is not None and len(expected) == 1 else None)


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"[a-c]{0,3}(?:[a-c]|\(\?:[a-c]{1,2}(?:\|[a-c]{1,2})*\)[?*+]?|\[[a-c]{1,3}\]|\\d){1,5}",
                     fullmatch=True), st.text(alphabet="abc1", max_size=12))
def test_required_literals_hold_for_every_match(pattern: str, text: str) -> None:
    compiled = re.compile(pattern)
    literals = required_literals(compiled)
    if literals is not None and compiled.search(text):
        assert any(literal in text for literal in literals), (pattern, text, literals)


def test_matching_in_a_thread_while_triggers_change_always_sees_a_whole_index() -> None:
    index = MessageIndex()
    stable = MessageTrigger(automation=None, index=0, commands=frozenset({"stable"}))
    index.add(stable)
    index.rebuild()
    probe = Message.create("test", "c1", "alice", "/stable now")
    missed: list[int] = []
    done = threading.Event()

    def match() -> None:
        for _ in range(20_000):
            if stable not in index.candidates(probe):
                missed.append(1)
        done.set()

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # hand the GIL over as often as the interpreter can
    try:
        thread = threading.Thread(target=match)
        thread.start()
        while not done.is_set():
            other = MessageTrigger(automation=None, index=1, commands=frozenset({"other"}))
            index.add(other)
            index.rebuild()
            index.remove(other)
        thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert missed == []
    assert index.candidates(probe) == [stable]

"""Fast message matching: a command table, a literal index over patterns, a platform prefilter.

Each message trigger is indexed by the cheapest key it has: its command (a dict lookup), or a
literal every match must contain (found for all triggers at once by one trie-shaped regex over
the lower-cased text), or, failing both, a short list checked in turn. Only candidates found
this way run their full checks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from re import _constants as sre_c  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

from core.message import Message


@dataclass(eq=False, slots=True)
class MessageTrigger:
    """One compiled message trigger and the automation it starts."""

    automation: Any
    index: int
    platforms: frozenset[str] | None = None
    commands: frozenset[str] | None = None
    pattern: re.Pattern[str] | None = None
    contains: tuple[str, ...] = ()
    mention: bool = False
    chats: frozenset[str] | None = None
    senders: frozenset[str] | None = None
    order: int = 0
    literal: str | None = field(default=None, init=False)

    def check(self, message: Message) -> dict[str, Any] | None:
        """Return the trigger variables when the message matches every criterion, else None."""
        if self.platforms is not None and message.platform not in self.platforms:
            return None
        if self.commands is not None and message.command not in self.commands:
            return None
        if self.chats is not None and message.chat_id not in self.chats:
            return None
        if self.senders is not None and message.sender not in self.senders:
            return None
        if self.mention and not message.mentions_bot:
            return None
        if self.contains:
            lowered = message.text.lower()
            if not all(item in lowered for item in self.contains):
                return None
        match = None
        if self.pattern is not None:
            match = self.pattern.search(message.text)
            if match is None:
                return None
        variables = message.as_dict()
        variables["trigger"] = "message"
        variables["idx"] = self.index
        variables["message_id"] = message.id
        variables["match"] = match.groupdict() if match else {}
        variables["groups"] = list(match.groups()) if match else []
        return variables


class MessageIndex:
    """All message triggers, indexed so a message is checked only against likely candidates."""

    def __init__(self) -> None:
        self._triggers: list[MessageTrigger] = []
        self._by_command: dict[str, list[MessageTrigger]] = {}
        self._by_literal: dict[str, list[MessageTrigger]] = {}
        self._scan: list[MessageTrigger] = []
        self._literal_regex: re.Pattern[str] | None = None
        self._prefixes: dict[str, tuple[str, ...]] = {}
        self._dirty = False
        self._counter = 0

    def __len__(self) -> int:
        return len(self._triggers)

    def add(self, trigger: MessageTrigger) -> None:
        """Index a trigger."""
        self._counter += 1
        trigger.order = self._counter
        self._triggers.append(trigger)
        self._dirty = True

    def remove(self, trigger: MessageTrigger) -> None:
        """Forget a trigger."""
        self._triggers = [t for t in self._triggers if t is not trigger]
        self._dirty = True

    def _rebuild(self) -> None:
        self._by_command, self._by_literal, self._scan = {}, {}, []
        for trigger in self._triggers:
            if trigger.commands:
                for command in trigger.commands:
                    self._by_command.setdefault(command, []).append(trigger)
                continue
            literal = _best_literal(trigger)
            trigger.literal = literal
            if literal:
                self._by_literal.setdefault(literal, []).append(trigger)
            else:
                self._scan.append(trigger)
        literals = sorted(self._by_literal)
        self._literal_regex = (
            re.compile("(?=(" + _trie_regex(literals) + "))", re.DOTALL) if literals else None
        )
        self._prefixes = {
            lit: tuple(p for p in literals if lit.startswith(p)) for lit in literals
        }
        self._dirty = False

    def candidates(self, message: Message) -> list[MessageTrigger]:
        """Triggers that could match this message (a superset of those that do)."""
        if self._dirty:
            self._rebuild()
        found: list[MessageTrigger] = []
        if message.command is not None:
            found.extend(self._by_command.get(message.command, ()))
        if self._literal_regex is not None:
            seen: set[str] = set()
            for hit in self._literal_regex.finditer(message.text.lower()):
                longest = hit.group(1)
                if longest in seen:
                    continue
                seen.add(longest)
                for literal in self._prefixes[longest]:
                    found.extend(self._by_literal[literal])
        found.extend(self._scan)
        if len(found) > 1:
            unique = {id(t): t for t in found}
            found = sorted(unique.values(), key=lambda t: t.order)
        return found

    def match(self, message: Message) -> list[tuple[MessageTrigger, dict[str, Any]]]:
        """Every trigger that matches, with its variables, in the order they were added."""
        results = []
        for trigger in self.candidates(message):
            variables = trigger.check(message)
            if variables is not None:
                results.append((trigger, variables))
        return results


def _best_literal(trigger: MessageTrigger) -> str | None:
    options: list[str] = list(trigger.contains)
    if trigger.pattern is not None:
        literal = required_literal(trigger.pattern)
        if literal:
            options.append(literal.lower())
    options = [o for o in options if o]
    return max(options, key=len) if options else None


def required_literal(pattern: re.Pattern[str]) -> str | None:
    """The longest run of literal characters every match of pattern must contain, or None."""
    try:
        parsed = sre_parse.parse(pattern.pattern, pattern.flags)
    except (re.error, TypeError, ValueError):
        return None
    best = ""
    run: list[str] = []
    for op, arg in parsed:
        if op is sre_c.LITERAL:
            run.append(chr(arg))
            continue
        if op is sre_c.AT:
            continue
        if len(run) > len(best) or not best:
            best = max(best, "".join(run), key=len)
        run = []
        if op is sre_c.SUBPATTERN:
            inner = _subpattern_literal(arg)
            if inner and len(inner) > len(best):
                best = inner
    if len("".join(run)) > len(best):
        best = "".join(run)
    return best or None


def _subpattern_literal(arg: Any) -> str | None:
    body = arg[-1]
    chars = []
    for op, value in body:
        if op is not sre_c.LITERAL:
            return "".join(chars) or None
        chars.append(chr(value))
    return "".join(chars) or None


def _trie_regex(words: Iterable[str]) -> str:
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _emit(trie)


def _emit(node: dict[str, Any]) -> str:
    ends = "" in node
    branches = [re.escape(char) + _emit(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if ends:
        return "(?:" + body + ")?"
    return body

"""Fast message matching: a command table, a literal index over patterns, a platform prefilter.

Each message trigger is indexed by the cheapest key it has: its command (a dict lookup), or
literals of which every match contains one (found for all triggers at once by one trie-shaped
regex over the case-folded text, see core.automation.literals), or, failing both, a short list
per platform checked in turn. Only candidates found this way run their full checks.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from core.automation.literals import fold, required_literal, required_literals, trie_regex
from core.config import REGEX_MAX_TEXT
from core.message import Message

__all__ = ["MessageIndex", "MessageTrigger", "fold", "required_literal", "required_literals"]

_ORDER = attrgetter("order")


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
    fallback: bool = False
    """Only when no other automation would run for the message (its conditions passed)."""
    max_text: int = REGEX_MAX_TEXT
    order: int = 0
    literals: frozenset[str] | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.contains = tuple(fold(item) for item in self.contains)

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
            folded = fold(message.text)
            if not all(item in folded for item in self.contains):
                return None
        match = None
        if self.pattern is not None:
            match = self.pattern.search(message.text, 0, self.max_text)
            if match is None:
                return None
        if match is None:
            return message_variables(message, self.index, {}, [])
        return message_variables(message, self.index, match.groupdict(), list(match.groups()))


def message_variables(message: Message, index: int, match: dict[str, Any], groups: list[Any]) -> dict[str, Any]:
    """The variables of a message trigger (index idx) that matched with these groups."""
    variables = message.as_dict()
    variables["trigger"] = "message"
    variables["idx"] = index
    variables["message_id"] = message.id
    variables["match"] = match
    variables["groups"] = groups
    variables["raw"] = message.raw  # what the platform sent (a Telegram update, an OpenAI request)
    return variables


@dataclass(slots=True)
class _Indexed:
    """The index of the triggers as they were at one version (a rebuild makes a new one, never changes one)."""

    version: int
    by_command: dict[str, list[MessageTrigger]] = field(default_factory=dict)
    by_literal: dict[str, list[MessageTrigger]] = field(default_factory=dict)
    scan: list[MessageTrigger] = field(default_factory=list)
    scan_by_platform: dict[str, list[MessageTrigger]] = field(default_factory=dict)
    literal_regex: re.Pattern[str] | None = None
    prefixes: dict[str, tuple[str, ...]] = field(default_factory=dict)


class MessageIndex:
    """All message triggers, indexed so a message is checked only against likely candidates.

    A message may be matched in a worker thread while the event loop adds or removes triggers (a
    reload): matching reads one index, made whole before it replaces the last one, and an index
    made from triggers that changed meanwhile is made again at the next match.
    """

    def __init__(self) -> None:
        self._triggers: list[MessageTrigger] = []
        self._version = 0
        self._indexed = _Indexed(0)
        self._counter = 0

    def __len__(self) -> int:
        return len(self._triggers)

    @property
    def platforms(self) -> frozenset[str]:
        """The platforms the triggers name (a trigger without a platform filter names none)."""
        return frozenset().union(*(t.platforms for t in self._triggers if t.platforms is not None))

    def add(self, trigger: MessageTrigger) -> None:
        """Index a trigger (after those added before it)."""
        self._counter += 1
        trigger.order = self._counter
        self._triggers = [*self._triggers, trigger]
        self._version += 1

    def remove(self, trigger: MessageTrigger) -> None:
        """Forget a trigger."""
        self._triggers = [t for t in self._triggers if t is not trigger]
        self._version += 1

    def reorder(self, key: Callable[[MessageTrigger], Any]) -> None:
        """Put the triggers in the order of key (the order a message's runs start in)."""
        triggers = sorted(self._triggers, key=key)
        for order, trigger in enumerate(triggers, 1):
            trigger.order = order
        self._counter = len(triggers)
        self._triggers = triggers
        self._version += 1

    def rebuild(self) -> _Indexed:
        """Index the triggers added or removed since the last rebuild (matching does it when needed)."""
        indexed = _Indexed(self._version)  # read before the triggers: a change after it makes the next match rebuild
        for trigger in self._triggers:
            if trigger.commands:
                for command in trigger.commands:
                    indexed.by_command.setdefault(command, []).append(trigger)
                continue
            trigger.literals = _best_literals(trigger)
            if trigger.literals:
                for literal in trigger.literals:
                    indexed.by_literal.setdefault(literal, []).append(trigger)
            else:
                indexed.scan.append(trigger)
        literals = sorted(indexed.by_literal)
        if literals:
            indexed.literal_regex = re.compile("(?=(" + trie_regex(literals) + "))", re.DOTALL)
        known = set(literals)
        indexed.prefixes = {
            lit: tuple(lit[:n] for n in range(1, len(lit) + 1) if lit[:n] in known) for lit in literals
        }
        self._indexed = indexed
        return indexed

    def candidates(self, message: Message) -> list[MessageTrigger]:
        """Triggers that could match this message (a superset of those that do), in order."""
        indexed = self._indexed
        if indexed.version != self._version:
            indexed = self.rebuild()
        platform = message.platform
        scan = indexed.scan_by_platform.get(platform)
        if scan is None:  # the unindexed triggers that accept a platform, found once per platform
            scan = indexed.scan_by_platform[platform] = [
                t for t in indexed.scan if t.platforms is None or platform in t.platforms]
        commands = indexed.by_command.get(message.command) if message.command is not None else None
        hits: set[str] = set()
        if indexed.literal_regex is not None:
            hits = {hit.group(1) for hit in indexed.literal_regex.finditer(fold(message.text))}
        if not hits and not commands:
            return list(scan)
        chosen = set(scan)
        if commands:
            chosen.update(commands)
        by_literal = indexed.by_literal
        for longest in hits:
            for literal in indexed.prefixes[longest]:
                chosen.update(by_literal[literal])
        return sorted(chosen, key=_ORDER)

    def match(self, message: Message) -> list[tuple[MessageTrigger, dict[str, Any]]]:
        """Every trigger that matches, with its variables, in order."""
        results = []
        for trigger in self.candidates(message):
            variables = trigger.check(message)
            if variables is not None:
                results.append((trigger, variables))
        return results


def _best_literals(trigger: MessageTrigger) -> frozenset[str] | None:
    """The literal set to index a trigger by: its longest `contains` word, or its pattern's needs."""
    options: list[frozenset[str]] = [frozenset({item}) for item in trigger.contains if item]
    if trigger.pattern is not None:
        literals = required_literals(trigger.pattern)
        if literals:
            folded = frozenset(fold(literal) for literal in literals)
            if all(folded):
                options.append(folded)
    if not options:
        return None
    return max(options, key=lambda strings: (min(map(len, strings)), -len(strings)))

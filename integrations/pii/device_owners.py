"""A person's name in the name a device gives itself (PERSON): `Anna's iPhone`, `Annas-MacBook-Pro`, `annas_iphone`.

An Apple device names itself after its owner as it is set up ("Anna’s iPhone"), its network name follows
(`Annas-MacBook-Pro.local`, a shell's prompt `anna@Annas-MacBook-Pro ~ %`), and a home automation system's entities
after it (`device_tracker.annas_iphone`, `notify.mobile_app_annas_iphone`): a router's list of clients, a Bluetooth
log or a pasted configuration names the household. The possessive before a device's word is the sign: a maker's or a
time's (`Apple's iPhone`, `this year's iPhone`) is nobody's. Where only the joined form shows it, the name keeps its
possessive's "s" (`Annas`): a name that ends in one (`James-MacBook`) cannot be told from it. Home Assistant names
its people's entities after them too (`person.anna`, `entity_id: person.tom_becker`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .context import Words
from .names import with_repeats
from .registry import Finding

__all__ = ["DEVICE_WORDS", "DeviceOwnerRecognizer"]

_DEVICES = ("iPhone", "iPad", "iPod", "iMac", "MacBook", "Mac mini", "Mac Studio", "Mac Pro", "Apple Watch", "AirPods",
            "HomePod", "Apple TV")
"""The devices that name themselves after their owner as they are set up (an Android phone takes its model's)."""
_WORD = r"[A-Z][^\W\d_]*(?:-[A-Z][^\W\d_]*)?"
_SHOWN = re.compile(r"(?<![\w'’])(" + _WORD + r"(?:[ \t]+" + _WORD + r")?)['’]s?[ \t]+(?:"
                    + "|".join(device.replace(" ", r"[ \t]+") for device in _DEVICES) + r")(?![^\W\d_])")
"""As the device shows its name: one or two capitalised words, a possessive and the device's word."""
_JOINED = re.compile(r"(?<![\w/\-])(?:mobile_app_)?((?:[A-Za-z][a-z]*[-_])?[A-Za-z][a-z]*s)[-_](?i:iphone|ipad|imac"
                     r"|macbook|mac-mini|mac-studio|mac-pro|mbp|mba|apple[-_]watch|airpods)(?![a-z0-9])")
"""As a network or a home automation system writes it: the words joined by dashes or underscores, the possessive's
apostrophe gone (`Anna-Schmidts-MacBook-Pro`, `annas_iphone`); not within a web address's path."""
_DOMAIN = re.compile(r"\.(?:local|lan|home|fritz\.box|localdomain|home\.arpa|internal)\b")
"""A home network's domain after a device's host name (`annas-iphone.fritz.box`, `annas-mbp.local`)."""
DEVICE_WORDS = Words("iphone", "ipad", "ipod", "mac", "apple", "airpods", "homepod", "mbp", "mba", "person.",
                     cues=("phone", "pad", "pod", "mac", "pple", "mbp", "mba", "person."))
"""The devices' words, or the part of them the scan looks for: none begins with an i or an a, which would make it stop
at every i or a of a text (substring tests of the words' parts took each message of the pii benchmark 1.3-2.6 us more,
as a text with Chinese characters widens each ASCII word it is searched for), and Home Assistant's people's domain."""
_PERSON_ENTITY = re.compile(r"(?:entity_id:[ \t]*|states\.|[\"'][ \t]*|^[ \t]*-[ \t]+)person\.([a-z][a-z0-9_]*[a-z0-9])"
                            r"(?=\.(?:state|attributes|last_changed)\b|[^\w.(]|$)", re.MULTILINE)
"""A person's entity where Home Assistant's configuration or a template names one (`entity_id: person.anna`,
`states.person.tom.state`, `is_state('person.anna', 'home')`, a list's `- person.anna`): not an attribute in code's
`print(person.age)`, whose context is no entity's."""
_ENTITY_LIST = re.compile(r"entity_id:[ \t]*\[[^\]\n]*\]")
"""The entities Home Assistant's configuration lists on one line (`entity_id: [person.anna, person.tom]`)."""
_LISTED_PERSON = re.compile(r"person\.([a-z][a-z0-9_]*[a-z0-9])\b")
"""A person's entity in such a list."""
_NOBODYS = frozenset((
    "apple", "apples", "today", "todays", "year", "years", "week", "weeks", "month", "months", "world", "worlds",
    "everyone", "everyones", "nobody", "nobodys", "someone", "someones", "this", "his", "hers", "its", "ours", "yours",
    "theirs", "my", "new", "news", "old", "best", "cases", "accessories", "deals", "last", "next", "buys", "uses",
    "reviews", "tips", "apps", "settings", "parents", "kids", "mums", "moms", "dads", "name", "id", "email", "user",
))
"""What stands before a device's word and is nobody's name: a maker, a time, a pronoun, a shop's words, a family's;
and the attributes code gives a person (`"person.name"`)."""


def _somebodys(owner: str) -> bool:
    """Whether the words before a device's word may be its owner's name."""
    return all(word.lower() not in _NOBODYS for word in re.split(r"[-_ \t]+", owner))


class DeviceOwnerRecognizer:
    """The owner's name in a device's name, and a person's in Home Assistant's entity of them (0.85)."""

    entity = "PERSON"
    confidence = 0.85

    applies = DEVICE_WORDS.anywhere
    """A text with a device's word, in any case: the words' own test, which the registry calls with no frame of this
    class's between (~500 instructions less a message)."""

    def find(self, text: str) -> Iterator[Finding]:
        """Yield each owner's name before a device's word, and where the text repeats it."""
        return with_repeats(text, self._given(text))

    def _given(self, text: str) -> Iterator[Finding]:
        """Each owner's name before a device's word (a name in lower case only in a home automation system's entity,
        `device_tracker.annas_iphone`, or a host's, `anna@annas-mbp`)."""
        for found in _SHOWN.finditer(text):
            if _somebodys(found.group(1)):
                yield Finding(self.entity, found.start(1), found.end(1), found.group(1), self.confidence)
        for found in _JOINED.finditer(text):
            owner, before = found.group(1), text[found.start() - 1:found.start()]
            if _somebodys(owner) and (owner[0].isupper() or before in (".", "@") or found.start(1) > found.start()
                                      or _DOMAIN.match(text, found.end())):
                yield Finding(self.entity, found.start(1), found.end(1), owner, self.confidence)
        if "person." in text:
            people = [*_PERSON_ENTITY.finditer(text), *(person for listed in _ENTITY_LIST.finditer(text)
                                                         for person in _LISTED_PERSON.finditer(text, *listed.span()))]
            for found in people:
                if _somebodys(found.group(1)):
                    yield Finding(self.entity, found.start(1), found.end(1), found.group(1), self.confidence)

"""A person's name (PERSON) in the name a device gives itself."""

from __future__ import annotations

import pytest

from integrations.pii.recognizers import default_registry


def owners(text: str) -> list[tuple[str, float]]:
    """The PERSON findings the whole registry keeps in text, with their confidence."""
    return [(f.text, f.confidence) for f in default_registry().analyze(text) if f.entity == "PERSON"]


@pytest.mark.parametrize(("text", "owner"), [
    ("Anna's iPhone is connected", "Anna"),
    ("Bluetooth: connected to Tom’s AirPods Pro", "Tom"),
    ("Anna Schmidt’s MacBook Pro went to sleep", "Anna Schmidt"),
    ("James' iPad", "James"),
    ("Where's Anna's Apple Watch?", "Anna"),
    ("Zoë's Mac mini", "Zoë"),
    ("anna@Annas-MacBook-Pro ~ % ls", "Annas"),  # the network's name keeps the possessive's "s"
    ("ping Anna-Schmidts-MacBook-Air.local", "Anna-Schmidts"),
    ("device_tracker.annas_iphone: home", "annas"),  # a home automation system's entity
    ("service: notify.mobile_app_toms_iphone", "toms"),
    ("sensor.annas_iphone_battery_level: 87", "annas"),
    ("ssh pi@annas-mbp", "annas"),
    ("Login attempt with invalid authentication from annas-iphone.fritz.box (a host's)", "annas"),
    ("trigger:\n  - platform: state\n    entity_id: person.anna\n    to: not_home", "anna"),  # a person's entity
    ("{{ is_state('person.tom_becker', 'home') }}", "tom_becker"),
    ("{{ states.person.anna.state }}", "anna"),
])
def test_an_owner_s_name_is_found(text: str, owner: str) -> None:
    assert owners(text) == [(owner, 0.85)]


def test_an_owner_s_name_is_found_where_the_text_repeats_it() -> None:
    assert owners("Anna's iPhone left home at 8. Anna will be back at 6, Annabelle at 7.") == [("Anna", 0.85)] * 2


@pytest.mark.parametrize("text", [
    "Apple's iPhone 15 and this year's iPhone and Today's iPhone deals",  # a maker's, a time's
    "https://www.apple.com/shop/buy-iphone/cases-iphone and best-cases-iphone",  # a shop's words, a web address's path
    "notify.mobile_app_iphone and notify.mobile_app_my_iphone and my-macbook",  # no possessive
    "The Mac mini is fast; my iPhone is old",
    "annas-iphone",  # lower case with no sign that it is a host's or an entity's
    "Kids' iPad settings",
    "I named it annas-iphone.",
    "print(person.name, person.age) and x = [person.email]",  # code's attributes, no entity's context
    "entity_id: person.name",
])
def test_what_is_no_owner_s_name_stays(text: str) -> None:
    assert owners(text) == []


def test_the_people_an_entities_list_names_are_found() -> None:
    assert owners("entity_id: [person.anna, person.tom]") == [("anna", 0.85), ("tom", 0.85)]

"""A contact's card (vCard) and a calendar's invitation (iCalendar): names, the address and the birthday."""

from __future__ import annotations

import pytest

from integrations.pii.engine import PiiSanitizer
from integrations.pii.recognizers import default_registry

CARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Rossi;Maria;Luisa;Dr.;\r\nFN:Dr. Maria Rossi\r\n"
    "TEL;TYPE=CELL:+39 347 123 4567\r\nEMAIL;TYPE=INTERNET:maria.rossi@example.com\r\n"
    "item1.ADR;type=HOME;type=pref:;;Via Roma 1;Milano;MI;20121;Italia\r\nitem1.X-ABADR:it\r\n"
    "BDAY;VALUE=date:1984-03-12\r\nNICKNAME:Mari\r\nORG:Acme S.p.A.\r\nEND:VCARD\r\n"
)
INVITATION = (
    "BEGIN:VEVENT\nSUMMARY:Dentist\nORGANIZER;CN=Tom Becker:mailto:tom@example.com\n"
    "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;CN=\"Schmidt, Anna\":mailto:anna@example.com\nEND:VEVENT"
)


def found(text: str) -> list[tuple[str, str]]:
    """The findings the whole registry keeps in text, as (entity, text)."""
    return [(f.entity, f.text) for f in default_registry().analyze(text)]


def test_a_card_s_names_address_and_birthday_are_found_with_its_number_and_address() -> None:
    assert found(CARD) == [
        ("PERSON", "Rossi"), ("PERSON", "Maria"), ("PERSON", "Luisa"),  # not the prefix "Dr."
        ("PERSON", "Dr. Maria Rossi"), ("PHONE", "+39 347 123 4567"), ("EMAIL", "maria.rossi@example.com"),
        ("ADDRESS", "Via Roma 1;Milano;MI;20121;Italia"), ("DATE_OF_BIRTH", "1984-03-12"), ("PERSON", "Mari"),
    ]


def test_an_invitation_s_organizer_and_attendee_are_found() -> None:
    assert found(INVITATION) == [
        ("PERSON", "Tom Becker"), ("EMAIL", "tom@example.com"), ("PERSON", "Schmidt, Anna"),
        ("EMAIL", "anna@example.com"),
    ]


def test_a_card_s_and_an_invitation_s_names_are_found_where_the_text_repeats_them() -> None:
    card = "BEGIN:VCARD\nN:Rossi;Maria;;Dr.;\nNOTE:Maria prefers mornings\\, ask Dr. Rossi\nEND:VCARD"
    assert found(card) == [("PERSON", "Rossi"), ("PERSON", "Maria"), ("PERSON", "Maria"), ("PERSON", "Rossi")]
    invitation = "BEGIN:VEVENT\nSUMMARY:Lunch with Tom Becker\nORGANIZER;CN=Tom Becker:mailto:tom@example.com"
    assert found(invitation) == [("PERSON", "Tom Becker"), ("PERSON", "Tom Becker"), ("EMAIL", "tom@example.com")]


@pytest.mark.parametrize(("text", "wanted"), [
    ("Here is her vCard:\nN:Schmidt;Anna\nBDAY:19840312", [("PERSON", "Schmidt"), ("PERSON", "Anna"),
                                                            ("DATE_OF_BIRTH", "19840312")]),
    ("BEGIN:VCARD\nFN:Anna Schmidt\nADR;TYPE=HOME:;;Hauptstraße 5\\, Hinterhaus;Berl\n in;;10115;Germany\nEND:VCARD",
     [("PERSON", "Anna Schmidt"), ("ADDRESS", "Hauptstraße 5\\, Hinterhaus;Berl\n in;;10115;Germany")]),  # folded
    ("BEGIN:VCARD\nN:;;;;\nBDAY:\nADR:;;;;;;\nEND:VCARD", []),  # empty values
])
def test_a_card_s_properties_are_read(text: str, wanted: list[tuple[str, str]]) -> None:
    assert found(text) == wanted


@pytest.mark.parametrize("text", [
    "N: 5 and ADR: 3\nBDAY: 1984-03-12",  # no card: a structured name, an address and a birthday are read only in one
    "FN:Anna Schmidt",  # a formatted name alone (README, Not done yet)
    "search with ldap filter (cn=admin)",  # no invitation's
])
def test_what_is_no_card_s_property_stays(text: str) -> None:
    assert [entity for entity, _ in found(text) if entity in ("PERSON", "ADDRESS", "DATE_OF_BIRTH")] == []


async def test_a_card_keeps_its_shape_as_it_is_sanitized(sanitizer: PiiSanitizer) -> None:
    clean = await sanitizer.sanitize(CARD, "chat-1")
    assert "N:[PERSON_1];[PERSON_2];[PERSON_3];Dr.;\r\n" in clean
    assert "item1.ADR;type=HOME;type=pref:;;[ADDRESS_1]\r\n" in clean
    assert "Rossi" not in clean and "Via Roma" not in clean and "1984" not in clean
    assert await sanitizer.restore(clean, "chat-1") == CARD

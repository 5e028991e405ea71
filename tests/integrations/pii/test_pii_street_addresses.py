"""Addresses without a label: a house number, a street and a postcode, as seven countries write them on a line."""

from __future__ import annotations

import pytest

from integrations.pii.recognizers import default_registry


def addresses(text: str) -> list[tuple[str, float]]:
    """The ADDRESS findings the whole registry keeps in text, with their confidence."""
    return [(f.text, f.confidence) for f in default_registry().analyze(text) if f.entity == "ADDRESS"]


@pytest.mark.parametrize(("text", "address"), [
    ("Ship it to 1600 Pennsylvania Ave NW, Washington, DC 20500 please", "1600 Pennsylvania Ave NW, Washington, DC 20500"),
    ("12 Main St., Apt 4B, Springfield, IL 62704", "12 Main St., Apt 4B, Springfield, IL 62704"),
    ("the office is at 350 Fifth Avenue, New York, NY 10118-0110.", "350 Fifth Avenue, New York, NY 10118-0110"),
    ("12 Oak Ridge, Austin, TX 78701", "12 Oak Ridge, Austin, TX 78701"),
    # Around a unit's word the street's may be any; a floor may come before the town.
    ("807 Deborah Estate Apt. 573, Stephensshire, IA 52219", "807 Deborah Estate Apt. 573, Stephensshire, IA 52219"),
    ("Inc., 51 Franklin Street, Fifth Floor, Boston, MA 02110-1301, USA", "51 Franklin Street, Fifth Floor, Boston, MA 02110-1301"),
    ("send it to 42 Acacia Avenue, Reading RG1 1AA by Friday", "42 Acacia Avenue, Reading RG1 1AA"),
    ("Flat 3, 12 High Street, Leeds LS1 4AP", "Flat 3, 12 High Street, Leeds LS1 4AP"),
    ("34 Marsh Walk, Emilyhaven, OX58 9JP", "34 Marsh Walk, Emilyhaven, OX58 9JP"),
    ("Bitte an Hauptstraße 5, 10115 Berlin schicken", "Hauptstraße 5, 10115 Berlin"),
    ("Wir wohnen in der Lange Gasse 12, 1080 Wien.", "Lange Gasse 12, 1080 Wien"),
    ("Bahnhofstrasse 10, CH-8001 Zürich", "Bahnhofstrasse 10, CH-8001 Zürich"),
    ("Karl-Marx-Allee 33, 10178 Berlin", "Karl-Marx-Allee 33, 10178 Berlin"),
    ("Oda-Preiß-Straße 1, 90404 Sangerhausen", "Oda-Preiß-Straße 1, 90404 Sangerhausen"),
    ("Am Alten Markt 3, 14467 Potsdam", "Am Alten Markt 3, 14467 Potsdam"),
    ("j'habite 12 rue de la Paix, 75002 Paris depuis mai", "12 rue de la Paix, 75002 Paris"),
    ("825, boulevard de François, 77113 Poirier-sur-Mer", "825, boulevard de François, 77113 Poirier-sur-Mer"),
    ("5 bis, avenue Victor Hugo 69003 Lyon", "5 bis, avenue Victor Hugo 69003 Lyon"),
    ("Keizersgracht 123, 1015 CJ Amsterdam", "Keizersgracht 123, 1015 CJ Amsterdam"),
    ("Stationsplein 1, 5211 AP 's-Hertogenbosch", "Stationsplein 1, 5211 AP 's-Hertogenbosch"),
    ("Floortjedreef 28, 1012 TX, Baard", "Floortjedreef 28, 1012 TX, Baard"),
    ("Calle Mayor 5, 28013 Madrid", "Calle Mayor 5, 28013 Madrid"),
    ("Rambla de Catalunya 12, 08007 Barcelona", "Rambla de Catalunya 12, 08007 Barcelona"),
    ("Avenida de la Constitución, 12, 2º B, 41004 Sevilla", "Avenida de la Constitución, 12, 2º B, 41004 Sevilla"),
    ("Via Roma 10, 00184 Roma", "Via Roma 10, 00184 Roma"),
    ("Borgo Pinti, 32, 50121 Firenze", "Borgo Pinti, 32, 50121 Firenze"),
    ("Piazza della Signoria, 5, 50122 Firenze (FI)", "Piazza della Signoria, 5, 50122 Firenze (FI)"),
    ("Vicolo Sgalambro, 59, 30010, Campagna Lupia (VE)", "Vicolo Sgalambro, 59, 30010, Campagna Lupia (VE)"),
])
def test_an_address_with_its_number_and_postcode_is_found_without_a_label(text: str, address: str) -> None:
    assert addresses(text) == [(address, 0.8)]


def test_a_label_gives_the_surer_finding() -> None:
    """An address after its label is the label recognizer's (0.85), whole."""
    assert addresses("Address: 221B Baker Street, London NW1 6XE") == [("221B Baker Street, London NW1 6XE", 0.85)]


@pytest.mark.parametrize("text", [
    "I live on Baker Street",  # a street alone: without its number and postcode, no sure address
    "We met at 10 Downing Street yesterday",
    "Take Route 66 and drive 200 miles",
    "sent via email on 12 May",
    "The court ruled 5-4 in 2020",
    "Version 2.0 of the road map, 12345 entries",
    "the meeting place is room 12, 10115 guests",
    "Order 12345 shipped via UPS, 90210 Beverly Hills",
    "see lane 3, 12345 Main",
    "commit 4f2a street view, TX 12345",
    "Order 12 shipped today, Boston, MA 02110",  # no street: its words begin in lower case
    "v2 Release Notes, Boston, MA 02110",  # no house number: "2" continues "v"
    "sent from roost.gateway, st. 5, 10115 Berlin",
])
def test_what_is_no_whole_address_stays(text: str) -> None:
    assert addresses(text) == []

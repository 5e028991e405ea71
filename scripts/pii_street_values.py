"""Addresses written whole without a label for the pii evaluation (a house number, a street, a postcode and a town, as
the US, the UK, Germany, France, the Netherlands, Spain and Italy write them), with the sentences that hold them and the
hard negatives beside them (streets and numbers that make no address)."""

from __future__ import annotations

import random
from collections.abc import Callable

__all__ = ["STREET_ADDRESSES", "STREET_NEGATIVE", "street_address"]

_NAMES = ("Oak", "Maple", "Cedar", "Washington", "Lincoln", "Park", "Lake", "Hill", "Church", "Mill", "King", "Queen",
          "Victoria", "Station", "Market", "Green", "Martin Luther King", "5th", "Elm", "Sunset")
_US_TOWNS = (("Springfield", "IL"), ("Austin", "TX"), ("Portland", "OR"), ("Boston", "MA"), ("Denver", "CO"),
             ("San Jose", "CA"), ("New York", "NY"), ("Miami", "FL"))
_UK_TOWNS = (("London", "SW1A 1AA"), ("Leeds", "LS1 4AP"), ("Reading", "RG1 1AA"), ("Manchester", "M1 1AE"),
             ("Bristol", "BS1 5TR"), ("Glasgow", "G2 3BZ"), ("Cardiff", "CF10 1EP"))
_DE_TOWNS = (("10115", "Berlin"), ("80331", "München"), ("50667", "Köln"), ("1080", "Wien"), ("CH-8001", "Zürich"),
             ("20095", "Hamburg"), ("60311", "Frankfurt am Main"))
_FR_TOWNS = (("75002", "Paris"), ("69003", "Lyon"), ("13001", "Marseille"), ("31000", "Toulouse"), ("33000", "Bordeaux"))
_NL_TOWNS = (("1015 CJ", "Amsterdam"), ("3011 AD", "Rotterdam"), ("2511 CV", "Den Haag"), ("3511 LX", "Utrecht"))
_ES_TOWNS = (("28013", "Madrid"), ("08002", "Barcelona"), ("41004", "Sevilla"), ("46001", "Valencia"))
_IT_TOWNS = (("00184", "Roma"), ("20121", "Milano"), ("50122", "Firenze (FI)"), ("80133", "Napoli"))


def street_address(rng: random.Random) -> str:
    """A whole address on a line, as one of seven countries writes it."""
    number, name = rng.randint(1, 9999), rng.choice(_NAMES)
    small = rng.randint(1, 150)
    return rng.choice((
        lambda: (f"{number} {name} {rng.choice(('Street', 'St.', 'Avenue', 'Ave', 'Road', 'Blvd', 'Lane', 'Drive', 'Way'))}"
                 f"{rng.choice(('', ', Apt 4B', ' Suite 200'))}, {'{}, {}'.format(*rng.choice(_US_TOWNS))} "
                 f"{rng.randint(10000, 99999)}"),
        lambda: (f"{rng.choice(('', 'Flat 3, '))}{small}{rng.choice(('', 'B'))} {name} "
                 f"{rng.choice(('Road', 'Street', 'Close', 'Gardens', 'Crescent', 'Lane'))}, {'{} {}'.format(*rng.choice(_UK_TOWNS))}"),
        lambda: (f"{rng.choice(('Haupt', 'Bahnhof', 'Garten', 'Schiller', 'Goethe'))}"
                 f"{rng.choice(('straße', 'strasse', 'weg', 'allee', 'platz'))} {small}{rng.choice(('', 'a'))}, "
                 f"{'{} {}'.format(*rng.choice(_DE_TOWNS))}"),
        lambda: (f"{small}{rng.choice(('', ' bis'))}, {rng.choice(('rue', 'avenue', 'boulevard', 'place'))} "
                 f"{rng.choice(('de la Paix', 'Victor Hugo', 'du Général Leclerc', 'des Lilas'))}, "
                 f"{'{} {}'.format(*rng.choice(_FR_TOWNS))}"),
        lambda: (f"{rng.choice(('Keizers', 'Heren', 'Prinsen'))}{rng.choice(('gracht', 'straat', 'laan'))} {small}, "
                 f"{'{} {}'.format(*rng.choice(_NL_TOWNS))}"),
        lambda: (f"{rng.choice(('Calle', 'Avenida', 'Paseo'))} {rng.choice(('Mayor', 'de la Constitución', 'del Prado'))}"
                 f"{rng.choice((' ', ', '))}{small}, {'{} {}'.format(*rng.choice(_ES_TOWNS))}"),
        lambda: (f"{rng.choice(('Via', 'Viale', 'Piazza', 'Corso'))} {rng.choice(('Roma', 'Garibaldi', 'della Signoria'))}"
                 f"{rng.choice((' ', ', '))}{small}, {'{} {}'.format(*rng.choice(_IT_TOWNS))}"),
    ))()


STREET_ADDRESSES: list[tuple[str, Callable[[random.Random], str], list[str]]] = [
    ("ADDRESS", street_address, ["Please ship it to {v} by Friday.", "{v}", "Our new office: {v}", "send the keys to {v}",
                                 "Bitte an {v} schicken.", "j'habite {v} depuis mai"]),
]
"""Addresses without a label: a stream of their own, so that the other types' sentences stay as they were."""

STREET_NEGATIVE: list[Callable[[random.Random], str]] = [
    lambda r: r.choice([f"We met at {r.randint(1, 99)} Downing Street yesterday", "I live on Baker Street",
                        f"Take Route {r.randint(1, 99)} and drive {r.randint(10, 500)} miles",
                        f"sent via email on {r.randint(1, 28)} May", f"The court ruled 5-4 in {r.randint(1990, 2025)}",
                        f"Version {r.randint(1, 9)}.0 of the road map, {r.randint(10000, 99999)} entries",
                        f"the meeting place is room {r.randint(1, 99)}, {r.randint(10000, 99999)} guests",
                        f"Order {r.randint(10000, 99999)} shipped via UPS, tracking {r.randint(10000, 99999)}",
                        f"Die Straße ist {r.randint(2, 9)} km lang, {r.randint(1000, 9999)} Autos am Tag",
                        f"la rue est fermée du {r.randint(1, 28)} au {r.randint(1, 28)} mai"]),
]

"""Addresses written whole without a label for the pii evaluation (a house number, a street, a postcode and a town, as
the US, Canada, Australia, the UK, Germany, France, Belgium, the Netherlands, Spain, Italy, Portugal, Brazil, Poland,
the Nordic countries, China, Japan and Korea write them), with the sentences that hold them and the hard negatives
beside them (streets and numbers that make no address)."""

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
_CA_TOWNS = (("Toronto", "ON M5H 2M9"), ("Vancouver", "BC V6B 1A1"), ("Calgary", "AB T2P 1J9"), ("Halifax", "NS B3J 1S9"))
_AU_TOWNS = (("Sydney", "NSW 2000"), ("Melbourne", "VIC 3000"), ("Brisbane", "QLD 4000"), ("Perth", "WA 6000"))
_BE_TOWNS = (("1000", "Bruxelles"), ("1050", "Ixelles"), ("4000", "Liège"), ("1204", "Genève"), ("1003", "Lausanne"))
_PT_TOWNS = (("1100-053", "Lisboa"), ("4050-262", "Porto"), ("3000-123", "Coimbra"))
_BR_TOWNS = (("São Paulo - SP", "01310-200"), ("Rio de Janeiro - RJ", "22270-000"), ("Belo Horizonte, MG", "30130-010"))
_PL_TOWNS = (("00-590", "Warszawa"), ("31-234", "Kraków"), ("80-827", "Gdańsk"), ("61-139", "Poznań"))
_NORDIC = (("Storgatan", "111 23 Stockholm"), ("Kungsgatan", "411 19 Göteborg"), ("Vesterbrogade", "1620 København V"),
           ("Karl Johans gate", "0154 Oslo"), ("Mannerheimintie", "00100 Helsinki"), ("Drottningvägen", "752 36 Uppsala"))
_ZH_PLACES = ("北京市朝阳区建国路", "上海市浦东新区世纪大道", "广东省深圳市南山区科技园路", "杭州市西湖区文三路", "台北市信義區信義路五段",
              "上海市黄浦区南京东路300弄", "成都市武侯区人民南路")
_JA_PLACES = ("東京都千代田区千代田", "大阪府大阪市北区梅田", "神奈川県横浜市中区山下町", "札幌市中央区北一条西", "京都府京都市下京区烏丸通")
_KO_PLACES = ("서울특별시 중구 세종대로", "경기도 성남시 분당구 판교역로", "부산광역시 해운대구 해운대로", "서울특별시 강남구 테헤란로")


def street_address(rng: random.Random) -> str:
    """A whole address on a line, as one of the countries above writes it."""
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
        lambda: (f"{rng.choice(('', 'Unit 5, ', 'Suite 300, '))}{number} {name} {rng.choice(('Street', 'St', 'Road', 'Avenue'))}"
                 f", {'{}, {}'.format(*rng.choice(_CA_TOWNS)) if rng.random() < 0.5 else '{} {}'.format(*rng.choice(_AU_TOWNS))}"),
        lambda: (f"{rng.choice(('Rue de la Loi', 'Avenue Louise', 'Chaussée de Wavre', 'Rue du Rhône'))} {small}, "
                 f"{'{} {}'.format(*rng.choice(_BE_TOWNS))}"),
        lambda: (f"{rng.choice(('Rua Augusta', 'Avenida da Liberdade', 'Rua das Flores', 'Praça do Comércio'))}, {small}, "
                 f"{'{} {}'.format(*rng.choice(_PT_TOWNS)) if rng.random() < 0.5 else '{}, {}'.format(*rng.choice(_BR_TOWNS))}"),
        lambda: (f"{rng.choice(('ul. Marszałkowska', 'al. Jerozolimskie', 'ul. Długa', 'pl. Grunwaldzki'))} {small}"
                 f"{rng.choice(('', '/4'))}, {'{} {}'.format(*rng.choice(_PL_TOWNS))}"),
        lambda: "{} {}, {}".format(*(lambda place: (place[0], small, place[1]))(rng.choice(_NORDIC))),
        lambda: f"{rng.choice(_ZH_PLACES)}{small}{rng.choice(('号', '號'))}{rng.choice(('', '3栋1201室'))}",
        lambda: (f"{rng.choice(_JA_PLACES)}{rng.choice((f'{rng.randint(1, 9)}丁目{small}番{rng.randint(1, 30)}号', f'{rng.randint(1, 9)}-{small}'))}"),
        lambda: f"{rng.choice(_KO_PLACES)} {small}",
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
                        f"la rue est fermée du {r.randint(1, 28)} au {r.randint(1, 28)} mai",
                        f"今天是{r.randint(1, 12)}月{r.randint(1, 28)}号，上海市的人都知道{r.randint(1, 18)}号线很挤",
                        f"东京都の人口は{r.randint(1000, 1400)}万人、大阪市は{r.randint(200, 300)}万人",
                        f"서울로 가요, {r.randint(1, 12)}시에 만나요",
                        f"Smith et al. {r.randint(1990, 2025)}, pp. {r.randint(10, 99)}-{r.randint(100, 999)}"]),
]

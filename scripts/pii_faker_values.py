"""Faker's makers for the pii evaluation (``--values faker``): for each of the evaluation's own makers that Faker has a
provider for, Faker's, and hard negatives around numbers Faker makes that are nobody's personal data."""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable

from pii_account_values import account_number
from pii_birth_id_values import (
    amka,
    be_national_number,
    cnp,
    fodselsnummer,
    hetu,
    personnummer,
    pesel,
    rodne_cislo,
)
from pii_coordinate_values import coordinates
from pii_developer_values import login_name
from pii_device_values import mac_address
from pii_east_asian_values import japanese_address, japanese_person, korean_address, korean_person
from pii_id_values import (
    ahv,
    bsn,
    codice_fiscale,
    cpf,
    cuit,
    curp,
    dni,
    il_id,
    itin,
    kimlik,
    nir,
    rut,
    sin,
    svnr,
    thai_id,
    tw_id,
)
from pii_plate_values import chinese_plate
from pii_values import (
    address,
    bare_ssn,
    birth_date,
    birth_month,
    card,
    chinese_address,
    chinese_person,
    email,
    iban,
    ipv4,
    ipv6,
    passport,
    password,
    person,
    phone,
    security_code,
    ssn,
    written_cn_id,
)

__all__ = ["faker_values"]

#: Faker's locales for phone numbers, with the region libphonenumber validates them in.
FAKER_PHONE_LOCALES = {"en_US": "US", "en_CA": "CA", "en_GB": "GB", "de_DE": "DE", "fr_FR": "FR", "es_ES": "ES",
                       "it_IT": "IT", "nl_NL": "NL", "nl_BE": "BE", "en_AU": "AU", "en_IN": "IN", "ja_JP": "JP",
                       "ko_KR": "KR", "zh_CN": "CN", "zh_TW": "TW"}
FAKER_IBAN_LOCALES = ("de_DE", "fr_FR", "en_GB", "es_ES", "it_IT", "nl_NL", "pl_PL", "pt_PT", "fi_FI", "no_NO",
                      "de_AT", "de_CH", "nl_BE")
FAKER_BBAN_LOCALES = ("de_DE", "pl_PL", "cs_CZ", "es_ES", "pt_PT", "fi_FI", "no_NO", "de_AT", "da_DK", "fr_FR")
"""Locales whose banks' account numbers (BBANs, as Faker writes them) are all digits."""
FAKER_NAME_LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "pl_PL", "pt_BR", "sv_SE",
                      "tr_TR", "en_IN")
FAKER_ADDRESS_LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "nl_NL", "es_ES", "it_IT")
FAKER_CARD_TYPES = ("visa", "visa13", "visa19", "mastercard", "amex", "discover", "diners", "jcb15", "jcb16",
                    "maestro")


def faker_values(seed: int) -> tuple[dict[Callable[[random.Random], str], Callable[[random.Random], str]],
                                     list[Callable[[random.Random], str]]]:
    """Faker's maker in place of each of ours it has a provider for, and hard negatives around numbers it makes
    that are nobody's personal data (seeded; imported only when asked)."""
    import phonenumbers
    from faker import Faker
    fakers: dict[str, Faker] = {}

    def fake(locale: str) -> Faker:
        if locale not in fakers:
            fakers[locale] = Faker(locale)
            fakers[locale].seed_instance(seed)
        return fakers[locale]

    def fake_phone(rng: random.Random) -> str:
        locale, region = rng.choice(sorted(FAKER_PHONE_LOCALES.items()))
        while True:  # Faker fills its formats with random digits: keep what the numbering plan allows
            number = fake(locale).phone_number()
            try:
                if phonenumbers.is_valid_number(phonenumbers.parse(number, region)):
                    return number
            except phonenumbers.NumberParseException:
                pass

    us, zh = fake("en_US"), fake("zh_CN")
    nobodys = [us.ean13, us.ean8, us.upc_a, us.isbn13, us.isbn10, us.iso8601, lambda: str(int(us.unix_time())), us.ein,
               us.aba, us.swift, us.uuid4, us.md5, us.sha1, us.license_plate, us.pricetag,
               us.user_agent, us.zipcode, zh.postcode, us.vin,
               us.credit_card_expire, us.sbn9]
    templates = ["Item {} ships today.", "记录：{}。", "{} noted", "见 {}"]
    negatives = [lambda rng, make=make: rng.choice(templates).format(make()) for make in nobodys]
    return {
        phone: fake_phone,
        card: lambda rng: fake("en_US").credit_card_number(rng.choice(FAKER_CARD_TYPES)),
        ssn: lambda rng: fake("en_US").ssn(),
        bare_ssn: lambda rng: fake("en_US").ssn().replace("-", rng.choice(["", " "])),
        written_cn_id: lambda rng: fake("zh_CN").ssn(),
        iban: lambda rng: fake(rng.choice(FAKER_IBAN_LOCALES)).iban(),
        email: lambda rng: fake(rng.choice(["en_US", "zh_CN", "de_DE"])).email(),
        ipv4: lambda rng: fake("en_US").ipv4_public(),
        mac_address: lambda rng: fake("en_US").mac_address(),
        login_name: lambda rng: fake(rng.choice(FAKER_NAME_LOCALES)).user_name(),
        chinese_plate: lambda rng: fake("zh_CN").license_plate(),
        coordinates: lambda rng: f"{fake('en_US').latitude()}, {fake('en_US').longitude()}",
        ipv6: lambda rng: _kept(fake("en_US").ipv6, lambda v: not v.startswith("ff")),
        passport: lambda rng: fake("en_US").passport_number(),
        password: lambda rng: fake("en_US").password(length=rng.randint(8, 16)),
        security_code: lambda rng: fake("en_US").credit_card_security_code(),
        person: lambda rng: (lambda f: f"{f.first_name()} {f.last_name()}")(fake(rng.choice(FAKER_NAME_LOCALES))),
        chinese_person: lambda rng: fake("zh_CN").name(),
        address: lambda rng: fake(rng.choice(FAKER_ADDRESS_LOCALES)).address().replace("\n", ", "),
        chinese_address: lambda rng: fake("zh_CN").address(),
        japanese_person: lambda rng: fake("ja_JP").name(),
        korean_person: lambda rng: fake("ko_KR").name(),
        japanese_address: lambda rng: fake("ja_JP").address(),
        korean_address: lambda rng: fake("ko_KR").address(),
        dni: lambda rng: fake("es_ES").nie() if rng.random() < 0.3 else fake("es_ES").nif(),
        cpf: lambda rng: fake("pt_BR").cpf(),
        nir: lambda rng: fake("fr_FR").ssn(),
        bsn: lambda rng: fake("nl_NL").ssn(),
        codice_fiscale: lambda rng: fake("it_IT").ssn(),
        sin: lambda rng: fake("en_CA").ssn(),
        be_national_number: lambda rng: fake("nl_BE").ssn(),
        tw_id: lambda rng: fake("zh_TW").ssn(),
        personnummer: lambda rng: fake("sv_SE").ssn(),
        pesel: lambda rng: fake("pl_PL").ssn(),
        kimlik: lambda rng: fake("tr_TR").ssn(),
        itin: lambda rng: fake("en_US").itin(),
        curp: lambda rng: _kept(fake("es_MX").curp, lambda v: v[11:13] != "QO"),
        hetu: lambda rng: fake("fi_FI").ssn(),
        ahv: lambda rng: fake("de_CH").ssn(),
        fodselsnummer: lambda rng: fake("no_NO").ssn(),
        rodne_cislo: lambda rng: _kept(fake("cs_CZ").birth_number, _czech_birth_day_exists),
        cnp: lambda rng: _kept(fake("ro_RO").ssn, _romanian_birth_day_past),
        rut: lambda rng: _kept(fake("es_CL").rut, lambda v: len(v) >= 11),
        cuit: lambda rng: fake("es_AR").ssn(),
        il_id: lambda rng: fake("he_IL").ssn(),
        svnr: lambda rng: fake("de_AT").ssn(),
        thai_id: lambda rng: fake("th_TH").ssn(),
        amka: lambda rng: fake("el_GR").ssn(),
        account_number: lambda rng: fake(rng.choice(FAKER_BBAN_LOCALES)).bban(),
        birth_date: lambda rng: birth_date(rng, fake("en_US").date_of_birth(minimum_age=1, maximum_age=100)),
        birth_month: lambda rng: birth_month(rng, fake("en_US").date_of_birth(minimum_age=1, maximum_age=100)),
    }, negatives


def _kept(make: Callable[[], str], keep: Callable[[str], bool]) -> str:
    """A value from Faker that keep takes: Faker draws IPv6 addresses from multicast groups' ff00::/8 too (no host's);
    it writes Quintana Roo's CURPs QO, where RENAPO (and python-stdnum) write QR; some of its Czech birth numbers have
    days the calendar lacks (30 February) or births in 1900, some of its CNPs a century digit that puts the birth in
    the 1800s or the future, and some of its RUTs six digits (which python-stdnum refuses too)."""
    while True:
        value = make()
        if keep(value):
            return value


def _czech_birth_day_exists(value: str) -> bool:
    """Whether a Czech birth number's date is one the calendar has, after 1900."""
    year = 1900 + int(value[:2]) + (100 if len(value) == 11 and int(value[:2]) < 54 else 0)
    return _past_day(year, int(value[2:4]) % 50 % 20, int(value[4:6]))


def _romanian_birth_day_past(value: str) -> bool:
    """Whether a CNP's birth date, in the century its first digit tells, is in the past and after 1900."""
    century = {"1": 1900, "2": 1900, "3": 1800, "4": 1800, "5": 2000, "6": 2000}.get(value[0], 1900)
    return _past_day(century + int(value[1:3]), int(value[3:5]), int(value[5:7]))


def _past_day(year: int, month: int, day: int) -> bool:
    try:
        return datetime.date(1900, 12, 31) < datetime.date(year, month, day) <= datetime.date.today()
    except ValueError:
        return False

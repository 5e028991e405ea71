"""The pii evaluation's national identity numbers: the sentences that hold them, and the hard negatives beside them."""

from __future__ import annotations

import random
from collections.abc import Callable

from pii_birth_id_values import (
    be_national_number,
    cnp,
    cpr,
    fodselsnummer,
    hetu,
    personnummer,
    pesel,
    rodne_cislo,
    rrn,
    za_id,
)
from pii_id_values import (
    aadhaar,
    ahv,
    ausweis,
    bsn,
    cie,
    codice_fiscale,
    cpf,
    cuit,
    curp,
    dni,
    epic,
    hkid,
    il_id,
    itin,
    kimlik,
    medicare,
    my_number,
    nhs,
    nif_pt,
    nino,
    nir,
    nric,
    pan,
    pps,
    rut,
    sin,
    svnr,
    tax_id_de,
    tfn,
    tw_id,
)

__all__ = ["ID_NEGATIVE", "NATIONAL_IDS"]

NATIONAL_IDS: list[tuple[str, Callable[[random.Random], str], list[str]]] = [
    ("NATIONAL_ID", dni, ["Mi DNI es {v}.", "NIE: {v}", "documento {v} verificado", "Titular {v}, domicilio en Madrid"]),
    ("NATIONAL_ID", cpf, ["CPF: {v}", "meu CPF é {v}", "cliente {v} cadastrado"]),
    ("NATIONAL_ID", nir, ["numéro de sécurité sociale : {v}", "assuré {v}", "NIR {v}"]),
    ("NATIONAL_ID", aadhaar, ["Aadhaar: {v}", "my aadhaar number is {v}", "UID {v} linked to the account"]),
    ("NATIONAL_ID", bsn, ["BSN: {v}", "mijn BSN is {v}", "burgerservicenummer {v}"]),
    ("NATIONAL_ID", codice_fiscale, ["Codice fiscale: {v}", "C.F. {v}", "il mio codice fiscale è {v}"]),
    ("NATIONAL_ID", nino, ["National Insurance number: {v}", "NI number {v}", "my NINO is {v}"]),
    ("NATIONAL_ID", tax_id_de, ["Steuer-ID: {v}", "Meine steuerliche Identifikationsnummer ist {v}.",
                                "IdNr {v} liegt dem Finanzamt vor"]),
    ("NATIONAL_ID", sin, ["SIN: {v}", "my SIN is {v}", "Social Insurance Number {v} on file",
                          "numéro d'assurance sociale : {v}"]),
    ("NATIONAL_ID", my_number, ["マイナンバー：{v}", "私の個人番号は{v}です", "My Number card {v}"]),
    ("NATIONAL_ID", rrn, ["주민등록번호: {v}", "RRN {v}", "가입자 {v} 확인"]),
    ("NATIONAL_ID", be_national_number, ["Rijksregisternummer: {v}", "INSZ {v}", "numéro de registre national : {v}"]),
    ("NATIONAL_ID", tfn, ["TFN: {v}", "my tax file number is {v}"]),
    ("NATIONAL_ID", tw_id, ["身分證字號：{v}", "我的身份證號碼是{v}"]),
    ("NATIONAL_ID", hkid, ["HKID: {v}", "香港身份證號碼：{v}", "持證人 {v} 已核實"]),
    ("NATIONAL_ID", nric, ["NRIC: {v}", "my NRIC/FIN is {v}", "IC no. {v}"]),
    ("NATIONAL_ID", personnummer, ["Personnummer: {v}", "mitt personnummer är {v}"]),
    ("NATIONAL_ID", pesel, ["PESEL: {v}", "mój PESEL to {v}"]),
    ("NATIONAL_ID", kimlik, ["T.C. Kimlik No: {v}", "TC kimlik numarası {v}"]),
    ("NATIONAL_ID", itin, ["ITIN: {v}", "filed with {v} last year", "my ITIN is {v}"]),
    ("NATIONAL_ID", nhs, ["NHS number: {v}", "my NHS no is {v}"]),
    ("NATIONAL_ID", pan, ["PAN: {v}", "my PAN card {v}", "Permanent Account Number {v}"]),
    ("NATIONAL_ID", curp, ["CURP: {v}", "mi CURP es {v}"]),
    ("NATIONAL_ID", hetu, ["henkilötunnus: {v}", "Henkilötunnus {v}", "personbeteckning {v}"]),
    ("NATIONAL_ID", ahv, ["AHV-Nr.: {v}", "numéro AVS : {v}", "Versicherter {v} gemeldet"]),
    ("NATIONAL_ID", cpr, ["CPR-nr.: {v}", "mit CPR-nummer er {v}"]),
    ("NATIONAL_ID", fodselsnummer, ["fødselsnummer: {v}", "mitt fødselsnummer er {v}", "personnummer {v}"]),
    ("NATIONAL_ID", nif_pt, ["NIF: {v}", "número de contribuinte {v}", "o meu NIF é {v}"]),
    ("NATIONAL_ID", pps, ["PPS number: {v}", "my PPSN is {v}"]),
    ("NATIONAL_ID", svnr, ["SVNR: {v}", "Sozialversicherungsnummer {v}", "meine Versicherungsnummer ist {v}"]),
    ("NATIONAL_ID", rodne_cislo, ["rodné číslo: {v}", "r. č. {v}", "RČ {v}"]),
    ("NATIONAL_ID", cnp, ["CNP: {v}", "cod numeric personal {v}", "CNP este {v}"]),
    ("NATIONAL_ID", za_id, ["SA ID: {v}", "South African identity number {v}", "identity number: {v}"]),
    ("NATIONAL_ID", il_id, ["ת.ז. {v}", "מספר זהות: {v}", "teudat zehut {v}"]),
    ("NATIONAL_ID", rut, ["RUT: {v}", "mi RUT es {v}", "R.U.T. {v}"]),
    ("NATIONAL_ID", cuit, ["CUIT: {v}", "mi CUIL es {v}"]),
    ("NATIONAL_ID", medicare, ["Medicare number: {v}", "my Medicare card {v}"]),
    ("NATIONAL_ID", ausweis, ["Personalausweisnummer: {v}", "Ausweis-Nr. {v}"]),
    ("NATIONAL_ID", cie, ["carta d'identità {v}", "CIE: {v}"]),
    ("NATIONAL_ID", epic, ["Voter ID: {v}", "my voter ID card {v}"]),
]
"""National identity numbers, alone or after their labels: a stream of their own too, so that each new kind leaves the
personal details' shares as they were."""

ID_NEGATIVE: list[Callable[[random.Random], str]] = [
    lambda r: r.choice([f"Steuernummer {r.randint(10, 99)}/{r.randint(100, 999)}/{r.randint(10000, 99999)}",
                        f"sin {r.randint(2, 99)} pedidos pendientes", f"since {r.randint(1990, 2025)}, tickets",
                        "SIN: pending", "マイナンバーカードを申請しました", "Steuer-ID: folgt per Post", "TFN: pending",
                        f"Part {r.choice('ABKMZ')}{r.randint(10**8, 10**9 - 1)} ships", "Nissan Leaf, 2019",
                        f"ordernummer 24{r.randint(10, 12)}{r.randint(10, 28)}-{r.randint(1000, 9999)}",
                        f"order 9{r.randint(10, 99)}-{r.randint(10, 99)}-{r.randint(1000, 9999)}",
                        "NHS number: see your GP letter", "CPR training on Monday, AHV form attached",
                        f"circuit {r.randint(10, 99)}-{r.randint(10**7, 10**8 - 1)}-{r.randint(0, 9)} failed",
                        f"we run {r.randint(1, 9)}.{r.randint(100, 999)}.{r.randint(100, 999)}-{r.randint(0, 9)} times",
                        f"účet {r.randint(100000, 999999)}/0800", f"apps {r.randint(10**6, 10**7 - 1)}T installed",
                        "Medicare covers most of it", f"the agencies {r.choice('ABC')}A{r.randint(10000, 99999)}BB met"]),
]



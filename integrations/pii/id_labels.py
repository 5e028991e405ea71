"""The labels of national identity numbers, each with the kinds of number it names: a number after a label is taken
only when it passes the check of one of them ("SIN: 823 456 785" fails a SIN's, though it passes Israel's).

A label that several countries write names each of their kinds: "personnummer" Sweden's, Denmark's and Norway's
numbers, "NIF" Portugal's and Spain's, "身份證號碼" Hong Kong's and Taiwan's, "identity number" South Africa's and
Israel's, "Sozialversicherungsnummer" Austria's and Switzerland's, "IC no." Singapore's and Malaysia's, "DNI" Spain's
and Argentina's, "driving licence" the UK's and the US's.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .birth_id_checks import (
    amka_valid,
    be_national_number_valid,
    cnp_valid,
    cpr_shaped,
    fodselsnummer_valid,
    hetu_valid,
    mykad_valid,
    nik_valid,
    personnummer_valid,
    pesel_valid,
    rodne_cislo_valid,
    rrn_shaped,
    za_id_valid,
)
from .context import Words
from .document_checks import (
    ausweis_valid,
    cie_shaped,
    epic_shaped,
    medicare_valid,
    philsys_shaped,
    uk_licence_valid,
    us_licence_shaped,
)
from .id_checks import (
    aadhaar_valid,
    ahv_valid,
    ar_dni_shaped,
    bsn_valid,
    cccd_shaped,
    codice_fiscale_valid,
    cpf_valid,
    cuit_valid,
    curp_valid,
    dni_valid,
    hkid_valid,
    il_id_valid,
    itin_shaped,
    kimlik_valid,
    my_number_valid,
    nhs_valid,
    nif_pt_valid,
    nino_shaped,
    nir_valid,
    nric_valid,
    pan_shaped,
    pps_valid,
    rut_valid,
    sin_valid,
    svnr_valid,
    tax_id_de_valid,
    tfn_valid,
    thai_id_valid,
    tw_id_valid,
)
from .labels import NUMBER_GAP

__all__ = ["ID_LABEL", "ID_LABEL_WORDS", "KINDS_OF_LABEL"]

Check = Callable[[str], bool]

ID_LABEL_WORDS = Words("dni", "nie", "cpf", "nir", "aadhaar", "aadhar", "bsn", "burgerservicenummer", "codice fiscale",
                       "cod. fisc", "c.f.", "national insurance", "ni number", "ni no", "nino", "sécurité sociale",
                       "securite sociale", "numéro de sécu", "steuer", "dentifikationsnummer", "dnr", "sin ", "sin:",
                       "sin#", "s.i.n", "social insurance", "assurance sociale", "ndividual number", "my number card",
                       "マイナンバー", "個人番号", "주민등록번호", "주민번호", "resident registration", "rrn",
                       "rijksregister", "registre national", "nsz", "niss", "tfn", "tax file number", "身分證", "身份證",
                       "dentity card", "nric", "c no", "c number", "personnummer", "personnr", "pesel", "tc kimlik",
                       "t.c. kimlik", "tckn", "tin ", "tin:", "nhs", "pan:", "pan#", "pan card", "pan no",
                       "permanent account", "curp", "tunnus", "personbeteckning", "ahv", "avs", "sozialversicherung",
                       "sv-nummer", "svnr", "versicherungsnummer", "cpr", "dselsnummer", "d-nummer", "nif ", "nif:",
                       "nif.", "contribuinte", "ppsn", "pps n", "pps:", "rodn", "r.č", "r. č", "rč", "cnp", "cod numeric",
                       "dentity number", "sa id", "teudat", "ת.ז", "תעודת זהות", "מספר זהות", "rut ", "rut:", "run ",
                       "run:", "r.u.", "cuit", "cuil", "medicare", "ausweis", "carta d", "cie:", "cie n", "voter id",
                       "pic no", "pic:", "mykad", "o. k/p", "o k/p", "ad pengenalan", "thai id", "citizen id",
                       "เลขประจำตัวประชาชน", "บัตรประชาชน", "nik ", "nik:", "nduk kependudukan", "amka", "αμκα", "α.μ.κ.α",
                       "cccd", "cmnd", "căn cước", "can cuoc", "nacional de identidad", "driving licen", "driver licen",
                       "drivers licen", "driver's licen", "driver’s licen", "dl#", "dl:", "dl no", "dl num", "philsys",
                       "phil id", "philid", "psn", "pcn")
"""Labels of national identity numbers: the labels are searched for only around these ("sin " and not "sin": not
around every "since" and "using"; "tin " and not "itin": not around every "waiting", which cost a 1 MB log block 3.6 %
more instructions; "nif " and not "nif": not around every "significant"). None begins with a letter no other word of
the one scan begins with: a cue may be a label's end ("dentity card", "nsz", "tin ", "tunnus" for "henkilötunnus",
"dselsnummer" for "fødselsnummer") where its first letter (i, h for "HKID", f for "FIN") would make the scan stop at more
places (~2,000 instructions a message of the pii benchmark each)."""
_LABELS: tuple[tuple[str, str, tuple[Check, ...]], ...] = (
    ("dni", r"\b(?i:dni|documento\s+nacional\s+de\s+identidad)", (dni_valid, ar_dni_shaped)),
    ("es", r"\b(?i:nie)", (dni_valid,)),
    ("br", r"\b(?i:cpf)", (cpf_valid,)),
    ("fr", r"\b(?i:nir|num[ée]ro\s+de\s+s[ée]cu(?:rit[ée]\s+sociale)?|s[ée]curit[ée]\s+sociale)", (nir_valid,)),
    ("in_aadhaar", r"\b(?i:aadhaa?r(?:\s+(?:card|number))?)", (aadhaar_valid,)),
    ("nl", r"\b(?i:bsn|burgerservicenummer)", (bsn_valid,)),
    ("it", r"\b(?i:codice\s+fiscale|cod\.\s*fisc\.?|c\.f\.)", (codice_fiscale_valid,)),
    ("gb_nino", r"\b(?i:national\s+insurance(?:\s+number)?|ni\s+(?:number|no\.?)|nino)", (nino_shaped,)),
    ("de", r"\b(?i:steuer-?id(?:-?nr\.?|entifikationsnummer)?|(?:steuerliche\s+)?identifikationsnummer|idnr\.?)",
     (tax_id_de_valid,)),
    ("ca", r"\b(?:(?i:social\s+insurance(?:\s+number)?|num[ée]ro\s+d'assurance\s+sociale)|SIN\b|S\.I\.N\.)", (sin_valid,)),
    ("jp", r"\b(?i:individual\s+number|my\s+number\s+card)|マイナンバー(?:カード)?|個人番号", (my_number_valid,)),
    ("kr", r"\b(?i:resident\s+registration(?:\s+number)?|rrn)|주민(?:등록)?번호[는은]?", (rrn_shaped,)),
    ("be", r"\b(?i:rijksregisternummer|(?:num[ée]ro\s+(?:de|du)\s+)?registre\s+national|insz|niss)",
     (be_national_number_valid,)),
    ("au", r"\b(?i:tfn|tax\s+file\s+number)", (tfn_valid,)),
    ("hk", r"\b(?i:(?:hong\s+kong\s+)?identity\s+card(?:\s+number)?)|香港身份證(?:號碼)?", (hkid_valid,)),
    ("tw", r"身[分份]證(?:字號|號碼|號)?", (tw_id_valid, hkid_valid)),
    ("sg", r"\b(?i:nric(?:/fin)?|ic\s+(?:no\.?|number))", (nric_valid, mykad_valid)),
    ("nordic", r"\b(?i:person(?:nummer|nr\.?))", (personnummer_valid, cpr_shaped, fodselsnummer_valid)),
    ("pl", r"\b(?i:pesel)", (pesel_valid,)),
    ("tr", r"\b(?i:t\.?\s?c\.?\s+kimlik(?:\s+(?:no\.?|numaras[ıi]))?|tckn)", (kimlik_valid,)),
    ("us", r"\b(?i:itin)", (itin_shaped,)),
    ("gb_nhs", r"\b(?i:nhs(?:\s+number)?)", (nhs_valid,)),
    ("in_pan", r"\b(?:(?i:permanent\s+account\s+number)|PAN\b(?:\s+(?i:card))?)", (pan_shaped,)),
    ("mx", r"\b(?i:curp)", (curp_valid,)),
    ("fi", r"\b(?i:henkilö(?:tunnus|turvatunnus)|sosiaaliturvatunnus|personbeteckning)", (hetu_valid,)),
    ("ch", r"\b(?i:ahv(?:-?(?:nr\.?|nummer))?|(?:num[ée]ro\s+)?avs)", (ahv_valid,)),
    ("at", r"\b(?i:sozialversicherungsnummer)", (svnr_valid, ahv_valid)),
    ("at_only", r"\b(?i:versicherungsnummer|sv-?nummer|svnr)", (svnr_valid,)),
    ("dk", r"\b(?i:cpr(?:-?(?:nr\.?|nummer))?)", (cpr_shaped,)),
    ("no", r"\b(?i:f[øo]dselsnummer|d-nummer)", (fodselsnummer_valid,)),
    ("pt", r"\b(?i:nif)", (nif_pt_valid, dni_valid)),
    ("pt_only", r"\b(?i:(?:n[úu]mero\s+de\s+)?contribuinte)", (nif_pt_valid,)),
    ("ie", r"\b(?i:ppsn?)", (pps_valid,)),
    ("cz", r"\b(?i:rodn[ée]\s+[čc][íi]slo|r\.\s?č\.|rč)", (rodne_cislo_valid,)),
    ("ro", r"\b(?i:cnp|cod\s+numeric\s+personal)", (cnp_valid,)),
    ("za", r"\b(?i:south\s+african\s+identity\s+number|sa\s+id(?:\s+number)?)", (za_id_valid,)),
    ("za_il", r"\b(?i:identity\s+number)", (za_id_valid, il_id_valid)),
    ("il", r"\b(?i:teudat\s+zehut)|ת\.?ז\.?|תעודת\s+זהות|מספר\s+זהות", (il_id_valid,)),
    ("cl", r"\b(?:RU[TN]\b|R\.U\.[TN]\.)", (rut_valid,)),
    ("ar", r"\b(?i:cui[tl])", (cuit_valid,)),
    ("au_medicare", r"\b(?i:medicare(?:\s+card)?(?:\s+(?:number|no\.?))?)", (medicare_valid,)),
    ("de_ausweis", r"\b(?i:(?:personal)?ausweis(?:-?nummer|-?nr\.?)?)", (ausweis_valid,)),
    ("it_cie", r"\b(?i:carta\s+d['’]\s?identit[àa]|CIE)", (cie_shaped,)),
    ("in_epic", r"\b(?i:voter\s+id(?:\s+card)?|EPIC)", (epic_shaped,)),
    ("driving_licence", r"\b(?:(?i:driv(?:ing|ers?|er['’]s)\s+licen[cs]e)|DL\b)", (uk_licence_valid, us_licence_shaped)),
    ("ph", r"\b(?:(?i:philsys(?:\s+card)?|phil\s?id)|PSN\b|PCN\b)", (philsys_shaped,)),
    ("my", r"\b(?i:mykad|no\.?\s?k/p|kad\s+pengenalan)", (mykad_valid,)),
    ("th", r"\b(?i:thai\s+id(?:\s+card)?|citizen\s+id)|เลขประจำตัวประชาชน|บัตรประชาชน", (thai_id_valid,)),
    ("id_nik", r"\b(?i:nik|nomor\s+induk\s+kependudukan)", (nik_valid,)),
    ("gr", r"\b(?i:amka|ΑΜΚΑ|Α\.Μ\.Κ\.Α\.)", (amka_valid,)),
    ("vn", r"\b(?i:cccd|cmnd|c[ăa]n\s+c[ưu][ớo]c(?:\s+c[ôo]ng\s+d[âa]n)?)", (cccd_shaped,)),
)
"""Each label's name, its regex and the checks of the kinds it names. A label that begins another is listed after it
("identity number" after "South African identity number")."""
# "SIN", "PAN", "RUT", "RUN", "DL", "PSN" and "PCN" only in capitals: "sin" is Spanish for "without", a pan is for
# cooking, "run" and "rut" are English words, "dl" ends many a word.
ID_LABEL = re.compile("(?:" + "|".join(f"(?P<{name}>{pattern})" for name, pattern, _ in _LABELS) + ")" + NUMBER_GAP)
"""A label, and what may stand between it and its number."""
KINDS_OF_LABEL: dict[str, tuple[Check, ...]] = {name: checks for name, _, checks in _LABELS}
"""The checks of the kinds each label names, by the label's group in ID_LABEL."""

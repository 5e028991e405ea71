"""National identity numbers: alone where shape and check character make them sure, after a label where not."""

from __future__ import annotations

import pytest

from integrations.pii.birth_id_checks import (
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
    rrn_valid,
    za_id_valid,
)
from integrations.pii.document_checks import (
    ausweis_valid,
    cie_shaped,
    epic_shaped,
    medicare_valid,
    philsys_shaped,
    uk_licence_valid,
    us_licence_shaped,
)
from integrations.pii.id_checks import (
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
from integrations.pii.recognizers import default_registry


def national_ids(text: str) -> list[tuple[str, float]]:
    return [(f.text, f.confidence) for f in default_registry().analyze(text) if f.entity == "NATIONAL_ID"]


# Every valid value here is valid for python-stdnum 2.2 too (checked 7 December).
@pytest.mark.parametrize(("check", "valid", "invalid"), [
    (dni_valid, ["12345678Z", "12345678-Z", "X1234567L", "Y0000000Z"], ["12345678A", "X1234567A", "1234567Z"]),
    (cpf_valid, ["12345678909", "52998224725"], ["12345678900", "11111111111", "1234567890"]),
    (nir_valid, ["184127512345640", "269052A58815717"], ["184127512345641", "18412751234564"]),
    (aadhaar_valid, ["234567890124"], ["234567890123", "134567890124", "23456789012"]),
    (bsn_valid, ["123456782", "111222333"], ["123456789", "000000000"]),
    (codice_fiscale_valid, ["RSSMRA85T10A562S", "rssmra85t10a562s", "RSSMRA85T10A56NH"],
     ["RSSMRA85T10A562A", "RSSMRA85Z10A562S"]),
    (nino_shaped, ["AB123456C", "ab 12 34 56 c"], ["QQ123456C", "GB123456A", "AB123456E", "AB12345C"]),
    # 36554266806: two digits repeated; 04658329170: its check digit is right, but it begins with 0.
    (tax_id_de_valid, ["36574261809", "85494067144"], ["36574261890", "36554266806", "04658329170", "3657426180"]),
    # 823456785 and 046454286 pass Luhn, but 8 and 0 begin no SIN.
    (sin_valid, ["123456782", "278018460"], ["123456783", "823456785", "046454286", "12345678"]),
    (my_number_valid, ["621498320257", "000000000000"], ["621498320258", "62149832025", "62149832025X"]),
    # 8507301234560: a number issued since October 2020 has no check digit; 8513301234569: no 30 of month 13.
    (rrn_shaped, ["8507301234569", "8507301234560", "0502284123450"], ["8513301234569", "8507309734569", "850730923456"]),
    (rrn_valid, ["8507301234569", "0502284123450"], ["8507301234560", "8507300234569"]),
    # 02031512304: born in 2002, its check counted with a 2 before the nine digits.
    (be_national_number_valid, ["85073003328", "02031512304", "91060110770"], ["85073003329", "85133003347",
                                                                               "00000000000"]),
    (tfn_valid, ["123456782", "12345679"], ["123456789", "1234567"]),
    (tw_id_valid, ["A123456789", "a123456789", "F131104093"], ["A123456788", "A323456789", "1123456789"]),
    (hkid_valid, ["A123456(3)", "A1234563", "AB987654(3)", "V147586(A)"], ["A123456(4)", "A12345(3)", "1234567(3)"]),
    (nric_valid, ["S1234567D", "T1234567J", "F1234567N", "G1234567X", "M1234567K"], ["S1234567A", "A1234567D",
                                                                                    "S123456D"]),
    # 200101+0004: born in 1920 (a plus: 100 years or more); 640701+7794 would be 1864, before 1900, refused as a
    # Chinese resident ID is.
    (personnummer_valid, ["640701-7794", "19640701-7794", "6407017794", "196407017794", "200101+0004"],
     ["640701-7795", "641301-7790", "640701+7794", "640701-779"]),
    (pesel_valid, ["77082514178", "13242876315", "44051401359"], ["77082514179", "77132514176", "7708251417"]),
    (kimlik_valid, ["39141777694", "10000000146"], ["39141777695", "09141777694", "3914177769"]),
    # 912-55-1234: issued since 2011 (python-stdnum 2.2 refuses 50-65); 912-93-1234: an adopted child's ATIN.
    (itin_shaped, ["912781234", "912551234", "912931234"], ["912451234", "912891234", "812781234", "91278123"]),
    (nhs_valid, ["9434765919", "4010232137"], ["9434765918", "943476591"]),
    (pan_shaped, ["ABCPD1234E", "abcpd1234e", "AAACB1234K"], ["ABCXD1234E", "ABCPD0000E", "ABCPD12345"]),
    # HEGG560427MVZRRL04: born in 1956 in Veracruz; ...MQORRL0x: QO is no state's code (Quintana Roo is QR).
    (curp_valid, ["HEGG560427MVZRRL04", "ZAID260708MTLTZM02", "DOAM020604MASSLXA2"],
     ["HEGG560427MVZRRL05", "HEGG561327MVZRRL04", "HEGG560427MQORRL04", "HEGG560427XVZRRL04"]),
    # 1310523080-like forms come with their dash taken out; 010105A900T: 900 and up are temporary numbers; 131052+308T
    # would be born in 1852, 010130A123?: in 2030.
    (hetu_valid, ["131052-308T", "131052308T", "010105A123P", "290280-1006", "131052-308t"],
     ["131052-308U", "131052+308T", "300280-1006", "010105A900T", "010105G123P"]),
    # 0101901234: born in 1990 (7th digit 1); 0101581234: 1958 by its 1, 2058 by a 5 (the future).
    (cpr_shaped, ["0102031234", "3112991234", "0101581234"], ["3202031234", "0101585234", "010203123"]),
    # 41017000010: a D-number (its day 40 more).
    (fodselsnummer_valid, ["01017000027", "41017000010"], ["01017000028", "01137000020", "0101700002"]),
    # 520701/015: nine digits, born before 1954 (540101/123: after); 855730/1236: a woman's month (57).
    (rodne_cislo_valid, ["855730/1236", "8557301236", "040101/1237", "520701/015"],
     ["855730/1237", "540101/123", "851330/1236"]),
    (cnp_valid, ["1800101221144", "1960321400011"], ["1800101221145", "1801301221144", "1800101991144"]),
    (za_id_valid, ["8001015009087"], ["8001015009088", "8001015009287", "8013015009087"]),
    (ahv_valid, ["7561234567897", "7569518475623"], ["7561234567898", "7571234567896", "756123456789"]),
    (nif_pt_valid, ["123456789", "500008086"], ["123456788", "023456789", "12345678"]),
    # 1234567FA: a number of 2013 on (its second letter A counts).
    (pps_valid, ["1234567T", "1234567TW", "1234567FA", "1234567t"], ["1234567A", "1234567TA", "123456T"]),
    (svnr_valid, ["1237010180"], ["1238010180", "0237010180", "123701018"]),
    (rut_valid, ["123456785", "76543216", "10000013K", "10000013k"], ["123456786", "12345678K", "1234565"]),
    (cuit_valid, ["20123456786", "27312345671"], ["20123456787", "21123456786", "2012345678"]),
    (il_id_valid, ["123456782", "039285739"], ["123456783", "000000000", "12345678"]),
    # 21234567012: the holder's place on the card after the number; 1123456701: no card number begins with 1.
    (medicare_valid, ["2123456701", "21234567012"], ["2123456711", "1123456701", "212345670"]),
    # T220001293: the specimen card of Erika Mustermann; A is no letter of a card number.
    (ausweis_valid, ["T220001293", "t220001293", "L01X00T471"], ["T220001294", "A220001293", "T22000129"]),
    (cie_shaped, ["CA00000AA", "ca12345bb"], ["CA0000AA", "C100000AA"]),
    (epic_shaped, ["ABC1234567"], ["AB1234567", "ABC123456"]),
    # 850730175678: 17 names no place of birth; 851330145678: no 30th of month 13.
    (mykad_valid, ["850730145678", "050101015678"], ["850730175678", "851330145678", "85073014567"]),
    (thai_id_valid, ["1234567890121"], ["1234567890122", "0234567890121", "123456789012"]),
    # 3171234107850001: born 1 July 1985, a woman's day 40 more; 9971…: no province 99.
    (nik_valid, ["3171234107850001", "3171230107850001"], ["9971234107850001", "3171234113850001", "317123410785000"]),
    (amka_valid, ["01018012342"], ["01018012343", "32018012340"]),
    (cccd_shaped, ["001085012345"], ["097085012345", "001485012345", "00108501234"]),
    # MORGA753116SM9IJ: born 11 March 1976 (a woman's month, 53); LEE99 a short surname padded with 9s; 13 is no month,
    # 30 February no day, 9 no surname's first letter.
    (uk_licence_valid, ["MORGA753116SM9IJ", "LEE99710238HA3DX", "morga703116sm9ij"],
     ["MORGA713116SM9IJ", "MORGA702306SM9IJ", "9ORGA753116SM9IJ", "MO9GA753116SM9IJ", "MORGA753116SM9I"]),
    (us_licence_shaped, ["D1234567", "123456789", "A12345678901", "WA1234567"], ["ABC12345", "D1234", "D00000000"]),
    (philsys_shaped, ["123456789012", "1234567890123456"], ["12345678901", "000000000000", "12345678901a"]),
    (ar_dni_shaped, ["12345678", "1234567"], ["123456", "01234567", "123456789"]),
])
def test_check_characters_as_the_issuing_offices_define_them(check, valid: list, invalid: list) -> None:
    assert [value for value in valid if not check(value)] == []
    assert [value for value in invalid if check(value)] == []


@pytest.mark.parametrize(("text", "found"), [
    ("Mi DNI es 12345678Z.", [("12345678Z", 0.96)]),
    ("titular 12345678Z, domicilio en Madrid", [("12345678Z", 0.85)]),
    ("NIE X1234567L", [("X1234567L", 0.96)]),
    ("cliente 123.456.789-09 cadastrado", [("123.456.789-09", 0.95)]),
    ("meu CPF é 12345678909", [("12345678909", 0.96)]),
    ("assuré 1 84 12 75 123 456 40", [("1 84 12 75 123 456 40", 0.96)]),
    ("assuré 180054900717132", [("180054900717132", 0.96)]),  # also a JCB card number of the 15-digit range
    ("card 180051120891408 was charged", []),  # a JCB card whose digits also make an NIR
    ("UID 2345 6789 0124 linked", [("2345 6789 0124", 0.85)]),
    ("my aadhaar number is 234567890124", [("234567890124", 0.96)]),
    ("BSN: 123456782", [("123456782", 0.96)]),
    ("Codice fiscale: RSSMRA85T10A562S", [("RSSMRA85T10A562S", 0.96)]),
    ("C.F. NOBYEL19H14A373F", [("NOBYEL19H14A373F", 0.96)]),  # its "NO" is not the label's "no." for "number"
    ("National Insurance number: AB 12 34 56 C", [("AB 12 34 56 C", 0.96)]),
    ("Steuer-ID: 36 574 261 809", [("36 574 261 809", 0.96)]),
    ("Meine Steuer-IdNr. ist 36574261809", [("36574261809", 0.96)]),
    ("steuerliche Identifikationsnummer: 85494067144", [("85494067144", 0.96)]),
    ("SIN: 278 018 460", [("278 018 460", 0.96)]),
    ("my SIN is 278-018-460", [("278-018-460", 0.96)]),
    ("Social Insurance Number 278018460", [("278018460", 0.96)]),
    ("numéro d'assurance sociale : 278 018 460", [("278 018 460", 0.96)]),
    ("マイナンバー：6214 9832 0257", [("6214 9832 0257", 0.96)]),
    ("私のマイナンバーは621498320257です", [("621498320257", 0.96)]),
    ("個人番号 6214-9832-0257", [("6214-9832-0257", 0.96)]),
    ("My Number card 6214 9832 0257", [("6214 9832 0257", 0.96)]),
    ("가입자 850730-1234569 확인", [("850730-1234569", 0.85)]),
    ("주민등록번호는 850730-1234560입니다", [("850730-1234560", 0.96)]),  # issued since 2020: no check digit
    ("RRN 8507301234569", [("8507301234569", 0.96)]),
    ("titulaire 85.07.30-033.28", [("85.07.30-033.28", 0.85)]),
    ("INSZ 85073003328", [("85073003328", 0.96)]),
    ("numéro de registre national : 02031512304", [("02031512304", 0.96)]),
    ("TFN: 123 456 782", [("123 456 782", 0.96)]),
    ("my tax file number is 123456782", [("123456782", 0.96)]),
    ("身分證字號：A123456789", [("A123456789", 0.96)]),
    ("我的身份證號碼是A123456789", [("A123456789", 0.96)]),
    ("持證人 A123456(3) 已核實", [("A123456(3)", 0.85)]),
    ("持證人 V147586(A) 已核實", [("V147586(A)", 0.85)]),  # its six digits alone make no digit run
    ("香港身份證號碼：A1234563", [("A1234563", 0.96)]),
    ("NRIC: S1234567D", [("S1234567D", 0.96)]),
    ("my NRIC/FIN is G1234567X", [("G1234567X", 0.96)]),
    ("IC no. M1234567K", [("M1234567K", 0.96)]),
    ("Personnummer: 640701-7794", [("640701-7794", 0.96)]),
    ("mitt personnummer är 196407017794", [("196407017794", 0.96)]),
    ("PESEL: 77082514178", [("77082514178", 0.96)]),
    ("mój PESEL to 13242876315", [("13242876315", 0.96)]),  # also a Chinese mobile's shape: the label decides
    ("T.C. Kimlik No: 39141777694", [("39141777694", 0.96)]),
    ("TCKN 10000000146", [("10000000146", 0.96)]),
    ("filed with 912-78-1234 last year", [("912-78-1234", 0.85)]),
    ("my ITIN is 912781234", [("912781234", 0.96)]),
    ("NHS number: 943 476 5919", [("943 476 5919", 0.96)]),
    ("PAN: ABCPD1234E", [("ABCPD1234E", 0.96)]),
    ("my PAN card ABCPD1234E", [("ABCPD1234E", 0.96)]),
    ("mi CURP es HEGG560427MVZRRL04", [("HEGG560427MVZRRL04", 0.96)]),
    ("asiakas 131052-308T kirjattu", [("131052-308T", 0.85)]),
    ("henkilötunnus: 010105A123P", [("010105A123P", 0.96)]),  # born since 2000: its date alone makes no digit run
    ("Henkilötunnus 290280-1006", [("290280-1006", 0.96)]),
    ("Versicherter 756.1234.5678.97", [("756.1234.5678.97", 0.95)]),
    ("AHV-Nr. 7569518475623", [("7569518475623", 0.96)]),
    ("CPR-nr.: 010203-1234", [("010203-1234", 0.96)]),
    ("fødselsnummer 010170 00027", [("010170 00027", 0.96)]),
    ("NIF: 123456789", [("123456789", 0.96)]),
    ("o meu número de contribuinte é 500008086", [("500008086", 0.96)]),
    ("my PPS number is 1234567FA", [("1234567FA", 0.96)]),
    ("SVNR 1237 010180", [("1237 010180", 0.96)]),
    ("Sozialversicherungsnummer: 1237010180", [("1237010180", 0.96)]),
    ("rodné číslo 855730/1236", [("855730/1236", 0.96)]),
    ("CNP 1960321400011", [("1960321400011", 0.96)]),
    ("SA ID 800101 5009 08 7", [("800101 5009 08 7", 0.96)]),
    ("ת.ז. 039285739", [("039285739", 0.96)]),
    ("RUT: 12.345.678-5", [("12.345.678-5", 0.96)]),
    ("mi CUIL es 27-31234567-1", [("27-31234567-1", 0.96)]),
    ("personnummer: 01017000027", [("01017000027", 0.96)]),  # Norway's: a label several countries write names each
    ("NIF: 12345678Z", [("12345678Z", 0.96)]),  # Spain's NIF, a DNI
    ("Medicare number: 2123 45670 1", [("2123 45670 1", 0.96)]),
    ("Personalausweisnummer: T220001293", [("T220001293", 0.96)]),
    ("carta d'identità CA00000AA", [("CA00000AA", 0.96)]),
    ("Voter ID: ABC1234567", [("ABC1234567", 0.96)]),
    ("No. K/P: 850730-14-5678", [("850730-14-5678", 0.96)]),
    ("IC no. 850730-14-5678", [("850730-14-5678", 0.96)]),  # "IC no." names Singapore's and Malaysia's
    ("Thai ID: 1-2345-67890-12-1", [("1-2345-67890-12-1", 0.96)]),
    ("เลขประจำตัวประชาชน 1234567890121", [("1234567890121", 0.96)]),
    ("NIK: 3171234107850001", [("3171234107850001", 0.96)]),
    ("ΑΜΚΑ 01018012342", [("01018012342", 0.96)]),
    ("số căn cước 001085012345", [("001085012345", 0.96)]),
    # A card's shape too (a Mastercard's 51, Luhn; a Visa's 4 and 13 digits, Luhn): the label is surer.
    ("NIK: 5171156304742804", [("5171156304742804", 0.96)]),
    ("SA ID: 4001015009081", [("4001015009081", 0.96)]),
    ("Driving licence number: MORGA753116SM9IJ 35", [("MORGA753116SM9IJ", 0.96)]),  # its issue number after it
    ("driver's license number is D1234567", [("D1234567", 0.96)]),
    ("Driver’s license: D123-4567-8901", [("D123-4567-8901", 0.96)]),
    ("DL# 123456789", [("123456789", 0.96)]),
    ("DNI 12.345.678", [("12.345.678", 0.96)]),  # Argentina's: "DNI" names Spain's and Argentina's
    ("documento nacional de identidad 30.123.456", [("30.123.456", 0.96)]),
    ("PhilSys card number: 1234-5678-9012-3456", [("1234-5678-9012-3456", 0.96)]),  # not the PSN's twelve in it
    ("PSN: 1234-5678-9012", [("1234-5678-9012", 0.96)]),
])
def test_a_national_identity_number_is_found(text: str, found: list) -> None:
    assert national_ids(text) == found


@pytest.mark.parametrize("text", [
    "order 12345678Z shipped",  # labelled as another kind of number
    "part no. 12345678Z",
    "ticket 12345678A",  # the wrong letter
    "123456782 is a number alone",  # nine digits: a BSN only after its label
    "RSSMRA85T10A562S",  # a codice fiscale only after its label
    "AB123456C",  # a National Insurance number only after its label
    "234567890124",  # twelve digits alone
    "2345 6789 0123",  # the wrong check digit
    "CPF 123.456.789-00",
    "Steuer-ID: 36 574 261 808",  # the wrong check digit
    "Steuernummer 181/815/08155",  # a tax number, not the tax ID
    "36574261809",  # eleven digits alone
    "sin 278 018 460 pedidos",  # Spanish "without": SIN is a label only in capitals
    "278 018 460",  # a SIN only after its label
    "SIN: 823 456 785",
    "621498320257",  # a My Number only after its label
    "ref 850730-1234560 ok",  # alone, a resident registration number needs its check digit
    "order 85.07.30-033.28",
    "85073003328",  # a Belgian national number in one block only after its label
    "123456782",  # a tax file number only after its label
    "Part A123456789 ships",  # a Taiwanese ID only after its label
    "Nissan 12345678 sold",
    "A123456(4) is wrong",  # the wrong check character
    "order A123456(3)",
    "A1234563",  # an HKID without its brackets only after its label
    "S1234567D",  # an NRIC only after its label
    "ref 640701-7794",  # a date-stamped reference as often as a personnummer
    "77082514178 PLN",
    "39141777694",
    "filed with 912-45-1234 last year",  # no ITIN's middle digits
    "order 912-78-1234",
    "ABCPD1234E",  # a PAN only after its label
    "pan ABCPD1234E",  # a pan is for cooking
    "PAN: 4111 1111 1111 1111",  # a card's primary account number: the card recognizer's
    "HEGG560427MVZRRL04",  # a CURP only after its label
    "ref 290280-1006",  # a henkilötunnus with a check digit only after its label: a date-stamped reference's shape
    "order 131052-308T",
    "131052-308U",  # the wrong check letter
    "7561234567897",  # an AHV number in one block only after its label (an EAN barcode's shape)
    "756.1234.5678.98",
    "855730/1236",  # a rodné číslo only after its label: an account number and its bank's code
    "12.345.678-5",  # a RUT only after its label
    "we run 12.345.678-5 times",  # "run" is a label only in capitals
    "the circuit 20-12345678-6",  # "cuit" within a word
    "NIF: 123456788",  # the wrong check digit
    "PESEL: 123456782",  # a BSN's check, not a PESEL's: a label names its kinds
    "BSN: 77082514178",
    "Ausweisnummer: T220001294",  # the wrong check digit
    "Medicare covers 2123456701 people",
    "the agencies CA12345BB",  # "cie" within a word
    "technik 3171234107850001",  # "nik" within a word
    ":doi:`10.1137/10081232X`",  # after a slash: a path's or a DOI's part
    "x = +99585767E-22",  # a float's exponent, not a DNI's letter (its mod 23 happens to be right)
    "MyKad 850730175678",  # no place of birth 17
    "MORGA753116SM9IJ",  # a driving licence only after its label
    "driving licence MORGA713116SM9IJ",  # no month 13
    "driver license: pending",
    "device driver license GPL 2.0",
    "the DL 2 copies",
    "dl: 12345678",  # "DL" only in capitals
    "DL: 00000000",
    "NIE 12345678",  # "NIE" names Spain's only: its number has a letter
    "DNI 0123456",
    "psn: 123456789012",  # "PSN" only in capitals
])
def test_numbers_that_are_not_sure_alone_or_fail_their_check_are_left_alone(text: str) -> None:
    assert national_ids(text) == []

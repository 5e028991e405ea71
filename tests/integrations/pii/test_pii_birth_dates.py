"""Dates of birth: a day of the calendar right after a label for one, in the ways people and forms write it."""

from __future__ import annotations

import pytest

from integrations.pii.birth_dates import BirthDateRecognizer


def dates(text: str) -> list[str]:
    recognizer = BirthDateRecognizer()
    return [f.text for f in recognizer.find(text)] if recognizer.applies(text) else []


@pytest.mark.parametrize(("text", "found"), [
    ("DOB: 03/12/1984", ["03/12/1984"]),
    ("Dob: 13/12/84", ["13/12/84"]),
    ("Birthdate 12/13/1984", ["12/13/1984"]),  # month first, as in the US
    ("D.O.B. 1984-03-12", ["1984-03-12"]),
    ("my date of birth is 12 March 1984.", ["12 March 1984"]),
    ("born on March 12th, 1984 in Ohio", ["March 12th, 1984"]),
    ("I was born on the 12th of March, 1984", ["12th of March, 1984"]),
    ("Birthday - March 12", ["March 12"]),
    ("geboren am 12.03.1984", ["12.03.1984"]),
    ("mein Geburtsdatum ist der 12.03.1984", ["12.03.1984"]),  # "is" and an article as other languages say them
    ("ma date de naissance est le 12/03/1984", ["12/03/1984"]),
    ("la mia data di nascita è il 12/03/1984", ["12/03/1984"]),
    ("mein Geburtstag ist der 12. März", ["12. März"]),  # a birthday in other languages
    ("mi cumpleaños es el 12 de marzo", ["12 de marzo"]),
    ("mijn verjaardag is 12 maart", ["12 maart"]),
    ("Date of birth:\n12 March 1984", ["12 March 1984"]),  # a form pasted: the value on the next line
    ('{"first_name": "Anna", "date_of_birth": "1984-03-12"}', ["1984-03-12"]),  # a key's value
    ('{"dob": "12/03/1984", "birthDate": "March 12, 1984"}', ["12/03/1984", "March 12, 1984"]),
    ("dateOfBirth: 1984-03-12", ["1984-03-12"]),
    ("<DateOfBirth>1984-03-12</DateOfBirth>", ["1984-03-12"]),
    ("Nachname;Vorname;Geburtsdatum\nSchmidt;Anna;12.03.1984\nBecker;Tom;31.02.1990", ["12.03.1984"]),  # a table's
    ("née le 12 mars 1984", ["12 mars 1984"]),
    ("nacida el 12 de marzo de 1984", ["12 de marzo de 1984"]),
    ("出生日期：1984年3月12日", ["1984年3月12日"]),
    ("生日是3月12日", ["3月12日"]),
    ("DOB: 03/12/1984 and born on 4 July 1990", ["03/12/1984", "4 July 1990"]),
    # A month and its year.
    ("I was born in March, 1984 in Leeds", ["March, 1984"]),
    ("My birthday is in May 1990", ["May 1990"]),
    ("DOB: 03/1984", ["03/1984"]),
    ("Date of birth: 1984-03", ["1984-03"]),
    ("出生年月：1984年3月", ["1984年3月"]),
    ("出生于1984年3月", ["1984年3月"]),
    ("geboren im März 1984", ["März 1984"]),
    ("nacido en marzo de 1984", ["marzo de 1984"]),
    ("née en mars 1984", ["mars 1984"]),
    ("Nato nel marzo del 1984 a Roma", ["marzo del 1984"]),
    # A place of birth or a weekday between the label and the date.
    ("born in Leeds in March 1984", ["March 1984"]),
    ("I was born in New York City on 12 March 1984", ["12 March 1984"]),
    ("I was born on a Tuesday, 12 March 1984", ["12 March 1984"]),
    ("DOB: Monday 12/03/1984", ["12/03/1984"]),
    ("born in a small village in March 1984", ["March 1984"]),  # a place in lower case after an article
    ("I was born at home on 12 March 1984", ["12 March 1984"]),
    ("born at St Mary's Hospital on 12 March 1984", ["12 March 1984"]),
    ("born in Leeds, a small town, in March 1984", ["March 1984"]),  # a place and what it is, between commas
    ("I was born in New York, the big apple, on 12 March 1984.", ["12 March 1984"]),
    ("生年月日：1984年3月12日", ["1984年3月12日"]),
    ("生年月日は1984年3月12日です", ["1984年3月12日"]),
    ("生年月日：昭和59年3月12日", ["昭和59年3月12日"]),  # 1984, in the years of the Shōwa era
    ("生年月日：平成元年1月8日", ["平成元年1月8日"]),  # the era's first day

    ("생년월일: 1984년 3월 12일", ["1984년 3월 12일"]),
    ("생년월일은 1984.03.12", ["1984.03.12"]),
    ("제 생일은 3월 12일이에요", ["3월 12일"]),
    ("생년월일: 1984년 3월", ["1984년 3월"]),
])
def test_a_date_after_a_label_for_a_date_of_birth_is_found(text: str, found: list) -> None:
    assert dates(text) == found


@pytest.mark.parametrize("text", [
    "born in 1984",  # a year alone
    "born in March",  # a month alone
    "born in Leeds",
    "born in May 2090",  # not yet
    "DOB: 13/1984",
    "生于1984年",
    "la NATO nel marzo del 2024",  # the alliance, not a birth
    "donné en mars 2024",
    "born in Paris in 1984",  # a year alone, after the place
    "Born In The USA 1984",
    "birthday party on Saturday 2024-03-12",
    "Geburtstagsfeier am 12.03.2030",
    "cumpleaños: 31 de febrero",
    "date of birth: required",
    "出生日期：不详",
    "生日快乐",
    "DOB: 31/04/1984",  # no 31 April
    "Date of Birth: 1984-02-30",
    "born 2090-01-01",  # not yet
    "The meeting is on 2024-03-12; the order was placed 12 March 2024.",
    "born in the same year as the launch in 1984",  # a year alone, after the words between
    "I was born at 5 am",
    "生年月日：未記入",
    "born in Leeds, and moved in March 1984",  # a clause, no place's apposition, before the date
    "生年月日：昭和64年1月8日",  # the Shōwa era ended on 7 January 1989
    "生年月日：令和30年1月1日",  # not yet
    "생일 파티는 토요일",
    "생년월일: 1984년 2월 30일",  # no 30 February
])
def test_a_date_that_is_no_one_s_birth_or_no_day_is_left_alone(text: str) -> None:
    assert dates(text) == []

"""Postal addresses after a label: found to the end of their line, sentence or clause, and only where they look like one."""

from __future__ import annotations

import pytest

from integrations.pii.addresses import AddressRecognizer


def addresses(text: str) -> list[str]:
    recognizer = AddressRecognizer()
    return [f.text for f in recognizer.find(text)] if recognizer.applies(text) else []


@pytest.mark.parametrize(("text", "found"), [
    ("Address: 221B Baker Street, London NW1 6XE\nPhone: 1", ["221B Baker Street, London NW1 6XE"]),
    ("my address is 12 Main St. Louis, MO 63101. Thanks!", ["12 Main St. Louis, MO 63101"]),
    ("Address: C. Mayor 5, 28013 Madrid", ["C. Mayor 5, 28013 Madrid"]),
    ("I live at 5 Rue de Rivoli, and I like it", ["5 Rue de Rivoli"]),
    ("Shipping address: 0487 Hull Village Suite 759, Lake Christopher, NH 12345 Email: a@b.c",
     ["0487 Hull Village Suite 759, Lake Christopher, NH 12345"]),
    ("Anschrift: Hauptstr. 5, 12345 Berlin", ["Hauptstr. 5, 12345 Berlin"]),
    ("Address: Via Franzese, 4, 61033, Fermignano (PU)", ["Via Franzese, 4, 61033, Fermignano (PU)"]),
    ("收货地址：北京市朝阳区建国路88号2号楼1203室，电话13812345678", ["北京市朝阳区建国路88号2号楼1203室"]),
    ("住址：上海市浦东新区世纪大道100号 电话：138", ["上海市浦东新区世纪大道100号"]),
    ("我家在浙江省杭州市西湖区文三路90号，欢迎来玩", ["浙江省杭州市西湖区文三路90号"]),
    ("I live at 5 Rue de Rivoli (ring twice)", ["5 Rue de Rivoli"]),  # a remark in brackets is not the address
    ("I live at 5 Mile Road, Ohio", ["5 Mile Road, Ohio"]),
    ("I live at 12 Oak Lane with two dogs", ["12 Oak Lane"]),  # a clause goes on in lower case
    ("Address: 4 Elm St for deliveries", ["4 Elm St"]),
    ("I live at 12 Oak Lane, two dogs inside", ["12 Oak Lane"]),  # after a comma, words with no digit or capital
    ("I live at 12 Oak Lane, Tom feeds the dogs", ["12 Oak Lane"]),  # a clause: two words in lower case after its first
    ("Address: 5 Elm St, Newcastle upon Tyne NE1 4ST", ["5 Elm St, Newcastle upon Tyne NE1 4ST"]),  # a place's particle
    ("Address: 3 Main Street, Frankfurt am Main", ["3 Main Street, Frankfurt am Main"]),
    ("Address: 120, rue de la Paix, 75002 Paris", ["120, rue de la Paix, 75002 Paris"]),
    ("Address: Apt. 4, 5 Elm St, Boston, MA 02110", ["Apt. 4, 5 Elm St, Boston, MA 02110"]),
    ("住所：東京都千代田区千代田1-1", ["東京都千代田区千代田1-1"]),
    ("住所は大阪府大阪市北区梅田3-1-1です", ["大阪府大阪市北区梅田3-1-1"]),
    ("ご住所: 〒100-0001 東京都千代田区千代田1-1 電話: 03-1234-5678", ["〒100-0001 東京都千代田区千代田1-1"]),
    ("地址：台北市信義區市府路1號", ["台北市信義區市府路1號"]),
    ("주소: 서울특별시 강남구 테헤란로 123", ["서울특별시 강남구 테헤란로 123"]),
    ("제 주소는 서울특별시 강남구 테헤란로 123입니다", ["서울특별시 강남구 테헤란로 123"]),
    ("Kevin gave Alma his address: 5049 Harjukuja 54, Seinäjoki", ["5049 Harjukuja 54, Seinäjoki"]),  # told of others
    ("Tomomi Nishiyama lives at Rua do Arenque 1634, Goiânia", ["Rua do Arenque 1634, Goiânia"]),
    ("My mom lives at 12 Oak Lane, Springfield", ["12 Oak Lane, Springfield"]),
    # Over several lines, as a letter's head or a form writes it, to the last line with a digit
    ("Address: 221B Baker Street\nLondon NW1 6XE\nUnited Kingdom\nPhone: 1", ["221B Baker Street\nLondon NW1 6XE"]),
    ("Shipping address:\n1600 Pennsylvania Ave NW\nWashington, DC 20500",
     ["1600 Pennsylvania Ave NW\nWashington, DC 20500"]),
    ("My address is 12 Main St,\nSpringfield, IL 62704\n\nThanks", ["12 Main St,\nSpringfield, IL 62704"]),
    ("ADDRESS: 224 Bond Street\n Suite 413\n Warwick", ["224 Bond Street\n Suite 413"]),
    ("Address: 12 Main St\nI will be home after 5", ["12 Main St"]),  # a sentence on the next line
    ("Address: 42 Oak Lane\nSee you there at 5", ["42 Oak Lane"]),
    ("Address: 4 Elm St\nanna@example.com 2", ["4 Elm St"]),
    ("Shipping address:\nJane Doe\n742 Evergreen Terrace\nSpringfield, OR 97403",  # whose it is on its first line
     ["Jane Doe\n742 Evergreen Terrace\nSpringfield, OR 97403"]),
])
def test_an_address_after_a_label_is_found_to_its_end(text: str, found: list) -> None:
    assert addresses(text) == found


@pytest.mark.parametrize("text", [
    "my address is on file",
    "Address: see below",
    "IP address: 10.0.0.1",  # the IP recognizer's
    "Address: 0x7ffd5e3c",
    "Address: 192.168.1.1",
    "server:\n  address: 0.0.0.0\n  port: 8080",
    "- address: 12 Main St",
    "I live at home",
    "I live at 5 minutes from the Station",  # a distance, not a house's number
    "we live at 2.5 km from Lyon",
    "the bug lives at line 42 of Parser.py",  # a thing, not a person, lives there
    "The config lives at /etc/roost/Config 2",
    "My email address is a@b.com",
    "我住在北京市",  # a city is no address
    "地址以后再说",
    "住所：未定",
    "주소는 나중에 알려드릴게요",  # "I will tell you the address later"
    "IP 주소: 192.168.0.1",
    "Address:\nName: Anna 5",  # the next line is another label
    "Address: see below\nSuite 5", "Address: TBD\n12 items left", "Address: Jane Doe\nPhone: 555",
])
def test_what_follows_a_label_without_being_an_address_is_left_alone(text: str) -> None:
    assert addresses(text) == []

"""Postal addresses where the text says it gives one: after a label.

"Address: 221B Baker Street, London NW1 6XE", "my address is 12 Main St, Springfield, IL 62704", "I live at 5 Rue
de Rivoli", "收货地址：北京市朝阳区建国路88号2号楼1203室", "住址：上海市浦东新区世纪大道100号", "住所：東京都千代田区千代田1-1",
"주소: 서울특별시 강남구 테헤란로 123". An address runs to the end of its line or sentence, or to the next label ("Phone:",
电话, 電話, 전화), or over the next lines as a letter's head or a form writes it ("Address:\n221B Baker Street\nLondon NW1
6XE"); it must look like one: a number (a house's, a postcode) and a word with a capital in Latin script, a
place word (省 市 区 路 号, 都 県 町 丁目, a Korean word ending in 시 구 동 로 길 …) and a number in Chinese, Japanese
and Korean. A form's label counts as a form writes it (``Address:``, ``Shipping address:``), not ``address:`` (a key in
YAML or code) nor ``IP address:``; "Address: 0x7ffd5e3c" or "Address: 10.0.0.1" has no word with a capital. Without a
label an address is found only written whole, with its house number and postcode (street_addresses.py): where any
other begins and ends in a sentence takes a language model to tell.
"""

from __future__ import annotations

import re

from .context import Words
from .labels import LabelledValueRecognizer
from .street_addresses import last_line_end

__all__ = ["AddressRecognizer"]

_SELF = (r"(?:my|his|her|their|our|your)\s+(?:(?:home|shipping|delivery|billing|postal|mailing|street|new|old)\s+)?"
         r"address(?:\s+is|[ \t]*[:：])|(?:i|we|they|you|parents)\s+live\s+at"
         r"|(?:he|she|who|(?-i:[A-Z][\w'’-]+)|mom|mum|dad|mother|father|sister|brother|son|daughter|wife|husband"
         r"|partner|friend|grandma|grandpa|aunt|uncle)\s+lives\s+at"
         r"|meine\s+adresse\s+ist|mon\s+adresse\s+est|j['’]habite\s+au|mi\s+direcci[oó]n\s+es")
"""A person saying where they or someone live: "my address is", "his address:", "I live at", "Anna lives at" (not "the
file lives at")."""
_FORM = (r"(?:^|(?<=[\n.;,!?(|。；，！？、]))[ \t]*(?:\*\*)?(?:(?i:home|shipping|delivery|billing|postal|mailing|street|"
         r"customer|return|invoice)[ \t]+(?i:address)|Address|ADDRESS|Adresse|Anschrift)[ \t]*[:：](?:\*\*)?"
         r"(?:[ \t]*\n(?![^\n:]*:))?")
_LABEL = re.compile(f"(?:\\b(?i:{_SELF})|{_FORM})[ \\t]*", re.MULTILINE)
_LATIN_END = re.compile(
    r"[\n;|!?]|[ \t]+[-–][ \t]|\.(?=[ \t]+[A-Z])|[ \t]*\((?=[a-z])"
    r"|,?[ \t]+(?:and|but|so|please|thanks|if|because|which|where|call|phone|tel|e-?mail|with|since|until|near|when"
    r"|while|who|for)\b"
    r"|[ \t,]+(?i:phone|tel|telephone|mobile|e-?mail|name|dob)[ \t]*[:：]",
    re.MULTILINE,
)
"""Where an address in Latin script ends: its line, its sentence (not at an abbreviation's dot: "St. Louis", "C.
Mayor"), a clause, a remark in brackets ("(ring twice)", not a province's "(PU)") or the next label; and, found apart
(_words_apart), words of the sentence after a comma."""
_ABBREVIATIONS = ("St", "Ave", "Rd", "Dr", "Apt", "No", "Blvd", "Ln", "Mt", "Ft", "Ct", "Pl", "Sq", "Hwy", "Ste", "Str")
_NUMBER = re.compile(r"(?<![\w.])[0-9]{1,5}[A-Za-z]?(?![\w.])|\b[A-Z]{1,2}[0-9][0-9A-Z]?[ \t]?[0-9][A-Z]{2}\b")
"""A house's number (12, 221B) or a postcode (75001, NW1 6XE)."""
_LETTERS = re.compile(r"[^\W\d_]{3,}")
_DISTANCE = re.compile(r"[0-9]+(?:[.,][0-9]+)?[ \t]*(?:minutes?|mins?|hours?|hrs?|seconds?|km|kilomet(?:er|re)s?|miles?|"
                       r"met(?:er|re)s?|m|blocks?|yards?|feet|ft|steps|doors)\b")
"""A number of minutes or miles ("I live at 5 minutes from the Station"), not a house's: in lower case, as "5 Mile
Road" is a street."""
_NEXT_LINE = re.compile(r"[ \t,]*\n[ \t]*(?=[A-Z0-9])[^\n:：@]{1,60}(?=\n|\Z)")
"""An address's next line, as a letter's head or a form writes it ("Springfield, IL 62704", "Suite 413"): short, with
no label and no e-mail address."""
_MORE_LINES = 4
"""The most lines an address goes on over after its first."""
_LONGEST = 160
"""The most characters an address in Latin script runs to when nothing ends it sooner."""

_CJK_LABEL = re.compile(r"(?:收货地址|送货地址|邮寄地址|通讯地址|联系地址|家庭住址|家庭地址|现住址|住址|地址|我住在|我家在|ご住所|住所は?"
                        r"|주소[는은]?)[ \t]*[:：]?[ \t]*")
"""The labels of an address in Chinese, Japanese (住所) and Korean (주소)."""
_CJK_VALUE = re.compile(r"[^\n，,。；;！!？?（(]{4,80}")
_CJK_NEXT = re.compile(r"[ \t]*(?:电话|手机|收货人|收件人|联系人|姓名|邮编|联系电话|备注|電話|氏名|メール|전화|연락처|이메일|이름)")
_KOREAN_DONG = re.compile(r"[ \t]?\([가-힣0-9 ,·]{1,20}\)(?:입니다|이에요|예요|이고|이며|이다|에요)?")
_CJK_ENDS = re.compile(r"(?:입니다|이에요|예요|이고요|이고|이며|이다|에요|です|でございます|になります)$")
"""How a sentence that gives an address goes on after it ("…123입니다", "…1-1です")."""
_PLACE = re.compile(r"[省市区县镇乡村路街道巷弄号楼栋幢室都府県町丁目番區縣鄉號樓]|[가-힣](?:시|도|구|군|동|읍|면|리|로|길)(?![가-힣])")
"""A place word: a province, city, district, road, building (in Chinese, Japanese, Korean: 서울특별시, 강남구, 테헤란로)."""
_HOUSE = re.compile(r"[0-9０-９一二三四五六七八九十百]+[号室栋幢楼]|[0-9]{1,5}")

ADDRESS_WORDS = Words("address", "ve at", "ves at", "adresse", "anschrift", "j'habite", "j’habite", "dirección",
                      "direccion", "地址", "住址", "我住在", "我家在", "住所", "주소")
"""Where a text may give an address: the labels are searched for only around these. "ve at" for "live at" ("ves at" for
"lives at"), "j'habite" for "habite au": words that begin with a letter no other word of the one scan begins with make
it stop at more places (see names.NAME_WORDS)."""


class AddressRecognizer(LabelledValueRecognizer):
    """An address after a label (0.85): to the end of its line, sentence or clause, or the next label."""

    entity = "ADDRESS"
    cues = ADDRESS_WORDS
    reach = 24
    """How far from its cue a label may begin ("shipping address is")."""
    confidence = 0.85

    def label_for(self, text: str, at: int, cue: str) -> re.Pattern[str]:
        """Chinese, Japanese and Korean labels around a cue in those scripts, the others around the others."""
        return _LABEL if cue.isascii() or cue[0] < "\u3000" else _CJK_LABEL

    def value_end(self, text: str, label: re.Match[str]) -> int:
        """Where the address after the label ends (0: what follows is no address)."""
        return (_cjk_address if label.re is _CJK_LABEL else _latin_address)(text, label.end())


def _latin_address(text: str, start: int) -> int:
    """Where the address that starts at start ends, 0 when what is there is no address."""
    limit = min(len(text), start + _LONGEST)
    end = limit
    for stop in _LATIN_END.finditer(text, start, limit):
        if not (stop.group() == "." and _abbreviated(text, start, stop.start())):
            end = stop.start()
            break
    end = _words_apart(text, start, end)
    while end > start and text[end - 1] in " \t,.":
        end -= 1
    if _NUMBER.search(text, start, end) is None and _sentence(text[start:end]):
        return 0
    end = _lines_on(text, start, end)  # its first line may be whose it is: "Ship to: Jane Doe\n742 Evergreen Terrace…"
    value = text[start:end]
    if not value or not value[0].isalnum() or not _NUMBER.search(value) or _DISTANCE.match(value):
        return 0
    if not any(word[0].isupper() for word in _LETTERS.findall(value)):
        return 0
    return end


def _lines_on(text: str, start: int, end: int) -> int:
    """Where an address whose first line ends at end ends: it goes on over the next lines while they are an address's
    (no sentence's words in lower case: "Springfield, IL 62704", not "I will be home after 5"), to the last that holds
    a digit ("221B Baker Street\nLondon NW1 6XE\nUnited Kingdom" ends at the postcode)."""
    last = end
    for _ in range(_MORE_LINES):
        line = _NEXT_LINE.match(text, last)
        if line is None or _sentence(line.group()):
            break
        last = line.end()
    return last_line_end(text, start, last) if last > end else end


def _sentence(line: str) -> bool:
    """Whether a line holds two words in lower case that join no place's name: a sentence's."""
    return sum(word.islower() and word not in _PARTICLES for word in line.split()) >= 2


def _words_apart(text: str, start: int, end: int) -> int:
    """Where the address ends before a part after a comma that is words of the sentence: no digit and no capital
    ("12 Oak Lane, two dogs inside"), or two words in lower case after its first that join no place's name ("12 Oak
    Lane, Tom feeds the dogs"); not of an address ("12, rue de la Paix, 75002 Paris", "Apt. 4, 5 Elm St", "Newcastle
    upon Tyne")."""
    comma = text.find(",", start, end)
    while comma >= 0:
        following = text.find(",", comma + 1, end)
        part = text[comma + 1:end if following < 0 else following]
        if part.strip() and not any(char.isdigit() for char in part):
            lower = [word for word in part.split()[1:] if word.islower() and word not in _PARTICLES]
            if len(lower) >= 2 or not any(char.isupper() for char in part):
                return comma
        comma = following
    return end


_PARTICLES = frozenset({"de", "du", "des", "la", "le", "les", "del", "della", "di", "da", "dos", "das", "van", "von",
                        "der", "den", "am", "an", "im", "in", "bei", "vor", "sur", "sous", "upon", "on", "under", "y",
                        "e", "et", "and", "the", "of", "en", "aan", "op", "ob", "st.", "st", "l'", "d'"})
"""Words in lower case a place's name holds ("Newcastle upon Tyne", "Frankfurt am Main", "Saint-Rémy-de-Provence")."""


def _abbreviated(text: str, start: int, dot: int) -> bool:
    """Whether the dot at dot ends an abbreviation ("St.", "C." for Calle) rather than a sentence."""
    before = text[start:dot]
    return before.endswith(_ABBREVIATIONS) or (len(before) >= 1 and before[-1].isupper()
                                               and (len(before) == 1 or not before[-2].isalpha()))


def _cjk_address(text: str, start: int) -> int:
    """Where the Chinese, Japanese or Korean address that starts at start ends, 0 when what is there is no address."""
    found = _CJK_VALUE.match(text, start)
    if found is None:
        return 0
    value = found.group()
    label = _CJK_NEXT.search(value)
    if label is not None:
        value = value[:label.start()]
    value = value.rstrip(" \t")
    if label is None and (dong := _KOREAN_DONG.match(text, start + len(value))):
        value += dong.group()  # "… 테헤란로 123 (삼성동)": the dong's name in brackets is part of a road-name address
    value = _CJK_ENDS.sub("", value).rstrip(" \t")
    if len(value) < 4 or not _PLACE.search(value) or not _HOUSE.search(value):
        return 0
    return start + len(value)

"""People's names where the text says it gives one: after a label, a title, a greeting or a letter's closing, and
the senders of a chat's export (chat_exports.py).

"My name is Anna Schmidt", "Name: Jean-Luc Picard", "Mr. O'Brien", "Dear Anna,", "Best regards,\nAnna Schmidt",
"je m'appelle Zoé", "我叫王伟", "收货人：李娜", "氏名：山田太郎", "제 이름은 김민준입니다".
A name with nothing before it that says so ("Call Anna tomorrow") is not found: telling a name from a word
takes a language model (Presidio runs spaCy's), which a Pi cannot afford on every message; after a label a
name is found with few mistakes. What follows a label must look like a name: words that begin with a capital
(or a letter of a script without case), joined by particles (``van der``, ``de la``); after a self-introduction
("my name is", "je m'appelle") a first word in lower case too, unless it is one of the words such a sentence goes on
with ("my name is not important"). A form's label counts as a form writes it: ``Name:`` or ``Full name:`` at the
start of a line or after punctuation, not ``name:`` (a key in YAML or code: ``- name: Checkout``). A greeting's
name starts its line and a comma or the line's end follows it ("Hi Anna is here" is no greeting); a closing's name
is the whole next line ("Thanks\nAnna will call" is a sentence). Chinese names: after 我叫 or 名叫 only from a
surname (我叫了外卖, 我叫什么); after a form's label (姓名, 收货人) any two to four characters, cut where the next label
begins (姓名：张三电话：…). Japanese and Korean names: see east_asian_names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import chain

from .chat_exports import senders
from .code_authors import CODE_AUTHOR_WORDS, code_authors
from .context import Words
from .east_asian_names import EAST_ASIAN_LABEL, EAST_ASIAN_NAME_CUES, east_asian_name_end
from .keyed_names import keyed_names
from .labels import labels_near
from .login_records import ACCOUNT_NAME_WORDS, account_full_names
from .mail_names import mail_names
from .name_shapes import PARTICLES, a_person_s_name
from .registry import Finding
from .relations import RELATION_CUES, RELATION_LABEL
from .tables import table_names

__all__ = ["PersonRecognizer", "with_repeats"]

_SELF = (r"(?:my|his|her|your|their|our)\s+(?:[a-z]+['’]s\s+)?(?:(?:full|first|last|real|legal|given|family|maiden"
         r"|middle)\s+)?name(?:\s+is|\s+was|'s|’s)|i\s+am\s+called|ich\s+hei(?:ße|sse)|mein\s+name\s+ist"
         r"|je\s+m['’]appelle|mon\s+nom\s+est|me\s+llamo|mi\s+nombre\s+es|mi\s+chiamo|mijn\s+naam\s+is")
_INTRODUCED = (r"ik\s+heet|jag\s+heter|mitt\s+namn\s+är|jeg\s+heter|jeg\s+hedder|navnet\s+mitt\s+er|mit\s+navn\s+er"
               r"|nazywam\s+się|mam\s+na\s+imię|(?:o\s+)?meu\s+nome\s+é|me\s+chamo|chamo-me|меня\s+зовут|мо[её]\s+имя"
               r"|benim\s+adım|nimeni\s+on|jmenuji\s+se|nama\s+saya|tên\s+tôi\s+là|tôi\s+tên\s+là")
"""Self-introductions in Dutch, the Nordic languages, Polish, Portuguese, Russian, Turkish, Finnish, Czech, Indonesian
and Vietnamese: a name with a capital only (the words such a sentence goes on with are English's: "ik heet niet
zo")."""
_FORM = (r"(?:(?:^|(?<=[\n;,!?(|。；，！？、])|(?<=\.)(?=[ \t]))[ \t]*(?:\*\*)?(?:(?i:full|first|last|given|family|legal|patient(?:'s)?|"
         r"customer(?:'s)?|contact|sender(?:'s)?|recipient(?:'s)?|guest|client|cardholder|account\s+holder)"
         r"[ \t]+(?i:name)|Name|NAME)[ \t]*[:：](?:\*\*)?(?:[ \t]*\n(?![^\n:]*:))?)")
"""A form's label; its value may be on the next line, unless that line is another label ("Name:\nAnna Schmidt\nPhone:
…", as pasted from a web form or a PDF)."""
_TITLE = r"(?:M(?<!\wM)(?:rs|r|s|x|iss|lle|adame|onsieur)|S(?<!\wS)eñora?|D(?<!\wD)r|P(?<!\wP)rof(?:essor)?)\b\.?"
"""Mr, Mrs, Ms., Mx., Miss, Mlle, Madame, Monsieur, Señor, Señora, Dr, Prof., Professor, searched for around their
cues."""
_GREETINGS = ("Dear", "Hi", "Hello", "Hey", "Hallo", "Liebe", "Lieber", "Bonjour", "Cher", "Chère", "Hola", "Ciao")
_CLOSINGS = ("best regards", "kind regards", "warm regards", "regards", "sincerely", "yours sincerely", "yours truly",
             "yours faithfully", "cheers", "thanks", "many thanks", "thank you", "mit freundlichen grüßen", "viele grüße",
             "liebe grüße", "cordialement", "bien à vous", "saludos", "un saluto", "met vriendelijke groet")
_GREETING = (r"^[ \t]*(?:" + "|".join(_GREETINGS) + r")\b(?P<intro>[ \t]*[,!]?[ \t]+(?:there[ \t]*[,!]?[ \t]+)?"
             r"(?i:i[ \t]+am|this[ \t]+is|it['’]s)[ \t]+)?")
"""A greeting, maybe with its writer's introduction after it ("Hello, I am Tom", "Hi, this is Tom", "Hey there, it's
Anna"; "I'm" is a label of its own)."""
_CLOSING = (r"(?i:" + "|".join(sorted((c.replace(" ", r"\s+") for c in _CLOSINGS), key=len, reverse=True))
            + r")[ \t]*[,!.]?[ \t]*\n")
_SIGNATURE_LINES = ("--", "-- ")
"""The line that begins an e-mail's signature, told as the lines that end with a closing are."""
_CLOSING_ENDS = tuple({last if len(last := closing.split()[-1]) > 4 else closing for closing in _CLOSINGS})
"""How the closings end (their last word, or all of them where that is short: "thank you", not "you"): a line that
ends otherwise is not asked the closings' regex."""
_ASKED = (r"what(?:['’]s|\s+is)\s+(?:your\s+(?:(?:full|first|last)\s+)?name|the\s+(?:full\s+)?name\s+on\s+(?:the|your)"
          r"\s+(?:account|card|booking|reservation|order|ticket|policy|lease))\?"
          r"(?:\s+(?:user|customer|client|me|a)\s*:)?")
"""A question whose answer follows it, maybe after its speaker's label: "What's your name? Sölvi Salómonsson", "What's
the name on the account? User: Maja S Hermansen"."""
_CALLED = r"(?:is|was|['’]s)\s+(?:called|named)"
"""Someone named, when a person is what is named (_A_PERSON before it): "my great grandmother was called Brosca Erdôs",
"she's named Emma"; not "the town was called Springfield". A name as people write theirs only: a_person_s_name."""
_A_PERSON = re.compile(r"(?i:\b(?:he|she|who)|\b(?:my|his|her|our|their|your)\s+[a-z]+(?:\s+[a-z]+)?)[ \t]*\Z")
_UNDER_A_NAME = r"under\s+(?:(?:my|his|her|our|their|the)\s+)?(?:[a-z]+['’]s\s+)?name"
"""What is booked or held in someone's name: "it's under my partner's name Nicole Mahler"."""
_WHOLE = r"i['’]m"
""""I'm Naomi Ryan": a name of two words or more only ("I'm Back", "I'm American" say no name)."""
_NAME_LABEL = re.compile(f"(?P<self>\\b(?i:{_SELF}))"
                         f"|(?P<form>{_FORM}|\\b(?i:call\\s+me|{_ASKED}|{_INTRODUCED}|{_UNDER_A_NAME}))"
                         f"|(?P<called>\\b(?i:{_CALLED}))|(?P<whole>\\b(?i:{_WHOLE}))", re.MULTILINE)
_TITLE_LABEL = re.compile(_TITLE)
_GREETING_LABEL = re.compile(_GREETING, re.MULTILINE)
_CLOSING_LABEL = re.compile(f"\\b{_CLOSING}|^-- ?\n", re.MULTILINE)
"""A letter's closing, or the line that begins an e-mail's signature ("-- ", RFC 3676)."""
_FOLLOWS_A_GREETING = re.compile(r"[ \t]*(?:[,!:\n]|$)|[ \t]+(?:and|&|und|et|y|e)[ \t]+"
                                 r"(?i:(?:the|all|das|l['’]|el)[ \t]*)?(?i:team|all|everyone|everybody|others|family"
                                 r"|folks|guys|équipe|equipo)[ \t]*(?:[,!:\n]|$)")
"""What follows a greeting's name: a comma, "!" or ":", or the line's end, maybe after the others greeted with it ("Hi
Anna and the team,", "Hallo Anna und Team,")."""
_AND_ANOTHER = re.compile(r"[ \t]+(?:and|&|und|et|y|e)[ \t]+")
"""Between two names a greeting gives ("Hi Anna and Tom,", "Liebe Anna und Tom,")."""
_FOLLOWS_AN_INTRODUCTION = re.compile(r"[ \t]*(?:[,.!?;:\n]|$)|[ \t]+(?:from|here|speaking|and)\b")
"""What follows the name of one who introduces themselves: the sentence's end or a comma, or what they go on with
("I'm Anna, nice to meet you", "this is Tom from Acme", "it's Anna here")."""
_FOLLOWED_AS_CODE = re.compile(r"[ \t]*[|={]|[\[(]")
"""What follows a "name" that a form's label in code gives: a type's union, an assignment, a dict, an index or a call
right after it ("Name: PassThrough | None", "NAME: ByType = ...", "Name: COLORS['white']"; "Name: Anna (my sister)" is
a name)."""
_WORD = re.compile(r"[ \t]*(?P<word>['’]?[^\W\d_](?:[^\W\d_]|['’.\-]{1,2}(?=[^\W\d_]))*(?:\.|['’](?=[ \t]))?)"
                   r"(?![\w/@\\-])")
"""A word of a name (after a space, but for the first): letters, joined by an apostrophe, a hyphen or a dot (O'Brien,
Jean-Luc, J.R., H.-Dieter), maybe an initial's dot or a particle's apostrophe (d' Heripon, van 't Erve)."""

_NOT_A_NAME = frozenset("""
    a about after again already also always an and any are as at back be because been being but by can could did
    do does done for from going gone had has have here how i if in into is it just later like may me might more
    most my no none nobody not now of off on one only or our out over please really same she should so some
    something still such than that the their them then there these they this those to too under unknown until up
    us very was we were what when where which while who why will with would yes yet you your anonymous required
    he him his someone somebody anyone anybody
    optional tbd n/a na null spelled misspelled written wrong correct listed missing mentioned shown printed
    important irrelevant long short hard easy difficult unusual common rare funny weird different similar
    pronounced today tomorrow tonight yesterday asap sometime anytime anything everything nothing monday tuesday
    wednesday thursday friday saturday sunday january february march april june july august september october
    november december sir madam dear hello hi hey thanks thank okay ok sure world team all everyone everybody folks
    guys customer customers user users friend friends colleagues sales support regards best mr mrs ms mx mme mlle
    sorry fine new good great glad happy ready lost stuck afraid interested curious excited tired sick busy late free
    alive confused back home american canadian mexican british english irish scottish welsh french german dutch
    belgian swiss austrian italian spanish portuguese polish czech slovak hungarian romanian bulgarian greek turkish
    russian ukrainian swedish norwegian danish finnish chinese japanese korean vietnamese thai indian pakistani
    filipino indonesian australian brazilian argentinian colombian peruvian cuban african nigerian egyptian moroccan
    israeli iranian arab european asian latino latina hispanic catholic protestant muslim jewish hindu buddhist
    atheist gay lesbian vegan vegetarian
    monsieur herr frau señor señora dr prof emeritus bye goodbye
""".split())
"""Words that follow a label without being a name, and what one says one is ("I'm American"): the first word of a name
must not be one of them (unless it is also a given name and a family name follows)."""
_ALSO_GIVEN_NAMES = frozenset(("april", "may", "june", "august", "will", "sunday", "dawn", "he"))
_AN_ADDRESS_GOES_ON = frozenset(("apt", "suite", "unit", "flat", "floor"))
"""Words after a name that begin its address, not a word of the name."""

_SURNAMES = frozenset(
    "王李张刘陈杨黄吴赵周徐孙马朱胡林郭何高罗郑梁谢宋唐许邓冯韩曹曾彭萧蔡潘田董袁于余叶蒋杜苏魏程吕丁沈任姚卢傅钟姜崔谭廖范汪陆"
    "金石戴贾韦夏邱方侯邹熊孟秦白江阎闫薛尹段雷黎史龙陶贺顾毛郝龚邵万钱严赖覃洪武莫孔汤向常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂"
    "章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟"
    "艾尤阳穆农司卓古吉缪简项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖"
    "巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆"
    "巴丰支卿国狄平计索宣晋相初门云容敬扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎"
    "勾茅利呼居揭干尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭"
)
"""Chinese surnames: Faker's 399 and 闫, but 车, 和, 时, 来, 那, 但, 由 (我叫车, 我叫和…, 我叫来… are no names)."""
_COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "夏侯", "长孙",
                      "宇文", "司徒", "端木")
_CHINESE_SELF = re.compile(r"(?:我叫|名叫|名字[是叫])[ \t]*")
_CHINESE_FORM = re.compile(r"(?:姓名(?=[ \t]*[:：]|[ \t]|[是为])|联系人|收件人|收货人|寄件人|持卡人|患者)[ \t]*[:：]?[ \t]*(?:[是为][ \t]*)?")
"""A Chinese form's label; 姓名 only before a colon, a space or 是 (姓名统计, 姓名翻译 are words: "name statistics",
"name translation")."""
_HAN = re.compile(r"[\u4e00-\u9fff]{2,4}(?:·[\u4e00-\u9fff]{1,6})?")
_NEXT_LABELS = ("电话", "手机", "地址", "性别", "年龄", "身份", "联系", "邮箱", "住址", "出生", "籍贯", "民族", "电邮",
                "单位", "今年", "先生", "女士", "老师", "同学")
_NOT_IN_A_GIVEN_NAME = frozenset("的了是在和有也就都吗呢吧啊呀说叫姓人们这那个要会能去到从住今岁我你他她来一辆")
_CALLED_NOT_A_NAME = ("司机", "师傅", "阿姨")
"""What 我叫 calls that begins with a surname (我叫司机来接)."""

_CHINESE_SELF_CUES = ("我叫", "名叫", "名字是", "名字叫")
_CHINESE_FORM_CUES = ("姓名", "联系人", "收件人", "收货人", "寄件人", "持卡人", "患者")
_TITLE_CUES = ("mr.", "mr ", "mrs", "ms.", "mx.", "miss ", "mlle", "madame", "monsieur", "señor", "dr.", "dr ", "prof")
"""Titles as few other words hold them: not "ms " (items), "mme" (comments, comme), "herr" and "frau" (no other word
of the scan begins with h or f): each time a cue is found in a text, its label is looked for (~3 µs)."""
_RECORD_CUES = (*CODE_AUTHOR_WORDS.cues, *ACCOUNT_NAME_WORDS.cues)
"""What a text where code names its author or /etc/passwd an account's full name holds (no label is looked for)."""
NAME_WORDS = Words("name", "call me", "called", "'m ", "’m ", "ch heiße", "ch heisse", "m'appelle", "m’appelle",
                   "mon nom", "me llamo", "mi nombre", "mi chiamo", "mijn naam", "k heet", "jag heter", "mitt namn",
                   "jeg heter", "jeg hedder", "navnet mitt", "mit navn", "nazywam", "mam na imię", "meu nome",
                   "me chamo", "chamo-me", "меня зовут", "моё имя", "мое имя", "benim adım", "nimeni on", "jmenuji se",
                   "nama saya", "tên tôi", "tôi tên", *_TITLE_CUES, *_CHINESE_SELF_CUES, *_CHINESE_FORM_CUES,
                   *EAST_ASIAN_NAME_CUES, *RELATION_CUES, *_RECORD_CUES)
"""Where a text may give a name after a label or a title, or a record its author's or its account's (_RECORD_CUES): the
labels are searched for only around the first. Each begins with a letter that other words of the one scan begin with,
or with the n of "name": a letter no other word began with made the scan stop at more places (h, f, i, l, y and à cost
each message of the pii benchmark 11,000 instructions, each log line 4,500; cachegrind): "I'm" is found from its "'m ".
Greetings and closings have no words in the scan: a greeting is looked for only at a line's start, a closing only in a
text of several lines."""
_LABELS_OF = {**dict.fromkeys(_TITLE_CUES, _TITLE_LABEL), **dict.fromkeys(_CHINESE_SELF_CUES, _CHINESE_SELF),
              **dict.fromkeys(_CHINESE_FORM_CUES, _CHINESE_FORM),
              **dict.fromkeys(EAST_ASIAN_NAME_CUES, EAST_ASIAN_LABEL), **dict.fromkeys(RELATION_CUES, RELATION_LABEL),
              **dict.fromkeys(_RECORD_CUES, None)}
"""The labels to look for around a cue (around the others: _NAME_LABEL; none around a record's)."""
_REACH = 24
"""How far from its cue a label may begin ("account holder name:")."""


class PersonRecognizer:
    """Names after a label (0.85: "my name is", "Name:", 我叫, 姓名, 氏名, 이름), after a title, a greeting or a letter's closing
    (0.8: "Mr.", "Monsieur", "Dear Anna,", "Best regards,\\nAnna Schmidt"), and in lower case after a self-introduction
    (0.7: "my name is anna")."""

    entity = "PERSON"

    def applies(self, text: str) -> bool:
        """Only a text with a label, a title, a greeting, more than one line (a closing's), a line of a chat's export or
        a mailbox can give a name."""
        return (NAME_WORDS.anywhere(text) or "\n" in text or _GREETING_LABEL.match(text) is not None
                or text[:1] in "[0123456789" or ("<" in text and "@" in text))

    def find(self, text: str) -> Iterator[Finding]:
        """Yield the names that labels, titles, greetings and closings give, and the same names where the text
        repeats them."""
        return with_repeats(text, self._given(text))

    def _given(self, text: str) -> Iterator[Finding]:
        """The names that labels, titles, greetings and closings give."""
        for label in labels_near(text, NAME_WORDS, _label_for, _REACH):
            if label.re is _NAME_LABEL or label.re is _TITLE_LABEL or label.re is RELATION_LABEL:
                yield from self._latin(text, label)
                continue
            end = east_asian_name_end(text, label) if label.re is EAST_ASIAN_LABEL \
                else _chinese_name(text, label.end(), surname=label.re is _CHINESE_SELF)
            if end:
                yield Finding(self.entity, label.end(), end, text[label.end():end], 0.85)
        for label in _greetings_and_closings(text):
            yield from self._latin(text, label)
        for start, end in senders(text):
            yield Finding(self.entity, start, end, text[start:end], 0.85)
        for start, end in chain(mail_names(text), code_authors(text), keyed_names(text), table_names(text),
                                  account_full_names(text)):
            words = text[start:end].replace(",", " ").split()
            if a_person_s_name(" ".join(words), None) and _may_begin_a_name(words):
                yield Finding(self.entity, start, end, text[start:end], 0.85)

    def _latin(self, text: str, label: re.Match[str]) -> Iterator[Finding]:
        """The name in Latin script (or a script without case) after label, if what follows it is one."""
        kind = label.re
        named = kind is _NAME_LABEL
        found = _latin_name(text, label.end(), lower_case=named and label["self"] is not None)
        if found is not None and kind is _GREETING_LABEL and (two := _AND_ANOTHER.match(text, found[1])):
            other = _latin_name(text, two.end(), lower_case=False)  # "Hi Anna and Tom,"
            if other is not None and _ends_as_its_label_wants(text, other[1], label):
                yield Finding(self.entity, found[0], found[1], text[found[0]:found[1]], 0.8)
                yield Finding(self.entity, other[0], other[1], text[other[0]:other[1]], 0.8)
                return
        if found is None or not _ends_as_its_label_wants(text, found[1], label):
            return
        start, stop, lower = found
        if kind is RELATION_LABEL:
            stop -= 2 if text[stop - 2:stop] in ("'s", "’s") else 0  # "my friend Sarah's birthday"
            if not a_person_s_name(text[start:stop], None):
                return
        if named and (label["whole"] or label["called"]) and not a_person_s_name(text[start:stop], label["whole"]):
            return
        if named and label["whole"] and " " not in text[start:stop] and not _FOLLOWS_AN_INTRODUCTION.match(text, stop):
            return  # one word as its sentence ends or goes on ("I'm Anna, …", "I'm Anna from X"), not "I'm Bored of"
        if named and label["called"] and _A_PERSON.search(text, max(0, label.start() - 40), label.start()) is None:
            return
        confidence = 0.7 if lower else 0.85 if named else 0.8
        yield Finding(self.entity, start, stop, text[start:stop], confidence)


def with_repeats(text: str, found: Iterable[Finding]) -> Iterator[Finding]:
    """The names a text gives, then where it repeats one, whole or a word of it as a word of its own ("My name is Anna
    Schmidt. Anna will call", "tell Schmidt", "my name is anna … Anna"), at the confidence it was given with; not a
    particle nor a word that is also a sentence's ("Name: Will Smith. Will you call?"). A Chinese, Japanese or Korean
    name is looked for whole, within words. All the names are looked for in one search of the text; a name two ways
    give (`Name: Anna Schmidt` a label's and a record's key's) once."""
    spans: dict[tuple[int, int], Finding] = {}
    for finding in found:
        spans.setdefault((finding.start, finding.end), finding)
    given = list(spans.values())
    yield from given
    if not given:
        return
    confidence: dict[str, float] = {}
    for finding in given:
        name = finding.text
        spaced = _WITHOUT_SPACES.search(name) is None
        forms = {name, *(word for word in name.split() if len(word) > 1 and word.lower() not in PARTICLES
                         and word.lower().rstrip(".") not in _NOT_A_NAME)} if spaced else {name}
        for form in forms | {form[0].upper() + form[1:] for form in forms}:
            confidence[form] = max(confidence.get(form, 0.0), finding.confidence)
    taken = [(f.start, f.end) for f in given]
    for match in re.finditer("|".join(map(re.escape, sorted(confidence, key=len, reverse=True))), text):
        start, end = match.span()
        if _WITHOUT_SPACES.search(match.group()) is None and (start and text[start - 1].isalnum()
                                                              or end < len(text) and text[end].isalnum()):
            continue  # within a longer word ("Annabelle")
        if not any(start < stop and begin < end for begin, stop in taken):
            taken.append((start, end))
            yield Finding(given[0].entity, start, end, match.group(), confidence[match.group()])


_WITHOUT_SPACES = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
"""Chinese, Japanese and Korean, whose names are not words between spaces."""


def _greetings_and_closings(text: str) -> Iterator[re.Match[str]]:
    """The greetings that begin a line of text and the closings that end one.

    Found line by line with str methods, each line tested by its first characters and its last word before a regex
    is asked: the regexes over a 1 MB block of a log took 0.4 s (their first characters are most letters).
    """
    line = 0
    while True:
        if text.startswith(_GREETINGS, line) or text[line:line + 1] in (" ", "\t"):
            greeting = _GREETING_LABEL.match(text, line)
            if greeting is not None:
                yield greeting
        end = text.find("\n", line)
        if end < 0:
            return
        if text[max(line, end - 32):end].rstrip(" \t,!.").lower().endswith(_CLOSING_ENDS) \
                or text[line:end] in _SIGNATURE_LINES:
            yield from _CLOSING_LABEL.finditer(text, max(line, end - 32), end + 1)
        line = end + 1


def _ends_as_its_label_wants(text: str, end: int, label: re.Match[str]) -> bool:
    """A greeting's name is followed by a comma, "!" or ":" or ends its line ("Hi Anna," not "Hi Anna is here"); a
    closing's name is its line ("Regards,\\nAnna Schmidt", not "Thanks\\nAnna will call"); no name is followed as
    code follows a value (_FOLLOWED_AS_CODE)."""
    kind = label.re
    if kind is _GREETING_LABEL:
        return (_FOLLOWS_AN_INTRODUCTION if label["intro"] else _FOLLOWS_A_GREETING).match(text, end) is not None
    if kind is _CLOSING_LABEL:
        line_end = text.find("\n", end)
        return not text[end:len(text) if line_end < 0 else line_end].strip()
    return _FOLLOWED_AS_CODE.match(text, end) is None


def _label_for(text: str, at: int, cue: str) -> re.Pattern[str] | None:
    """The labels to look for around a cue; None for a title's letters in a word ("items", "missing") or a street's
    "Dr" ("12 Elm Dr. Springfield": after a word with a capital that no punctuation ends)."""
    label = _LABELS_OF.get(cue, _NAME_LABEL)
    if label is _TITLE_LABEL and (not text[at].isupper() or (at and text[at - 1].isalnum())):
        return None
    if cue.startswith("dr") and (before := text[max(0, at - 32):at].split()) and before[-1][0].isupper() \
            and before[-1][-1].isalnum():
        return None
    return label


def _latin_name(text: str, at: int, lower_case: bool) -> tuple[int, int, bool] | None:
    """The name whose words follow at (start, end, whether it is all in lower case), or None."""
    words: list[re.Match[str]] = []
    particles: list[re.Match[str]] = []  # kept once a word with a capital follows them
    while (word := _WORD.match(text, (particles or words)[-1].end() if particles or words else at)) and len(words) < 6:
        value = word["word"]
        if (words or particles) and word.start("word") == word.start():
            break  # the words of a name are apart
        if value.rstrip(".").lower() in _AN_ADDRESS_GOES_ON:
            break  # "Mrs. Barbara Yudina Apt. 675 …"
        if not value.lstrip("'’")[0].islower():
            words += [*particles, word]
            particles = []
            if value[-1] == "." and len(value) > 2:
                break  # a sentence's full stop, not an initial's dot ("J.")
        elif value in PARTICLES:
            particles.append(word)
        elif not words and lower_case and value.rstrip(".") not in _NOT_A_NAME:
            words.append(word)
            break  # a name typed in lower case: its first word; what follows is the sentence's
        else:
            break
    if not _may_begin_a_name([word["word"] for word in words]):
        return None  # "Call me Monday", "Name: None", "The Roost Team"; but "Name: June Smith", "Name: Will Turner"
    start, end = words[0].start("word"), words[-1].end("word")
    if text[end - 1] == "." and len(words[-1]["word"]) > 2:
        end -= 1
    return start, end, all(word["word"][0].islower() for word in words)


def _may_begin_a_name(words: list[str]) -> bool:
    """Whether words may be a name as their first goes: not a word that follows a label without being one, unless it is
    also a given name and a family name follows ("Name: None"; but "June Smith", "Will Turner")."""
    first = words[0].rstrip(".").lower() if words else ""
    return bool(words) and (first not in _NOT_A_NAME or first in _ALSO_GIVEN_NAMES and len(words) > 1)


def _chinese_name(text: str, at: int, surname: bool) -> int:
    """Where the Chinese name that starts at at ends, 0 when none does."""
    found = _HAN.match(text, at)
    if found is None:
        return 0
    name = found.group()
    if surname:
        family = 2 if name.startswith(_COMPOUND_SURNAMES) else 1 if name[0] in _SURNAMES else 0
        if not family or name.startswith(_CALLED_NOT_A_NAME):
            return 0
        given = 0
        while given < 2 and family + given < len(name) and name[family + given] not in _NOT_IN_A_GIVEN_NAME:
            given += 1
        return at + family + given if given else 0
    if name[:2] in _NEXT_LABELS:
        return 0
    for cut in range(2, len(name)):
        if name.startswith(_NEXT_LABELS, cut) or name[cut] in _NOT_IN_A_GIVEN_NAME:
            return at + cut
    return found.end()

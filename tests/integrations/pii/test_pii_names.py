"""People's names after a label or a title: found whole, and only where the text says it gives one."""

from __future__ import annotations

import pytest

from integrations.pii.names import PersonRecognizer
from integrations.pii.recognizers import default_registry


def names(text: str) -> list[tuple[str, float]]:
    recognizer = PersonRecognizer()
    return [(f.text, f.confidence) for f in recognizer.find(text)] if recognizer.applies(text) else []


@pytest.mark.parametrize(("text", "found"), [
    ("My name is Anna Schmidt.", [("Anna Schmidt", 0.85)]),
    ("hi my name is anna and i need help", [("anna", 0.7)]),
    ("Name: Jean-Luc Picard\nPhone: on file", [("Jean-Luc Picard", 0.85)]),
    ("**Name:** Anna Lee", [("Anna Lee", 0.85)]),
    ("Full name: J. R. R. Tolkien", [("J. R. R. Tolkien", 0.85)]),
    ("Name: H.-Dieter Siering", [("H.-Dieter Siering", 0.85)]),
    ("my name is Ruben 's Gravensande", [("Ruben 's Gravensande", 0.85)]),
    ("Patient name: Siobhán O'Connor; room 12", [("Siobhán O'Connor", 0.85)]),
    ("his name is Ludwig van Beethoven!", [("Ludwig van Beethoven", 0.85)]),
    ("Please tell Mrs. van der Berg", [("van der Berg", 0.8)]),
    ("Ask Ms. Lee or Monsieur Dupont", [("Lee", 0.8), ("Dupont", 0.8)]),
    ("Dear Mr O'Brien,", [("O'Brien", 0.8)]),
    ("MY NAME IS JOHN", [("JOHN", 0.85)]),
    ("Call me Ishmael.", [("Ishmael", 0.85)]),
    ("ich heiße Jürgen Müller", [("Jürgen Müller", 0.85)]),
    ("je m'appelle Zoé, merci", [("Zoé", 0.85)]),
    ("My name is 王伟", [("王伟", 0.85)]),
    ("我叫王伟，今年30岁", [("王伟", 0.85)]),
    ("你好，我叫欧阳娜娜。", [("欧阳娜娜", 0.85)]),
    ("他名叫李强。", [("李强", 0.85)]),
    ("收货人：李娜 电话：138", [("李娜", 0.85)]),
    ("姓名：张三电话：13812345678", [("张三", 0.85)]),
    ("Dear Anna,\nplease call me back.", [("Anna", 0.8)]),
    ("Hi Jean-Luc, can you help?", [("Jean-Luc", 0.8)]),
    ("Best regards,\nAnna Schmidt\nHead of Sales", [("Anna Schmidt", 0.8)]),
    ("thanks!\n-- \nAnna Schmidt\nSenior Engineer, Acme GmbH", [("Anna Schmidt", 0.8)]),  # an e-mail's signature
    ("Mit freundlichen Grüßen\nJürgen Müller", [("Jürgen Müller", 0.8)]),
    ("Cheers,\nBob", [("Bob", 0.8)]),
    ("Name:Anna Lee", [("Anna Lee", 0.85)]),
    ("Name: Anna (my sister)", [("Anna", 0.85)]),
    ("我的姓名是张三", [("张三", 0.85)]),
    ("患者张三，男，45岁", [("张三", 0.85)]),
    ("氏名：山田太郎", [("山田太郎", 0.85)]),
    ("名前は山田太郎です", [("山田太郎", 0.85)]),
    ("お名前: 山田 太郎 様", [("山田 太郎", 0.85)]),
    ("氏名：山田太郎様", [("山田太郎", 0.85)]),  # 様 (Mr, Ms) is no part of it
    ("氏名：長谷川美咲", [("長谷川美咲", 0.85)]),
    ("氏名 ヤマダ タロウ", [("ヤマダ タロウ", 0.85)]),
    ("이름: 김민준", [("김민준", 0.85)]),
    ("제 이름은 김민준입니다", [("김민준", 0.85)]),
    ("이름은 김민준이에요", [("김민준", 0.85)]),
    ("성명: 남궁민수", [("남궁민수", 0.85)]),  # a surname of two syllables
    ("이름:김민준님, 전화: 010", [("김민준", 0.85)]),
])
def test_a_name_after_a_label_or_a_title_is_found_whole(text: str, found: list) -> None:
    assert names(text) == found


@pytest.mark.parametrize(("text", "found"), [
    ("my wife's name is Anna Schmidt", [("Anna Schmidt", 0.85)]),  # someone else's name
    ("her name was Anna Lindqvist", [("Anna Lindqvist", 0.85)]),
    ("What's your name? Sölvi Salómonsson", [("Sölvi Salómonsson", 0.85)]),  # the answer after its question
    ("Hello, this is Dr. Kyle Kuefer. Who are you?", [("Kyle Kuefer", 0.8)]),
    ("Prof. Maria Rossi teaches here", [("Maria Rossi", 0.8)]),
    ("Mrs. Barbara Yudina Apt. 675, Mellemvej 32", [("Barbara Yudina", 0.8)]),  # her address goes on
    ("Name:\nAnna Schmidt\nPhone: on file", [("Anna Schmidt", 0.85)]),  # a form pasted: the value on the next line
    ("my great grandmother was called Brosca Erdôs", [("Brosca Erdôs", 0.85)]),  # someone named
    ("She's named Emma", [("Emma", 0.85)]),
    ("It's under my partner's name Nicole Mahler", [("Nicole Mahler", 0.85)]),
    ("I'm Naomi Ryan, original member", [("Naomi Ryan", 0.85)]),
    ("Hallo, ik heet Jan de Vries", [("Jan de Vries", 0.85)]),  # self-introductions in more languages
    ("jag heter Anna Lindqvist", [("Anna Lindqvist", 0.85)]),
    ("nazywam się Jan Kowalski", [("Jan Kowalski", 0.85)]),
    ("meu nome é João Silva", [("João Silva", 0.85)]),
    ("Меня зовут Иван Петров", [("Иван Петров", 0.85)]),
    ("benim adım Ayşe Yılmaz", [("Ayşe Yılmaz", 0.85)]),
    ("tên tôi là Nguyễn Văn An", [("Nguyễn Văn An", 0.85)]),
    ("My name is Anna Schmidt. Anna will call you; tell Schmidt to wait.",  # a name the text gave, where it repeats it
     [("Anna Schmidt", 0.85), ("Anna", 0.85), ("Schmidt", 0.85)]),
    ("my name is anna, Anna with two n", [("anna", 0.7), ("Anna", 0.7)]),
    ("Name: Will Smith. Will you call Smith?", [("Will Smith", 0.85), ("Smith", 0.85)]),  # "Will" is a sentence's too
    ("Name: Annabelle Lee. Anna came from Leeds; Lee did not.", [("Annabelle Lee", 0.85), ("Lee", 0.85)]),
    ("我叫王伟，王伟是我的名字", [("王伟", 0.85), ("王伟", 0.85)]),
])
def test_a_name_given_is_found_where_the_text_repeats_it_and_of_others(text: str, found: list) -> None:
    assert names(text) == found


@pytest.mark.parametrize(("text", "found"), [
    ("Remind me to call my sister Anna tomorrow", [("Anna", 0.8)]),
    ("my boss, John Smith, wants the report", [("John Smith", 0.8)]),
    ("I want to remove my kid Marie from the will", [("Marie", 0.8)]),
    ("my friend Sarah's birthday is next week", [("Sarah", 0.8)]),  # her possessive is not her name's
    ("email from my line manager Peter Brown", [("Peter Brown", 0.8)]),
    ("Ask my brother-in-law Mike and your mom Linda", [("Mike", 0.8), ("Linda", 0.8)]),
    ("my wife Anna and I; Anna drives", [("Anna", 0.8), ("Anna", 0.8)]),  # and where the text repeats it
    ("demain avec ma sœur Claire", [("Claire", 0.8)]),
    ("mañana con mi mejor amiga Ana García", [("Ana García", 0.8)]),
    ("domani con mia figlia Giulia", [("Giulia", 0.8)]),
    ("morgen met mijn broer Daan", [("Daan", 0.8)]),
    ("amanhã com minha mãe Maria", [("Maria", 0.8)]),
    ("Bot: What's the name on the account? User: Maja S Hermansen", [("Maja S Hermansen", 0.85)]),
])
def test_a_name_after_who_the_person_is_to_the_writer(text: str, found: list) -> None:
    assert names(text) == found


@pytest.mark.parametrize(("text", "found"), [
    ("Hi, I'm Anna", [("Anna", 0.85)]),  # a name of one word, as a sentence ends or goes on
    ("I'm Anna, nice to meet you", [("Anna", 0.85)]),
    ("Hey there, I'm Anna from Berlin", [("Anna", 0.85)]),
    ("Hello, I am Tom and I need help", [("Tom", 0.8)]),  # after a greeting
    ("Hi, this is Tom from Acme", [("Tom", 0.8)]),
    ("Hi Anna and Tom,\nsee below", [("Anna", 0.8), ("Tom", 0.8)]),  # a greeting of two
    ("Hi Anna and the team,\nsee below", [("Anna", 0.8)]),  # and of others with the name
    ("Hallo Anna und Team,", [("Anna", 0.8)]),
    ("Hi Tom & team!", [("Tom", 0.8)]),
])
def test_a_name_as_a_chat_or_a_letter_begins(text: str, found: list) -> None:
    assert names(text) == found


@pytest.mark.parametrize("text", [
    "my dog Max is sick", "my cat Bella", "my son is sick", "my wife and I", "my son In the morning",
    "my student ID is lost", "our partner API", "my boss Monday", "How My Wife And I Saved Money",
    "ich sage meinem Chef Bescheid", "weil meine Mutter Kuchen backt",  # German nouns have capitals
])
def test_a_relation_before_no_name_gives_none(text: str) -> None:
    assert names(text) == []


@pytest.mark.parametrize("text", [
    "What is your name?",
    "Hi Anna and the team is here", "Hi all and welcome,",
    "My name is not important.",
    "my name is on the list",
    "steps:\n  - name: Checkout\n  - name: Set up Python",
    "name: build",
    "Company Name: Acme Corp, Product name: Widget",
    "Username: admin",
    "The file name is Report.pdf",
    "Name: N/A",
    "Please call me back at 5.",
    "Call me Monday.",
    "I miss You",
    "These items. Forms ms. Sr. Engineer, missing summer comments",
    "我叫了外卖",
    "我叫什么名字来着？",
    "我叫他明天再来",
    "我叫司机在门口等",
    "我叫车来接我",
    "call me maybe",
    "Hello World!",
    "Hi all, Hi there, Hi Team,",
    "Hi Anna is here",  # a greeting's name is followed by a comma, or ends its line
    "Thanks,\nThe Roost Team",
    "Thanks!\nWhat about tomorrow?",
    "Thanks\nAnna will call you",  # a closing's name is its line
    "ok thanks",
    "Name: PassThrough | None",  # code: a type's union, an assignment, an index follow the "name"
    'NAME: ByType = "name"',
    "Name: COLORS['white'],",
    "- By.NAME: Locate by the `name` attribute.",  # an attribute, not a form's label
    "全國姓名統計 2023",  # "name statistics": 姓名 is a label only before a colon, a space or 是
    "使用 pypinyin 進行姓名翻譯",
    "名前は変更できません",  # "the name cannot be changed": after は, a name ends as a sentence giving it does
    "名前空間を使う",  # "namespace": a word
    "名前：未定",
    "名前：未設定",
    "名前：設定項目一覧表示",  # a word of seven kanji
    "이름은 변경할 수 없습니다",
    "파일 이름 변경",  # "rename the file": in Korean a space alone parts no label from a name
    "이름: 변경",
    "이름이 뭐예요?",
    "성명 발표",  # a statement's announcement
    "이름: 비밀이에요",  # 비 begins no Korean surname
    "12 Elm Dr. Springfield",  # a street's "Dr", after a word with a capital
    "Name:\nPhone: 555 0100",  # the next line is another label
    "ik heet niet zo",  # in these languages only a name with a capital
    "I'm Back", "I'm American", "I'm Feeling Lucky",  # after "I'm" two words of a name, not what one does
    "The town was called Springfield", "the function is called Foo",  # a thing named, not a person
    "my tool is called LIBPATH",  # a program's name, not as people write theirs
    "The dr. said rest",
    "Hello World and Mars are planets",  # a greeting's second name ends it
    "I'm Back!", "I'm American", "Hi, I'm German.", "I'm Sorry, Dave", "Hi, this is Python 3",  # what one is, a thing
    "SELECT 1\n--\nSELECT 2", "a\n-- \nSent from my iPhone", "x = 1 --\nAnna Schmidt",  # no signature's name
])
def test_words_that_follow_a_label_without_being_a_name_are_left_alone(text: str) -> None:
    assert names(text) == []


def test_a_name_goes_to_the_model_as_a_placeholder_with_the_other_data_around_it() -> None:
    text = "Hi, my name is Anna Schmidt, card 4111 1111 1111 1111, call +49 30 901820"
    assert [(f.entity, f.text) for f in default_registry().analyze(text)] == [
        ("PERSON", "Anna Schmidt"), ("CARD", "4111 1111 1111 1111"), ("PHONE", "+49 30 901820")]

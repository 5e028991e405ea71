"""People's names (PERSON) and login names (USERNAME) as the values of keys that say what they are: JSON, YAML, a
query, XML."""

from __future__ import annotations

import pytest

from integrations.pii.engine import PiiSanitizer
from integrations.pii.recognizers import default_registry


def found(text: str, entity: str) -> list[str]:
    """The findings of one type the whole registry keeps in text."""
    return [f.text for f in default_registry().analyze(text) if f.entity == entity]


@pytest.mark.parametrize(("text", "names"), [
    ('{"id": 42, "first_name": "Anna", "last_name": "Schmidt", "active": true}', ["Anna", "Schmidt"]),
    ('{"firstName":"Tom","lastName":"Becker"}', ["Tom", "Becker"]),
    ("given_name: Maria\nfamily_name: Rossi", ["Maria", "Rossi"]),
    ("GET /api/users?first_name=Anna&last_name=Schmidt&page=2", ["Anna", "Schmidt"]),
    ("<FirstName>Anna</FirstName><LastName>Schmidt</LastName>", ["Anna", "Schmidt"]),
    ('"full_name": "Maria Rossi",', ["Maria Rossi"]),
    ('{"nickname": "Tom B."}', ["Tom B."]),  # an initial's dot kept
    ('{"last_name": "O\'Connor", "given_name": "D\'Angelo"}', ["O'Connor", "D'Angelo"]),  # an apostrophe within
    ("surname: Schmidt. Thanks!", ["Schmidt"]),  # a sentence's dot not
    ("contactFirstName=Anna", ["Anna"]),
    ('{"name": "Anna Schmidt", "email": "anna@example.org"}', ["Anna Schmidt"]),  # a key of one word beside a detail
    ('{"id": 7, "name": "Maria Rossi", "address": {"city": "Rome"}, "phone": "+39 06 1234567"}', ["Maria Rossi"]),
    ('[{"name": "Tom Becker", "dob": "1990-01-31"}, {"name": "Roost Box", "price": 9}]', ["Tom Becker"]),
    ('{"name": "Lena Vogel", "phoneNumber": null}\n{"name": "Jonas Weber", "telefon": null}',
     ["Lena Vogel", "Jonas Weber"]),
    ("person:\n  - name: Anna Schmidt\n    id: anna\n    device_trackers:\n      - device_tracker.phone_1\n"
     "  - name: Tom Becker\n    id: tom\n    device_trackers: []", ["Anna Schmidt", "Tom Becker"]),  # Home Assistant's
    ("contacts:\n  - name: Lena Vogel\n    email: lena@example.org\n  - name: Office Printer\n    ip: 10.0.0.4",
     ["Lena Vogel"]),
    ("- id: anna\n  device_trackers:\n    - device_tracker.phone_1\n  name: Anna Schmidt", ["Anna Schmidt"]),
])
def test_a_name_after_its_key_is_found(text: str, names: list[str]) -> None:
    assert found(text, "PERSON") == names


@pytest.mark.parametrize("text", [
    '"name": "roost", "version": "1.0"',  # a key of one word: a package's as often as a person's
    "first_name: String!\nlast_name: Optional[str] = None\nfull_name: Mapped[str]",  # types
    "first_name = models.CharField(max_length=30)\nfirstName: string;",
    '"first_name": null, "last_name": "",',
    "The blast_name: Foo",
    '{"displayName": "Ohio"}, {"DisplayName": "Example Escalation Plan"}',  # as often a region's or a plan's
    '{"name": "Kitchen Light", "owner": {"email": "x@example.org"}}',  # a detail of a record within it
    '{"name": "Living Room"}, {"email": "x@example.org"}',  # of another record
    '{"name": "Anna", "email": "anna@example.org"}',  # a key of one word: a full name only
    "steps:\n  - name: Send Email Notification\n    with:\n      email: ${{ secrets.MAIL }}",  # a key within
    "- name: Living Room\n  icon: mdi:sofa\n- email: x@example.org",
])
def test_what_no_key_gives_as_a_name_stays(text: str) -> None:
    assert found(text, "PERSON") == []


@pytest.mark.parametrize(("text", "logins"), [
    ('{"username": "aschmidt", "active": true}', ["aschmidt"]),
    ('{"user": {"login": "annaschmidt", "id": 1234}}', ["annaschmidt"]),  # GitHub's
    ("mqtt:\n  broker: core-mosquitto\n  username: anna\n  password: !secret mqtt_password", ["anna"]),
    ("Your account has been created.\nUsername: anna.schmidt\n", ["anna.schmidt"]),
    ("https://example.org/login?username=tom_b&next=/", ["tom_b"]),
    ("<credentials><username>maria</username></credentials>", ["maria"]),
    ('username = "lena"', ["lena"]),
    ("environment:\n  - POSTGRES_USER=anna\n  - POSTGRES_DB=roost", ["anna"]),  # a key with a word before it
    ("mqtt_user: tom\nexport SMTP_USERNAME=lena.vogel", ["tom", "lena.vogel"]),
    ('DB_USER = "maria"\n{"db_user": "jonas"}\nmqtt_user: \'anna\'', ["maria", "jonas", "anna"]),
])
def test_a_login_after_its_key_is_found(text: str, logins: list[str]) -> None:
    assert found(text, "USERNAME") == logins


@pytest.mark.parametrize("text", [
    'username = request.form["username"]\nusername: str = Field(...)\n{"user_name": self.name}',  # code
    "Username: admin\nusername: !secret mqtt_user\nusername: your_username",  # everybody's, a stand-in
    "Last login: Mon Dec  7 10:01:22 2026\nlogin = LoginManager(app)",
    "Please enter your username: and then the password.",
    '"username": "arn:aws:iam::111122223333:user/eks-user", "username": "sub"',
    'owner_user = owner\nself.db_user = config["db"]\nDB_USER = os.environ["DB_USER"]',  # code's
    "mqtt_user: !secret mqtt_user\nPOSTGRES_USER=${DB_USER}\nPOSTGRES_USER=postgres\nUser: anna",
    "    arn_user=arn,\nHKEY_CURRENT_USER = \"HKCU\"\n#  test_user = 'test.test_urllib2net'",  # code's, a constant
])
def test_what_no_key_gives_as_a_login_stays(text: str) -> None:
    assert found(text, "USERNAME") == []


def test_a_login_s_key_with_an_e_mail_address_gives_the_address() -> None:
    assert [(f.entity, f.text) for f in default_registry().analyze('"username": "anna@example.org"')] == [
        ("EMAIL", "anna@example.org")]


async def test_a_row_s_names_become_placeholders_and_come_back(sanitizer: PiiSanitizer) -> None:
    text = '{"first_name": "Anna", "last_name": "Schmidt", "username": "aschmidt"}'
    clean = await sanitizer.sanitize(text, "chat-1")
    assert clean == '{"first_name": "[PERSON_1]", "last_name": "[PERSON_2]", "username": "[USERNAME_1]"}'
    assert await sanitizer.restore(clean, "chat-1") == text

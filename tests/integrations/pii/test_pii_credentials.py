"""The SECRET recognizer: keys and tokens, assignments, passwords stated in prose, HTTP credentials, codes."""

from __future__ import annotations

import pytest

from integrations.pii.recognizers import SecretRecognizer, default_registry, resolve_overlaps


def texts(text: str) -> list[str]:
    """The secrets found in text, in order."""
    return [f.text for f in SecretRecognizer().find(text)]


def sanitized(text: str) -> str:
    """text with the secrets the recognizer finds (overlaps resolved) replaced by [SECRET]."""
    for finding in reversed(resolve_overlaps(SecretRecognizer().find(text))):
        text = text[: finding.start] + "[SECRET]" + text[finding.end :]
    return text


def test_secrets() -> None:
    jwt = (
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0"
        ".dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
    )
    cases = {
        "key sk-abc123def456ghi789jkl012mno end": ["sk-abc123def456ghi789jkl012mno"],
        "ghp_abcdefghijklmnopqrstuvwxyz0123456789": ["ghp_abcdefghijklmnopqrstuvwxyz0123456789"],
        "xoxb-123456789012-abcdefABCDEF": ["xoxb-123456789012-abcdefABCDEF"],
        "id AKIAIOSFODNN7EXAMPLE,": ["AKIAIOSFODNN7EXAMPLE"],
        f"Bearer {jwt}": [jwt],
        "password=hunter2; next": ["hunter2"],
        "PASSWD: 'two words'": ["two words"],
        "pwd=abc 密码：芝麻开门123，好": ["abc", "芝麻开门123"],
        "postgres://admin:s3cr3t@db:5432/x": ["admin:s3cr3t"],
        "sk-learn is great": [],
        "sk-learn-is-great-for-beginners": [],
        "key=sk-proj-pReEilwnvUNdvhniEMGzGdyDItSwoTtBaTczhZUZTVVGdhRP": [
            "sk-proj-pReEilwnvUNdvhniEMGzGdyDItSwoTtBaTczhZUZTVVGdhRP"],
        "the password field is required": [],
        "PWD: '/Users/maciej',": [],  # the shell's working directory: a path, no password
        "export OLDPWD=/home/anna/src": [],
        "const pass = new PassThrough();": [],  # JavaScript's new, not a password
        "// Prints Password &#x3C;xxxxxxxx>": [],  # HTML escaped
        "password=&aB3x!9z": ["&aB3x!9z"],  # no HTML entity
        "eyJub3QiOiJhIGp3dCJ9.eyJzdWIiOiIxIn0.abc": [],  # header names no alg or typ
        "http://example.com/a?b=c": [],
        "bypass=1": [],
        "DB_PASSWORD=abc123": ["abc123"],
        "refresh_token: r1x": ["r1x"],
        "max_tokens=512 and compass: north": [],
        "api_key: str | None = None": [],
        "self.api_key = api_key; token = make_token(user)": [],
        "password=${DB_PASSWORD} password: !secret db_password": [],
        "if password == other or password=****": [],
        'api_key={key}) token="<your token>"': [],
        'api_key="sk-local-123"': ["sk-local-123"],
        "My password is: CrB(Uxeq6#GJuIv0$MsB": ["CrB(Uxeq6#GJuIv0$MsB"],  # a "(" in it, and no call
        "password=O6z)RjBr#5I#J6rn9# ok": ["O6z)RjBr#5I#J6rn9#"],
        "（密码是abc123）请查收": ["abc123"],
        "(password=abc) and [token=x9z]. ok": ["abc", "x9z"],
        "db_password: 'u(1Ou4usj+' and PASSWORD = \"dke(8Jru8\"": ["u(1Ou4usj+", "dke(8Jru8"],  # literals, no calls
        "password=Summer2024!": ["Summer2024!"],
        "the password is wrong, password is: required": [],
        "token = make_token(user).hex; password=hash(pw, salt); password = get_password()": [],
        "password = getPassword(user); token=SecretStr(x); pwd=$db_pass, api_key=$API_KEY": [],  # code, references
        "password=S6RmGAQv(R ok": ["S6RmGAQv(R"],  # no name of code before the "("
        'PASSWORD = "$V99TLqf"': ["$V99TLqf"],  # no variable's name after the "$"
        "password=OLa1I#ndi) ok": ["OLa1I#ndi)"],  # the text opened no bracket: the password's own
        "My password is: (4kpR_uJ#nd9aPBr)": ["(4kpR_uJ#nd9aPBr)"],
        "密码是+6hFCo5#4(JZsw7PgiU)。": ["+6hFCo5#4(JZsw7PgiU)"],
        "(see password=abc1) or [token=x9z]).": ["abc1", "x9z"],  # brackets the text opened
        "access_token=ya29.a0AfH6SMBx": ["ya29.a0AfH6SMBx"],  # dotted, but no attribute: its parts are no names
    }
    for text, expected in cases.items():
        assert sorted(texts(text)) == sorted(expected), text


@pytest.mark.parametrize(("text", "secret"), [
    ("GITLAB_PAT glpat-Ab3dEf6hIj9kLm2nOp5q for the runner", "glpat-Ab3dEf6hIj9kLm2nOp5q"),
    ("maps key AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe in the page", "AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe"),
    ("publish with npm_Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7c please", "npm_Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7c"),
    ("download the model with hf_AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGh", "hf_AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGh"),
    ("mail via 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 now",
     "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"),
    ("socket mode xapp-1-A0123456789-1234567890123-abcdef0123456789", "xapp-1-A0123456789-1234567890123-abcdef0123456789"),
    ("DefaultEndpointsProtocol=https;AccountName=roost;AccountKey=Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9v"
     "YmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cQ==;EndpointSuffix=core.windows.net",
     "Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cQ=="),
    ("Endpoint=sb://roost.servicebus.windows.net/;SharedAccessKeyName=send;"
     "SharedAccessKey=K8sT1x9QmP0vR3wY6zB2cD5fG8hJ1kL4nM7pQ0sT3vW=", "K8sT1x9QmP0vR3wY6zB2cD5fG8hJ1kL4nM7pQ0sT3vW="),
])
def test_a_services_key_is_found_by_its_own_prefix(text: str, secret: str) -> None:
    """Keys of GitLab, Google, npm, Hugging Face, SendGrid, Slack's apps and Azure, with no name before them."""
    assert texts(text) == [secret]


@pytest.mark.parametrize("text", [
    "hf_abcdefghijklmnopqrstuvwxyzabcdefgh",  # one case, no digit: no token
    "set npm_config_cache and glpat-short",
    "msg.SGV0IGl0.eA and AIzaTooShort",
    "AccountKey=<your key>",
])
def test_what_only_begins_like_a_services_key_stays(text: str) -> None:
    assert texts(text) == []


def test_pem_block_including_truncated() -> None:
    pem = "-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBg\n-----END PRIVATE KEY-----"
    assert texts(f"key:\n{pem}\nthanks") == [pem]
    cut = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg"
    assert texts(f"oops {cut}") == [cut]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my password is hunter2", "hunter2"),
        ("the wifi password is Tr0ub4dor&3 ok", "Tr0ub4dor&3"),
        ("your password was Summer2024! and it leaked", "Summer2024!"),  # a "!" is the password's as often
        ("the password is hunter2.", "hunter2"),  # a full stop is the sentence's
        ("(my password is hunter2).", "hunter2"),  # and so is a bracket the text opened
        ("my password is abc12)", "abc12)"),  # one it did not is the password's
        ("passcode 482913 for the meeting", "482913"),
        ("wifi密码 abc12345", "abc12345"),
        ("密码是abc", "abc"),
        ('the default passphrase is "correct horse battery staple"', "correct horse battery staple"),
        ("The wifi password is (4AYdKo*uD - enjoy your stay!", "(4AYdKo*uD"),  # a bracket the line never closes
        ("password: vvf14imi(2khCOq", "vvf14imi(2khCOq"),  # no call: "2khCOq" is no argument
        ('curl -H "Authorization: Bearer 8f14e45fceea167a5a36dedd4bea2543" https://x', "8f14e45fceea167a5a36dedd4bea2543"),
        ("Authorization: bearer ab.cd-EF_gh~ij+kl/mnop==", "ab.cd-EF_gh~ij+kl/mnop=="),
        ("Authorization: Basic dXNlcjpwYXNzd29yZA==", "dXNlcjpwYXNzd29yZA=="),  # user:password
        ("**Password:** 04U2**Q9U7", "04U2**Q9U7"),  # the stars around " 04U2" are no emphasis
        ("login: jdoe / pw: Summer2024!", "Summer2024!"),  # "pw" as a word of its own
        ("my pw is Sommer2024", "Sommer2024"),
        ("my pass is hunter22", "hunter22"),  # someone's pass, stated
        ("my password's hunter22", "hunter22"),
        ("WIFI:T:WPA;S:My Network;P:Tr0ub4dor&3;H:false;;", "Tr0ub4dor&3"),  # a Wi-Fi QR code's text
        ("WIFI:S:Home;P:pa\\;ss;;", "pa\\;ss"),  # a ";" escaped
        ("WPA key: Secret123", "Secret123"),  # a router's sticker
        ('network={\n    ssid="Home"\n    psk="Secret123"\n}', "Secret123"),  # wpa_supplicant.conf
        ('api:\n  encryption:\n    key: "8YvF2c3z9m1J0bq4r5T6u7W8x9Y0z1A2b3C4d5E6f7g="',  # an ESPHome device's
         "8YvF2c3z9m1J0bq4r5T6u7W8x9Y0z1A2b3C4d5E6f7g="),
        ("the password for my gmail is Summer2024", "Summer2024"),  # what a password is for, said after its name
        ("Mein Passwort für Netflix ist Sonne2024", "Sonne2024"),
        ("the password to my bank account: Summer2024", "Summer2024"),
        ("Passwort lautet: Sonne2024", "Sonne2024"),
        ("the code to the door is 4821", "4821"),  # what a code opens, said after it
        ("code for the garage: 4821", "4821"),
        ("the lockbox code is 4821", "4821"),
    ],
)
def test_secrets_as_people_state_them(text: str, expected: str) -> None:
    assert texts(text) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("docker login -u admin -p S3cretPass! registry.example.com", "S3cretPass!"),
        ("mysql -u root -pS3cretPass mydb", "S3cretPass"),
        ("mysqldump -u root -p'S3cret Pass' db > dump.sql", "S3cret Pass"),
        ("sshpass -p 'S3cret' ssh pi@raspberrypi.local", "S3cret"),
        ("redis-cli -h 127.0.0.1 -a S3cretPass ping", "S3cretPass"),
        ("curl -u admin:S3cretPass https://example.com/api", "admin:S3cretPass"),
        ('curl --user "admin:S3cret Pass" https://example.com/api', "admin:S3cret Pass"),
    ],
)
def test_passwords_on_command_lines(text: str, expected: str) -> None:
    assert texts(text) == [expected]


TELEGRAM = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
DISCORD = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB"
DISCORD_WEBHOOK = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789_-abcdefghijklmno"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"telegram bot token {TELEGRAM}", TELEGRAM),  # the bot's id with it: no phone number
        (f"my bot token is {TELEGRAM}.", TELEGRAM),
        (f"GET https://api.telegram.org/bot{TELEGRAM}/getUpdates failed", TELEGRAM),
        (f"discord token {DISCORD}", DISCORD),
        (f"https://discord.com/api/webhooks/123456789012345678/{DISCORD_WEBHOOK}", DISCORD_WEBHOOK),
        ("https://hooks.slack.com/services/T024BE7LD/B06ABCDEF12/aBcDeFgHiJkLmNoPqRsTuV12", "aBcDeFgHiJkLmNoPqRsTuV12"),
        ("<password>S3cretPass!</password>", "S3cretPass!"),
        ("redis://:S3cretPass@localhost:6379/0", ":S3cretPass"),
    ],
)
def test_the_chat_platforms_tokens(text: str, expected: str) -> None:
    # Roost's own platforms: a bot token pasted into a chat, or in a URL a log line shows.
    assert sanitized(text) == text.replace(expected, "[SECRET]")
    assert [f.text for f in default_registry().analyze(text)] == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("WLAN-Passwort: Sonnenschein99", "Sonnenschein99"),  # a password as users of other languages name it
        ("das WLAN-Passwort lautet Fritz!Box77", "Fritz!Box77"),
        ("Kennwort: geheim123", "geheim123"),
        ("mon mot de passe est soleil42", "soleil42"),
        ("mot de passe : Chat#2024", "Chat#2024"),
        ("mi contraseña es sol2024", "sol2024"),
        ("minha senha é abc12345", "abc12345"),
        ("mijn wachtwoord is zon12345", "zon12345"),
        ("moje hasło to słońce12", "słońce12"),
        ("Hasło: Kot!2024", "Kot!2024"),
        ("mitt lösenord är sol12345", "sol12345"),
        ("passordet mitt er sol12345", "sol12345"),
        ("adgangskode: Hund1234", "Hund1234"),
        ("salasana: Kissa2024", "Kissa2024"),
        ("şifrem abc12345", "abc12345"),
        ("мой пароль qwerty123", "qwerty123"),
        ("пароль от wifi: qwerty123", "qwerty123"),
        ("パスワードは abc12345 です", "abc12345"),
        ("비밀번호는 abc12345", "abc12345"),
        ("mật khẩu: Meo2024", "Meo2024"),
        ("kata sandi: Kucing2024", "Kucing2024"),
        ("la clave del wifi es casa1234", "casa1234"),  # a Wi-Fi network's key, and a password of one
        ("code wifi : maison2024", "maison2024"),
        ("WLAN-Schlüssel: 12345678901234567890", "12345678901234567890"),
        ("network security key is Abc12345", "Abc12345"),
        ("das Passwort für das WLAN ist Sonne123", "Sonne123"),
        ("le mot de passe du wifi est chat2024", "chat2024"),
        ("der Türcode ist 4711", "4711"),  # a code that opens a home
        ("Zugangscode 4711", "4711"),
        ("le digicode est 4821", "4821"),
        ("le code de la porte est 4827", "4827"),
        ("el código de la puerta es 4821", "4821"),
        ("código do portão: 1990", "1990"),
        ("il codice del cancello è 5566", "5566"),
        ("de deurcode is 1234", "1234"),
        ("portkoden är 1234", "1234"),
        ("kod do bramy 2580", "2580"),
        ("暗証番号は1234です", "1234"),  # a Latin or digit value ends where the sentence goes on
        ("密码是abc123请查收", "abc123"),
        ("wifi密码 abc12345哦", "abc12345"),
        ("Ihr Bestätigungscode lautet 482913", "482913"),  # one-time codes, PINs and cards' security codes
        ("Votre code de vérification est 482913", "482913"),
        ("Tu código de verificación es 482913", "482913"),
        ("Il tuo codice di verifica è 482913", "482913"),
        ("Je verificatiecode is 482913", "482913"),
        ("Twój kod weryfikacyjny to 482913", "482913"),
        ("Din verifieringskod är 482913", "482913"),
        ("Doğrulama kodu: 482913", "482913"),
        ("Ваш код подтверждения: 482913", "482913"),
        ("認証コードは482913です", "482913"),
        ("인증번호 482913", "482913"),
        ("Mã xác nhận: 482913", "482913"),
        ("PIN-Code 4821", "4821"),
        ("Geheimzahl 4821", "4821"),
        ("Kartenprüfnummer 123", "123"),
        ("cryptogramme visuel : 123", "123"),
        ("código de seguridad 123", "123"),
        ("セキュリティコードは123", "123"),
    ],
)
def test_passwords_and_codes_in_other_languages(text: str, expected: str) -> None:
    assert texts(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "**Password:** Hunter22",
        "- **Wi-Fi password**: Hunter22",
        "Password: **Hunter22**",
        "my password is **Hunter22**",
        "password: `Hunter22`",
        "`password`: `Hunter22`",
        "wifi密码：`Hunter22`",
        "密码：**Hunter22**",
        "the password is “Hunter22”",
        "密码是「Hunter22」",
        "The password is <b>Hunter22</b>",
        "Your password is: <code>Hunter22</code>",
    ],
)
def test_a_secret_in_markdown_html_or_quotes_is_found_without_them(text: str) -> None:
    # What chat apps and models write, bold and code in markdown or HTML, and typographic quotes: the markup stays.
    assert sanitized(text) == text.replace("Hunter22", "[SECRET]")


@pytest.mark.parametrize(
    "text",
    [
        "password is required",
        "I forgot my password again",
        "the password is case-sensitive.",
        "password manager 1Password is great",
        "Your password must be 8-64 characters long.",
        "if user is None and password is None:",
        "password (bool, optional): Enable password input.",
        "**To see the current account password policy**",
        "passing an empty password and/or salt",
        "wifi密码是多少？",
        "密码是什么",
        "密码为空，请重新输入",
        "密码是否正确",
        "the bearer of bad news",
        "Authorization: Bearer YOUR_ACCESS_TOKEN",
        "Bearer tokens expire after 3600 seconds",
        "Basic authentication uses base64",
        "basic understanding of networks",  # "understanding" is no base64 of user:password
        "the password is **required** and **never** shared",  # emphasis on prose
        "Your password is <em>case-sensitive</em>.",
        "密码是**多少**",
        "the password is `getpass()`",  # code: a call, a key looked up, code cut off at a quote
        "token: `os.environ['API_TOKEN']`",
        'password = os.environ["DB_PASSWORD"]',
        'password = config["db"]["password"]',
        "password = auth[2]; secret_key = creds[self.SECRET_KEY]; next_token = groups[-1].name",  # items looked up
        "token = Punctuation",  # a key or a token is no word: a lexer's token,
        '"output_token": "NextMarker", "input_token": "position"',  # a paginator's names of fields,
        "def get_metadata(token=None):",  # a signature's default, a parameter described, an attribute
        "def __init__(self, passwd=None):",
        ":param password: The plaintext password.",
        "password = self.password; Pass = ASLLexer.PASS",
        "The CVV is the 3-digit code on the back of the card.",  # codes talked about, not given
        "CVV is 3 or 4 digits",
        "请输入6位验证码",
        "the OTP expires in 300 seconds",
        "GPIO pin 17 drives the relay; pins 4-6 are free",
        "the access code has 6 digits; the door code was changed at 12:30",
        "the ping took 1234 ms while spinning at 2000 rpm",
        "security code 12/27",
        "mysql -u root -p mydb",  # commands that ask for the password, or are given a reference or other options
        "mysql -h db -P3306 -u root -p",
        "mysql -u root -p$MYSQL_PWD db",
        "echo $TOKEN | docker login -u admin --password-stdin",
        'curl -u "$USER:$PASS" https://x; curl -u admin: https://x',
        "docker run -p 8080:80 nginx; ssh -p 2222 pi@host; mkdir -p /tmp/a",
        'git commit -u -m "x:y"',
        "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",  # the docs' placeholder
        "the token count is 4096 and max token 8192; token limit reached after 123456 tokens",
        "the token is invalid or expired",
        '<input type=password name=pass value="">',  # HTML: a type, and a tag where a value would be
        'Password: <input id="pw1" type="password" />',
        "I think my password is wrong!",
        "Passwort vergessen? Das Passwort muss 8 Zeichen haben",  # the same in other languages
        "mot de passe oublié", "la contraseña es incorrecta", "wachtwoord vergeten", "hasło jest nieprawidłowe",
        "пароль неверный", "パスワードを忘れました", "비밀번호를 잊어버렸어요", "lösenordet är fel",
        "密码是8位数字", "暗証番号は4桁です",  # a count, not a password
        "Zugangscode anfordern", "Der Motorcode ist 4711", "le code postal est 75001", "código postal 28013",
        "il codice fiscale", "la palabra clave: python3", "Arguments to pass to :py:func:`pytest.main`",
        "der Code ist 1234", "Postleitzahl 12345", "kod pocztowy 00-950", "the code 482913 is wrong",
        "the password for the account expires in 2 days", "Password for user admin is required",
        "the password for SSH is disabled", "the code for the door is broken",
        'logger.debug("Decrypting password data using: %s", path)',  # no "da" (Italian's "of") in "data"
        "pw useradd bob -m", "the pw is required", "PWD=/home/anna", "pw-cli dump 42",  # FreeBSD's pw, a shell's PWD
        "pw = pw[:-1]", '{"pl": l1, "pw": [n2]}', "pw : rational number",  # code's names, a parameter described
        "the boarding pass is 12A", "my bus pass is 2024 edition", "the password's strength is good",
        "psk = derive_psk(ssid, passphrase)", "WIFI:S:Home;T:nopass;;", "the wireless keyboard is 2.4 GHz",
        "key: database_url", "sort(key=lambda x: x)", "key: 12345678901234567890123456789012",  # no key's bytes
    ],
)
def test_prose_about_passwords_and_tokens_is_no_secret(text: str) -> None:
    assert texts(text) == []

"""SECRET's codes (secret_codes.py): cards' security codes, one-time codes and PINs, homes' and services' codes, named
before their digits or after them."""

from __future__ import annotations

import pytest

from integrations.pii.recognizers import SecretRecognizer


def texts(text: str) -> list[str]:
    """The secrets found in text, in order."""
    return [f.text for f in SecretRecognizer().find(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("card 4111 1111 1111 1111 exp 12/27 cvv 123", "123"),  # PCI's sensitive authentication data
        ("the CVC is 4567, thanks", "4567"),
        ("卡背面的安全码是 123", "123"),
        ("Your verification code is 482913. It expires in 5 minutes.", "482913"),
        ("【银行】您的验证码是482913，5分钟内有效。", "482913"),
        ("动态码：4829", "4829"),
        ("OTP 482913", "482913"),
        ("your one-time code: 482913", "482913"),
        ("my pin is 4821", "4821"),
        ("SIM PIN 1234", "1234"),
        ("The door code is 4821", "4821"),  # what opens a home: smart locks, alarm panels, gate keypads
        ("garage code: 4821#", "4821"),
        ("alarm code 1234", "1234"),
        ("门禁码是482913", "482913"),
        ("Enter access code 998877 at the keypad", "998877"),
    ],
)
def test_codes_named_before_their_digits(text: str, expected: str) -> None:
    assert texts(text) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("482913 is your verification code", "482913"),  # as services' text messages give their codes
        ("G-482913 is your Google verification code.", "482913"),
        ("<#> 482913 is your Facebook confirmation code", "482913"),
        ("123456 is your Amazon OTP. Do not share it with anyone.", "123456"),
        ("Use 482913 as your one-time passcode", "482913"),
        ("482913 est votre code de vérification", "482913"),
        ("482913 ist Ihr Bestätigungscode", "482913"),
        ("482913 es tu código de verificación", "482913"),
        ("482913 é o seu código de verificação", "482913"),
        ("482913是您的验证码，请勿泄露", "482913"),
        ("482913 is your Instagram code.", "482913"),  # a service's code: its name said
        ("Your WhatsApp code: 482-913", "482-913"),
        ("Your Uber code is 4829 and expires in 5 minutes", "4829"),
        ("Your code is 482913", "482913"),  # no service named
        ("482913 is your code.", "482913"),
        ("Telegram code: 48291\n\nYou can also tap on this link to log in:", "48291"),  # as a line begins
        ("Dear customer, 482913 is the OTP for your transaction of Rs 500", "482913"),  # as banks write it
        ("<#> 123456 is your Facebook code Laz+nxCarLW", "123456"),  # an app's hash for Android's SMS Retriever
        ("Your Steam Guard code: 4F8Y2", "4F8Y2"),  # capitals and digits
        ("<#> Your ExampleApp code is: 123ABC78\nFA+9qCX9VSu", "123ABC78"),
        ("Use 123 456 to verify your Instagram account.", "123 456"),
        ("Enter this code to sign in: 482913", "482913"),
        ("Your verification code for Google is 482913", "482913"),  # words between a code's name and its digits
        ("Your Microsoft account security code is 482913", "482913"),
        ("Mã xác nhận của bạn là 482913", "482913"),
        ("Kode verifikasi Anda 482913", "482913"),
        ("[Web발신] 인증번호 [482913]를 입력해주세요", "482913"),
        ("Seu código de verificação é 482913", "482913"),
        ("Enter 482913 to verify your account", "482913"),  # a code given with what to do with it
        ("Use code 482913 to log in", "482913"),
        ("Type the code 4829 to confirm", "4829"),
        ("Use 482913 to sign in to your account.", "482913"),  # what it is for, without "code"
        ("Enter 482913 to log in", "482913"),
        ("Type 482 913 to confirm your email", "482 913"),
    ],
)
def test_codes_as_services_send_them(text: str, expected: str) -> None:
    assert texts(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "your zip code is 75001",
        "Your ZIP code is 94105.",
        "Your Promo code: 2024",
        "Your order code is 123456",
        "Your Python code is 2024 lines long",
        "In 2024 is your Python code better?",
        "Error 404 is your Server code",
        "the verification code expires in 10 minutes",
        "verification code for 2 minutes",
        "2024 is your year; 1.482913 is your verification code",
        "the area code is 415",
        "Use 8080 to login to the admin page",  # a port: after "Use" six digits or more, or "code"
        "enter 2024 to complete the survey",
        "Item code: 12345", "Status code: 2000.", "Your code is 1234 lines", "In 2024 is your code better?",
        "Telegram code 48291 things",
        "Your Python code is PEP8", "connect it to pin GPIO17", "Your code is DONE", "123456 is your code of conduct",
        "the code to complete the task: 2024 lines",
        "Enter 20241207 to confirm the date", "Use port 443 to sign in securely", "Please confirm the order 12345678",
    ],
)
def test_other_codes_and_numbers_near_a_codes_name_stay(text: str) -> None:
    assert texts(text) == []

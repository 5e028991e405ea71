"""The pii evaluation's personal details (names, dates of birth, addresses): the sentences that hold them, and the hard
negatives beside them."""

from __future__ import annotations

import random
from collections.abc import Callable

from pii_east_asian_values import (
    east_asian_birth_date,
    japanese_address,
    japanese_person,
    korean_address,
    korean_person,
)
from pii_values import address, birth_date, birth_month, chinese_address, chinese_person, person

__all__ = ["PERSONAL", "PERSONAL_NEGATIVE"]

PERSONAL: list[tuple[str, Callable[[random.Random], str], list[str]]] = [
    ("PERSON", person, ["Hi, my name is {v} and I need help with my order.", "My name is {v}.", "Name: {v}\nPhone: on file",
                        "Full name: {v}", "Please ask Mr. {v} to call back.", "Call me {v}!", "ich heiße {v}",
                        "je m'appelle {v}, merci", "Patient name: {v}; room 12", "Dear {v},\nthe parcel is here.",
                        "Best regards,\n{v}\nHead of Sales"]),
    ("DATE_OF_BIRTH", birth_date, ["DOB: {v}", "My date of birth is {v}.", "born on {v} in Leeds",
                                   "Date of Birth: {v}\nGender: F", "出生日期：{v}", "geboren am {v}"]),
    ("DATE_OF_BIRTH", birth_month, ["I was born in {v}.", "DOB: {v}", "Date of birth: {v}\nGender: M"]),
    ("ADDRESS", address, ["Address: {v}\nPhone: on file", "My address is {v}.", "Shipping address: {v}",
                          "Please note my new address is {v}; thanks", "I live at {v}, and the dog is friendly"]),
    ("ADDRESS", chinese_address, ["收货地址：{v}，电话见备注", "地址：{v}", "住址：{v}。", "我家在{v}，欢迎来玩"]),
    ("PERSON", chinese_person, ["我叫{v}，请多关照", "收货人：{v} 电话见备注", "姓名：{v}", "他名叫{v}。", "联系人：{v}"]),
    ("PERSON", japanese_person, ["氏名：{v}", "名前は{v}です", "お名前: {v} 様", "氏名 {v}\n電話: 別紙参照"]),
    ("PERSON", korean_person, ["이름: {v}", "제 이름은 {v}입니다", "성명: {v}", "이름은 {v}이에요"]),
    ("ADDRESS", japanese_address, ["住所：{v}", "住所は{v}です", "ご住所: {v} 電話: 後日連絡"]),
    ("ADDRESS", korean_address, ["주소: {v}", "제 주소는 {v}입니다", "주소: {v}, 연락처: 별도"]),
    ("DATE_OF_BIRTH", east_asian_birth_date, ["生年月日：{v}", "生年月日は{v}です", "생년월일: {v}", "생년월일은 {v}"]),
]
"""Personal details: names, dates of birth and addresses, which a label gives. Drawn in sentences of their own (see
sentences())."""

PERSONAL_NEGATIVE: list[Callable[[random.Random], str]] = [
    lambda r: r.choice(["What is your name?", "My name is not important.", "- name: Checkout\n  - name: Set up Python",
                        "name: build", "Product name: Widget 3000", "Company Name: Acme Corp", "Username: admin",
                        "Please call me back at 5.", "Call me Monday.", "my name is on the list", "我叫了辆车",
                        "我叫他明天再来", "我叫司机在门口等", "The Name field is required.", "我叫什么名字来着？",
                        "The file name is Report.pdf", "I was born in 1984.", "祝你生日快乐！", "Date of birth: required",
                        f"birthday party on Saturday 2024-0{r.randint(1, 9)}-1{r.randint(0, 9)}",
                        "my address is on file", "Address: see below", "Your IP address: hidden",
                        "server:\n  address: 0.0.0.0\n  port: 8080", "我住在北京，地址以后再说。",
                        f"Address: 0x7ffd{r.randint(4096, 65535):x} in the core dump", "Hello World!",
                        "Hi all, the build is green.", "Thanks,\nThe Roost Team", "Thanks!\nWhat about tomorrow?",
                        "名前は変更できません", "名前空間を使う", "파일 이름 변경", "이름은 변경할 수 없습니다", "住所：未定",
                        "주소는 나중에 알려드릴게요", "生年月日：未記入", "생일 파티는 토요일"]),
]


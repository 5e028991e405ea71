"""Japanese and Korean names after a form's label or a self-introduction: "氏名：山田太郎", "名前は山田太郎です",
"이름: 김민준", "제 이름은 김민준입니다".

A label counts only where something parts it from what follows: a colon, a space, or the topic's particle (は, 은, 는);
"名前空間" (namespace) and "名前変更" (renaming) are words. After the particle the name must end as a sentence that
gives it does ("…です", "…と申します", "…입니다", "…이에요"), so that "名前は変更できません" and "이름은 변경할 수 없습니다"
give none. A Korean name begins with a surname (김, 이, 박 …, or two syllables: 남궁, 황보 …) and has two to four
syllables; a Japanese one is up to six kanji, maybe a space and up to four more, or katakana.
"""

from __future__ import annotations

import re

__all__ = ["EAST_ASIAN_LABEL", "EAST_ASIAN_NAME_CUES", "east_asian_name_end"]

EAST_ASIAN_NAME_CUES = ("氏名", "名前", "이름", "성명")
EAST_ASIAN_LABEL = re.compile(
    r"(?:(?P<ja>氏名|お名前|名前)(?:[ \t　]*[:：][ \t　]*|(?P<ja_topic>は)[ \t　]*|[ \t　]+)"
    r"|(?P<ko>이름|성명)(?:[ \t]*[:：][ \t]*|(?P<ko_topic>[은는])[ \t]+))"
)
"""A Japanese or Korean label for a name, and what parts it from the name (in Korean not a space alone: "파일 이름
변경" is "rename the file")."""

_JAPANESE_NAME = (r"(?:[\u4e00-\u9fff々]{1,6}(?:[ 　](?![様殿](?![\u4e00-\u9fff])|[のはがをにでとも])[\u3041-\u3096\u4e00-\u9fff々]{1,5})?"
                  r"|[\u30a1-\u30faー]{2,8}(?:[ 　・][\u30a1-\u30faー]{2,8})?)")
"""A Japanese name: up to six kanji (長谷川美咲), maybe a space and a given name of kanji or hiragana (山田 さゆり; not 様
or 殿, "Mr", nor a particle: "山田 の件"), or katakana."""
_JAPANESE = re.compile(_JAPANESE_NAME)
_JAPANESE_ENDS = ("です", "と申します", "といいます", "と言います", "でございます", "だ")
_JAPANESE_BEFORE_AN_END = re.compile(_JAPANESE_NAME + "(?=" + "|".join(_JAPANESE_ENDS) + ")")
"""A name after 名前は, which a sentence's end follows ("名前は山田 さゆりです")."""
_NOT_A_NAME = frozenset(("未定", "不明", "非公開", "秘密", "任意", "必須", "省略", "未記入", "空欄", "匿名", "変更", "入力", "登録",
                         "確認", "設定", "未設定", "検索", "一覧", "修正", "削除", "없음", "미정", "비공개", "비밀", "입력", "필수", "선택",
                         "변경", "확인", "수정", "삭제", "검색", "정보", "등록"))
"""What a form says in place of a name, or does with one ("名前：未定", "이름: 변경")."""
_KOREAN = re.compile(r"[가-힣]{2,9}")
_KOREAN_ENDS = ("입니다", "이에요", "이예요", "예요", "이고요", "이고", "이며", "이다", "이라고", "라고")
_KOREAN_TITLES = ("님", "씨")
_KOREAN_SURNAMES = frozenset(
    "김 이 박 최 정 강 조 윤 장 임 한 오 서 신 권 황 안 송 류 유 홍 전 고 문 양 손 배 백 허 남 심 노 하 곽 성 차 주 우 구 민 진 나 지 엄 "
    "채 원 천 방 공 현 함 변 염 여 추 도 소 석 선 설 마 길 연 위 표 명 기 반 라 왕 금 옥 육 인 맹 제 모 탁 국 어 은 편 용 예 경 봉 사 부 "
    "가 복 태 목 형 피 두 감 음 빈 동 온 호 범 좌 팽 승 간 상 갈 단 견 당".split())
"""Common Korean surnames (most of the hundred most common): a name from a rarer one is missed."""
_KOREAN_COMPOUND_SURNAMES = ("남궁", "황보", "제갈", "선우", "독고", "사공", "서문")


def east_asian_name_end(text: str, label: re.Match[str]) -> int:
    """Where the name after a Japanese or Korean label ends, 0 when what follows is no name."""
    at = label.end()
    if label["ja"]:
        found = (_JAPANESE_BEFORE_AN_END if label["ja_topic"] else _JAPANESE).match(text, at)
        if found is None or len(found.group().replace(" ", "").replace("　", "")) < 2 \
                or found.group() in _NOT_A_NAME:
            return 0  # "名前は変更できません": no sentence's end after a name
        end = found.end() - (found.group()[-1] in "様殿" and len(found.group()) > 3)  # "山田太郎様": Mr Taro Yamada
        after = text[end:end + 1]
        if "\u4e00" <= after <= "\u9fff" and after not in ("様", "殿"):
            return 0  # a word of seven kanji or more
        return end
    found = _KOREAN.match(text, at)
    if found is None or (found.end() < len(text) and "가" <= text[found.end()] <= "힣"):
        return 0
    run = found.group()
    ending = next((end for end in (*_KOREAN_ENDS, *_KOREAN_TITLES) if run.endswith(end) and len(run) > len(end) + 1),
                  "")
    if label["ko_topic"] and ending not in _KOREAN_ENDS:
        return 0
    name = run[:len(run) - len(ending)]
    family = 2 if name.startswith(_KOREAN_COMPOUND_SURNAMES) else 1 if name[0] in _KOREAN_SURNAMES else 0
    if not family or not 2 <= len(name) <= 4 or len(name) == family or name in _NOT_A_NAME:
        return 0
    return at + len(name)

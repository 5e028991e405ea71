"""Query terms from user text, and FTS5 queries that SQLite always accepts."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from integrations.knowledge.query import (
    MAX_TERMS,
    Term,
    gram_query,
    gram_text,
    query_terms,
    trigram_query,
)


def test_english_terms_drop_stopwords_and_fold_case() -> None:
    assert query_terms("What is the RETURN policy?") == [
        Term("return", False),
        Term("policy", False),
    ]


def test_chinese_runs_split_at_particles_and_question_words() -> None:
    assert query_terms("请问退货政策是什么？") == [Term("退货政策", True)]
    assert query_terms("定制蛋糕怎么付定金") == [Term("定制蛋糕", True), Term("付定金", True)]


def test_mixed_scripts_split_into_separate_terms() -> None:
    assert query_terms("VIP会员卡") == [Term("vip", False), Term("会员卡", True)]


def test_full_width_forms_are_normalised() -> None:
    assert query_terms("ＲＥＦＵＮＤ　１０") == [Term("refund", False), Term("10", False)]


def test_terms_are_capped_and_unique() -> None:
    words = " ".join(f"word{i}" for i in range(100))
    assert len(query_terms(words)) == MAX_TERMS
    assert query_terms("bread bread BREAD") == [Term("bread", False)]


def test_trigram_query_skips_short_terms_and_splits_cjk() -> None:
    terms = [Term("refund", False), Term("id", False), Term("退货政策", True), Term("退货", True)]
    assert trigram_query(terms) == '"refund" OR "退货政" OR "货政策"'


def test_gram_query_uses_bigrams_and_single_characters() -> None:
    terms = [Term("refund", False), Term("退货政", True), Term("退", True)]
    assert gram_query(terms) == '"refund" OR "退货" OR "货政" OR "退"'


def test_gram_text_spells_out_cjk_runs() -> None:
    assert gram_text("Returns 退货政策!") == "Returns  退 货 政 策 退货 货政 政策 !"
    assert gram_text("定") == " 定 "


@pytest.fixture(scope="module")
def fts() -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE tri USING fts5(title, body, tokenize='trigram')")
    conn.execute(
        "CREATE VIRTUAL TABLE words USING fts5(title, body, tokenize='porter unicode61 remove_diacritics 2')"
    )
    conn.execute("INSERT INTO tri VALUES ('Returns 退货', 'refund \"quoted\" text*')")
    conn.execute("INSERT INTO words VALUES (?, ?)", (gram_text("Returns 退货"), "refund text"))
    yield conn
    conn.close()


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_any_user_text_gives_valid_fts_queries(fts: sqlite3.Connection, text: str) -> None:
    terms = query_terms(text)
    for table, match in (("tri", trigram_query(terms)), ("words", gram_query(terms))):
        if match:
            fts.execute(f"SELECT rowid FROM {table} WHERE {table} MATCH ?", (match,)).fetchall()


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(['"', "*", "(", ")", "AND", "OR", "NOT", "NEAR", ":", "^", "-", "+", "{", "}", "refund", "退货", " "]),
        max_size=12,
    )
)
def test_fts_operators_never_reach_sqlite(fts: sqlite3.Connection, parts: list[str]) -> None:
    text = "".join(parts)
    terms = query_terms(text)
    for table, match in (("tri", trigram_query(terms)), ("words", gram_query(terms))):
        if match:
            fts.execute(f"SELECT rowid FROM {table} WHERE {table} MATCH ?", (match,)).fetchall()
    assert all(term.text.isalnum() for term in terms)

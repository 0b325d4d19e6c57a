"""Tests for Persian digits, search normalisation, number formatting and sorting."""

import sqlite3
from decimal import Decimal

import pytest

from tracker.core.persian import (
    format_number,
    format_percent,
    normalize_search,
    persian_collate,
    persian_sort_key,
    search_terms,
    to_latin_digits,
    to_persian_digits,
)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("1404/06/25", "۱۴۰۴/۰۶/۲۵"),
        ("٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹"),
        ("۱۲3", "۱۲۳"),
        (1250, "۱۲۵۰"),
        (None, ""),
        ("بدون عدد", "بدون عدد"),
    ],
)
def test_to_persian_digits(given, expected):
    assert to_persian_digits(given) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("۱۴۰۴/۰۶/۲۵", "1404/06/25"),
        ("٠١٢٣٤٥٦٧٨٩", "0123456789"),
        ("۱۲٫۵", "12.5"),
        ("۱٬۲۵۰", "1٬250"),  # only digits change; the thousands separator stays
        (None, ""),
    ],
)
def test_to_latin_digits(given, expected):
    assert to_latin_digits(given) == expected


@pytest.mark.parametrize(
    "variant",
    [
        "کوه\u200cچنار",  # with ZWNJ
        "كوهچنار",  # Arabic kaf
        "  کوه\u200fچنار ",  # RLM and surrounding spaces
        "کوهـچنار",  # tatweel
    ],
)
def test_normalize_search_folds_typing_variants(variant):
    assert normalize_search(variant) == "کوهچنار"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("علي", "علی"),  # Arabic yeh
        ("موسى", "موسی"),  # alef maksura
        ("مدرسة", "مدرسه"),  # teh marbuta
        ("خانۀ کارگر", "خانه کارگر"),
        ("آب", "اب"),
        ("أحمد إسلامي", "احمد اسلامی"),
        ("مؤسسه", "موسسه"),
        ("مسائل", "مسایل"),
        ("مُحَمَّد", "محمد"),  # diacritics
        ("استخر   شماره\t۲", "استخر شماره 2"),
        ("Pool NUMBER ٣", "pool number 3"),
        (None, ""),
    ],
)
def test_normalize_search(given, expected):
    assert normalize_search(given) == expected


def test_search_terms_split_on_spaces():
    assert search_terms("  کوه   چنار ") == ["کوه", "چنار"]
    assert all(term in normalize_search("كوه\u200cچنار") for term in search_terms("کوه چنار"))
    assert search_terms("   ") == []


@pytest.mark.parametrize(
    ("value", "locale", "expected"),
    [
        (1250000000, "fa", "۱٬۲۵۰٬۰۰۰٬۰۰۰"),
        (Decimal("12.5"), "fa", "۱۲٫۵"),
        (0, "fa", "۰"),
        (1250000000, "fa_IR", "۱٬۲۵۰٬۰۰۰٬۰۰۰"),
        (1250000000, "en", "1,250,000,000"),
        (Decimal("12.5"), "en", "12.5"),
        (None, "fa", ""),
    ],
)
def test_format_number(value, locale, expected):
    assert format_number(value, locale) == expected


def test_format_number_negative_in_persian_stays_left_to_right():
    assert format_number(-1500) == "\u200e−۱٬۵۰۰"


@pytest.mark.parametrize(
    ("value", "locale", "expected"),
    [
        (45, "fa", "۴۵٪"),
        (45, "en", "45%"),
        (Decimal("12.5"), "fa", "۱۲٫۵٪"),
        (100, "en", "100%"),
        (None, "fa", ""),
    ],
)
def test_format_percent(value, locale, expected):
    assert format_percent(value, locale) == expected


def test_sort_follows_persian_alphabet_not_code_points():
    words = ["ی", "گ", "ل", "ک", "ت", "پ", "ب", "ژ", "ز", "ر", "چ", "ج", "آ", "ا"]
    assert sorted(words, key=persian_sort_key) == [
        "ا", "آ", "ب", "پ", "ت", "ج", "چ", "ر", "ز", "ژ", "ک", "گ", "ل", "ی",
    ]  # fmt: skip


def test_sort_names():
    names = ["گلستان", "تبریز", "پارس", "بوشهر", "کرمان", "لرستان"]
    assert sorted(names, key=persian_sort_key) == [
        "بوشهر", "پارس", "تبریز", "کرمان", "گلستان", "لرستان",
    ]  # fmt: skip


def test_sort_folds_arabic_letters_and_ignores_zwnj():
    assert persian_sort_key("كرج")[0] == persian_sort_key("کرج")[0]
    assert persian_sort_key("علي")[0] == persian_sort_key("علی")[0]
    assert persian_sort_key("می\u200cرود")[0] == persian_sort_key("میرود")[0]
    assert sorted(["كيش", "کرج", "گرگان"], key=persian_sort_key) == ["کرج", "كيش", "گرگان"]


def test_sort_puts_a_shorter_word_and_a_space_first_and_foreign_text_last():
    assert sorted(["کوهستان", "کوه چنار", "کوه", "Kuh"], key=persian_sort_key) == [
        "کوه", "کوه چنار", "کوهستان", "Kuh",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("ب", "پ", -1),
        ("گ", "ک", 1),
        ("تهران", "تهران", 0),
        ("كرج", "کرج", -1),  # equal letters, then the raw strings decide, so the order is total
    ],
)
def test_persian_collate(a, b, expected):
    assert persian_collate(a, b) == expected
    assert persian_collate(b, a) == -expected


def test_persian_collate_in_sqlite():
    conn = sqlite3.connect(":memory:")
    conn.create_collation("persian", persian_collate)
    conn.execute("CREATE TABLE t (name TEXT)")
    conn.executemany("INSERT INTO t VALUES (?)", [("گچساران",), ("پلدختر",), ("یزد",), ("بم",)])
    rows = conn.execute("SELECT name FROM t ORDER BY name COLLATE persian").fetchall()
    assert [r[0] for r in rows] == ["بم", "پلدختر", "گچساران", "یزد"]
    conn.close()

"""Persian text and number helpers: digits, search normalisation, number formatting, sorting."""

from __future__ import annotations

import functools
import unicodedata
from decimal import Decimal

from babel.numbers import format_decimal

PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
LATIN_DIGITS = "0123456789"

_TO_PERSIAN = str.maketrans(LATIN_DIGITS + ARABIC_INDIC_DIGITS, PERSIAN_DIGITS * 2)
_TO_LATIN = str.maketrans(
    {
        **{p: str(i) for i, p in enumerate(PERSIAN_DIGITS)},
        **{a: str(i) for i, a in enumerate(ARABIC_INDIC_DIGITS)},
        "\u066b": ".",  # Arabic decimal separator ٫
    }
)

# Zero-width and bidi controls: invisible, yet they split words for a naive substring match.
_INVISIBLE_MARKS = (
    "\u061c\u200b\u200c\u200d\u200e\u200f\u2060\ufeff"
    + "".join(map(chr, range(0x202A, 0x202F)))
    + "".join(map(chr, range(0x2066, 0x206A)))
)
# Harakat and other combining marks, superscript alef, tatweel.
_DIACRITICS = "".join(map(chr, range(0x064B, 0x0660))) + "\u0670\u0640"

# Letters that keyboards and older Arabic-script text use for the same Persian letter.
_LETTER_FOLDS = {
    "ي": "ی",
    "ى": "ی",
    "ئ": "ی",
    "ك": "ک",
    "ة": "ه",
    "ۀ": "ه",
    "ؤ": "و",
    "أ": "ا",
    "إ": "ا",
    "ٱ": "ا",
}

_SEARCH_TABLE = str.maketrans(
    {
        **_TO_LATIN,
        **{ord(k): v for k, v in _LETTER_FOLDS.items()},
        **{ord(c): None for c in _INVISIBLE_MARKS + _DIACRITICS},
        ord("آ"): "ا",
    }
)
# Sorting keeps آ apart from ا: the alphabet lists it as a letter of its own.
_SORT_TABLE = str.maketrans(
    {
        **{ord(k): v for k, v in _LETTER_FOLDS.items()},
        **{ord(c): None for c in _INVISIBLE_MARKS + _DIACRITICS},
        **_TO_LATIN,
    }
)

PERSIAN_ALPHABET = (
    "ا", "آ", "ب", "پ", "ت", "ث", "ج", "چ", "ح", "خ", "د", "ذ", "ر", "ز", "ژ", "س",
    "ش", "ص", "ض", "ط", "ظ", "ع", "غ", "ف", "ق", "ک", "گ", "ل", "م", "ن", "و", "ه", "ی",
)  # fmt: skip
_ALPHABET_RANK = {letter: i + 1 for i, letter in enumerate(PERSIAN_ALPHABET)}
_OUTSIDE_OFFSET = len(PERSIAN_ALPHABET) + 1

PERCENT_SIGN_FA = "٪"


def to_persian_digits(text: object) -> str:
    """Return str(text) with ASCII and Arabic-Indic digits replaced by Persian ones."""
    if text is None:
        return ""
    return str(text).translate(_TO_PERSIAN)


def to_latin_digits(text: object) -> str:
    """Return str(text) with Persian and Arabic-Indic digits (and ٫) replaced by ASCII ones."""
    if text is None:
        return ""
    return str(text).translate(_TO_LATIN)


def normalize_search(text: object) -> str:
    """Fold text the way Persian users type it, so that variants of a word compare equal."""
    if text is None:
        return ""
    # NFKC turns Arabic presentation forms (common in text pasted from PDFs) into plain letters.
    folded = unicodedata.normalize("NFKC", str(text)).translate(_SEARCH_TABLE).casefold()
    return " ".join(folded.split())


def search_terms(query: object) -> list[str]:
    """Split a search query into normalised terms, each to be matched as a substring."""
    return normalize_search(query).split()


def _is_fa(locale: object) -> bool:
    """Tell whether a locale ("fa_IR", a babel Locale, or None for the default) is Persian."""
    return locale is None or str(locale).lower().startswith("fa")


# Babel takes ~16 µs a number and a page shows dozens of the same few: cache the formatted text.
@functools.lru_cache(maxsize=4096)
def format_number(value: int | float | Decimal | None, locale: object = "fa") -> str:
    """Format a number with grouping: Persian digits and separators in fa, Latin otherwise."""
    if value is None:
        return ""
    if not _is_fa(locale):
        return format_decimal(value, locale="en")
    # Babel gives Persian separators with arabext but keeps Latin digits and an ASCII minus.
    text = format_decimal(value, locale="fa_IR", numbering_system="arabext")
    return to_persian_digits(_persian_minus(text))


@functools.lru_cache(maxsize=1024)
def format_percent(value: int | float | Decimal | None, locale: object = "fa") -> str:
    """Format a percentage given in percent units (45 -> ۴۵٪), with at most one decimal."""
    if value is None:
        return ""
    if not _is_fa(locale):
        return format_decimal(value, format="#,##0.#", locale="en") + "%"
    # Babel's format_percent prints an ASCII % even with numbering_system="arabext".
    text = format_decimal(value, format="#,##0.#", locale="fa_IR", numbering_system="arabext")
    return to_persian_digits(_persian_minus(text)) + PERCENT_SIGN_FA


def _persian_minus(text: str) -> str:
    """Replace a leading ASCII minus with CLDR's fa minus, kept left-to-right by an LRM."""
    if text.startswith("-"):
        return "\u200e−" + text[1:]
    return text


def _char_rank(char: str) -> int:
    """Rank one folded character: whitespace, then the Persian alphabet, then code point order."""
    if char.isspace():
        return 0
    rank = _ALPHABET_RANK.get(char)
    if rank is not None:
        return rank
    return _OUTSIDE_OFFSET + ord(char)


# sqlite calls the collation once per comparison, so the same names are keyed over and over.
@functools.lru_cache(maxsize=4096)
def persian_sort_key(text: str | None) -> tuple[tuple[int, ...], str]:
    """Return a key ordering text by the Persian alphabet, ties broken by the raw string."""
    raw = text or ""
    folded = " ".join(raw.translate(_SORT_TABLE).casefold().split())
    return tuple(_char_rank(c) for c in folded), raw


def persian_collate(a: str, b: str) -> int:
    """Compare two strings in Persian order, returning -1, 0 or 1 (for sqlite create_collation)."""
    key_a, key_b = persian_sort_key(a), persian_sort_key(b)
    return (key_a > key_b) - (key_a < key_b)


def trimmed(text: str | None) -> str:
    """Text as typed, without the spaces around it (nothing typed: empty)."""
    return (text or "").strip()


def writing_direction(text: str) -> str:
    """'ltr' or 'rtl' by the first strong character, as dir="auto" decides; WeasyPrint ignores dir="auto"."""
    for char in text or "":
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return "rtl"

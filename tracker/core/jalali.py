"""Jalali (solar hijri) calendar helpers: parse user input, format dates."""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Callable

import jdatetime
from flask_babel import get_locale, lazy_gettext

from tracker.core.clock import TEHRAN
from tracker.core.persian import format_number, normalize_search, to_persian_digits

MIN_YEAR = 1300
MAX_YEAR = 1500

MONTH_NAMES = {
    "fa": [
        "فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
        "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند",
    ],
    "en": [
        "Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar",
        "Mehr", "Aban", "Azar", "Dey", "Bahman", "Esfand",
    ],
}  # fmt: skip

# normalize_search has already turned every digit ASCII, dropped bidi marks and trimmed spaces.
# year/month/day with "/", "-" or "." (a tablet's decimal keypad has no "/"), or eight digits in a row.
_DATE_RE = re.compile(r"([0-9]{4})([/.-])([0-9]{1,2})\2([0-9]{1,2})")
_COMPACT_DATE_RE = re.compile(r"([0-9]{4})()([0-9]{2})([0-9]{2})")


class JalaliDateError(ValueError):
    """A date a person typed that is not a valid Jalali date; .message says why, translated."""

    def __init__(self, message: object) -> None:
        """Keep the (lazy, translatable) message for the form that shows it."""
        super().__init__(message)
        self.message = message


class _InLocale:
    """A message argument rendered for the request's locale when the lazy message is."""

    def __init__(self, render: Callable[[str], str]) -> None:
        """Remember how to render the value for a locale ("fa" or "en")."""
        self._render = render

    def __str__(self) -> str:
        """Render for the current Flask-Babel locale (English outside a request)."""
        locale = get_locale()
        return self._render("fa" if locale is not None and locale.language == "fa" else "en")


def number_in_locale(value: int, grouped: bool = False) -> _InLocale:
    """A number in the locale's digits: ungrouped for years and days, grouped for amounts."""
    if grouped:
        return _InLocale(lambda loc: format_number(value, loc))
    return _InLocale(lambda loc: to_persian_digits(value) if loc == "fa" else str(value))


def _month_name_arg(month: int) -> _InLocale:
    """A month's name in the locale's language."""
    return _InLocale(lambda loc: MONTH_NAMES[loc][month - 1])


def _to_tehran(moment: datetime.datetime) -> datetime.datetime:
    """Convert a datetime to Tehran time, reading a naive one as UTC (how timestamps are stored)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment.astimezone(TEHRAN)


def jalali_year(day: datetime.date) -> int:
    """The Jalali year a date falls in, which is also its fiscal year."""
    return jdatetime.date.fromgregorian(date=day).year


def days_in_month(year: int, month: int) -> int:
    """Return the number of days in a Jalali month (Esfand has 30 in leap years)."""
    if month == 12 and jdatetime.date(year, 1, 1).isleap():
        return 30
    return jdatetime.j_days_in_month[month - 1]


def parse_jalali_date(text: object) -> datetime.date:
    """Parse a Jalali year/month/day typed in any digits; return the Gregorian date."""
    typed = normalize_search(text).replace("٫", ".")
    match = _DATE_RE.fullmatch(typed) or _COMPACT_DATE_RE.fullmatch(typed)
    if match is None:
        raise JalaliDateError(lazy_gettext("Enter the date as year/month/day, for example 1404/06/25."))
    year, month, day = int(match[1]), int(match[3]), int(match[4])
    if not MIN_YEAR <= year <= MAX_YEAR:
        if 1900 <= year <= 2100:
            raise JalaliDateError(
                lazy_gettext(
                    "The year %(year)s looks like a Gregorian year; enter the Jalali year, for example 1404.",
                    year=number_in_locale(year),
                )
            )
        raise JalaliDateError(
            lazy_gettext(
                "The year %(year)s is out of range; enter a year from 1300 to 1500.",
                year=number_in_locale(year),
            )
        )
    if not 1 <= month <= 12:
        raise JalaliDateError(
            lazy_gettext(
                "There is no month %(month)s; months run from 1 to 12.",
                month=number_in_locale(month),
            )
        )
    days = days_in_month(year, month)
    if day < 1:
        raise JalaliDateError(lazy_gettext("There is no day %(day)s; days start at 1.", day=number_in_locale(day)))
    if day > days:
        if month == 12 and day == 30:
            raise JalaliDateError(
                lazy_gettext(
                    "%(month_name)s %(year)s has only %(days)s days; %(year)s is not a leap year.",
                    month_name=_month_name_arg(month),
                    year=number_in_locale(year),
                    days=number_in_locale(days),
                )
            )
        raise JalaliDateError(
            lazy_gettext(
                "%(month_name)s %(year)s has only %(days)s days.",
                month_name=_month_name_arg(month),
                year=number_in_locale(year),
                days=number_in_locale(days),
            )
        )
    return jdatetime.date(year, month, day).togregorian()


def _as_date(value: datetime.date) -> datetime.date:
    """Reduce a date or datetime to the date it is in Tehran (naive datetimes are UTC)."""
    if isinstance(value, datetime.datetime):
        return _to_tehran(value).date()
    return value


def _lang(locale: object) -> str:
    """Map a locale ("fa", "fa_IR", a babel Locale, None for the default) to "fa" or "en"."""
    return "fa" if locale is None or str(locale).lower().startswith("fa") else "en"


def format_jalali(d: datetime.date | None, style: str = "numeric", locale: object = "fa") -> str:
    """Format a date in Jalali: "numeric" (۱۴۰۴/۰۶/۲۵) or "long" (۲۵ شهریور ۱۴۰۴)."""
    if d is None:
        return ""
    return _format_day(_as_date(d), style, _lang(locale))


# A list page shows the same few dozen dates over and over; converting each costs ~40 µs.
@functools.lru_cache(maxsize=4096)
def _format_day(day: datetime.date, style: str, lang: str) -> str:
    jd = jdatetime.date.fromgregorian(date=day)
    if style == "numeric":
        text = f"{jd.year:04d}/{jd.month:02d}/{jd.day:02d}"
    elif style == "long":
        text = f"{jd.day} {MONTH_NAMES[lang][jd.month - 1]} {jd.year}"
    else:
        raise ValueError(f"unknown Jalali date style: {style!r}")
    return to_persian_digits(text) if lang == "fa" else text


def format_jalali_datetime(dt: datetime.datetime | None, locale: object = "fa") -> str:
    """Format a UTC timestamp as Tehran time in Jalali: ۱۴۰۵/۰۹/۰۲ ۱۴:۳۰."""
    if dt is None:
        return ""
    local = _to_tehran(dt)
    text = f"{format_jalali(local.date(), locale='en')} {local:%H:%M}"
    return to_persian_digits(text) if _lang(locale) == "fa" else text


def jalali_input_value(d: datetime.date | None, locale: object = "fa") -> str:
    """Return the text to prefill a Jalali date input with (the numeric format)."""
    return format_jalali(d, "numeric", locale)


def jalali_iso(d: datetime.date) -> str:
    """A date in Jalali for machines, shaped like ISO 8601 in Latin digits: 1405-09-02."""
    return format_jalali(d, locale="en").replace("/", "-")


def jalali_iso_datetime(dt: datetime.datetime) -> str:
    """A UTC timestamp as Tehran time in Jalali for machines: 1405-09-02T14:30:00+03:30."""
    local = _to_tehran(dt)
    offset = f"{local:%z}"
    return f"{jalali_iso(local.date())}T{local:%H:%M:%S}{offset[:3]}:{offset[3:]}"

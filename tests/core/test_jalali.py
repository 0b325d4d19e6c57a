"""Tests for Jalali parsing and formatting."""

import datetime

import pytest
from flask import Flask
from flask_babel import Babel, force_locale

from tracker.core.jalali import (
    MONTH_NAMES,
    TEHRAN,
    JalaliDateError,
    format_jalali,
    format_jalali_datetime,
    jalali_input_value,
    jalali_iso,
    jalali_iso_datetime,
    parse_jalali_date,
)

UTC = datetime.UTC


@pytest.fixture
def babel_app():
    """A bare Flask app with Flask-Babel, in an app context, so lazy messages render."""
    app = Flask(__name__)
    Babel(app)
    with app.app_context():
        yield app


@pytest.mark.parametrize(
    "text",
    ["۱۴۰۴/۰۶/۲۵", "1404/06/25", "1404-6-25", "١٤٠٤/٠٦/٢٥", "  1404/6/25\n", "\u200e۱۴۰۴-۰۶-۲۵",
     "1404.06.25", "۱۴۰۴٫۰۶٫۲۵", "14040625", "۱۴۰۴۰۶۲۵"],
)
def test_parse_accepts_digit_sets_and_separators(text):
    assert parse_jalali_date(text) == datetime.date(2025, 9, 16)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1403/12/30", datetime.date(2025, 3, 20)),  # 1403 is a leap year
        ("1404/12/29", datetime.date(2026, 3, 20)),
        ("1404/01/01", datetime.date(2025, 3, 21)),
        ("1404/06/31", datetime.date(2025, 9, 22)),
        ("1405/09/02", datetime.date(2026, 11, 23)),
    ],
)
def test_parse_known_dates(text, expected):
    assert parse_jalali_date(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "   ", None, "abc", "1404/06", "1404/06/25/1", "04/06/25", "1404/06-25", "1404.06/25", "140406251",
     "1404/006/25", "25/06/1404", "۱۴۰۴ ۰۶ ۲۵"],
)  # fmt: skip
def test_parse_rejects_wrong_shape(babel_app, text):
    with pytest.raises(JalaliDateError) as caught:
        parse_jalali_date(text)
    assert str(caught.value) == "Enter the date as year/month/day, for example 1404/06/25."


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1404/12/30", "Esfand 1404 has only 29 days; 1404 is not a leap year."),
        ("1404/07/31", "Mehr 1404 has only 30 days."),
        ("1404/01/32", "Farvardin 1404 has only 31 days."),
        ("1404/13/01", "There is no month 13; months run from 1 to 12."),
        ("1404/00/10", "There is no month 0; months run from 1 to 12."),
        ("1404/01/00", "There is no day 0; days start at 1."),
        ("1299/01/01", "The year 1299 is out of range; enter a year from 1300 to 1500."),
        ("1501/01/01", "The year 1501 is out of range; enter a year from 1300 to 1500."),
        (
            "2025/09/16",
            "The year 2025 looks like a Gregorian year; enter the Jalali year, for example 1404.",
        ),
    ],
)
def test_parse_rejects_impossible_dates_saying_why(babel_app, text, message):
    with pytest.raises(JalaliDateError) as caught:
        parse_jalali_date(text)
    assert str(caught.value) == message
    assert str(caught.value.message) == message
    assert isinstance(caught.value, ValueError)


def test_error_arguments_follow_the_persian_locale(babel_app):
    with pytest.raises(JalaliDateError) as caught:
        parse_jalali_date("۱۴۰۴/۱۲/۳۰")
    with force_locale("fa"):
        message = str(caught.value)
    # No catalogue is loaded here, so the sentence stays English; its arguments are Persian.
    assert message == "اسفند ۱۴۰۴ has only ۲۹ days; ۱۴۰۴ is not a leap year."


@pytest.mark.parametrize("text", ["1403/12/30", "1404/06/25", "1404/01/01", "1405/09/02"])
def test_round_trip(text):
    assert format_jalali(parse_jalali_date(text), locale="en") == text
    assert parse_jalali_date(format_jalali(parse_jalali_date(text))) == parse_jalali_date(text)


@pytest.mark.parametrize(
    ("style", "locale", "expected"),
    [
        ("numeric", "fa", "۱۴۰۴/۰۶/۲۵"),
        ("numeric", "en", "1404/06/25"),
        ("long", "fa", "۲۵ شهریور ۱۴۰۴"),
        ("long", "en", "25 Shahrivar 1404"),
        ("long", "fa_IR", "۲۵ شهریور ۱۴۰۴"),
    ],
)
def test_format_jalali(style, locale, expected):
    assert format_jalali(datetime.date(2025, 9, 16), style=style, locale=locale) == expected


def test_format_jalali_long_pads_nothing():
    assert format_jalali(datetime.date(2026, 11, 23), "long") == "۲ آذر ۱۴۰۵"


def test_format_jalali_of_datetime_uses_tehran_day():
    # 21:00 UTC on 15 September is 00:30 on 16 September in Tehran.
    assert format_jalali(datetime.datetime(2025, 9, 15, 21, 0), locale="en") == "1404/06/25"
    aware = datetime.datetime(2025, 9, 15, 21, 0, tzinfo=UTC)
    assert format_jalali(aware, locale="en") == "1404/06/25"
    assert format_jalali(aware.astimezone(TEHRAN), locale="en") == "1404/06/25"


def test_format_jalali_rejects_unknown_style():
    with pytest.raises(ValueError):
        format_jalali(datetime.date(2025, 9, 16), style="short")


@pytest.mark.parametrize(
    "moment",
    [
        datetime.datetime(2026, 11, 23, 11, 0, tzinfo=UTC),
        datetime.datetime(2026, 11, 23, 11, 0),  # naive means UTC
        datetime.datetime(2026, 11, 23, 14, 30, tzinfo=TEHRAN),
    ],
)
def test_format_jalali_datetime(moment):
    assert format_jalali_datetime(moment) == "۱۴۰۵/۰۹/۰۲ ۱۴:۳۰"
    assert format_jalali_datetime(moment, locale="en") == "1405/09/02 14:30"


@pytest.mark.parametrize("formatter", [format_jalali, format_jalali_datetime, jalali_input_value])
def test_none_formats_as_empty(formatter):
    assert formatter(None) == ""


def test_jalali_input_value():
    assert jalali_input_value(datetime.date(2025, 3, 20)) == "۱۴۰۳/۱۲/۳۰"
    assert jalali_input_value(datetime.date(2025, 3, 20), locale="en") == "1403/12/30"



def test_month_names():
    assert len(MONTH_NAMES["fa"]) == len(MONTH_NAMES["en"]) == 12
    assert (MONTH_NAMES["fa"][0], MONTH_NAMES["fa"][-1]) == ("فروردین", "اسفند")
    assert (MONTH_NAMES["en"][0], MONTH_NAMES["en"][-1]) == ("Farvardin", "Esfand")


@pytest.mark.parametrize(("day", "expected"), [
    (datetime.date(2026, 11, 23), "1405-09-02"),
    (datetime.date(2025, 3, 20), "1403-12-30"),  # 1403 is a leap year
    (datetime.date(2026, 3, 21), "1405-01-01"),
])
def test_jalali_for_machines_is_shaped_like_iso_in_latin_digits(day, expected):
    assert jalali_iso(day) == expected


def test_a_moment_for_machines_is_tehran_time_with_its_offset():
    late = datetime.datetime(2026, 11, 23, 21, 0, tzinfo=datetime.UTC)  # already the next day in Tehran
    assert jalali_iso_datetime(late) == "1405-09-03T00:30:00+03:30"
    assert jalali_iso_datetime(late.replace(tzinfo=None)) == "1405-09-03T00:30:00+03:30"  # SQLite's naive UTC

"""Amounts of credit: typed in either digit set, with separators or in tomans; shown short in Persian."""
import pytest
from flask_babel import force_locale, gettext

from tracker import create_app
from tracker.core import i18n
from tracker.core.money import MAX_RIALS, AmountError, parse_rials, short_rials


@pytest.mark.parametrize(("typed", "rials"), [
    ("۱٬۲۵۰٬۰۰۰٬۰۰۰", 1_250_000_000),  # Persian digits and separators
    ("1,250,000,000", 1_250_000_000),
    ("1250000000", 1_250_000_000),
    ("١٢٥٠", 1250),  # Arabic-Indic digits
    ("۱۲۵۰", 1250),
    (" 1 250 000 ", 1_250_000),  # spaces as separators, and around
    ("۱۲۵۰،۰۰۰", 1_250_000),  # the Arabic comma
    ("0", 0),
    ("000120", 120),
    (str(MAX_RIALS), MAX_RIALS),
    ("۱" + "۰" * 15, MAX_RIALS),
])
def test_amounts_are_read_however_they_are_typed(typed, rials):
    assert parse_rials(typed) == rials


@pytest.mark.parametrize(("typed", "rials"), [
    ("۱۲۵٬۰۰۰٬۰۰۰", 1_250_000_000),
    ("7", 70),
    (str(MAX_RIALS // 10), MAX_RIALS),
])
def test_tomans_are_ten_rials(typed, rials):
    assert parse_rials(typed, tomans=True) == rials


@pytest.mark.parametrize(("typed", "message"), [
    ("-5", "An amount cannot be negative."),
    ("-۵", "An amount cannot be negative."),
    ("12.5", "Enter the amount in whole rials, with digits only."),
    ("۱۲٫۵", "Enter the amount in whole rials, with digits only."),  # the Persian decimal separator
    ("abc", "Enter the amount in whole rials, with digits only."),
    ("1e6", "Enter the amount in whole rials, with digits only."),
    ("+5", "Enter the amount in whole rials, with digits only."),
    ("²", "Enter the amount in whole rials, with digits only."),  # a "digit" to str.isdigit(), not to int()
    ("", "Enter an amount."),
    ("   ", "Enter an amount."),
    (None, "Enter an amount."),
    (str(MAX_RIALS + 1), "The amount is too large: at most 10^15 rials."),
    ("9" * 5000, "The amount is too large: at most 10^15 rials."),  # beyond what int() converts
])
def test_what_cannot_be_credit_is_refused_with_a_reason(app, typed, message):
    with pytest.raises(AmountError) as error:
        parse_rials(typed)
    assert_message(app, error.value, message)
    assert isinstance(error.value, ValueError)  # so that WTForms shows it as the field's error


def test_tomans_above_the_ceiling_are_refused(app):
    assert parse_rials(str(MAX_RIALS // 10 + 1)) == MAX_RIALS // 10 + 1
    with pytest.raises(AmountError) as error:
        parse_rials(str(MAX_RIALS // 10 + 1), tomans=True)
    assert_message(app, error.value, "The amount is too large: at most 10^15 rials.")


@pytest.fixture(scope="module")
def app():
    return create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": "sqlite://"})


def assert_message(app, error: AmountError, english: str) -> None:
    """The error says `english` in the English UI and the catalog's translation of it in the Persian one."""
    with app.test_request_context(), force_locale("en"):
        assert str(error.message) == english
    with app.test_request_context(), force_locale("fa"):
        assert str(error.message) == gettext(english)


@pytest.mark.parametrize(("amount", "number", "unit"), [
    (1_250_000_000, "۱٫۲۵", "billion rials"),
    (1_000_000_000, "۱", "billion rials"),
    (3_456_789, "۳٫۴۶", "million rials"),
    (2_500_000_000_000, "۲٫۵", "thousand billion rials"),
    (MAX_RIALS, "۱٬۰۰۰", "thousand billion rials"),
    (950_000, "۹۵۰٬۰۰۰", "rials"),
    (0, "۰", "rials"),
])
def test_short_form_in_persian(app, amount, number, unit):
    with app.test_request_context(), force_locale("fa"):
        assert short_rials(amount) == f"{number} {gettext(unit)}"


def test_short_form_of_a_billion_and_a_quarter_reads_as_persian(app):
    with app.test_request_context(), force_locale("fa"):
        text = short_rials(1_250_000_000)
        translated = gettext("billion rials")
    assert text.startswith("۱٫۲۵ ")
    if translated != "billion rials":  # once the catalog has it, the whole phrase is Persian
        assert text == "۱٫۲۵ میلیارد ریال"


class StubCatalog:
    """A Persian catalog with the short units in it, whatever the real catalog holds today."""

    UNITS = {"billion rials": "میلیارد ریال", "million rials": "میلیون ریال", "rials": "ریال"}

    def ugettext(self, message):
        return self.UNITS.get(message, message)

    def ungettext(self, singular, plural, n):
        return singular if n == 1 else plural


@pytest.fixture
def persian_units(monkeypatch):
    monkeypatch.setitem(i18n._catalogs, "fa", StubCatalog())


def test_short_form_with_the_persian_unit(app, persian_units):
    with app.test_request_context(), force_locale("fa"):
        assert short_rials(1_250_000_000) == "۱٫۲۵ میلیارد ریال"
        assert short_rials(40_000) == "۴۰٬۰۰۰ ریال"


def test_short_form_follows_the_language_of_each_call(app, persian_units):
    """The number part may be cached; a unit cached with it would keep the language of the first caller."""
    with app.test_request_context(), force_locale("en"):
        assert short_rials(7_500_000_000, "en") == "7.5 billion rials"
        short_rials(7_500_000_000, "fa")
    with app.test_request_context(), force_locale("fa"):
        assert short_rials(7_500_000_000, "fa") == "۷٫۵ میلیارد ریال"

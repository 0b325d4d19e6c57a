"""Reading one cell of a sheet as the value a form field would give: text, a Jalali date, rials, a whole number.

Cells hold what people type in Excel: Persian or Latin digits, separators, Jalali dates as text (۱۴۰۵/۰۹/۰۲) or as
numbers (14050902), Excel dates (a datetime: a real day), numbers that Excel stores as floats (1250000000.0).
Each reader raises CellError with the message to show in the cell.
"""
import datetime
from decimal import Decimal

from tracker.core.i18n import lazy_gettext as _l
from tracker.core.jalali import JalaliDateError, parse_jalali_date
from tracker.core.money import AmountError, parse_rials
from tracker.core.persian import normalize_search, to_latin_digits


class CellError(ValueError):
    """A cell that cannot be the field's value; .message says why."""

    def __init__(self, message) -> None:
        super().__init__(message)
        self.message = message


def _integral(value: float | Decimal) -> int | None:
    """A float Excel stored for a whole number, as that number; None when it has a fraction."""
    return int(value) if value == int(value) else None


def text(value) -> str:
    """The cell as text: a whole number without Excel's ".0", spaces trimmed and runs of them made one."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()[:10]
    return " ".join(str(value).split())


def fold(name: object) -> str:
    """A name folded the way Persian is typed (ي/ی, ك/ک, digits), and without spaces or ZWNJ, which people type
    one for the other («استخر‌کارگران», «استخر کارگران»): names that read the same compare equal."""
    return normalize_search(name).replace(" ", "")


def key(value) -> str:
    """The cell's text folded for comparing names."""
    return fold(text(value))


def jalali_date(value) -> datetime.date | None:
    """A day: an Excel date, or a Jalali date typed as text or as an eight-digit number; None when empty."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()  # Excel's dates have no zone: the day itself
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, float | Decimal):
        whole = _integral(value)
        if whole is None:
            raise CellError(_l("Enter the date as year/month/day, for example 1404/06/25."))
        value = whole
    try:
        return parse_jalali_date(str(value))
    except JalaliDateError as error:
        raise CellError(error.message) from None


def rials(value) -> int:
    """An amount of whole rials: a number, or text with Persian or Latin digits and separators."""
    if isinstance(value, bool):
        raise CellError(_l("Enter the amount in whole rials, with digits only."))
    if isinstance(value, float | Decimal):
        whole = _integral(value)
        if whole is None:
            raise CellError(_l("Enter the amount in whole rials, with digits only."))
        value = whole
    if isinstance(value, int):
        if value < 0:
            raise CellError(_l("An amount cannot be negative."))
        value = str(value)
    if isinstance(value, datetime.date):
        raise CellError(_l("Enter the amount in whole rials, with digits only."))
    try:
        return parse_rials(value)
    except AmountError as error:
        raise CellError(error.message) from None


def whole_number(value, *, smallest: int, largest: int, message) -> int | None:
    """A whole number in a range (a year, a percentage), in either digit set; None when empty."""
    if value in (None, ""):
        return None
    if isinstance(value, float | Decimal):
        value = _integral(value)
    elif isinstance(value, str):
        typed = to_latin_digits(value).strip().rstrip("%٪").strip()
        value = int(typed) if typed.isascii() and typed.isdigit() and len(typed) < 10 else None
    elif isinstance(value, bool) or not isinstance(value, int):
        value = None
    if value is None or not smallest <= value <= largest:
        raise CellError(message)
    return value


def choice(value, options: dict[str, object], message):
    """One of the options, by any of its names (folded as Persian is typed); None when empty."""
    if value in (None, ""):
        return None
    try:
        return options[key(value)]
    except KeyError:
        raise CellError(message) from None

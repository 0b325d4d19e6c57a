"""Amounts of credit: whole rials typed in any digit set, shown with Persian separators and a short form."""
import functools
import re
from decimal import Decimal

from tracker.core.i18n import lazy_gettext as _l
from tracker.core.persian import format_number, to_latin_digits

MAX_RIALS = 10**15
# Grouping separators people type: Persian ٬, Arabic comma ، , Latin comma, spaces, apostrophes.
_SEPARATORS = re.compile(r"[٬،,\s'’_]")
_DIGITS = re.compile(r"[0-9]+")
_SHORT_UNITS = ((10**12, _l("thousand billion rials")), (10**9, _l("billion rials")), (10**6, _l("million rials")))


class AmountError(ValueError):
    """An amount that cannot be credit, with a message that says why."""

    def __init__(self, message) -> None:
        super().__init__(message)
        self.message = message


def parse_rials(text: object, *, tomans: bool = False) -> int:
    """Read an amount typed with Persian or Latin digits and separators; tomans are multiplied by 10."""
    typed = _SEPARATORS.sub("", to_latin_digits(str(text or "")))
    if not typed:
        raise AmountError(_l("Enter an amount."))
    if typed.startswith("-"):
        raise AmountError(_l("An amount cannot be negative."))
    # Only ASCII digits are left by now: str.isdigit() also accepts "²" and other scripts, which int() refuses.
    if not _DIGITS.fullmatch(typed):
        raise AmountError(_l("Enter the amount in whole rials, with digits only."))
    typed = typed.lstrip("0") or "0"
    # Python refuses int() of more than 4,300 digits; anything longer than 10^15 is too large anyway.
    if len(typed) > len(str(MAX_RIALS)):
        raise AmountError(_l("The amount is too large: at most 10^15 rials."))
    amount = int(typed) * (10 if tomans else 1)
    if amount > MAX_RIALS:
        raise AmountError(_l("The amount is too large: at most 10^15 rials."))
    return amount


def short_rials(amount: int, language: str = "fa") -> str:
    """A short form for reading at a glance, e.g. ۱٫۲۵ میلیارد ریال."""
    number, unit = _short_number(amount, language)
    # The unit is translated on each call: caching it would keep the language of the first caller.
    label = _l("rials") if unit is None else _SHORT_UNITS[unit][1]
    return f"{number} {label}"


@functools.lru_cache(maxsize=4096)
def _short_number(amount: int, language: str) -> tuple[str, int | None]:
    """The number part of the short form, and the index of its unit in _SHORT_UNITS (None: plain rials)."""
    for index, (unit, _label) in enumerate(_SHORT_UNITS):
        if amount >= unit:
            value = (Decimal(amount) / unit).quantize(Decimal("0.01")).normalize()
            return format_number(value, language), index
    return format_number(amount, language), None

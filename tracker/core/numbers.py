"""Whole numbers from URLs, query strings and forms: Latin digits only, and never larger than an id column holds."""
import re

from werkzeug.routing import IntegerConverter

# The largest INTEGER, the type of every id column (PostgreSQL's int4): a larger number names no row, and
# PostgreSQL refuses even to compare an id with it ("integer out of range").
LARGEST_INTEGER = 2**31 - 1
LARGEST_ID = LARGEST_INTEGER
# Latin digits only (re.ASCII): str.isdigit() also accepts "²" and "١٢", which int() refuses or reads.
_WHOLE = re.compile(r"[0-9]{1,19}", re.ASCII)


def whole_number(text: object, *, largest: int = LARGEST_ID) -> int | None:
    """A non-negative whole number written in Latin digits, at most `largest`; None for anything else."""
    match = _WHOLE.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None:
        return None
    number = int(match[0])
    return number if number <= largest else None


def record_id(text: object) -> int:
    """A row's id as a form's select or checkbox sends it (WTForms' coerce): ValueError for what no row can have."""
    number = whole_number(text if isinstance(text, str) else str(text))
    if number is None:
        raise ValueError(f"not a record id: {text!r}")
    return number


class IdConverter(IntegerConverter):
    """The app's `<int:...>` in URL rules: Latin digits up to LARGEST_ID, so a larger id is a 404, not a 500."""

    regex = r"[0-9]+"

    def __init__(self, map, fixed_digits=0, min=None, max=LARGEST_ID, signed=False):  # noqa: A002 - Werkzeug's names
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)

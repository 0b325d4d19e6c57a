"""Paged lists: one page of rows and where it stands in the whole."""
import math
from dataclasses import dataclass, field
from typing import Generic, TypeVar

Row = TypeVar("Row")


@dataclass
class Page(Generic[Row]):
    """A page of a list and where it stands in the whole."""

    rows: list[Row]
    total: int
    page: int
    page_size: int
    pages: int = field(init=False)

    def __post_init__(self):
        self.pages = page_count(self.total, self.page_size)


def page_count(total: int, page_size: int) -> int:
    """How many pages a list of `total` rows takes (one, even when empty)."""
    return max(1, math.ceil(total / page_size))


def clamp_page(requested: int, total: int, page_size: int) -> int:
    """The page to show for a requested number: the first or the last when it is out of range."""
    return min(max(1, requested), page_count(total, page_size))

"""Tables of the budgets area: funding sources, budget lines and their append-only ledger."""
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, UniqueConstraint
from sqlmodel import Field, SQLModel

from tracker.core.db import string_enum, timestamp

FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR = 1390, 1420


class Figure(StrEnum):
    """The four figures of a budget line, in the order credit moves through them."""

    approved = "approved"
    notified = "notified"
    allocated = "allocated"
    spent = "spent"


class FundingSource(SQLModel, table=True):
    """Where credit comes from (منبع اعتبار); reference data an admin edits."""

    __tablename__ = "funding_sources"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    name_fa: str = Field(max_length=120, unique=True)
    name_en: str = Field(max_length=120)
    position: int = 0
    active: bool = True

    def name(self, language: str) -> str:
        """The source's name in a language ("fa" or "en"), Persian where no English name was given."""
        return (self.name_en or self.name_fa) if language == "en" else self.name_fa


class BudgetLine(SQLModel, table=True):
    """A project's credit for one Jalali fiscal year from one source.

    The four amounts are the latest ledger entry of each figure, written in the same transaction as the
    entry so that a grid reads one row per cell; `version` counts the entries and guards concurrent edits.
    """

    __tablename__ = "budget_lines"
    __table_args__ = (UniqueConstraint("project_id", "fiscal_year", "source_id"),)

    id: int | None = Field(default=None, primary_key=True)
    # The unique (project, year, source) index serves lookups by project; the year index serves totals.
    project_id: int = Field(foreign_key="projects.id")
    fiscal_year: int = Field(index=True)
    source_id: int = Field(foreign_key="funding_sources.id", index=True)
    approved: int = Field(default=0, sa_type=BigInteger)
    notified: int = Field(default=0, sa_type=BigInteger)
    allocated: int = Field(default=0, sa_type=BigInteger)
    spent: int = Field(default=0, sa_type=BigInteger)
    version: int = 0
    updated_at: datetime = timestamp()
    updated_by: int | None = Field(default=None, foreign_key="users.id")


class BudgetEntry(SQLModel, table=True):
    """One change of one figure: who, when, from, to, why and on what letter. Never updated or deleted."""

    __tablename__ = "budget_entries"
    __table_args__ = (UniqueConstraint("line_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    line_id: int = Field(foreign_key="budget_lines.id")
    version: int
    figure: Figure = Field(sa_type=string_enum(Figure))
    from_amount: int = Field(sa_type=BigInteger)
    to_amount: int = Field(sa_type=BigInteger)
    reason: str = Field(max_length=500)
    letter_number: str = Field(default="", max_length=60)
    letter_date: date | None = None
    actor_id: int = Field(foreign_key="users.id")
    at: datetime = timestamp()

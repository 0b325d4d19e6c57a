"""Tables of the deadlines area: the register of dated obligations, the reminder settings and the holidays.

Every kind of dated item (a milestone, a decision, a partner's commitment) keeps one row in `deadlines`,
written by its own service through `services.track_deadline`. A scan reads only the rows whose
`next_fire_on` has come, through its index, so its cost follows the items due, not all items.
"""
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from tracker.core.db import string_enum, timestamp


class DeadlineKind(StrEnum):
    """What sort of item a deadline belongs to."""

    milestone = "milestone"
    decision = "decision"
    commitment = "commitment"


class DeadlineState(StrEnum):
    """Whether an obligation is still open (and reminded), done, or dropped."""

    open = "open"
    done = "done"
    dropped = "dropped"


class Deadline(SQLModel, table=True):
    """One dated obligation of any kind, with who answers for it and when it is next looked at."""

    __tablename__ = "deadlines"
    __table_args__ = (
        UniqueConstraint("kind", "item_id"),
        Index("ix_deadlines_province_state_due", "province_id", "state", "due_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: DeadlineKind = Field(sa_type=string_enum(DeadlineKind))
    item_id: str = Field(max_length=40)
    project_id: int | None = Field(default=None, foreign_key="projects.id", index=True)
    province_id: int = Field(foreign_key="provinces.id")
    county_id: int | None = Field(default=None, foreign_key="counties.id")
    title: str = Field(max_length=500)
    path: str = Field(max_length=400)
    due_date: date
    responsible_user_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    responsible_agency_id: int | None = Field(default=None, foreign_key="agencies.id")
    state: DeadlineState = Field(default=DeadlineState.open, sa_type=string_enum(DeadlineState))
    rule: str = Field(default="", max_length=80)
    # The day the scan next looks at this deadline; empty once it is closed or nothing is left to send.
    next_fire_on: date | None = Field(default=None, index=True)
    is_sample: bool = False
    updated_at: datetime = timestamp()


class ReminderSettings(SQLModel, table=True):
    """The administrator's defaults: the reminder rule and the weekdays offices are closed (one row)."""

    __tablename__ = "reminder_settings"

    id: int | None = Field(default=None, primary_key=True)
    before_days: str = Field(default="14,7,1,0", max_length=80)
    overdue_every: int = 7
    escalate_after: int = 7
    # date.weekday() numbers, comma separated: "4" is Friday.
    days_off: str = Field(default="4", max_length=20)
    updated_at: datetime = timestamp()


class Holiday(SQLModel, table=True):
    """A public holiday: a Jalali month and day every year (year 0), or in one year (lunar holidays)."""

    __tablename__ = "holidays"
    __table_args__ = (UniqueConstraint("year", "month", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    year: int = 0
    month: int
    day: int
    name: str = Field(default="", max_length=200)

"""Tables of the decisions area: each decision, whose id the client makes (so a resend stores it once)."""
import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, DateTime, Index
from sqlmodel import Field

from tracker.core.db import Timestamped, Versioned, string_enum


class DecisionState(StrEnum):
    """Where a decision (مصوبه) stands."""

    open = "open"
    done = "done"
    dropped = "dropped"


class Decision(Timestamped, Versioned, table=True):
    """A decision (مصوبه) taken at a visit or a meeting: what, who owns it, by when, and its state."""

    __tablename__ = "decisions"
    __table_args__ = (
        CheckConstraint("(visit_id IS NULL) <> (meeting_id IS NULL)", name="decision_one_occasion"),
        CheckConstraint("(owner_user_id IS NULL) <> (owner_agency_id IS NULL)", name="decision_one_owner"),
        # The province's open list, ordered by due date, is the page people open most.
        Index("ix_decisions_province_state_due", "province_id", "state", "due_date"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    visit_id: uuid.UUID | None = Field(default=None, foreign_key="visits.id", index=True)
    meeting_id: uuid.UUID | None = Field(default=None, foreign_key="meetings.id", index=True)
    agenda_item_id: uuid.UUID | None = Field(default=None, foreign_key="agenda_items.id")
    # Denormalised from the visit or agenda item so that the province-wide list needs no joins.
    project_id: int | None = Field(default=None, foreign_key="projects.id", index=True)
    province_id: int = Field(foreign_key="provinces.id")
    county_id: int | None = Field(default=None, foreign_key="counties.id")
    text: str = Field(max_length=2000)
    owner_user_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    owner_agency_id: int | None = Field(default=None, foreign_key="agencies.id", index=True)
    due_date: date
    state: DecisionState = Field(default=DecisionState.open, sa_type=string_enum(DecisionState))
    state_note: str = Field(default="", max_length=1000)
    state_changed_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    state_changed_by: int | None = Field(default=None, foreign_key="users.id")
    created_by: int = Field(foreign_key="users.id")

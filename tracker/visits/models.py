"""Tables of the visits area: site visits, meetings, who attended, photos and the decisions taken.

Visits, meetings, agenda items, photos and decisions carry ids made by the client (UUIDs), so that a
tablet can create them offline and send them again without making duplicates.
"""
import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, DateTime, Index
from sqlmodel import Field, SQLModel

from tracker.core import clock
from tracker.core.db import string_enum


class Visit(SQLModel, table=True):
    """A site visit (بازدید) to a project: who came, what progress was seen, problems, photos, decisions."""

    __tablename__ = "visits"
    __table_args__ = (
        CheckConstraint("observed_progress BETWEEN 0 AND 100", name="visit_progress_percent"),
        Index("ix_visits_project_day", "project_id", "visited_on"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    project_id: int = Field(foreign_key="projects.id")
    visited_on: date
    observed_progress: int | None = None
    notes: str = Field(default="", max_length=4000)
    problems: str = Field(default="", max_length=4000)
    latitude: float | None = None
    longitude: float | None = None
    location_accuracy_m: float | None = None
    author_id: int = Field(foreign_key="users.id")
    is_sample: bool = False
    created_at: datetime = Field(default_factory=clock.now, sa_type=DateTime(timezone=True))
    updated_at: datetime = Field(default_factory=clock.now, sa_type=DateTime(timezone=True))


class Meeting(SQLModel, table=True):
    """A meeting (جلسه) of a body such as a county's employment working group, with agenda and decisions."""

    __tablename__ = "meetings"
    __table_args__ = (Index("ix_meetings_province_day", "province_id", "held_on"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    province_id: int = Field(foreign_key="provinces.id")
    county_id: int | None = Field(default=None, foreign_key="counties.id", index=True)
    held_on: date
    body: str = Field(max_length=200)
    notes: str = Field(default="", max_length=4000)
    author_id: int = Field(foreign_key="users.id")
    is_sample: bool = False
    created_at: datetime = Field(default_factory=clock.now, sa_type=DateTime(timezone=True))
    updated_at: datetime = Field(default_factory=clock.now, sa_type=DateTime(timezone=True))


class Attendee(SQLModel, table=True):
    """Someone at a visit or a meeting: a user, an agency, or a named guest with a title."""

    __tablename__ = "attendees"
    __table_args__ = (
        CheckConstraint("(visit_id IS NULL) <> (meeting_id IS NULL)", name="attendee_one_occasion"),
        CheckConstraint(
            "(user_id IS NOT NULL) OR (agency_id IS NOT NULL) OR (guest_name <> '')", name="attendee_someone"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    visit_id: uuid.UUID | None = Field(default=None, foreign_key="visits.id", index=True)
    meeting_id: uuid.UUID | None = Field(default=None, foreign_key="meetings.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="users.id")
    agency_id: int | None = Field(default=None, foreign_key="agencies.id")
    guest_name: str = Field(default="", max_length=160)
    guest_title: str = Field(default="", max_length=200)
    position: int = 0


class AgendaItem(SQLModel, table=True):
    """One item on a meeting's agenda, optionally about a project."""

    __tablename__ = "agenda_items"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    meeting_id: uuid.UUID = Field(foreign_key="meetings.id", index=True)
    project_id: int | None = Field(default=None, foreign_key="projects.id", index=True)
    position: int = 0
    title: str = Field(max_length=500)
    notes: str = Field(default="", max_length=2000)


class Photo(SQLModel, table=True):
    """A photo taken on a visit; its files are named by the SHA-256 of the original's content."""

    __tablename__ = "photos"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    visit_id: uuid.UUID = Field(foreign_key="visits.id", index=True)
    sha256: str = Field(max_length=64, index=True)
    original_ext: str = Field(max_length=8)
    width: int
    height: int
    size_bytes: int
    caption: str = Field(default="", max_length=300)
    position: int = 0
    uploaded_by: int = Field(foreign_key="users.id")
    created_at: datetime = Field(default_factory=clock.now, sa_type=DateTime(timezone=True))


class DecisionState(StrEnum):
    """Where a decision (مصوبه) stands."""

    open = "open"
    done = "done"
    dropped = "dropped"


class Decision(SQLModel, table=True):
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
    created_at: datetime = Field(default_factory=clock.now, sa_type=DateTime(timezone=True))
    updated_at: datetime = Field(default_factory=clock.now, sa_type=DateTime(timezone=True))

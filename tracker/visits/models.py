"""Tables of the visits area: site visits, who attended a visit or a meeting, and a visit's photos.

Visits and photos carry ids made by the client (UUIDs), so that a tablet can create them offline and send
them again without making duplicates.
"""
import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field, SQLModel

from tracker.core.db import Timestamped, Versioned, timestamp


class Visit(Timestamped, Versioned, table=True):
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
    created_at: datetime = timestamp()



"""Tables of the meetings area: meetings and their agenda items (ids made by the client)."""
import uuid
from datetime import date

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from tracker.core.db import Timestamped, Versioned


class Meeting(Timestamped, Versioned, table=True):
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


class AgendaItem(SQLModel, table=True):
    """One item on a meeting's agenda, optionally about a project."""

    __tablename__ = "agenda_items"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    meeting_id: uuid.UUID = Field(foreign_key="meetings.id", index=True)
    project_id: int | None = Field(default=None, foreign_key="projects.id", index=True)
    position: int = 0
    title: str = Field(max_length=500)
    notes: str = Field(default="", max_length=2000)

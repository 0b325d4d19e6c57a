"""Tables of the milestones area: a project's dated steps (نقاط عطف) and who answers for each."""
from datetime import date
from enum import StrEnum

from sqlalchemy import CheckConstraint
from sqlmodel import Field

from tracker.core.db import Timestamped, Versioned, string_enum


class MilestoneState(StrEnum):
    """Whether a milestone is still ahead, was met, or no longer applies."""

    pending = "pending"
    met = "met"
    dropped = "dropped"


class Milestone(Timestamped, Versioned, table=True):
    """A milestone (نقطه عطف) of a project: title, due date, responsible user or agency, state, date met."""

    __tablename__ = "milestones"
    __table_args__ = (
        CheckConstraint("(responsible_user_id IS NULL) OR (responsible_agency_id IS NULL)",
                        name="milestone_one_responsible"),
        CheckConstraint("(state <> 'met') OR (met_on IS NOT NULL)", name="milestone_met_has_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="projects.id", index=True)
    title: str = Field(max_length=300)
    due_date: date
    responsible_user_id: int | None = Field(default=None, foreign_key="users.id")
    responsible_agency_id: int | None = Field(default=None, foreign_key="agencies.id")
    state: MilestoneState = Field(default=MilestoneState.pending, sa_type=string_enum(MilestoneState))
    met_on: date | None = None
    # An override of the default reminder rule ("30,7||"), empty for the defaults.
    reminder_rule: str = Field(default="", max_length=80)
    is_sample: bool = False

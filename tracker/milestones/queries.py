"""Reads of the milestones area (the project page and the status brief use project_milestones)."""
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from tracker.accounts.models import Role, User
from tracker.core import clock
from tracker.core.db import PERSIAN
from tracker.core.errors import NotFound
from tracker.core.party import Party
from tracker.milestones.models import Milestone, MilestoneState
from tracker.projects import queries as projects
from tracker.projects.models import Agency, Project


@dataclass(frozen=True)
class MilestoneRow:
    """A milestone with the name of who answers for it and whether it is overdue."""

    milestone: Milestone
    responsible_name: str
    overdue: bool


def project_milestones(session: Session, project_id: int, today: date | None = None) -> list[MilestoneRow]:
    """A project's milestones in due-date order, with responsible names; overdue = pending and past due.

    No scope check: the caller has already fetched the project for the user (the page, the brief)."""
    today = today or clock.today()
    query = (
        select(Milestone, User.full_name, User.username, Agency.name)
        .outerjoin(User, User.id == Milestone.responsible_user_id)
        .outerjoin(Agency, Agency.id == Milestone.responsible_agency_id)
        .where(Milestone.project_id == project_id)
        .order_by(Milestone.due_date, Milestone.id)
    )
    return [
        MilestoneRow(m, full_name or username or agency or "",
                     m.state == MilestoneState.pending and m.due_date < today)
        for m, full_name, username, agency in session.exec(query).all()
    ]


def milestones_of(session: Session, project_ids: list[int]) -> dict[int, list[Milestone]]:
    """The milestones of several projects in due-date order, by project (no scope check: the caller's projects)."""
    found: dict[int, list[Milestone]] = {}
    for milestone in session.exec(select(Milestone).where(col(Milestone.project_id).in_(project_ids))
                                  .order_by(Milestone.due_date, Milestone.id)).all():
        found.setdefault(milestone.project_id, []).append(milestone)
    return found


def get_milestone(session: Session, project: Project, milestone_id: int) -> Milestone:
    """A milestone of this project, else NotFound."""
    milestone = session.get(Milestone, milestone_id)
    if milestone is None or milestone.project_id != project.id:
        raise NotFound
    return milestone


def has_milestones(session: Session, project_id: int) -> bool:
    """Whether the project has any milestone."""
    return session.exec(select(Milestone.id).where(Milestone.project_id == project_id)).first() is not None


def responsible_choices(session: Session, project: Project) -> list[tuple[str, list[tuple[str, str]]]]:
    """Who may answer for a project's milestone, grouped: the active users of its province, then its agencies
    and the national ones. Values are Party values, "user:<id>" and "agency:<id>"."""
    users = session.exec(
        select(User).where(User.active, User.province_id == project.province_id,
                           col(User.role).in_([Role.director, Role.staff, Role.budget_officer]))
        .order_by(col(User.full_name).collate(PERSIAN))
    ).all()
    agencies = projects.agencies_in(session, project.province_id)
    return [
        ("users", [(Party(user_id=u.id).value, u.full_name or u.username) for u in users]),
        ("agencies", [(Party(agency_id=a.id).value, a.name) for a in agencies]),
    ]

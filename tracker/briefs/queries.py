"""Reads of the briefs area: what a brief shows, gathered from the other areas, and the archive of issued briefs."""
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from tracker.accounts.models import Role, User
from tracker.briefs.models import Brief
from tracker.budgets import queries as budget_queries
from tracker.budgets.models import Figure
from tracker.core.db import PERSIAN
from tracker.core.errors import NotFound
from tracker.projects import queries as projects
from tracker.projects.models import CommitmentState, Constituency, County, Project, Province


@dataclass(frozen=True)
class Schedule:
    """Planned against observed physical progress and the target date, as of one day."""

    planned: float | None  # linear from start to target; None without both dates
    observed: int | None
    target_date: date | None
    days_to_target: int | None  # days left (negative: days past the target)
    variance_days: int | None  # observed minus planned progress, in days of the plan (negative: behind)
    is_open: bool

    @property
    def overdue(self) -> bool:
        """Past the target date with the work not finished."""
        return self.is_open and self.days_to_target is not None and self.days_to_target < 0


def schedule(project: Project, today: date) -> Schedule:
    """Where the project stands against a plan drawn straight from its start date to its target date."""
    planned = variance = None
    if project.start_date and project.target_date and project.target_date > project.start_date:
        span = (project.target_date - project.start_date).days
        elapsed = min(max((today - project.start_date).days, 0), span)
        planned = round(100 * elapsed / span, 1)
        if project.physical_progress is not None:
            variance = round((project.physical_progress - planned) / 100 * span)
    days_to_target = (project.target_date - today).days if project.target_date else None
    return Schedule(planned, project.physical_progress, project.target_date, days_to_target, variance,
                    project.status.is_open)


@dataclass(frozen=True)
class NextStep:
    """Something due on the project: a milestone, a decision or a partner's commitment."""

    due_date: date
    text: str
    owner: str
    overdue: bool


@dataclass
class ProjectBrief:
    """Everything a project's brief shows."""

    detail: projects.ProjectDetail
    budget: budget_queries.ProjectBudget
    schedule: Schedule
    next_steps: list[NextStep] = field(default_factory=list)

    @property
    def project(self) -> Project:
        return self.detail.project

    @property
    def next_deadline(self) -> NextStep | None:
        """The earliest item still due."""
        return self.next_steps[0] if self.next_steps else None


NEXT_STEPS = 6


def _next_steps(detail: projects.ProjectDetail, today: date) -> list[NextStep]:
    """What is due next, earliest first: pending commitments with a due date."""
    steps = [
        NextStep(row.partner.due_date, row.partner.commitment, row.agency_name, row.partner.due_date < today)
        for row in detail.partners
        if row.partner.state == CommitmentState.pending and row.partner.due_date and row.partner.commitment
    ]
    return sorted(steps, key=lambda step: step.due_date)[:NEXT_STEPS]


def project_brief(session: Session, project: Project, today: date) -> ProjectBrief:
    """The project's facts, budget, schedule, partners and what is due next."""
    detail = projects.project_detail(session, project, activity_limit=0)
    return ProjectBrief(detail, budget_queries.project_budget(session, project), schedule(project, today),
                        _next_steps(detail, today))


@dataclass
class ConstituencyBrief:
    """Every project in a constituency's counties, each with its brief."""

    constituency: Constituency
    province: Province
    counties: list[County]
    projects: list[ProjectBrief]

    def total(self, figure: Figure) -> int:
        """The sum of one budget figure over every project."""
        return sum(item.budget.total(figure) for item in self.projects)

    @property
    def overdue_count(self) -> int:
        return sum(1 for item in self.projects if item.schedule.overdue)


def constituency_counties(session: Session, constituency: Constituency) -> list[County]:
    """The counties of a constituency, in Persian order."""
    return list(session.exec(
        select(County).where(County.constituency_id == constituency.id)
        .order_by(col(County.name_fa).collate(PERSIAN))
    ).all())


def constituency_projects(session: Session, constituency: Constituency) -> list[Project]:
    """The projects in a constituency's counties, by county then name."""
    return list(session.exec(
        select(Project).join(County, County.id == Project.county_id)
        .where(County.constituency_id == constituency.id)
        .order_by(col(County.name_fa).collate(PERSIAN), col(Project.name).collate(PERSIAN))
    ).all())


def constituency_brief(session: Session, constituency: Constituency, today: date) -> ConstituencyBrief:
    """The cover and the sections of a constituency's brief."""
    return ConstituencyBrief(
        constituency, session.get(Province, constituency.province_id), constituency_counties(session, constituency),
        [project_brief(session, project, today) for project in constituency_projects(session, constituency)],
    )


def get_constituency(session: Session, user: User, constituency_id: int) -> Constituency:
    """A constituency whose every county the user sees (a county head sees none whole); NotFound otherwise."""
    constituency = session.get(Constituency, constituency_id)
    if constituency is None or not may_see_constituency(session, user, constituency):
        raise NotFound
    return constituency


def may_see_constituency(session: Session, user: User, constituency: Constituency) -> bool:
    """Whether the user sees the constituency and all of its counties."""
    if not user.covers(constituency.province_id):
        return False
    return all(user.covers(county.province_id, county.id) for county in constituency_counties(session, constituency))


def constituencies(session: Session, user: User) -> list[Constituency]:
    """The constituencies the user sees whole, in Persian order."""
    query = select(Constituency).order_by(col(Constituency.name).collate(PERSIAN))
    if not user.is_admin:
        query = query.where(Constituency.province_id == user.province_id)
    return [c for c in session.exec(query).all() if may_see_constituency(session, user, c)]


def constituency_of(session: Session, project: Project) -> Constituency | None:
    """The constituency of the project's county, if it has one."""
    county = session.get(County, project.county_id)
    return session.get(Constituency, county.constituency_id) if county.constituency_id else None


@dataclass(frozen=True)
class IssuedBrief:
    """An archived brief with the name of who generated it."""

    brief: Brief
    generated_by_name: str


def _issued(session: Session, *clauses, limit: int | None = None) -> list[IssuedBrief]:
    query = (
        select(Brief, User.full_name, User.username)
        .join(User, User.id == Brief.generated_by)
        .where(*clauses)
        .order_by(col(Brief.generated_at).desc(), col(Brief.id).desc())
        .limit(limit)
    )
    return [IssuedBrief(brief, full_name or username) for brief, full_name, username in session.exec(query).all()]


def project_briefs(session: Session, project: Project) -> list[IssuedBrief]:
    """The briefs issued on a project, newest first."""
    return _issued(session, Brief.project_id == project.id)


def constituency_briefs(session: Session, constituency: Constituency) -> list[IssuedBrief]:
    """The briefs issued on a constituency, newest first."""
    return _issued(session, Brief.constituency_id == constituency.id)


def get_brief(session: Session, user: User, brief_id: int) -> Brief:
    """An issued brief on a project or constituency the user may see; NotFound otherwise."""
    brief = session.get(Brief, brief_id)
    if brief is None:
        raise NotFound
    if brief.project_id is not None:
        projects.get_project(session, user, brief.project_id)
    else:
        get_constituency(session, user, brief.constituency_id)
    return brief


def last_sequence(session: Session, province_id: int, year: int) -> int:
    """The highest brief sequence of a province in a Jalali year (0 before the first)."""
    return session.exec(
        select(func.coalesce(func.max(Brief.sequence), 0)).where(Brief.province_id == province_id, Brief.year == year)
    ).one()


def first_admin(session: Session) -> User | None:
    """The active administrator created first: who the command line acts as unless told otherwise."""
    return session.exec(
        select(User).where(User.role == Role.admin, col(User.active)).order_by(col(User.id))
    ).first()

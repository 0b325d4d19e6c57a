"""Reads of the briefs area: what a brief shows, gathered from the other areas, and the archive of issued briefs."""
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from tracker.accounts import permissions
from tracker.accounts.models import Role, User
from tracker.briefs.models import Brief, LetterSettings
from tracker.budgets import queries as budget_queries
from tracker.budgets.models import Figure
from tracker.core.db import PERSIAN
from tracker.core.errors import NotFound
from tracker.decisions.models import Decision, DecisionState
from tracker.milestones import queries as milestones
from tracker.milestones.models import MilestoneState
from tracker.places.models import Constituency, County, Province
from tracker.projects import queries as projects
from tracker.projects.models import Agency, CommitmentState, Facility, Project
from tracker.visits import queries as visits
from tracker.visits.models import Photo, Visit


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
class MilestoneLine:
    """A milestone as a brief reports it: met, upcoming, overdue or dropped."""

    row: milestones.MilestoneRow

    @property
    def status(self) -> str:
        state = self.row.milestone.state
        if state != MilestoneState.pending:
            return state.value
        return "overdue" if self.row.overdue else "upcoming"


@dataclass(frozen=True)
class LatestVisit:
    """The project's latest site visit: who came, and the first photos."""

    visit: Visit
    attendees: list[visits.AttendeeRow]
    photos: list[Photo]
    photo_count: int


@dataclass(frozen=True)
class OpenDecision:
    """A decision still open on the project, with its owner and where it was taken."""

    decision: Decision
    owner_name: str
    overdue: bool


@dataclass(frozen=True)
class NextStep:
    """Something due on the project: a milestone, a decision or a partner's commitment."""

    due_date: date
    text: str
    owner: str
    overdue: bool
    is_sample: bool = False
    decision: bool = False


@dataclass
class ProjectBrief:
    """Everything a project's brief shows."""

    detail: projects.ProjectDetail
    budget: budget_queries.ProjectBudget
    schedule: Schedule
    milestones: list[MilestoneLine] = field(default_factory=list)
    latest_visit: LatestVisit | None = None
    decisions: list[OpenDecision] = field(default_factory=list)
    next_steps: list[NextStep] = field(default_factory=list)

    @property
    def project(self) -> Project:
        return self.detail.project

    @property
    def next_deadline(self) -> NextStep | None:
        """The earliest item still due."""
        return self.next_steps[0] if self.next_steps else None

    def steps(self, limit: int) -> list[NextStep]:
        """The first `limit` steps, and every open decision after them: a decision taken on a visit or in a meeting
        is what the member of parliament's office follows, so none is cut."""
        return [step for number, step in enumerate(self.next_steps) if number < limit or step.decision]

    def milestone_count(self, status: str) -> int:
        return sum(1 for line in self.milestones if line.status == status)


PHOTOS = 4


def latest_visit(session: Session, project: Project) -> LatestVisit | None:
    """The project's most recent site visit with its visitors and first photos; None before the first."""
    visit = session.exec(
        select(Visit).where(Visit.project_id == project.id)
        .order_by(col(Visit.visited_on).desc(), col(Visit.created_at).desc())
    ).first()
    if visit is None:
        return None
    photos = visits.visit_photos(session, visit.id)
    return LatestVisit(visit, visits.attendees(session, visit_id=visit.id), photos[:PHOTOS], len(photos))


def open_decisions(session: Session, project: Project, today: date) -> list[OpenDecision]:
    """The project's open decisions, from visits and meetings, soonest due first."""
    owner_user, owner_agency = aliased(User), aliased(Agency)
    rows = session.exec(
        select(Decision, owner_user.full_name, owner_user.username, owner_agency.name)
        .outerjoin(owner_user, owner_user.id == Decision.owner_user_id)
        .outerjoin(owner_agency, owner_agency.id == Decision.owner_agency_id)
        .where(Decision.project_id == project.id, Decision.state == DecisionState.open)
        .order_by(col(Decision.due_date), col(Decision.created_at))
    ).all()
    return [OpenDecision(decision, full_name or username or agency or "", decision.due_date < today)
            for decision, full_name, username, agency in rows]


def _next_steps(detail: projects.ProjectDetail, lines: list[MilestoneLine], decisions: list[OpenDecision],
                today: date) -> list[NextStep]:
    """What is due next, earliest first: pending milestones, open decisions and pending commitments."""
    steps = [
        NextStep(line.row.milestone.due_date, line.row.milestone.title, line.row.responsible_name, line.row.overdue,
                 line.row.milestone.is_sample)
        for line in lines if line.row.milestone.state == MilestoneState.pending
    ] + [
        NextStep(item.decision.due_date, item.decision.text, item.owner_name, item.overdue, decision=True)
        for item in decisions
    ] + [
        NextStep(row.partner.due_date, row.partner.commitment, row.agency_name, row.partner.due_date < today)
        for row in detail.partners
        if row.partner.state == CommitmentState.pending and row.partner.due_date and row.partner.commitment
    ]
    return sorted(steps, key=lambda step: step.due_date)


def project_brief(session: Session, project: Project, today: date) -> ProjectBrief:
    """The project's facts, budget, schedule, milestones, partners, latest visit, open decisions and what is next."""
    detail = projects.project_detail(session, project, activity_limit=0)
    lines = [MilestoneLine(row) for row in milestones.project_milestones(session, project.id, today)]
    decisions = open_decisions(session, project, today)
    return ProjectBrief(detail, budget_queries.project_budget(session, project), schedule(project, today), lines,
                        latest_visit(session, project), decisions, _next_steps(detail, lines, decisions, today))


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
    def absorption(self) -> float | None:
        """Spent as a share of allocated credit, over every project."""
        return budget_queries.absorption(self.total(Figure.spent), self.total(Figure.allocated))

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


def sees_project_constituency(session: Session, user: User, project: Project) -> bool:
    """Whether the user sees the whole constituency of the project's county (a county head does not: no link to it)."""
    county = session.get(County, session.get(Facility, project.facility_id).county_id)
    constituency = session.get(Constituency, county.constituency_id) if county.constituency_id else None
    return constituency is not None and may_see_constituency(session, user, constituency)


def may_see_constituency(session: Session, user: User, constituency: Constituency) -> bool:
    """Whether the user sees the constituency and all of its counties."""
    if not permissions.sees(user, constituency.province_id):
        return False
    counties = constituency_counties(session, constituency)
    return all(permissions.sees(user, county.province_id, county.id) for county in counties)


def constituencies(session: Session, user: User) -> list[Constituency]:
    """The constituencies the user sees whole, in Persian order."""
    query = select(Constituency).order_by(col(Constituency.name).collate(PERSIAN))
    if not user.is_admin:
        query = query.where(Constituency.province_id == user.province_id)
    return [c for c in session.exec(query).all() if may_see_constituency(session, user, c)]


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


def briefs_of(session: Session, project_ids: list[int]) -> dict[int, list[Brief]]:
    """The briefs issued on several projects, oldest first, by project."""
    found: dict[int, list[Brief]] = {}
    for brief in session.exec(select(Brief).where(col(Brief.project_id).in_(project_ids))
                              .order_by(col(Brief.generated_at), col(Brief.id))).all():
        found.setdefault(brief.project_id, []).append(brief)
    return found


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


def letter_settings(session: Session, province_id: int) -> LetterSettings | None:
    """The directorate's letter settings, or None when it has kept the defaults."""
    return session.exec(select(LetterSettings).where(LetterSettings.province_id == province_id)).first()


def get_directorate(session: Session, user: User, code: str) -> Province:
    """A province by its code whose letters the user may set (404 outside their scope or unknown, else 403)."""
    province = session.exec(select(Province).where(Province.code == code)).first()
    if province is None:
        raise NotFound
    permissions.require_directorate(user, province.id)
    return province


def directorates(session: Session, user: User) -> list[Province]:
    """The provinces whose letters the user may set: every one for an administrator, a director's own."""
    return [p for p in permissions.visible_provinces(session, user) if permissions.speaks_for(user, p.id)]

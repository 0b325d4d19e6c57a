"""Reads of the visits area, always within what the user may see."""
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import ColumnElement, func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from tracker.accounts.models import User
from tracker.core import clock
from tracker.core.db import PERSIAN
from tracker.core.errors import NotFound
from tracker.core.paging import Page, clamp_page
from tracker.places.models import County, Province
from tracker.projects import queries as projects
from tracker.projects.models import Agency, Project
from tracker.visits.models import AgendaItem, Attendee, Decision, DecisionState, Meeting, Photo, Visit


def get_visit(session: Session, user: User, visit_id: uuid.UUID) -> Visit:
    """A visit to a project the user may see, else NotFound."""
    visit = session.get(Visit, visit_id)
    if visit is None:
        raise NotFound
    project = session.get(Project, visit.project_id)
    if not user.covers(project.province_id, project.county_id):
        raise NotFound
    return visit


def get_meeting(session: Session, user: User, meeting_id: uuid.UUID) -> Meeting:
    """A meeting in the user's scope, else NotFound."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or not user.covers(meeting.province_id, meeting.county_id):
        raise NotFound
    return meeting


def get_photo(session: Session, user: User, photo_id: uuid.UUID) -> Photo:
    """A photo of a visit to a project the user may see, else NotFound."""
    photo = session.get(Photo, photo_id)
    if photo is None:
        raise NotFound
    get_visit(session, user, photo.visit_id)
    return photo


def get_decision(session: Session, user: User, decision_id: uuid.UUID) -> Decision:
    """A decision in the user's scope, else NotFound."""
    decision = session.get(Decision, decision_id)
    if decision is None or not user.covers(decision.province_id, decision.county_id):
        raise NotFound
    return decision


@dataclass(frozen=True)
class People:
    """Who may be named at a visit or meeting of a province: its users and the agencies it sees."""

    users: list[User]
    agencies: list[Agency]

    def owner_choices(self) -> list[tuple[str, str]]:
        """The values and labels of a decision's owner select (agencies, then users)."""
        return ([(f"agency:{a.id}", a.name) for a in self.agencies]
                + [(f"user:{u.id}", u.full_name or u.username) for u in self.users])


def people(session: Session, province_id: int) -> People:
    """The active users of a province and the agencies seen there (national ones too), in Persian order."""
    users = session.exec(
        select(User).where(User.province_id == province_id, col(User.active).is_(True))
        .order_by(col(User.full_name).collate(PERSIAN), col(User.username))
    ).all()
    agencies = session.exec(
        select(Agency).where(or_(col(Agency.province_id).is_(None), Agency.province_id == province_id))
        .order_by(col(Agency.name).collate(PERSIAN))
    ).all()
    return People(list(users), list(agencies))


@dataclass(frozen=True)
class AttendeeRow:
    """Someone at a visit or meeting, as shown: a user's name, an agency, or a guest with title and agency."""

    attendee: Attendee
    user_name: str
    agency_name: str

    @property
    def kind(self) -> str:
        """user, agency or guest."""
        if self.attendee.user_id:
            return "user"
        return "guest" if self.attendee.guest_name or self.attendee.guest_title else "agency"


def attendees(session: Session, **occasion: uuid.UUID) -> list[AttendeeRow]:
    """Who came to a visit (visit_id=) or a meeting (meeting_id=), in the order they were entered."""
    (key, value), = occasion.items()
    rows = session.exec(
        select(Attendee, User.full_name, User.username, Agency.name)
        .outerjoin(User, User.id == Attendee.user_id)
        .outerjoin(Agency, Agency.id == Attendee.agency_id)
        .where(getattr(Attendee, key) == value)
        .order_by(col(Attendee.position))
    ).all()
    return [AttendeeRow(attendee, full_name or username or "", agency or "")
            for attendee, full_name, username, agency in rows]


@dataclass(frozen=True)
class DecisionRow:
    """A decision with its owner's and project's names and where it was taken."""

    decision: Decision
    owner_name: str
    project_name: str
    project_slug: str
    visit_day: date | None
    meeting_day: date | None
    meeting_body: str
    today: date

    @property
    def overdue(self) -> bool:
        """Open past its due date."""
        return self.decision.state == DecisionState.open and self.decision.due_date < self.today

    @property
    def taken_on(self) -> date | None:
        """The day of the visit or meeting that took it."""
        return self.visit_day or self.meeting_day


def _decision_query():
    owner_user, owner_agency = aliased(User), aliased(Agency)
    return (
        select(Decision, owner_user.full_name, owner_user.username, owner_agency.name, Project.name, Project.slug,
               Visit.visited_on, Meeting.held_on, Meeting.body)
        .outerjoin(owner_user, owner_user.id == Decision.owner_user_id)
        .outerjoin(owner_agency, owner_agency.id == Decision.owner_agency_id)
        .outerjoin(Project, Project.id == Decision.project_id)
        .outerjoin(Visit, Visit.id == Decision.visit_id)
        .outerjoin(Meeting, Meeting.id == Decision.meeting_id)
    )


def _decision_rows(session: Session, query) -> list[DecisionRow]:
    day = clock.today()
    return [
        DecisionRow(decision, full_name or username or agency or "", project_name or "", slug or "", visited, held,
                    body or "", day)
        for decision, full_name, username, agency, project_name, slug, visited, held, body in session.exec(query).all()
    ]


def decisions_of(session: Session, **occasion: uuid.UUID) -> list[DecisionRow]:
    """The decisions of one visit or meeting, in the order they were taken."""
    (key, value), = occasion.items()
    query = _decision_query().where(getattr(Decision, key) == value).order_by(col(Decision.created_at),
                                                                               col(Decision.due_date))
    return _decision_rows(session, query)


def decision_row(session: Session, decision: Decision) -> DecisionRow:
    """One decision as a row of the list."""
    return _decision_rows(session, _decision_query().where(Decision.id == decision.id))[0]


def decision_scope(user: User) -> list[ColumnElement[bool]]:
    """The conditions that keep a query of decisions to what the user may see."""
    if user.is_admin:
        return []
    clauses = [Decision.province_id == user.province_id]
    if user.county_id:
        clauses.append(or_(col(Decision.county_id).is_(None), Decision.county_id == user.county_id))
    return clauses


@dataclass
class DecisionFilters:
    """What the decision list is narrowed to; by default the open ones."""

    province_id: int | None = None
    owner: str = ""
    project_id: int | None = None
    overdue: bool = False
    state: DecisionState | None = DecisionState.open  # None: every state
    page: int = 1

    def as_args(self, **changes) -> dict:
        """The query-string arguments that reproduce these filters."""
        values = {
            "province": self.province_id, "owner": self.owner, "project": self.project_id,
            "overdue": "1" if self.overdue else None, "state": self.state.value if self.state else "all",
            "page": self.page,
        } | changes
        if values["state"] == DecisionState.open.value:
            values["state"] = None  # the default
        return {key: value for key, value in values.items() if value not in (None, "", 1)}


def search_decisions(session: Session, user: User, filters: DecisionFilters, page_size: int) -> Page[DecisionRow]:
    """The decisions the user may see that match the filters, the soonest due first."""
    clauses = decision_scope(user)
    if filters.province_id:
        clauses.append(Decision.province_id == filters.province_id)
    kind, _sep, number = filters.owner.partition(":")
    if number.isdigit():
        owner_column = Decision.owner_user_id if kind == "user" else Decision.owner_agency_id
        clauses.append(owner_column == int(number))
    if filters.project_id:
        clauses.append(Decision.project_id == filters.project_id)
    if filters.overdue:
        clauses += [Decision.state == DecisionState.open, Decision.due_date < clock.today()]
    elif filters.state:
        clauses.append(Decision.state == filters.state)
    total = session.exec(select(func.count()).select_from(Decision).where(*clauses)).one()
    page = clamp_page(filters.page, total, page_size)
    query = (
        _decision_query().where(*clauses)
        .order_by(col(Decision.due_date), col(Decision.created_at), col(Decision.id))
        .offset((page - 1) * page_size).limit(page_size)
    )
    return Page(_decision_rows(session, query), total, page, page_size)


def decision_projects(session: Session, user: User, province_id: int | None = None) -> list[tuple[int, str]]:
    """The projects that have decisions the user may see, for the list's project filter."""
    clauses = decision_scope(user)
    if province_id:
        clauses.append(Decision.province_id == province_id)
    with_decisions = select(Decision.project_id).where(*clauses)
    query = (select(Project.id, Project.name).where(col(Project.id).in_(with_decisions))
             .order_by(col(Project.name).collate(PERSIAN)))
    return [(project_id, name) for project_id, name in session.exec(query).all()]


@dataclass(frozen=True)
class VisitDetail:
    """Everything a visit's page shows."""

    visit: Visit
    project: Project
    author_name: str
    attendees: list[AttendeeRow]
    photos: list[Photo]
    decisions: list[DecisionRow]


def visit_photos(session: Session, visit_id: uuid.UUID) -> list[Photo]:
    """A visit's photos in the order they were added."""
    return list(session.exec(select(Photo).where(Photo.visit_id == visit_id)
                             .order_by(col(Photo.position), col(Photo.created_at))).all())


def visit_detail(session: Session, visit: Visit) -> VisitDetail:
    """The visit with its project, author, visitors, photos and decisions."""
    author = session.get(User, visit.author_id)
    return VisitDetail(
        visit, session.get(Project, visit.project_id), author.full_name or author.username,
        attendees(session, visit_id=visit.id), visit_photos(session, visit.id),
        decisions_of(session, visit_id=visit.id),
    )


@dataclass(frozen=True)
class TimelineEntry:
    """A visit or a meeting on a project's timeline."""

    kind: str  # "visit" or "meeting"
    id: uuid.UUID
    day: date
    created_at: datetime
    title: str
    observed_progress: int | None = None
    notes: str = ""
    photos: list[Photo] = field(default_factory=list)
    photo_count: int = 0
    decision_count: int = 0
    agenda: list[str] = field(default_factory=list)
    is_sample: bool = False


def project_timeline(session: Session, project: Project, thumbnails: int = 4) -> list[TimelineEntry]:
    """The project's visits and the meetings whose agenda names it, newest first, with a few thumbnails each."""
    visits = session.exec(select(Visit).where(Visit.project_id == project.id)).all()
    visit_ids = [visit.id for visit in visits]
    photos: dict[uuid.UUID, list[Photo]] = {}
    for photo in session.exec(select(Photo).where(col(Photo.visit_id).in_(visit_ids))
                              .order_by(col(Photo.position), col(Photo.created_at))).all():
        photos.setdefault(photo.visit_id, []).append(photo)
    counts = dict(session.exec(select(Decision.visit_id, func.count()).where(col(Decision.visit_id).in_(visit_ids))
                               .group_by(Decision.visit_id)).all())
    entries = [
        TimelineEntry("visit", v.id, v.visited_on, v.created_at, "", v.observed_progress, v.notes,
                      photos.get(v.id, [])[:thumbnails], len(photos.get(v.id, [])), counts.get(v.id, 0), [],
                      v.is_sample)
        for v in visits
    ]
    items = session.exec(select(AgendaItem, Meeting).join(Meeting, Meeting.id == AgendaItem.meeting_id)
                         .where(AgendaItem.project_id == project.id).order_by(col(AgendaItem.position))).all()
    meetings: dict[uuid.UUID, tuple[Meeting, list[str]]] = {}
    for item, meeting in items:
        meetings.setdefault(meeting.id, (meeting, []))[1].append(item.title)
    meeting_counts = dict(session.exec(
        select(Decision.meeting_id, func.count())
        .where(col(Decision.meeting_id).in_(list(meetings)), Decision.project_id == project.id)
        .group_by(Decision.meeting_id)).all())
    entries += [
        TimelineEntry("meeting", m.id, m.held_on, m.created_at, m.body, notes=m.notes,
                      decision_count=meeting_counts.get(m.id, 0), agenda=titles, is_sample=m.is_sample)
        for m, titles in meetings.values()
    ]
    return sorted(entries, key=lambda e: (e.day, _naive(e.created_at)), reverse=True)


def _naive(moment: datetime) -> datetime:
    return moment.replace(tzinfo=None)


def progress_visit(session: Session, project: Project) -> Visit | None:
    """The visit whose observed progress is the project's physical progress, if one is."""
    return session.get(Visit, project.progress_visit_id) if project.progress_visit_id else None


@dataclass(frozen=True)
class MeetingRow:
    """One line of the meeting list."""

    meeting: Meeting
    county_name: str
    province_name: str
    agenda_count: int
    open_decisions: int


def meetings(session: Session, user: User, limit: int = 200) -> list[MeetingRow]:
    """The meetings in the user's scope, newest first."""
    clauses = []
    if not user.is_admin:
        clauses.append(Meeting.province_id == user.province_id)
        if user.county_id:
            clauses.append(or_(col(Meeting.county_id).is_(None), Meeting.county_id == user.county_id))
    agenda = (select(AgendaItem.meeting_id, func.count().label("n")).group_by(AgendaItem.meeting_id).subquery())
    open_ = (select(Decision.meeting_id, func.count().label("n")).where(Decision.state == DecisionState.open)
             .group_by(Decision.meeting_id).subquery())
    query = (
        select(Meeting, County.name_fa, Province.name_fa, agenda.c.n, open_.c.n)
        .join(Province, Province.id == Meeting.province_id)
        .outerjoin(County, County.id == Meeting.county_id)
        .outerjoin(agenda, agenda.c.meeting_id == Meeting.id)
        .outerjoin(open_, open_.c.meeting_id == Meeting.id)
        .where(*clauses)
        .order_by(col(Meeting.held_on).desc(), col(Meeting.created_at).desc())
        .limit(limit)
    )
    return [MeetingRow(m, county or "", province, agenda_n or 0, open_n or 0)
            for m, county, province, agenda_n, open_n in session.exec(query).all()]


@dataclass(frozen=True)
class AgendaRow:
    """An agenda item with the project it is about."""

    item: AgendaItem
    project: Project | None


@dataclass(frozen=True)
class MeetingDetail:
    """Everything a meeting's page shows."""

    meeting: Meeting
    province: Province
    county: County | None
    author_name: str
    attendees: list[AttendeeRow]
    agenda: list[AgendaRow]
    decisions: list[DecisionRow]


def agenda_of(session: Session, meeting: Meeting) -> list[AgendaRow]:
    """A meeting's agenda in order, each item with its project."""
    rows = session.exec(select(AgendaItem, Project).outerjoin(Project, Project.id == AgendaItem.project_id)
                        .where(AgendaItem.meeting_id == meeting.id).order_by(col(AgendaItem.position))).all()
    return [AgendaRow(item, project) for item, project in rows]


def meeting_detail(session: Session, meeting: Meeting) -> MeetingDetail:
    """The meeting with its place, author, attendees, agenda and decisions."""
    author = session.get(User, meeting.author_id)
    return MeetingDetail(
        meeting, session.get(Province, meeting.province_id),
        session.get(County, meeting.county_id) if meeting.county_id else None, author.full_name or author.username,
        attendees(session, meeting_id=meeting.id), agenda_of(session, meeting),
        decisions_of(session, meeting_id=meeting.id),
    )


def agenda_projects(session: Session, user: User, province_id: int | None) -> list[tuple[int, str]]:
    """The projects an agenda item may be about: those of the province the user sees."""
    clauses = projects.project_scope(user)
    if province_id:
        clauses.append(Project.province_id == province_id)
    query = select(Project.id, Project.name).where(*clauses).order_by(col(Project.name).collate(PERSIAN))
    return [(project_id, name) for project_id, name in session.exec(query).all()]

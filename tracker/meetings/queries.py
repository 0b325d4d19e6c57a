"""Reads of the meetings area: the list, one meeting with its agenda, and the projects an agenda may name."""
import uuid
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from tracker.accounts import permissions
from tracker.accounts.models import User
from tracker.core.db import PERSIAN
from tracker.decisions import queries as decisions
from tracker.decisions.models import Decision, DecisionState
from tracker.decisions.queries import DecisionRow, Occasion, decisions_of
from tracker.meetings.models import AgendaItem, Meeting
from tracker.places.models import County, Province
from tracker.projects.models import Project
from tracker.visits import queries as visits
from tracker.visits.queries import AttendeeRow, TimelineEntry, attendees


def get_meeting(session: Session, user: User, meeting_id: uuid.UUID) -> Meeting:
    """A meeting in the user's scope, else NotFound."""
    return permissions.get_seen(session, user, Meeting, meeting_id)


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
    clauses = permissions.scope(user, Meeting.province_id, Meeting.county_id)
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
    hidden: bool = False  # about a project of a county the user does not see: shown without its title or project


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


def agenda_of(session: Session, meeting: Meeting, user: User) -> list[AgendaRow]:
    """A meeting's agenda in order, each item with its project; hidden where the user does not see the project."""
    rows = session.exec(select(AgendaItem, Project).outerjoin(Project, Project.id == AgendaItem.project_id)
                        .where(AgendaItem.meeting_id == meeting.id).order_by(col(AgendaItem.position))).all()
    return [AgendaRow(item, project, hidden=bool(project) and not permissions.sees(user, project.province_id,
                                                                                    project.county_id))
            for item, project in rows]


def meeting_detail(session: Session, meeting: Meeting, user: User) -> MeetingDetail:
    """The meeting with its place, author, attendees, agenda and the decisions the user sees (a county head: not
    those on another county's project)."""
    author = session.get(User, meeting.author_id)
    decisions = [row for row in decisions_of(session, meeting_id=meeting.id)
                 if permissions.sees(user, row.decision.province_id, row.decision.county_id)]
    return MeetingDetail(
        meeting, session.get(Province, meeting.province_id),
        session.get(County, meeting.county_id) if meeting.county_id else None, author.full_name or author.username,
        attendees(session, meeting_id=meeting.id), agenda_of(session, meeting, user), decisions,
    )


def agenda_projects(session: Session, user: User, province_id: int | None) -> list[tuple[int, str]]:
    """The projects an agenda item may be about: those of the province the user sees."""
    clauses = permissions.scope(user, Project.province_id, Project.county_id)
    if province_id:
        clauses.append(Project.province_id == province_id)
    query = select(Project.id, Project.name).where(*clauses).order_by(col(Project.name).collate(PERSIAN))
    return [(project_id, name) for project_id, name in session.exec(query).all()]


def _project_meetings(session: Session, project: Project) -> list[TimelineEntry]:
    """The meetings whose agenda names the project, for its timeline, with the decisions they took on it."""
    items = session.exec(select(AgendaItem, Meeting).join(Meeting, Meeting.id == AgendaItem.meeting_id)
                         .where(AgendaItem.project_id == project.id).order_by(col(AgendaItem.position))).all()
    meetings: dict[uuid.UUID, tuple[Meeting, list[str]]] = {}
    for item, meeting in items:
        meetings.setdefault(meeting.id, (meeting, []))[1].append(item.title)
    meeting_counts = dict(session.exec(
        select(Decision.meeting_id, func.count())
        .where(col(Decision.meeting_id).in_(list(meetings)), Decision.project_id == project.id)
        .group_by(Decision.meeting_id)).all())
    return [
        TimelineEntry("meeting", m.id, m.held_on, m.created_at, m.body, notes=m.notes,
                      decision_count=meeting_counts.get(m.id, 0), agenda=titles, is_sample=m.is_sample)
        for m, titles in meetings.values()
    ]


def _meeting_occasions(session: Session, ids: set[uuid.UUID]) -> dict[uuid.UUID, Occasion]:
    """The day and body of each meeting, for the decisions it took."""
    query = select(Meeting.id, Meeting.held_on, Meeting.body).where(col(Meeting.id).in_(ids))
    return {meeting_id: Occasion(day, body) for meeting_id, day, body in session.exec(query).all()}


visits.TIMELINE_SOURCES.append(_project_meetings)
decisions.OCCASIONS["meeting_id"] = _meeting_occasions

"""Reads of the visits area, always within what the user may see."""
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from tracker.accounts import permissions
from tracker.accounts.models import User
from tracker.core.errors import NotFound
from tracker.decisions import queries as decisions
from tracker.decisions.models import Decision
from tracker.decisions.queries import DecisionRow, Occasion, decisions_of
from tracker.projects.models import Agency, Project
from tracker.visits.models import Attendee, Photo, Visit


def get_visit(session: Session, user: User, visit_id: uuid.UUID) -> Visit:
    """A visit to a project the user may see, else NotFound."""
    visit = session.get(Visit, visit_id)
    if visit is None:
        raise NotFound
    project = session.get(Project, visit.project_id)
    if not permissions.sees(user, project.province_id, project.county_id):
        raise NotFound
    return visit


def get_photo(session: Session, user: User, photo_id: uuid.UUID) -> Photo:
    """A photo of a visit to a project the user may see, else NotFound."""
    photo = session.get(Photo, photo_id)
    if photo is None:
        raise NotFound
    get_visit(session, user, photo.visit_id)
    return photo


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
    """A visit (or another area's record, such as a meeting) on a project's timeline."""

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


# Other areas whose records belong on a project's timeline (meetings whose agenda names it) add a function
# from (session, project) to their entries; this area sits below them.
TIMELINE_SOURCES: list[Callable[[Session, Project], list[TimelineEntry]]] = []


def project_timeline(session: Session, project: Project, thumbnails: int = 4) -> list[TimelineEntry]:
    """The project's visits and what other areas add (meetings), newest first, with a few thumbnails a visit."""
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
    for more in TIMELINE_SOURCES:
        entries += more(session, project)
    return sorted(entries, key=lambda e: (e.day, _naive(e.created_at)), reverse=True)


def _naive(moment: datetime) -> datetime:
    return moment.replace(tzinfo=None)


def progress_visit(session: Session, project: Project) -> Visit | None:
    """The visit whose observed progress is the project's physical progress, if one is."""
    return session.get(Visit, project.progress_visit_id) if project.progress_visit_id else None


@dataclass(frozen=True)
class ObservedProgress:
    """The physical progress one visit observed, on its day."""

    visit_id: uuid.UUID
    day: date
    progress: int


def observed_progress_of(session: Session, project_ids: list[int]) -> dict[int, list[ObservedProgress]]:
    """The progress observed at the visits of several projects, oldest first, by project (visits that observed
    none are left out). Only the figure and the day: the visit's notes and people stay out."""
    found: dict[int, list[ObservedProgress]] = {}
    for project_id, visit_id, day, progress in session.exec(
        select(Visit.project_id, Visit.id, Visit.visited_on, Visit.observed_progress)
        .where(col(Visit.project_id).in_(project_ids), col(Visit.observed_progress).is_not(None))
        .order_by(col(Visit.visited_on), col(Visit.created_at))
    ).all():
        found.setdefault(project_id, []).append(ObservedProgress(visit_id, day, progress))
    return found


def _visit_occasions(session: Session, ids: set[uuid.UUID]) -> dict[uuid.UUID, Occasion]:
    """The day of each visit, for the decisions taken on it."""
    return {visit_id: Occasion(day) for visit_id, day in
            session.exec(select(Visit.id, Visit.visited_on).where(col(Visit.id).in_(ids))).all()}


decisions.OCCASIONS["visit_id"] = _visit_occasions


def project_visits(session: Session, project: Project) -> list[Visit]:
    """A project's visits, the latest first (a stable order: day, then when recorded, then id).

    No scope check: the caller has already fetched the project for the user."""
    query = (select(Visit).where(Visit.project_id == project.id)
             .order_by(col(Visit.visited_on).desc(), col(Visit.created_at).desc(), col(Visit.id)))
    return list(session.exec(query).all())

"""Writes of the visits area: site visits, meetings and their decisions, checked against role and scope, audited.

Creation is idempotent: the client makes the ids, and sending the same visit or meeting again returns the one
already stored. Everything is validated (photos by content too) before anything is written.
"""
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlmodel import Session, col, select

from tracker.accounts.models import Role, User
from tracker.core import clock
from tracker.core.audit import record_change, snapshot
from tracker.core.errors import Forbidden, InvalidInput, NotFound
from tracker.core.i18n import current_language
from tracker.core.i18n import lazy_gettext as _l
from tracker.core.jalali import format_jalali, number_in_locale
from tracker.deadlines.models import DeadlineKind, DeadlineState
from tracker.deadlines.services import DeadlineData, track_deadline, untrack_deadline
from tracker.places.models import County
from tracker.projects import services as project_services
from tracker.projects.models import Agency, Project
from tracker.visits import photos
from tracker.visits.models import (
    AgendaItem,
    Attendee,
    Decision,
    DecisionState,
    Meeting,
    Photo,
    Visit,
)

# The author may correct a visit or meeting for this long; afterwards only a director or an administrator.
EDIT_WINDOW = timedelta(hours=24)
MAX_PHOTOS = 30


@dataclass(frozen=True)
class PhotoStorage:
    """Where photo files go and how large one may be."""

    upload_dir: Path
    max_bytes: int

    @classmethod
    def from_config(cls, config) -> "PhotoStorage":
        """The storage the app's settings describe."""
        return cls(Path(config["UPLOAD_DIR"]), config["MAX_PHOTO_MB"] * 1024 * 1024)


@dataclass(frozen=True)
class GuestData:
    """Someone named who is not a user: a name, a title, the agency they came for (any may be blank)."""

    name: str = ""
    title: str = ""
    agency_id: int | None = None


@dataclass(frozen=True)
class PeopleData:
    """Who came to a visit or a meeting."""

    user_ids: tuple[int, ...] = ()
    agency_ids: tuple[int, ...] = ()
    guests: tuple[GuestData, ...] = ()


@dataclass(frozen=True)
class DecisionData:
    """A decision (مصوبه) as typed: what, who owns it, by when; on a meeting, optionally its agenda item."""

    text: str
    owner_user_id: int | None = None
    owner_agency_id: int | None = None
    due_date: date | None = None
    id: uuid.UUID | None = None
    agenda_index: int | None = None  # the position of its item in MeetingData.agenda


@dataclass(frozen=True)
class PhotoUpload:
    """A photo sent with a visit: the file's bytes, a caption, and the id the client gave it."""

    data: bytes
    caption: str = ""
    filename: str = ""
    id: uuid.UUID | None = None


@dataclass(frozen=True)
class VisitData:
    """What a user records about a site visit."""

    id: uuid.UUID
    visited_on: date | None
    observed_progress: int | None = None
    notes: str = ""
    problems: str = ""
    latitude: float | None = None
    longitude: float | None = None
    location_accuracy_m: float | None = None
    people: PeopleData = field(default_factory=PeopleData)
    decisions: tuple[DecisionData, ...] = ()
    photos: tuple[PhotoUpload, ...] = ()
    # On an edit: the stored photos to keep, with their (possibly changed) captions; the others are removed.
    kept_photos: dict[uuid.UUID, str] = field(default_factory=dict)
    is_sample: bool = False


@dataclass(frozen=True)
class AgendaData:
    """One agenda item as typed."""

    title: str
    project_id: int | None = None
    id: uuid.UUID | None = None


@dataclass(frozen=True)
class MeetingData:
    """What a user records about a meeting."""

    id: uuid.UUID
    held_on: date | None
    body: str
    province_id: int | None = None  # an administrator's choice; everyone else's is their own province
    county_id: int | None = None
    notes: str = ""
    people: PeopleData = field(default_factory=PeopleData)
    agenda: tuple[AgendaData, ...] = ()
    decisions: tuple[DecisionData, ...] = ()
    is_sample: bool = False


def _utc(moment: datetime) -> datetime:
    """A stored timestamp as an aware UTC datetime (SQLite hands them back naive)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def require_writer(actor: User, province_id: int, county_id: int | None = None) -> None:
    """Refuse a record outside the actor's scope (404) or a role that only reads (403)."""
    if not actor.covers(province_id, county_id):
        raise NotFound
    if not actor.may_edit_projects():
        raise Forbidden


def may_edit(actor: User, record: Visit | Meeting, province_id: int, county_id: int | None,
             now: datetime | None = None) -> bool:
    """Whether the actor may change or delete a visit or meeting: its author for a day, a director or admin always."""
    if not actor.covers(province_id, county_id) or not actor.may_edit_projects():
        return False
    if actor.role in {Role.admin, Role.director}:
        return True
    return record.author_id == actor.id and (now or clock.now()) - _utc(record.created_at) < EDIT_WINDOW


def _require_edit(actor: User, record: Visit | Meeting, province_id: int, county_id: int | None,
                  now: datetime | None) -> None:
    require_writer(actor, province_id, county_id)
    if not may_edit(actor, record, province_id, county_id, now):
        raise Forbidden


def _clean(text: str) -> str:
    return (text or "").strip()


# ---- checks shared by visits and meetings -------------------------------------------------------------


def _check_day(errors: dict, key: str, day: date | None, now: datetime | None) -> None:
    if day is None:
        errors[key] = _l("Enter the date.")
    elif day > clock.today(now):
        errors[key] = _l("The date cannot be in the future; today is %(today)s.",
                         today=_JalaliArg(clock.today(now)))


class _JalaliArg:
    """A date for a message, in the digits of the language the message is shown in."""

    def __init__(self, day: date):
        self.day = day

    def __str__(self) -> str:
        return format_jalali(self.day, locale=current_language())


def _province_users(session: Session, province_id: int) -> dict[int, User]:
    query = select(User).where(User.province_id == province_id, col(User.active).is_(True))
    return {user.id: user for user in session.exec(query).all()}


def _province_agencies(session: Session, province_id: int) -> dict[int, Agency]:
    query = select(Agency).where((col(Agency.province_id).is_(None)) | (Agency.province_id == province_id))
    return {agency.id: agency for agency in session.exec(query).all()}


def _check_people(errors: dict, people: PeopleData, users: dict, agencies: dict) -> None:
    if any(user_id not in users for user_id in people.user_ids):
        errors["visitor_users"] = _l("Choose users of this province.")
    if any(agency_id not in agencies for agency_id in people.agency_ids):
        errors["visitor_agencies"] = _l("Choose one of the listed agencies.")
    for index, guest in enumerate(people.guests):
        if guest.agency_id is not None and guest.agency_id not in agencies:
            errors[f"guests-{index}-agency_id"] = _l("Choose one of the listed agencies.")
        elif not _clean(guest.name) and guest.agency_id is None:
            errors[f"guests-{index}-name"] = _l("Enter the guest's name, or choose the agency they came for.")
        if len(_clean(guest.name)) > 160:
            errors[f"guests-{index}-name"] = _l("At most %(max)s characters.", max=number_in_locale(160))
        if len(_clean(guest.title)) > 200:
            errors[f"guests-{index}-title"] = _l("At most %(max)s characters.", max=number_in_locale(200))


def _check_decisions(errors: dict, decisions: Iterable[DecisionData], users: dict, agencies: dict,
                     agenda_size: int = 0) -> None:
    for index, decision in enumerate(decisions):
        prefix = f"decisions-{index}-"
        if not _clean(decision.text):
            errors[prefix + "text"] = _l("Write what was decided.")
        elif len(_clean(decision.text)) > 2000:
            errors[prefix + "text"] = _l("At most %(max)s characters.", max=number_in_locale(2000))
        owners = [owner for owner in (decision.owner_user_id, decision.owner_agency_id) if owner is not None]
        if len(owners) != 1:
            errors[prefix + "owner"] = _l("Choose who owns this decision: an agency or a user.")
        elif (decision.owner_user_id is not None and decision.owner_user_id not in users) or (
            decision.owner_agency_id is not None and decision.owner_agency_id not in agencies
        ):
            errors[prefix + "owner"] = _l("Choose one of the listed owners.")
        if decision.due_date is None:
            errors[prefix + "due_date"] = _l("Enter the due date.")
        if decision.agenda_index is not None and not 0 <= decision.agenda_index < agenda_size:
            errors[prefix + "agenda_index"] = _l("Choose one of the agenda items.")


def _check_text(errors: dict, key: str, text: str, limit: int) -> None:
    if len(_clean(text)) > limit:
        errors[key] = _l("At most %(max)s characters.", max=number_in_locale(limit))


def _replace_people(session: Session, people: PeopleData, **occasion) -> None:
    """Store who came, in the order users, agencies, guests (an edit replaces the whole list)."""
    for old in session.exec(select(Attendee).where(*(getattr(Attendee, k) == v for k, v in occasion.items()))):
        session.delete(old)
    session.flush()
    rows = [Attendee(user_id=user_id) for user_id in dict.fromkeys(people.user_ids)]
    rows += [Attendee(agency_id=agency_id) for agency_id in dict.fromkeys(people.agency_ids)]
    rows += [Attendee(guest_name=_clean(g.name), guest_title=_clean(g.title), agency_id=g.agency_id)
             for g in people.guests]
    for position, row in enumerate(rows):
        row.position = position
        for key, value in occasion.items():
            setattr(row, key, value)
        session.add(row)


DECISION_DEADLINE_STATES = {
    DecisionState.open: DeadlineState.open,
    DecisionState.done: DeadlineState.done,
    DecisionState.dropped: DeadlineState.dropped,
}


def _track_decision(session: Session, decision: Decision) -> None:
    """Enter the decision in the register of deadlines, so that its owner is reminded (reminders area)."""
    occasion = f"/visits/{decision.visit_id}" if decision.visit_id else f"/meetings/{decision.meeting_id}"
    track_deadline(session, DeadlineData(
        kind=DeadlineKind.decision, item_id=str(decision.id), title=decision.text[:500], due_date=decision.due_date,
        state=DECISION_DEADLINE_STATES[decision.state], province_id=decision.province_id,
        county_id=decision.county_id, project_id=decision.project_id, path=f"{occasion}#decisions",
        responsible_user_id=decision.owner_user_id, responsible_agency_id=decision.owner_agency_id,
    ))


def _sync_decisions(session: Session, actor: User, wanted: Iterable[tuple[DecisionData, dict]],
                    existing: list[Decision], project_for_audit) -> None:
    """Create, update and delete an occasion's decisions to match the typed rows (matched by id)."""
    by_id = {decision.id: decision for decision in existing}
    kept = set()
    for data, placement in wanted:
        decision = by_id.get(data.id) if data.id else None
        values = {"text": _clean(data.text), "owner_user_id": data.owner_user_id,
                  "owner_agency_id": data.owner_agency_id, "due_date": data.due_date, **placement}
        if decision is None:
            if data.id is not None and session.get(Decision, data.id) is not None:
                continue  # sent before with another occasion: never move or duplicate it
            decision = Decision(id=data.id or uuid.uuid4(), created_by=actor.id, **values)
            session.add(decision)
            session.flush()
            record_change(session, actor_id=actor.id, action="create", record=decision, before=None,
                          project_id=project_for_audit(decision), summary=decision.text[:120])
            _track_decision(session, decision)
            continue
        kept.add(decision.id)
        before = snapshot(decision)
        if any(getattr(decision, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(decision, key, value)
            decision.updated_at = clock.now()
            session.add(decision)
            session.flush()
            record_change(session, actor_id=actor.id, action="update", record=decision, before=before,
                          project_id=project_for_audit(decision), summary=decision.text[:120])
            _track_decision(session, decision)
    for decision in existing:
        if decision.id not in kept:
            _delete_decision(session, actor, decision, project_for_audit(decision))


def _delete_decision(session: Session, actor: User, decision: Decision, project_id: int | None) -> None:
    before = snapshot(decision)
    untrack_deadline(session, DeadlineKind.decision, str(decision.id))
    session.delete(decision)
    session.flush()
    record_change(session, actor_id=actor.id, action="delete", record=decision, before=before,
                  project_id=project_id, summary=decision.text[:120])


# ---- visits ---------------------------------------------------------------------------------------------


def _check_visit(session: Session, project: Project, data: VisitData, storage: PhotoStorage | None,
                 now: datetime | None, prepared: dict[int, photos.PreparedPhoto] | None = None) -> None:
    """Raise InvalidInput with every problem of a visit; with `prepared` given, good photos are prepared into it.

    Preparing while checking decodes each photo once (a HEIC has no cheap reduced decode) and writes nothing.
    """
    errors: dict = {}
    _check_day(errors, "visited_on", data.visited_on, now)
    if data.observed_progress is not None and not 0 <= data.observed_progress <= 100:
        errors["observed_progress"] = _l("Physical progress must be between 0 and 100 percent.")
    _check_text(errors, "notes", data.notes, 4000)
    _check_text(errors, "problems", data.problems, 4000)
    if (data.latitude is None) != (data.longitude is None) or (
        data.latitude is not None and not (-90 <= data.latitude <= 90 and -180 <= data.longitude <= 180)
    ) or (data.location_accuracy_m is not None and data.location_accuracy_m < 0):
        errors["location"] = _l("The location is not valid; record it again or leave it out.")
    users = _province_users(session, project.province_id)
    agencies = _province_agencies(session, project.province_id)
    _check_people(errors, data.people, users, agencies)
    _check_decisions(errors, data.decisions, users, agencies)
    if len(data.photos) + len(data.kept_photos) > MAX_PHOTOS:
        errors["photos"] = _l("At most %(max)s photos a visit.", max=number_in_locale(MAX_PHOTOS))
    for index, upload in enumerate(data.photos):
        try:
            if prepared is None:
                photos.check_photo(upload.data, max_bytes=storage.max_bytes)
            else:
                prepared[index] = photos.prepare_photo(upload.data, max_bytes=storage.max_bytes)
        except photos.PhotoRejected as rejected:
            errors[f"photos-{index}"] = _l("Photo %(number)s (%(name)s): %(reason)s",
                                           number=number_in_locale(index + 1), name=upload.filename or "—",
                                           reason=rejected.message)
        if len(_clean(upload.caption)) > 300:
            errors[f"photos-{index}"] = _l("At most %(max)s characters.", max=number_in_locale(300))
    has_content = (data.observed_progress is not None or _clean(data.notes) or _clean(data.problems)
                   or data.photos or data.kept_photos or data.decisions)
    if not has_content:
        errors["visit"] = _l("An empty visit cannot be saved: record the progress seen, notes, problems, "
                             "a photo or a decision.")
    if errors:
        raise InvalidInput(errors)


def check_visit(session: Session, *, actor: User, project: Project, data: VisitData, storage: PhotoStorage,
                now: datetime | None = None) -> None:
    """Every rule a new visit must meet, checked without writing (so that a form shows all its problems at once)."""
    require_writer(actor, project.province_id, project.county_id)
    _check_visit(session, project, data, storage, now)


def _add_photos(session: Session, actor: User, visit: Visit, project: Project, uploads: Iterable[PhotoUpload],
                prepared: dict[int, photos.PreparedPhoto], storage: PhotoStorage | None, first_position: int) -> None:
    for index, upload in enumerate(uploads):
        position = first_position + index
        if upload.id is not None and session.get(Photo, upload.id) is not None:
            continue  # this photo was received already
        stored = photos.write_photo(prepared[index], storage.upload_dir)
        photo = Photo(id=upload.id or uuid.uuid4(), visit_id=visit.id, sha256=stored.sha256,
                      original_ext=stored.original_ext, width=stored.width, height=stored.height,
                      size_bytes=stored.size_bytes, caption=_clean(upload.caption), position=position,
                      uploaded_by=actor.id)
        session.add(photo)
        session.flush()
        record_change(session, actor_id=actor.id, action="create", record=photo, before=None,
                      project_id=project.id, summary=photo.caption or stored.sha256[:12])


def _visit_summary(visit: Visit) -> str:
    return format_jalali(visit.visited_on)


def _latest_observation(session: Session, project_id: int) -> Visit | None:
    """The project's visit with a progress figure that was made last (by its date, then when it was logged)."""
    query = (
        select(Visit)
        .where(Visit.project_id == project_id, col(Visit.observed_progress).is_not(None))
        .order_by(col(Visit.visited_on).desc(), col(Visit.created_at).desc())
        .limit(1)
    )
    return session.exec(query).first()


def _update_project_progress(session: Session, actor: User, project: Project, visit: Visit) -> None:
    """Let a visit's progress set the project's if it is the latest observation; an older visit changes nothing."""
    latest = _latest_observation(session, project.id)
    if latest is not None and (latest.id == visit.id or project.progress_visit_id == visit.id):
        project_services.record_observed_progress(session, actor=actor, project=project,
                                                  progress=latest.observed_progress, visit_id=latest.id)
    elif project.progress_visit_id == visit.id:
        # The visit that set it no longer reports progress and no other did: keep the figure, drop the attribution.
        project_services.record_observed_progress(session, actor=actor, project=project,
                                                  progress=project.physical_progress, visit_id=None)


def _visit_placement(visit: Visit, project: Project) -> dict:
    return {"visit_id": visit.id, "project_id": project.id, "province_id": project.province_id,
            "county_id": project.county_id}


def create_visit(session: Session, *, actor: User, project: Project, data: VisitData,
                 storage: PhotoStorage | None, now: datetime | None = None) -> Visit:
    """Record a site visit with its visitors, decisions and photos; the same id sent again returns the stored one.

    storage is where photos go; a visit without photos needs none.
    """
    require_writer(actor, project.province_id, project.county_id)
    existing = session.get(Visit, data.id)
    if existing is not None:
        if existing.author_id != actor.id or existing.project_id != project.id:
            raise Forbidden
        return existing
    prepared: dict[int, photos.PreparedPhoto] = {}
    _check_visit(session, project, data, storage, now, prepared)
    visit = Visit(
        id=data.id, project_id=project.id, visited_on=data.visited_on, observed_progress=data.observed_progress,
        notes=_clean(data.notes), problems=_clean(data.problems), latitude=data.latitude, longitude=data.longitude,
        location_accuracy_m=data.location_accuracy_m, author_id=actor.id, is_sample=data.is_sample,
    )
    if now is not None:
        visit.created_at = visit.updated_at = now
    session.add(visit)
    session.flush()
    record_change(session, actor_id=actor.id, action="create", record=visit, before=None,
                  project_id=project.id, summary=_visit_summary(visit))
    _replace_people(session, data.people, visit_id=visit.id)
    placement = _visit_placement(visit, project)
    _sync_decisions(session, actor, ((d, placement) for d in data.decisions), [], lambda _d: project.id)
    _add_photos(session, actor, visit, project, data.photos, prepared, storage, 0)
    if data.observed_progress is not None:
        _update_project_progress(session, actor, project, visit)
    session.flush()
    return visit


def update_visit(session: Session, *, actor: User, visit: Visit, data: VisitData, storage: PhotoStorage,
                 now: datetime | None = None) -> Visit:
    """Change a visit: its facts, visitors, decisions (matched by id) and photos (kept, removed or added)."""
    project = session.get(Project, visit.project_id)
    _require_edit(actor, visit, project.province_id, project.county_id, now)
    stored_photos = list(session.exec(select(Photo).where(Photo.visit_id == visit.id)).all())
    kept = {photo_id: caption for photo_id, caption in data.kept_photos.items()
            if photo_id in {photo.id for photo in stored_photos}}
    data = VisitData(**{**data.__dict__, "kept_photos": kept})
    prepared: dict[int, photos.PreparedPhoto] = {}
    _check_visit(session, project, data, storage, now, prepared)
    before = snapshot(visit)
    progress_changed = (data.observed_progress, data.visited_on) != (visit.observed_progress, visit.visited_on)
    for key in ("visited_on", "observed_progress", "latitude", "longitude", "location_accuracy_m"):
        setattr(visit, key, getattr(data, key))
    visit.notes, visit.problems = _clean(data.notes), _clean(data.problems)
    visit.updated_at = now or clock.now()
    session.add(visit)
    session.flush()
    record_change(session, actor_id=actor.id, action="update", record=visit, before=before,
                  project_id=project.id, summary=_visit_summary(visit))
    _replace_people(session, data.people, visit_id=visit.id)
    existing = list(session.exec(select(Decision).where(Decision.visit_id == visit.id)).all())
    placement = _visit_placement(visit, project)
    _sync_decisions(session, actor, ((d, placement) for d in data.decisions), existing, lambda _d: project.id)
    for photo in stored_photos:
        if photo.id not in kept:
            _delete_photo(session, actor, photo, project.id)
        elif _clean(kept[photo.id]) != photo.caption:
            photo_before = snapshot(photo)
            photo.caption = _clean(kept[photo.id])
            session.add(photo)
            session.flush()
            record_change(session, actor_id=actor.id, action="update", record=photo, before=photo_before,
                          project_id=project.id, summary=photo.caption)
    next_position = max((p.position for p in stored_photos if p.id in kept), default=-1) + 1
    _add_photos(session, actor, visit, project, data.photos, prepared, storage, next_position)
    if progress_changed:
        _update_project_progress(session, actor, project, visit)
    session.flush()
    return visit


def _delete_photo(session: Session, actor: User, photo: Photo, project_id: int) -> None:
    # The files stay: they are named by content and another visit may hold the same photo.
    before = snapshot(photo)
    session.delete(photo)
    session.flush()
    record_change(session, actor_id=actor.id, action="delete", record=photo, before=before,
                  project_id=project_id, summary=photo.caption or photo.sha256[:12])


def delete_visit(session: Session, *, actor: User, visit: Visit, now: datetime | None = None) -> None:
    """Remove a visit with its visitors, photos and decisions; the project's progress falls back to the visit before."""
    project = session.get(Project, visit.project_id)
    _require_edit(actor, visit, project.province_id, project.county_id, now)
    progress_came_from_it = project.progress_visit_id == visit.id
    if progress_came_from_it:
        project_services.record_observed_progress(session, actor=actor, project=project,
                                                  progress=project.physical_progress, visit_id=None)
    for photo in session.exec(select(Photo).where(Photo.visit_id == visit.id)).all():
        _delete_photo(session, actor, photo, project.id)
    for decision in session.exec(select(Decision).where(Decision.visit_id == visit.id)).all():
        _delete_decision(session, actor, decision, project.id)
    _replace_people(session, PeopleData(), visit_id=visit.id)
    before = snapshot(visit)
    session.delete(visit)
    session.flush()
    record_change(session, actor_id=actor.id, action="delete", record=visit, before=before,
                  project_id=project.id, summary=_visit_summary(visit))
    latest = _latest_observation(session, project.id) if progress_came_from_it else None
    if latest is not None:  # the visit before it now holds the latest observation
        project_services.record_observed_progress(session, actor=actor, project=project,
                                                  progress=latest.observed_progress, visit_id=latest.id)
    session.flush()


# ---- meetings -------------------------------------------------------------------------------------------


def _meeting_place(session: Session, actor: User, data: MeetingData, errors: dict) -> tuple[int | None, int | None]:
    province_id = data.province_id if actor.is_admin else actor.province_id
    if province_id is None:
        errors["province_id"] = _l("Choose the province.")
        return None, None
    county_id = data.county_id or (actor.county_id if not actor.is_admin else None)
    if county_id is not None:
        county = session.get(County, county_id)
        if county is None or county.province_id != province_id or not actor.covers(province_id, county_id):
            errors["county_id"] = _l("Choose a county in your province.")
    return province_id, county_id


def _check_meeting(session: Session, actor: User, data: MeetingData, now: datetime | None) -> tuple[int, int | None]:
    errors: dict = {}
    _check_day(errors, "held_on", data.held_on, now)
    if not _clean(data.body):
        errors["body"] = _l("Name the body that met, for example the county's employment working group.")
    _check_text(errors, "body", data.body, 200)
    _check_text(errors, "notes", data.notes, 4000)
    province_id, county_id = _meeting_place(session, actor, data, errors)
    if province_id is not None:
        users = _province_users(session, province_id)
        agencies = _province_agencies(session, province_id)
        _check_people(errors, data.people, users, agencies)
        _check_decisions(errors, data.decisions, users, agencies, len(data.agenda))
    for index, item in enumerate(data.agenda):
        if not _clean(item.title):
            errors[f"agenda-{index}-title"] = _l("Write the agenda item.")
        _check_text(errors, f"agenda-{index}-title", item.title, 500)
        if item.project_id is not None:
            project = session.get(Project, item.project_id)
            if project is None or project.province_id != province_id or not actor.covers(
                    project.province_id, project.county_id):
                errors[f"agenda-{index}-project_id"] = _l("Choose a project of this province.")
    if errors:
        raise InvalidInput(errors)
    return province_id, county_id


def check_meeting(session: Session, *, actor: User, data: MeetingData, now: datetime | None = None) -> None:
    """Every rule a meeting must meet, checked without writing."""
    _check_meeting(session, actor, data, now)


def _sync_agenda(session: Session, meeting: Meeting, agenda: tuple[AgendaData, ...]) -> list[AgendaItem]:
    """Make the meeting's agenda the typed list, in order; items are matched by id."""
    existing = {item.id: item for item in session.exec(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id))}
    items = []
    for position, data in enumerate(agenda):
        item = existing.pop(data.id, None) if data.id else None
        if item is None:
            item = AgendaItem(id=data.id or uuid.uuid4(), meeting_id=meeting.id)
        item.title, item.project_id, item.position = _clean(data.title), data.project_id, position
        session.add(item)
        items.append(item)
    session.flush()
    for gone in existing.values():
        for decision in session.exec(select(Decision).where(Decision.agenda_item_id == gone.id)):
            decision.agenda_item_id = None
            session.add(decision)
        session.flush()
        session.delete(gone)
    session.flush()
    return items


def _meeting_decisions(session: Session, actor: User, meeting: Meeting, data: MeetingData,
                       items: list[AgendaItem]) -> None:
    def placement(decision: DecisionData) -> dict:
        item = items[decision.agenda_index] if decision.agenda_index is not None else None
        project = session.get(Project, item.project_id) if item and item.project_id else None
        return {"meeting_id": meeting.id, "agenda_item_id": item.id if item else None,
                "project_id": project.id if project else None, "province_id": meeting.province_id,
                "county_id": project.county_id if project else meeting.county_id}

    existing = list(session.exec(select(Decision).where(Decision.meeting_id == meeting.id)).all())
    _sync_decisions(session, actor, ((d, placement(d)) for d in data.decisions), existing,
                    lambda decision: decision.project_id)


def create_meeting(session: Session, *, actor: User, data: MeetingData, now: datetime | None = None) -> Meeting:
    """Record a meeting with its attendees, agenda and decisions; the same id sent again returns the stored one."""
    if not actor.may_edit_projects():
        raise Forbidden
    existing = session.get(Meeting, data.id)
    if existing is not None:
        if existing.author_id != actor.id:
            raise Forbidden
        return existing
    province_id, county_id = _check_meeting(session, actor, data, now)
    require_writer(actor, province_id, county_id)
    meeting = Meeting(id=data.id, province_id=province_id, county_id=county_id, held_on=data.held_on,
                      body=_clean(data.body), notes=_clean(data.notes), author_id=actor.id, is_sample=data.is_sample)
    if now is not None:
        meeting.created_at = meeting.updated_at = now
    session.add(meeting)
    session.flush()
    record_change(session, actor_id=actor.id, action="create", record=meeting, before=None,
                  summary=f"{meeting.body} {format_jalali(meeting.held_on)}")
    _replace_people(session, data.people, meeting_id=meeting.id)
    items = _sync_agenda(session, meeting, data.agenda)
    _meeting_decisions(session, actor, meeting, data, items)
    session.flush()
    return meeting


def update_meeting(session: Session, *, actor: User, meeting: Meeting, data: MeetingData,
                   now: datetime | None = None) -> Meeting:
    """Change a meeting: its facts, attendees, agenda and decisions."""
    _require_edit(actor, meeting, meeting.province_id, meeting.county_id, now)
    if actor.is_admin and data.province_id is None:
        data = MeetingData(**{**data.__dict__, "province_id": meeting.province_id})
    province_id, county_id = _check_meeting(session, actor, data, now)
    require_writer(actor, province_id, county_id)
    before = snapshot(meeting)
    meeting.province_id, meeting.county_id, meeting.held_on = province_id, county_id, data.held_on
    meeting.body, meeting.notes = _clean(data.body), _clean(data.notes)
    meeting.updated_at = now or clock.now()
    session.add(meeting)
    session.flush()
    record_change(session, actor_id=actor.id, action="update", record=meeting, before=before,
                  summary=f"{meeting.body} {format_jalali(meeting.held_on)}")
    _replace_people(session, data.people, meeting_id=meeting.id)
    items = _sync_agenda(session, meeting, data.agenda)
    _meeting_decisions(session, actor, meeting, data, items)
    session.flush()
    return meeting


def delete_meeting(session: Session, *, actor: User, meeting: Meeting, now: datetime | None = None) -> None:
    """Remove a meeting with its attendees, agenda and decisions."""
    _require_edit(actor, meeting, meeting.province_id, meeting.county_id, now)
    for decision in session.exec(select(Decision).where(Decision.meeting_id == meeting.id)).all():
        _delete_decision(session, actor, decision, decision.project_id)
    _sync_agenda(session, meeting, ())
    _replace_people(session, PeopleData(), meeting_id=meeting.id)
    before = snapshot(meeting)
    session.delete(meeting)
    session.flush()
    record_change(session, actor_id=actor.id, action="delete", record=meeting, before=before,
                  summary=f"{meeting.body} {format_jalali(meeting.held_on)}")


# ---- decisions ------------------------------------------------------------------------------------------


def set_decision_state(session: Session, *, actor: User, decision: Decision, state: DecisionState, note: str = "",
                       now: datetime | None = None) -> Decision:
    """Mark a decision done or dropped (with a note), or open it again; audited."""
    require_writer(actor, decision.province_id, decision.county_id)
    note = _clean(note)
    if state == DecisionState.dropped and not note:
        raise InvalidInput({"note": _l("Say why the decision was dropped.")})
    if len(note) > 1000:
        raise InvalidInput({"note": _l("At most %(max)s characters.", max=number_in_locale(1000))})
    before = snapshot(decision)
    moment = now or clock.now()
    decision.state = state
    decision.state_note = "" if state == DecisionState.open else note
    decision.state_changed_at, decision.state_changed_by, decision.updated_at = moment, actor.id, moment
    session.add(decision)
    session.flush()
    record_change(session, actor_id=actor.id, action="update", record=decision, before=before,
                  project_id=decision.project_id, summary=decision.text[:120])
    _track_decision(session, decision)
    return decision

"""Writes of the visits area: site visits with who came, photos and decisions, checked against role and scope,
audited; and the rules a visit shares with a meeting (who came, the day, the author's edit window).

Creation is idempotent: the client makes the ids, and sending the same visit again returns the one already
stored. Everything is validated (photos by content too) before anything is written.
"""
import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Protocol

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from tracker.accounts import permissions
from tracker.accounts.models import Role, User
from tracker.accounts.permissions import Action
from tracker.core import clock
from tracker.core.audit import record_change, snapshot
from tracker.core.errors import Forbidden, InvalidInput
from tracker.core.i18n import current_language
from tracker.core.i18n import lazy_gettext as _l
from tracker.core.jalali import format_jalali, number_in_locale
from tracker.core.persian import trimmed
from tracker.core.storage import Storage, storage_for
from tracker.decisions import services as decisions
from tracker.decisions.models import Decision
from tracker.decisions.services import DecisionData
from tracker.projects import queries as project_queries
from tracker.projects import services as project_services
from tracker.projects.models import Agency, Project
from tracker.visits import photos
from tracker.visits.models import Attendee, Photo, Visit

# The author may correct a visit or meeting for this long; afterwards only a director or an administrator.
EDIT_WINDOW = timedelta(hours=24)


class Authored(Protocol):
    """A visit or a meeting: a record its author may correct for a while."""

    author_id: int
    created_at: datetime
MAX_PHOTOS = 30
# A tablet's position is useless beyond this (a browser guessing from the network says some kilometres).
MAX_ACCURACY_M = 1_000_000


@dataclass(frozen=True)
class PhotoStorage:
    """Where photo files go (the uploads store) and how large one may be."""

    files: Storage
    max_bytes: int

    @classmethod
    def from_config(cls, config) -> "PhotoStorage":
        """The storage the app's settings describe."""
        return cls(storage_for(config, "uploads"), config["MAX_PHOTO_MB"] * 1024 * 1024)


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


def may_edit(actor: User, record: Authored, province_id: int, county_id: int | None,
             now: datetime | None = None) -> bool:
    """Whether the actor may change or delete a visit or meeting: its author for a day, a director or admin always."""
    if not permissions.owns(actor, province_id, county_id) or not permissions.may(actor, Action.edit):
        return False
    if actor.role in {Role.admin, Role.director}:
        return True
    return record.author_id == actor.id and (now or clock.now()) - clock.utc(record.created_at) < EDIT_WINDOW


def require_edit(actor: User, record: Authored, province_id: int, county_id: int | None,
                  now: datetime | None) -> None:
    permissions.require(actor, Action.edit, province_id, county_id)
    if not may_edit(actor, record, province_id, county_id, now):
        raise Forbidden


# ---- rules shared with meetings ---------------------------------------------------------------------------


def check_day(errors: dict, key: str, day: date | None, now: datetime | None) -> None:
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


def province_users(session: Session, province_id: int) -> dict[int, User]:
    query = select(User).where(User.province_id == province_id, col(User.active).is_(True))
    return {user.id: user for user in session.exec(query).all()}


def province_agencies(session: Session, province_id: int) -> dict[int, Agency]:
    return {agency.id: agency for agency in project_queries.agencies_in(session, province_id)}


def check_people(errors: dict, people: PeopleData, users: dict, agencies: dict) -> None:
    if any(user_id not in users for user_id in people.user_ids):
        errors["visitor_users"] = _l("Choose users of this province.")
    if any(agency_id not in agencies for agency_id in people.agency_ids):
        errors["visitor_agencies"] = _l("Choose one of the listed agencies.")
    for index, guest in enumerate(people.guests):
        if guest.agency_id is not None and guest.agency_id not in agencies:
            errors[f"guests-{index}-agency_id"] = _l("Choose one of the listed agencies.")
        elif not trimmed(guest.name) and guest.agency_id is None:
            errors[f"guests-{index}-name"] = _l("Enter the guest's name, or choose the agency they came for.")
        if len(trimmed(guest.name)) > 160:
            errors[f"guests-{index}-name"] = _l("At most %(max)s characters.", max=number_in_locale(160))
        if len(trimmed(guest.title)) > 200:
            errors[f"guests-{index}-title"] = _l("At most %(max)s characters.", max=number_in_locale(200))


def check_text(errors: dict, key: str, text: str, limit: int) -> None:
    if len(trimmed(text)) > limit:
        errors[key] = _l("At most %(max)s characters.", max=number_in_locale(limit))


def replace_people(session: Session, people: PeopleData, **occasion) -> None:
    """Store who came, in the order users, agencies, guests (an edit replaces the whole list)."""
    for old in session.exec(select(Attendee).where(*(getattr(Attendee, k) == v for k, v in occasion.items()))):
        session.delete(old)
    session.flush()
    rows = [Attendee(user_id=user_id) for user_id in dict.fromkeys(people.user_ids)]
    rows += [Attendee(agency_id=agency_id) for agency_id in dict.fromkeys(people.agency_ids)]
    rows += [Attendee(guest_name=trimmed(g.name), guest_title=trimmed(g.title), agency_id=g.agency_id)
             for g in people.guests]
    for position, row in enumerate(rows):
        row.position = position
        for key, value in occasion.items():
            setattr(row, key, value)
        session.add(row)


# ---- visits ---------------------------------------------------------------------------------------------


def _valid_location(latitude: float | None, longitude: float | None, accuracy_m: float | None) -> bool:
    """Whether a visit's position is none, or a point on Earth with a plausible accuracy (NaN fails every test)."""
    if latitude is None and longitude is None:
        return accuracy_m is None or 0 <= accuracy_m <= MAX_ACCURACY_M
    return (latitude is not None and longitude is not None and -90 <= latitude <= 90 and -180 <= longitude <= 180
            and (accuracy_m is None or 0 <= accuracy_m <= MAX_ACCURACY_M))


def _check_visit(session: Session, project: Project, data: VisitData, storage: PhotoStorage | None,
                 now: datetime | None, prepared: dict[int, photos.PreparedPhoto] | None = None) -> None:
    """Raise InvalidInput with every problem of a visit; with `prepared` given, good photos are prepared into it.

    Preparing while checking decodes each photo once (a HEIC has no cheap reduced decode) and writes nothing.
    """
    errors: dict = {}
    check_day(errors, "visited_on", data.visited_on, now)
    if data.observed_progress is not None and not 0 <= data.observed_progress <= 100:
        errors["observed_progress"] = _l("Physical progress must be between 0 and 100 percent.")
    check_text(errors, "notes", data.notes, 4000)
    check_text(errors, "problems", data.problems, 4000)
    if not _valid_location(data.latitude, data.longitude, data.location_accuracy_m):
        errors["location"] = _l("The location is not valid; record it again or leave it out.")
    users = province_users(session, project.province_id)
    agencies = province_agencies(session, project.province_id)
    check_people(errors, data.people, users, agencies)
    decisions.check_decisions(errors, data.decisions, users, agencies)
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
        if len(trimmed(upload.caption)) > 300:
            errors[f"photos-{index}"] = _l("At most %(max)s characters.", max=number_in_locale(300))
    has_content = (data.observed_progress is not None or trimmed(data.notes) or trimmed(data.problems)
                   or data.photos or data.kept_photos or data.decisions)
    if not has_content:
        errors["visit"] = _l("An empty visit cannot be saved: record the progress seen, notes, problems, "
                             "a photo or a decision.")
    if errors:
        raise InvalidInput(errors)


def check_visit(session: Session, *, actor: User, project: Project, data: VisitData, storage: PhotoStorage | None,
                now: datetime | None = None) -> None:
    """Every rule a new visit must meet, checked without writing (so that a form shows all its problems at once)."""
    permissions.require(actor, Action.edit, project.province_id, project.county_id)
    _check_visit(session, project, data, storage, now)


def _add_photos(session: Session, actor: User, visit: Visit, project: Project, uploads: Iterable[PhotoUpload],
                prepared: dict[int, photos.PreparedPhoto], storage: PhotoStorage | None, first_position: int) -> None:
    for index, upload in enumerate(uploads):
        if upload.id is not None and session.get(Photo, upload.id) is not None:
            continue  # this photo was received already
        photo = _stored_photo(actor, visit, upload, prepared[index], storage, first_position + index)
        session.add(photo)
        session.flush()
        _audit_new_photo(session, actor, photo, project)


def _stored_photo(actor: User, visit: Visit, upload: PhotoUpload, prepared: photos.PreparedPhoto,
                  storage: PhotoStorage, position: int, photo_id: uuid.UUID | None = None) -> Photo:
    """A photo's files written (once per content) and its row made, not yet added."""
    stored = photos.write_photo(prepared, storage.files)
    return Photo(id=photo_id or upload.id or uuid.uuid4(), visit_id=visit.id, sha256=stored.sha256,
                 original_ext=stored.original_ext, width=stored.width, height=stored.height,
                 size_bytes=stored.size_bytes, caption=trimmed(upload.caption), position=position,
                 uploaded_by=actor.id)


def _audit_new_photo(session: Session, actor: User, photo: Photo, project: Project) -> None:
    record_change(session, actor_id=actor.id, action="create", record=photo, before=None,
                  project_id=project.id, summary=photo.caption or photo.sha256[:12])


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
    # Visits of one project saved at once take turns from here, so that each reads the visits committed before it
    # and the last to commit leaves the latest one's progress. NO KEY UPDATE: a new visit's foreign key share-locks
    # the project row, and FOR UPDATE would wait on that share lock (two visits: a deadlock).
    session.refresh(project, with_for_update={"key_share": True})
    latest = _latest_observation(session, project.id)
    if latest is not None and (latest.id == visit.id or project.progress_visit_id == visit.id):
        project_services.record_observed_progress(session, actor=actor, project=project,
                                                  progress=latest.observed_progress, visit_id=latest.id,
                                                  visit_day=latest.visited_on)
    elif project.progress_visit_id == visit.id:
        # The visit that set it no longer reports progress and no other did: keep the figure, drop the attribution.
        project_services.record_observed_progress(session, actor=actor, project=project,
                                                  progress=project.physical_progress, visit_id=None)


def _visit_placement(visit: Visit, project: Project) -> dict:
    return {"visit_id": visit.id, "project_id": project.id, "province_id": project.province_id,
            "county_id": project.county_id}


def _sent_before(visit: Visit, actor: User, project: Project) -> Visit:
    """A visit sent again: the stored one, if it is the same author's visit to the same project; else refused."""
    if visit.author_id != actor.id or visit.project_id != project.id:
        # A client's bug or a forged id, never a retry: nothing of the stored visit is shown or changed.
        raise InvalidInput({"visit": _l("This visit's identifier belongs to another visit, so it was not saved. "
                                        "Open the form again and record the visit anew.")})
    return visit


def create_visit(session: Session, *, actor: User, project: Project, data: VisitData,
                 storage: PhotoStorage | None, now: datetime | None = None) -> Visit:
    """Record a site visit with its visitors, decisions and photos; the same id sent again returns the stored one.

    storage is where photos go; a visit without photos needs none.
    """
    permissions.require(actor, Action.edit, project.province_id, project.county_id)
    existing = session.get(Visit, data.id)
    if existing is not None:
        return _sent_before(existing, actor, project)
    prepared: dict[int, photos.PreparedPhoto] = {}
    _check_visit(session, project, data, storage, now, prepared)
    visit = Visit(
        id=data.id, project_id=project.id, visited_on=data.visited_on, observed_progress=data.observed_progress,
        notes=trimmed(data.notes), problems=trimmed(data.problems), latitude=data.latitude, longitude=data.longitude,
        location_accuracy_m=data.location_accuracy_m, author_id=actor.id, is_sample=data.is_sample,
    )
    if now is not None:
        visit.created_at = visit.updated_at = now
    try:
        with session.begin_nested():
            session.add(visit)
    except IntegrityError:
        # The same visit sent again while the first send was being stored: the primary key decides, not the look
        # above, and the send stored first is the visit.
        existing = session.get(Visit, data.id)
        if existing is None:
            raise
        return _sent_before(existing, actor, project)
    record_change(session, actor_id=actor.id, action="create", record=visit, before=None,
                  project_id=project.id, summary=_visit_summary(visit))
    replace_people(session, data.people, visit_id=visit.id)
    placement = _visit_placement(visit, project)
    decisions.sync_decisions(session, actor, ((d, placement) for d in data.decisions), [], lambda _d: project.id)
    _add_photos(session, actor, visit, project, data.photos, prepared, storage, 0)
    if data.observed_progress is not None:
        _update_project_progress(session, actor, project, visit)
    session.flush()
    return visit


def photo_id_for(visit_id: uuid.UUID, sha256: str) -> uuid.UUID:
    """The id of a photo sent on its own without one of the client's: the same for every retry of it."""
    return uuid.uuid5(visit_id, sha256)


def _photo_sent_before(session: Session, visit: Visit, sha256: str) -> Photo | None:
    return session.exec(select(Photo).where(Photo.visit_id == visit.id, Photo.sha256 == sha256)
                        .order_by(col(Photo.position))).first()


def send_photo(session: Session, *, actor: User, visit: Visit, sha256: str, upload: PhotoUpload,
               storage: PhotoStorage, now: datetime | None = None) -> tuple[Photo, bool]:
    """Add one photo to a stored visit, keyed by the visit and the photo's SHA-256 (the tablet's outbox sends each
    photo on its own): the photo, and whether this send stored it (False: it was stored before, nothing changed).

    The bytes must hash to sha256, so that a photo cut short on the way is never stored as whole.
    """
    project = session.get(Project, visit.project_id)
    require_edit(actor, visit, project.province_id, project.county_id, now)
    sha256 = sha256.lower()
    if hashlib.sha256(upload.data).hexdigest() != sha256:
        raise InvalidInput({"photo": _l("The photo did not arrive whole (its checksum differs). Send it again.")})
    # Sends of one visit's photos take turns from here, so that each sees the photos stored before it.
    session.refresh(visit, with_for_update=True)
    if (stored := _photo_sent_before(session, visit, sha256)) is not None:
        return stored, False
    photo_id = upload.id or photo_id_for(visit.id, sha256)
    errors: dict = {}
    if session.get(Photo, photo_id) is not None:  # the client's id names another visit's or content's photo
        errors["photo_id"] = _l("This photo's identifier belongs to another photo. Choose the photo again.")
    positions = list(session.exec(select(Photo.position).where(Photo.visit_id == visit.id)).all())
    if len(positions) >= MAX_PHOTOS:
        errors["photo"] = _l("At most %(max)s photos a visit.", max=number_in_locale(MAX_PHOTOS))
    check_text(errors, "caption", upload.caption, 300)
    prepared = None
    try:
        prepared = photos.prepare_photo(upload.data, max_bytes=storage.max_bytes)
    except photos.PhotoRejected as rejected:
        errors.setdefault("photo", rejected.message)
    if errors:
        raise InvalidInput(errors)
    photo = _stored_photo(actor, visit, upload, prepared, storage, max(positions, default=-1) + 1, photo_id)
    try:
        with session.begin_nested():
            session.add(photo)
    except IntegrityError:
        # The same photo sent again while the first send was being stored: its id decides.
        stored = session.get(Photo, photo_id)
        if stored is None or (stored.visit_id, stored.sha256) != (visit.id, sha256):
            raise
        return stored, False
    _audit_new_photo(session, actor, photo, project)
    visit.updated_at = now or clock.now()  # a new version: an edit form opened before the photo came is stale
    session.add(visit)
    session.flush()
    return photo, True


def update_visit(session: Session, *, actor: User, visit: Visit, data: VisitData, storage: PhotoStorage | None,
                 now: datetime | None = None, expected_version: int | None = None) -> Visit:
    """Change a visit: its facts, visitors, decisions (matched by id) and photos (kept, removed or added); a
    Conflict if it changed since expected_version (every save of a visit changes its row, so counts)."""
    project = session.get(Project, visit.project_id)
    require_edit(actor, visit, project.province_id, project.county_id, now)
    permissions.require_current(session, visit, expected_version)
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
    visit.notes, visit.problems = trimmed(data.notes), trimmed(data.problems)
    visit.updated_at = now or clock.now()
    session.add(visit)
    session.flush()
    record_change(session, actor_id=actor.id, action="update", record=visit, before=before,
                  project_id=project.id, summary=_visit_summary(visit))
    replace_people(session, data.people, visit_id=visit.id)
    existing = list(session.exec(select(Decision).where(Decision.visit_id == visit.id)).all())
    placement = _visit_placement(visit, project)
    decisions.sync_decisions(session, actor, ((d, placement) for d in data.decisions), existing, lambda _d: project.id)
    for photo in stored_photos:
        if photo.id not in kept:
            _delete_photo(session, actor, photo, project.id)
        elif trimmed(kept[photo.id]) != photo.caption:
            photo_before = snapshot(photo)
            photo.caption = trimmed(kept[photo.id])
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
    require_edit(actor, visit, project.province_id, project.county_id, now)
    progress_came_from_it = project.progress_visit_id == visit.id
    if progress_came_from_it:
        project_services.record_observed_progress(session, actor=actor, project=project,
                                                  progress=project.physical_progress, visit_id=None)
    for photo in session.exec(select(Photo).where(Photo.visit_id == visit.id)).all():
        _delete_photo(session, actor, photo, project.id)
    for decision in session.exec(select(Decision).where(Decision.visit_id == visit.id)).all():
        decisions.delete_decision(session, actor, decision, project.id)
    replace_people(session, PeopleData(), visit_id=visit.id)
    before = snapshot(visit)
    session.delete(visit)
    session.flush()
    record_change(session, actor_id=actor.id, action="delete", record=visit, before=before,
                  project_id=project.id, summary=_visit_summary(visit))
    latest = _latest_observation(session, project.id) if progress_came_from_it else None
    if latest is not None:  # the visit before it now holds the latest observation
        project_services.record_observed_progress(session, actor=actor, project=project,
                                                  progress=latest.observed_progress, visit_id=latest.id,
                                                  visit_day=latest.visited_on)
    session.flush()



"""Writes of the meetings area: meetings with attendees, agenda and decisions, checked, scoped and audited.

Creation is idempotent: the client makes the ids, and sending the same meeting again returns the stored one.
"""
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, select

from tracker.accounts import permissions
from tracker.accounts.models import User
from tracker.accounts.permissions import Action
from tracker.core import clock
from tracker.core.audit import record_change, snapshot
from tracker.core.errors import Forbidden, InvalidInput
from tracker.core.i18n import lazy_gettext as _l
from tracker.core.jalali import format_jalali
from tracker.core.persian import trimmed
from tracker.decisions import services as decisions
from tracker.decisions.models import Decision
from tracker.decisions.services import DecisionData
from tracker.meetings.models import AgendaItem, Meeting
from tracker.places.models import County
from tracker.projects.models import Project
from tracker.visits.services import (
    PeopleData,
    check_day,
    check_people,
    check_text,
    province_agencies,
    province_users,
    replace_people,
    require_edit,
)


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


def _meeting_place(session: Session, actor: User, data: MeetingData, errors: dict) -> tuple[int | None, int | None]:
    province_id = data.province_id if actor.is_admin else actor.province_id
    if province_id is None:
        errors["province_id"] = _l("Choose the province.")
        return None, None
    county_id = data.county_id or (actor.county_id if not actor.is_admin else None)
    if county_id is not None:
        county = session.get(County, county_id)
        if county is None or county.province_id != province_id or not permissions.sees(actor, province_id, county_id):
            errors["county_id"] = _l("Choose a county in your province.")
    return province_id, county_id


def _check_meeting(session: Session, actor: User, data: MeetingData, now: datetime | None) -> tuple[int, int | None]:
    errors: dict = {}
    check_day(errors, "held_on", data.held_on, now)
    if not trimmed(data.body):
        errors["body"] = _l("Name the body that met, for example the county's employment working group.")
    check_text(errors, "body", data.body, 200)
    check_text(errors, "notes", data.notes, 4000)
    province_id, county_id = _meeting_place(session, actor, data, errors)
    if province_id is not None:
        users = province_users(session, province_id)
        agencies = province_agencies(session, province_id)
        check_people(errors, data.people, users, agencies)
        decisions.check_decisions(errors, data.decisions, users, agencies, len(data.agenda))
    for index, item in enumerate(data.agenda):
        if not trimmed(item.title):
            errors[f"agenda-{index}-title"] = _l("Write the agenda item.")
        check_text(errors, f"agenda-{index}-title", item.title, 500)
        if item.project_id is not None:
            project = session.get(Project, item.project_id)
            if project is None or project.province_id != province_id or not permissions.sees(actor,
                    project.province_id, project.county_id):
                errors[f"agenda-{index}-project_id"] = _l("Choose a project of this province.")
    if errors:
        raise InvalidInput(errors)
    return province_id, county_id


def check_meeting(session: Session, *, actor: User, data: MeetingData, now: datetime | None = None) -> None:
    """Every rule a meeting must meet, checked without writing."""
    _check_meeting(session, actor, data, now)


def _unseen(session: Session, actor: User, item: AgendaItem) -> bool:
    """Whether an agenda item is about a project the actor does not see (another county's, for a county head)."""
    project = session.get(Project, item.project_id) if item.project_id else None
    return project is not None and not permissions.sees(actor, project.province_id, project.county_id)


def _sync_agenda(session: Session, meeting: Meeting, agenda: tuple[AgendaData, ...],
                 actor: User | None = None) -> list[AgendaItem]:
    """Make the meeting's agenda the typed list, in order; items are matched by id. Items the actor does not see
    were not in their form: they stay exactly as they are."""
    existing = {item.id: item for item in session.exec(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id))
                if actor is None or not _unseen(session, actor, item)}
    items = []
    for position, data in enumerate(agenda):
        item = existing.pop(data.id, None) if data.id else None
        if item is None:
            item = AgendaItem(id=data.id or uuid.uuid4(), meeting_id=meeting.id)
        item.title, item.project_id, item.position = trimmed(data.title), data.project_id, position
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

    # Decisions the actor does not see (on another county's project) were not in their form: they stay as they are.
    existing = [decision for decision in session.exec(select(Decision).where(Decision.meeting_id == meeting.id))
                if permissions.sees(actor, decision.province_id, decision.county_id)]
    decisions.sync_decisions(session, actor, ((d, placement(d)) for d in data.decisions), existing,
                    lambda decision: decision.project_id)


def _save_parts(session: Session, actor: User, meeting: Meeting, data: MeetingData, action: str,
                before: dict | None) -> Meeting:
    """Audit the meeting just written, then store its attendees, agenda and decisions as typed."""
    record_change(session, actor_id=actor.id, action=action, record=meeting, before=before,
                  summary=f"{meeting.body} {format_jalali(meeting.held_on)}")
    replace_people(session, data.people, meeting_id=meeting.id)
    items = _sync_agenda(session, meeting, data.agenda, actor)
    _meeting_decisions(session, actor, meeting, data, items)
    session.flush()
    return meeting


def create_meeting(session: Session, *, actor: User, data: MeetingData, now: datetime | None = None) -> Meeting:
    """Record a meeting with its attendees, agenda and decisions; the same id sent again returns the stored one."""
    permissions.require(actor, Action.edit)
    existing = session.get(Meeting, data.id)
    if existing is not None:
        if existing.author_id != actor.id:
            raise Forbidden
        return existing
    province_id, county_id = _check_meeting(session, actor, data, now)
    permissions.require(actor, Action.edit, province_id, county_id)
    meeting = Meeting(id=data.id, province_id=province_id, county_id=county_id, held_on=data.held_on,
                      body=trimmed(data.body), notes=trimmed(data.notes), author_id=actor.id, is_sample=data.is_sample)
    if now is not None:
        meeting.created_at = meeting.updated_at = now
    session.add(meeting)
    session.flush()
    return _save_parts(session, actor, meeting, data, "create", None)


def update_meeting(session: Session, *, actor: User, meeting: Meeting, data: MeetingData,
                   now: datetime | None = None, expected_version: int | None = None) -> Meeting:
    """Change a meeting: its facts, attendees, agenda and decisions (a Conflict if it changed since
    expected_version; every save of a meeting changes its row, so counts)."""
    require_edit(actor, meeting, meeting.province_id, meeting.county_id, now)
    permissions.require_current(session, meeting, expected_version)
    if actor.is_admin and data.province_id is None:
        data = MeetingData(**{**data.__dict__, "province_id": meeting.province_id})
    province_id, county_id = _check_meeting(session, actor, data, now)
    permissions.require(actor, Action.edit, province_id, county_id)
    before = snapshot(meeting)
    meeting.province_id, meeting.county_id, meeting.held_on = province_id, county_id, data.held_on
    meeting.body, meeting.notes = trimmed(data.body), trimmed(data.notes)
    meeting.updated_at = now or clock.now()
    session.add(meeting)
    session.flush()
    return _save_parts(session, actor, meeting, data, "update", before)


def delete_meeting(session: Session, *, actor: User, meeting: Meeting, now: datetime | None = None) -> None:
    """Remove a meeting with its attendees, agenda and decisions."""
    require_edit(actor, meeting, meeting.province_id, meeting.county_id, now)
    taken = session.exec(select(Decision).where(Decision.meeting_id == meeting.id)).all()
    items = session.exec(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)).all()
    # Another county's item or decision is not the actor's to remove (a county head's meeting may hold one).
    if any(_unseen(session, actor, item) for item in items) or not all(
            permissions.sees(actor, decision.province_id, decision.county_id) for decision in taken):
        raise Forbidden
    for decision in taken:
        decisions.delete_decision(session, actor, decision, decision.project_id)
    _sync_agenda(session, meeting, ())
    replace_people(session, PeopleData(), meeting_id=meeting.id)
    before = snapshot(meeting)
    session.delete(meeting)
    session.flush()
    record_change(session, actor_id=actor.id, action="delete", record=meeting, before=before,
                  summary=f"{meeting.body} {format_jalali(meeting.held_on)}")

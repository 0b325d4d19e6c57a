"""Writes of the decisions area: the decisions of a visit or meeting kept in step with the typed rows, and
their state; each is registered as a deadline so that its owner is reminded."""
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from tracker.accounts import permissions
from tracker.accounts.models import User
from tracker.accounts.permissions import Action
from tracker.core import clock
from tracker.core.audit import record_change, snapshot
from tracker.core.errors import InvalidInput
from tracker.core.i18n import lazy_gettext as _l
from tracker.core.jalali import number_in_locale
from tracker.core.persian import trimmed
from tracker.deadlines.models import DeadlineKind, DeadlineState
from tracker.deadlines.services import DeadlineData, track_deadline, untrack_deadline
from tracker.decisions.models import Decision, DecisionState


@dataclass(frozen=True)
class DecisionData:
    """A decision (مصوبه) as typed: what, who owns it, by when; on a meeting, optionally its agenda item."""

    text: str
    owner_user_id: int | None = None
    owner_agency_id: int | None = None
    due_date: date | None = None
    id: uuid.UUID | None = None
    agenda_index: int | None = None  # the position of its item in MeetingData.agenda


def check_decisions(errors: dict, decisions: Iterable[DecisionData], users: dict, agencies: dict,
                     agenda_size: int = 0) -> None:
    for index, decision in enumerate(decisions):
        prefix = f"decisions-{index}-"
        if not trimmed(decision.text):
            errors[prefix + "text"] = _l("Write what was decided.")
        elif len(trimmed(decision.text)) > 2000:
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


def sync_decisions(session: Session, actor: User, wanted: Iterable[tuple[DecisionData, dict]],
                    existing: list[Decision], project_for_audit) -> None:
    """Create, update and delete an occasion's decisions to match the typed rows (matched by id)."""
    by_id = {decision.id: decision for decision in existing}
    kept = set()
    for data, placement in wanted:
        decision = by_id.get(data.id) if data.id else None
        values = {"text": trimmed(data.text), "owner_user_id": data.owner_user_id,
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
            delete_decision(session, actor, decision, project_for_audit(decision))


def delete_decision(session: Session, actor: User, decision: Decision, project_id: int | None) -> None:
    before = snapshot(decision)
    untrack_deadline(session, DeadlineKind.decision, str(decision.id))
    session.delete(decision)
    session.flush()
    record_change(session, actor_id=actor.id, action="delete", record=decision, before=before,
                  project_id=project_id, summary=decision.text[:120])


def set_decision_state(session: Session, *, actor: User, decision: Decision, state: DecisionState, note: str = "",
                       now: datetime | None = None, expected_version: int | None = None) -> Decision:
    """Mark a decision done or dropped (with a note), or open it again; audited; a Conflict if it changed since
    expected_version."""
    permissions.require(actor, Action.edit, decision.province_id, decision.county_id)
    permissions.require_current(session, decision, expected_version)
    note = trimmed(note)
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

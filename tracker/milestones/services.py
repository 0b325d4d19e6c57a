"""Writes of the milestones area: each change checked against the actor's role and province, audited, and
entered in the register of deadlines so that its reminders follow."""
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from tracker.accounts import permissions
from tracker.accounts.models import User
from tracker.accounts.permissions import Action
from tracker.core import clock
from tracker.core.audit import record_change, snapshot
from tracker.core.errors import InvalidInput
from tracker.core.i18n import lazy_gettext as _l
from tracker.core.jalali import format_jalali
from tracker.core.party import Party
from tracker.deadlines.calendar import Rule, decode_override, encode_override
from tracker.deadlines.models import DeadlineKind, DeadlineState
from tracker.deadlines.services import DeadlineData, rule_errors, track_deadline, untrack_deadline
from tracker.milestones.models import Milestone, MilestoneState
from tracker.projects.models import Agency, Project

# The usual phases of a renovation, in order (Persian: they become the milestones' titles, which are data).
TEMPLATE_PHASES = [
    "ارزیابی وضعیت مجموعه",
    "طراحی و برآورد هزینه",
    "تخصیص اعتبار",
    "برگزاری مناقصه",
    "انعقاد قرارداد",
    "اجرای عملیات بهسازی",
    "تحویل و بازگشایی",
]
DEADLINE_STATES = {
    MilestoneState.pending: DeadlineState.open,
    MilestoneState.met: DeadlineState.done,
    MilestoneState.dropped: DeadlineState.dropped,
}


@dataclass(frozen=True)
class MilestoneData:
    """The fields of a milestone a user edits; the reminder parts are None where the defaults apply."""

    title: str
    due_date: date
    responsible: Party | None = None  # who answers for it: a user or an agency
    state: MilestoneState = MilestoneState.pending
    met_on: date | None = None
    remind_before: tuple[int, ...] | None = None
    remind_overdue_every: int | None = None
    escalate_after: int | None = None


def _check_responsible(session: Session, project: Project, responsible: Party | None) -> dict:
    """A responsible user must be active and work in the project's province; an agency must be national or of it."""
    if responsible is None:
        return {}
    if responsible.user_id is not None:
        user = session.get(User, responsible.user_id)
        if user is not None and user.active and (user.is_admin or permissions.sees(user, project.province_id)):
            return {}
    else:
        agency = session.get(Agency, responsible.agency_id)
        if agency is not None and agency.province_id in (None, project.province_id):
            return {}
    return {"responsible": _l("Choose a responsible person or agency from the list.")}


def _check(session: Session, project: Project, data: MilestoneData) -> dict:
    errors = {}
    if not data.title.strip():
        errors["title"] = _l("This field is required.")
    if project.start_date and data.due_date < project.start_date:
        errors["due_date"] = _l(
            "The due date cannot be before the project's start (%(start)s).",
            start=format_jalali(project.start_date))
    errors |= _check_responsible(session, project, data.responsible)
    if data.state == MilestoneState.met:
        if data.met_on is None:
            errors["met_on"] = _l("Enter the date the milestone was met.")
        elif data.met_on > clock.today():
            errors["met_on"] = _l("The date met cannot be in the future.")
    override = Rule(before=data.remind_before or (), overdue_every=data.remind_overdue_every or 0,
                    escalate_after=data.escalate_after or 0)
    errors |= rule_errors(override, {"before": "remind_before", "overdue_every": "remind_overdue_every",
                                     "escalate_after": "escalate_after"})
    return errors


def _assign(milestone: Milestone, data: MilestoneData) -> None:
    milestone.title = data.title.strip()
    milestone.due_date = data.due_date
    milestone.responsible_user_id = data.responsible.user_id if data.responsible else None
    milestone.responsible_agency_id = data.responsible.agency_id if data.responsible else None
    milestone.state = data.state
    milestone.met_on = data.met_on if data.state == MilestoneState.met else None
    before = tuple(sorted(set(data.remind_before), reverse=True)) if data.remind_before else None
    milestone.reminder_rule = encode_override(before, data.remind_overdue_every, data.escalate_after)
    milestone.updated_at = clock.now()


def _track(session: Session, project: Project, milestone: Milestone) -> None:
    track_deadline(session, DeadlineData(
        kind=DeadlineKind.milestone, item_id=str(milestone.id), title=milestone.title, due_date=milestone.due_date,
        state=DEADLINE_STATES[milestone.state], province_id=project.province_id, county_id=project.county_id,
        project_id=project.id, path=f"/projects/{project.slug}#milestone-{milestone.id}",
        responsible_user_id=milestone.responsible_user_id, responsible_agency_id=milestone.responsible_agency_id,
        rule=milestone.reminder_rule, is_sample=milestone.is_sample,
    ))


def add_milestone(session: Session, *, actor: User, project: Project, data: MilestoneData,
                  is_sample: bool = False) -> Milestone:
    """Add a milestone to a project the actor may edit."""
    permissions.require(actor, Action.edit, project.province_id, project.county_id)
    if errors := _check(session, project, data):
        raise InvalidInput(errors)
    milestone = Milestone(project_id=project.id, title="", due_date=data.due_date, is_sample=is_sample)
    _assign(milestone, data)
    session.add(milestone)
    session.flush()
    record_change(session, actor_id=actor.id, action="create", record=milestone, before=None,
                  project_id=project.id, summary=milestone.title)
    _track(session, project, milestone)
    return milestone


def update_milestone(session: Session, *, actor: User, project: Project, milestone: Milestone,
                     data: MilestoneData, expected_version: int | None = None) -> Milestone:
    """Change a milestone: its title, date, responsible, state, date met or reminder rule (a Conflict if it
    changed since expected_version)."""
    permissions.require(actor, Action.edit, project.province_id, project.county_id)
    permissions.require_current(session, milestone, expected_version)
    if errors := _check(session, project, data):
        raise InvalidInput(errors)
    before = snapshot(milestone)
    _assign(milestone, data)
    session.add(milestone)
    session.flush()
    record_change(session, actor_id=actor.id, action="update", record=milestone, before=before,
                  project_id=project.id, summary=milestone.title)
    _track(session, project, milestone)
    return milestone


def mark_met(session: Session, *, actor: User, project: Project, milestone: Milestone, met_on: date,
             expected_version: int | None = None) -> Milestone:
    """Record that a milestone was met on a day (its reminders stop)."""
    permissions.require_current(session, milestone, expected_version)  # before its values are read
    return update_milestone(session, actor=actor, project=project, milestone=milestone,
                            data=milestone_data(milestone, state=MilestoneState.met, met_on=met_on))


def remove_milestone(session: Session, *, actor: User, project: Project, milestone: Milestone) -> None:
    """Delete a milestone; its reminders stop, the ones sent stay as history."""
    permissions.require(actor, Action.edit, project.province_id, project.county_id)
    before = snapshot(milestone)
    untrack_deadline(session, DeadlineKind.milestone, str(milestone.id))
    session.delete(milestone)
    session.flush()
    record_change(session, actor_id=actor.id, action="delete", record=milestone, before=before,
                  project_id=project.id, summary=milestone.title)


def milestone_data(milestone: Milestone, **changes) -> MilestoneData:
    """A milestone's current values as MilestoneData, with some changed."""
    before, every, escalate = decode_override(milestone.reminder_rule)
    responsible = Party.of(milestone.responsible_user_id, milestone.responsible_agency_id)
    values = {"title": milestone.title, "due_date": milestone.due_date, "responsible": responsible,
              "state": milestone.state, "met_on": milestone.met_on, "remind_before": before,
              "remind_overdue_every": every, "escalate_after": escalate}
    return MilestoneData(**values | changes)


@dataclass(frozen=True)
class TemplateRow:
    """One phase of the template as the user set it: a title and a due date (empty: not created)."""

    title: str
    due_date: date | None


def start_from_template(session: Session, *, actor: User, project: Project, rows: list[TemplateRow],
                        responsible: Party | None = None) -> list[Milestone]:
    """Create the usual renovation phases with the dates given; all of them, or none when one is wrong."""
    permissions.require(actor, Action.edit, project.province_id, project.county_id)
    errors = {}
    chosen = [(number, row) for number, row in enumerate(rows) if row.due_date is not None]
    if not chosen:
        errors["due_0"] = _l("Enter the due date of at least one phase.")
    for number, row in chosen:
        data = MilestoneData(title=row.title or TEMPLATE_PHASES[number], due_date=row.due_date,
                             responsible=responsible)
        for key, message in _check(session, project, data).items():
            errors[{"due_date": f"due_{number}", "title": f"title_{number}"}.get(key, key)] = message
    if errors:
        raise InvalidInput(errors)
    return [add_milestone(session, actor=actor, project=project, data=MilestoneData(
        title=row.title or TEMPLATE_PHASES[number], due_date=row.due_date, responsible=responsible))
        for number, row in chosen]

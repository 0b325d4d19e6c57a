"""Writes of the deadlines area: the register each dated item keeps itself in, and the rule and holiday settings."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import update
from sqlmodel import Session, col, select

from tracker.accounts import permissions
from tracker.accounts.models import User
from tracker.accounts.permissions import Action
from tracker.core import clock
from tracker.core.audit import record_change, snapshot
from tracker.core.errors import InvalidInput, NotFound
from tracker.core.i18n import lazy_gettext as _l
from tracker.core.jalali import days_in_month
from tracker.deadlines.calendar import Rule, Schedule, WorkingWeek
from tracker.deadlines.models import Deadline, DeadlineKind, DeadlineState, Holiday, ReminderSettings

RULE_MESSAGES = {
    "negative": _l("Days cannot be negative."),
    "too_large": _l("At most 365 days."),
}


def rule_errors(rule: Rule, fields: dict[str, str]) -> dict[str, object]:
    """The rule's problems as messages on the form fields named for each part (before, overdue_every, …)."""
    return {fields[part]: RULE_MESSAGES[problem] for part, problem in rule.problems().items() if part in fields}


def settings(session: Session) -> ReminderSettings:
    """The one row of reminder settings (the migration creates it)."""
    found = session.get(ReminderSettings, 1)
    if found is None:
        found = ReminderSettings(id=1)
        session.add(found)
        session.flush()
    return found


def default_rule(session: Session) -> Rule:
    """The administrator's default reminder rule."""
    row = settings(session)
    before = tuple(int(d) for d in row.before_days.split(",") if d.strip())
    return Rule(before=before, overdue_every=row.overdue_every, escalate_after=row.escalate_after)


def working_week(session: Session) -> WorkingWeek:
    """The weekdays off and the public holidays, as the scan and the services use them."""
    row = settings(session)
    days_off = frozenset(int(d) for d in row.days_off.split(",") if d.strip())
    yearly, dated = set(), set()
    for holiday in session.exec(select(Holiday)).all():
        if holiday.year:
            dated.add((holiday.year, holiday.month, holiday.day))
        else:
            yearly.add((holiday.month, holiday.day))
    return WorkingWeek(days_off=days_off, yearly=frozenset(yearly), dated=frozenset(dated))


@dataclass(frozen=True)
class DeadlineData:
    """What the register needs to know of a dated item, from the service that owns the item."""

    kind: DeadlineKind
    item_id: str
    title: str
    due_date: date | None
    state: DeadlineState
    province_id: int
    path: str
    county_id: int | None = None
    project_id: int | None = None
    responsible_user_id: int | None = None
    responsible_agency_id: int | None = None
    rule: str = ""
    is_sample: bool = False


def find_deadline(session: Session, kind: DeadlineKind, item_id: str) -> Deadline | None:
    """The register's row of an item, or None."""
    return session.exec(select(Deadline).where(Deadline.kind == kind, Deadline.item_id == str(item_id))).first()


def _next_fire(session: Session, deadline: Deadline, today: date) -> date | None:
    if deadline.state != DeadlineState.open:
        return None
    rule = default_rule(session).with_override(deadline.rule)
    return Schedule(rule, working_week(session), deadline.due_date).first_fire(today)


def track_deadline(session: Session, data: DeadlineData, today: date | None = None) -> Deadline | None:
    """Enter or update an item's deadline after its service created, changed or closed it.

    Called by every service that owns dated items (milestones, decisions, partners' commitments) in the same
    transaction as its own change. An item without a due date is not reminded: its row, if any, is dropped.
    """
    deadline = find_deadline(session, data.kind, data.item_id)
    if data.due_date is None:
        if deadline is not None:
            deadline.state, deadline.next_fire_on = DeadlineState.dropped, None
            session.add(deadline)
            session.flush()
        return deadline
    if deadline is None:
        deadline = Deadline(kind=data.kind, item_id=str(data.item_id), province_id=data.province_id,
                            title="", path="", due_date=data.due_date)
    for name in ("title", "due_date", "state", "province_id", "path", "county_id", "project_id",
                 "responsible_user_id", "responsible_agency_id", "rule", "is_sample"):
        setattr(deadline, name, getattr(data, name))
    deadline.title = data.title[:500]
    deadline.updated_at = clock.now()
    # Recomputed on every change: a step already sent is refused by the reminders' unique key, so this is safe.
    deadline.next_fire_on = _next_fire(session, deadline, today or clock.today())
    session.add(deadline)
    session.flush()
    return deadline


def untrack_deadline(session: Session, kind: DeadlineKind, item_id: str) -> None:
    """Stop reminding an item that was removed (its reminders stay as history)."""
    deadline = find_deadline(session, kind, item_id)
    if deadline is not None:
        deadline.state, deadline.next_fire_on = DeadlineState.dropped, None
        session.add(deadline)
        session.flush()


def reschedule_open(session: Session, today: date) -> None:
    """Have the next scan look again at every open deadline (the rule or the holidays changed).

    A step already sent is not sent again (unique key); a step the change brought forward goes out.
    """
    session.exec(
        update(Deadline)
        .where(Deadline.state == DeadlineState.open, col(Deadline.next_fire_on).is_not(None),
               col(Deadline.next_fire_on) > today)
        .values(next_fire_on=today)
    )


@dataclass(frozen=True)
class SettingsData:
    """The defaults an administrator edits."""

    before: tuple[int, ...]
    overdue_every: int
    escalate_after: int
    days_off: tuple[int, ...]


def update_settings(session: Session, *, actor: User, data: SettingsData, today: date | None = None) -> None:
    """Change the default rule and the weekdays off; open deadlines are rescheduled."""
    permissions.require(actor, Action.administer)
    rule = Rule(before=tuple(sorted(set(data.before), reverse=True)), overdue_every=data.overdue_every,
                escalate_after=data.escalate_after)
    errors = rule_errors(rule, {"before": "before_days", "overdue_every": "overdue_every",
                                "escalate_after": "escalate_after"})
    if not data.before:
        errors["before_days"] = _l("Enter at least one day, for example 0 for the due date itself.")
    if len(set(data.days_off)) >= 7 or any(not 0 <= d <= 6 for d in data.days_off):
        errors["days_off"] = _l("At least one weekday must be a working day.")
    if errors:
        raise InvalidInput(errors)
    row = settings(session)
    before = snapshot(row)
    row.before_days = ",".join(map(str, rule.before))
    row.overdue_every, row.escalate_after = rule.overdue_every, rule.escalate_after
    row.days_off = ",".join(map(str, sorted(set(data.days_off))))
    row.updated_at = clock.now()
    session.add(row)
    session.flush()
    record_change(session, actor_id=actor.id, action="update", record=row, before=before,
                  summary="reminder settings")
    reschedule_open(session, today or clock.today())


def add_holiday(session: Session, *, actor: User, year: int, month: int, day: int, name: str,
                today: date | None = None) -> Holiday:
    """Add a public holiday: every year (year 0) or in one Jalali year."""
    permissions.require(actor, Action.administer)
    errors = {}
    if year and not 1300 <= year <= 1500:
        errors["year"] = _l("Enter a year from 1300 to 1500, or leave it empty for every year.")
    if not 1 <= month <= 12:
        errors["month"] = _l("There is no such month; months run from 1 to 12.")
    elif not 1 <= day <= (days_in_month(year, month) if year else (30 if month == 12 else
                                                                   31 if month <= 6 else 30)):
        errors["day"] = _l("This month has no such day.")
    if not errors and session.exec(select(Holiday).where(Holiday.year == year, Holiday.month == month,
                                                         Holiday.day == day)).first():
        errors["day"] = _l("This holiday is already on the list.")
    if errors:
        raise InvalidInput(errors)
    holiday = Holiday(year=year, month=month, day=day, name=name.strip()[:200])
    session.add(holiday)
    session.flush()
    record_change(session, actor_id=actor.id, action="create", record=holiday, before=None, summary=holiday.name)
    reschedule_open(session, today or clock.today())
    return holiday


def remove_holiday(session: Session, *, actor: User, holiday_id: int, today: date | None = None) -> None:
    """Take a day off the list of holidays."""
    permissions.require(actor, Action.administer)
    holiday = session.get(Holiday, holiday_id)
    if holiday is None:
        raise NotFound
    before = snapshot(holiday)
    session.delete(holiday)
    session.flush()
    record_change(session, actor_id=actor.id, action="delete", record=holiday, before=before, summary=holiday.name)
    reschedule_open(session, today or clock.today())

"""One reminder scan: plan the reminders whose day has come (reminder rows, notices, queued emails), then send
the queued emails. Safe to run in several processes at once and to kill at any point."""
from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, bindparam, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from tracker.accounts.models import Role, User
from tracker.core import clock
from tracker.core.mail import MailSettings, Transport, email_transport
from tracker.deadlines.calendar import Schedule, Step
from tracker.deadlines.forms import KIND_LABELS
from tracker.deadlines.models import Deadline, DeadlineState
from tracker.deadlines.services import default_rule, working_week
from tracker.reminders.mail import EMAIL, build_message, render_email
from tracker.reminders.models import Delivery, DeliveryState, Notice, Reminder

log = logging.getLogger("tracker.reminders")
PLAN_BATCH = 500
SEND_BATCH = 50
MAX_ATTEMPTS = 8
# A failed email waits 2, 4, 8 … minutes before the next try, at most six hours.
FIRST_BACKOFF_MINUTES = 2
MAX_BACKOFF = timedelta(hours=6)
# Errors that mean the server cannot be reached at all: the rest of the batch is not tried this time.
UNREACHABLE = (OSError,)


@dataclass
class ScanResult:
    """What one scan did."""

    deadlines: int = 0
    reminders: int = 0
    notices: int = 0
    emails: int = 0
    sent: int = 0
    failed: int = 0

    def __str__(self) -> str:
        return " ".join(f"{name}={value}" for name, value in vars(self).items())


def backoff(attempts: int) -> timedelta:
    """How long a delivery waits after its n-th failed attempt."""
    return min(timedelta(minutes=FIRST_BACKOFF_MINUTES * 2 ** (attempts - 1)), MAX_BACKOFF)


def _insert_new(session: Session, table, rows: list[dict], returning=()):
    """INSERT rows, leaving out those whose unique key exists already (another scan got there first).

    One executemany: SQLAlchemy batches it into multi-row INSERTs from a cached compiled statement.
    """
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).on_conflict_do_nothing()
    if returning:
        return session.connection().execute(statement.returning(*returning), rows).all()
    session.connection().execute(statement, rows)
    return []


def _recipients(session: Session, deadlines: list[Deadline], steps: dict[int, Step]) -> dict[int, list[User]]:
    """Who is told of each deadline's reminder: its responsible user; for an agency (users have no link to an
    agency) or nobody named, the directors and staff of its province who cover its county; when escalated, the
    province's directors too."""
    named = {d.responsible_user_id for d in deadlines if d.responsible_user_id}
    users = {u.id: u for u in session.exec(select(User).where(col(User.id).in_(named), User.active))} if named else {}
    provinces = {d.province_id for d in deadlines
                 if steps[d.id].escalated or users.get(d.responsible_user_id) is None}
    pool: dict[int, list[User]] = {}
    if provinces:
        query = select(User).where(col(User.province_id).in_(provinces), User.active,
                                   col(User.role).in_([Role.director, Role.staff])).order_by(User.id)
        for user in session.exec(query):
            pool.setdefault(user.province_id, []).append(user)
    local: dict[tuple, tuple[list[User], list[User]]] = {}  # (province, county) -> (directors and staff, directors)

    def covering(province_id: int, county_id: int | None) -> tuple[list[User], list[User]]:
        if (province_id, county_id) not in local:
            people = [u for u in pool.get(province_id, []) if u.county_id in (None, county_id)]
            local[province_id, county_id] = people, [u for u in people if u.role == Role.director]
        return local[province_id, county_id]

    chosen = {}
    for deadline in deadlines:
        responsible = users.get(deadline.responsible_user_id)
        people = [responsible] if responsible else covering(deadline.province_id, deadline.county_id)[0]
        if steps[deadline.id].escalated:
            people = people + covering(deadline.province_id, deadline.county_id)[1]
        chosen[deadline.id] = list({u.id: u for u in people}.values())
    return chosen


def plan_batch(session: Session, today: date, mail: MailSettings, result: ScanResult, limit: int = PLAN_BATCH,
               now: datetime | None = None) -> int:
    """Plan the reminders of up to `limit` deadlines whose day has come; returns how many deadlines it took.

    The deadlines are locked (others scanning at once skip them), each gets the latest step whose day has come
    (after downtime: one reminder, not one per missed day), and its next day is set. A reminder's row is inserted
    first; when its key exists already, nothing else is done for it.
    """
    now = now or clock.now()
    deadlines = list(session.exec(
        select(Deadline).where(col(Deadline.next_fire_on) <= today)
        .order_by(Deadline.next_fire_on, Deadline.id).limit(limit).with_for_update(skip_locked=True)
    ))
    if not deadlines:
        return 0
    rule, week = default_rule(session), working_week(session)
    steps: dict[int, Step] = {}
    next_days = []
    for deadline in deadlines:
        step, next_day = None, None
        if deadline.state == DeadlineState.open:
            step, next_day = Schedule(rule.with_override(deadline.rule), week, deadline.due_date).plan(today)
        next_days.append({"deadline_id": deadline.id, "next_fire_on": next_day})
        if step is not None:
            steps[deadline.id] = step
    table = Deadline.__table__
    session.connection().execute(
        update(table).where(table.c.id == bindparam("deadline_id")).values(next_fire_on=bindparam("next_fire_on")),
        next_days)
    result.deadlines += len(deadlines)
    if not steps:
        return len(deadlines)
    inserted = _insert_new(session, Reminder.__table__, [
        {"deadline_id": deadline_id, "offset_days": step.offset, "occurs_on": step.occurs_on, "planned_on": today,
         "escalated": step.escalated, "created_at": now}
        for deadline_id, step in steps.items()
    ], returning=(Reminder.__table__.c.id, Reminder.__table__.c.deadline_id))
    reminder_of = {deadline_id: reminder_id for reminder_id, deadline_id in inserted}
    fresh = [d for d in deadlines if d.id in reminder_of]
    result.reminders += len(fresh)
    recipients = _recipients(session, fresh, steps)
    # No email is queued with links to this machine: it would go out later with them, after the address is fixed.
    emailing = mail.email_on and not _links_refused(mail)
    notices, emails = [], []
    for deadline in fresh:
        step, reminder_id = steps[deadline.id], reminder_of[deadline.id]
        for user in recipients[deadline.id]:
            notices.append({"user_id": user.id, "reminder_id": reminder_id, "created_at": now})
            if emailing and user.email and not user.email_opt_out:
                emails.append(_email_row(deadline, step, reminder_id, user, mail, today, now))
    if notices:
        _insert_new(session, Notice.__table__, notices)
    if emails:
        _insert_new(session, Delivery.__table__, emails)
    result.notices += len(notices)
    result.emails += len(emails)
    return len(deadlines)


def _email_row(deadline: Deadline, step: Step, reminder_id: int, user: User, mail: MailSettings, today: date,
               now: datetime) -> dict:
    email = render_email(deadline, (today - deadline.due_date).days, step.escalated, user.full_name or user.username,
                         mail, kind_label=str(KIND_LABELS[deadline.kind]))
    return {
        "reminder_id": reminder_id, "user_id": user.id, "channel": EMAIL, "address": user.email,
        "message_id": mail.message_id(deadline.id, step.offset, step.occurs_on, user.id),
        "subject": email.subject[:400], "body_text": email.text, "body_html": email.html,
        "state": DeliveryState.pending.value, "attempts": 0, "last_error": "", "next_attempt_at": now,
        "transport": "", "created_at": now,
    }


def _links_refused(mail: MailSettings) -> bool:
    """Whether emails are held back because their links would lead to this machine; logged each time it holds."""
    if (refusal := mail.links_refused) is None:
        return False
    log.warning("%s", refusal)
    return True


def _claim(session: Session, now: datetime, lease: timedelta, limit: int) -> list[Delivery]:
    """Take up to `limit` deliveries that are waiting, or whose claim's lease ran out (a scan died holding it)."""
    table = Delivery.__table__
    token = uuid.uuid4().hex
    waiting = or_(
        and_(table.c.state == DeliveryState.pending.value, table.c.next_attempt_at <= now),
        and_(table.c.state == DeliveryState.sending.value, table.c.lease_until < now),
    )
    ids = select(table.c.id).where(waiting).order_by(table.c.id).limit(limit).with_for_update(skip_locked=True)
    rows = session.connection().execute(
        update(table).where(table.c.id.in_(ids))
        .values(state=DeliveryState.sending.value, lease_until=now + lease, attempts=table.c.attempts + 1,
                claimed_by=token)
        .returning(*table.c)
    ).all()
    return sorted((Delivery(**row._mapping) for row in rows), key=lambda d: d.id)


def _renew(session_factory, delivery: Delivery, now: datetime, lease: timedelta) -> bool:
    """Extend our claim on a delivery just before sending it; False when the claim is no longer ours (our lease ran
    out and another scan took it), so a slow batch never sends a message someone else is sending."""
    table = Delivery.__table__
    with session_factory() as session:
        renewed = session.connection().execute(
            update(table).where(table.c.id == delivery.id, table.c.claimed_by == delivery.claimed_by,
                                table.c.state == DeliveryState.sending.value)
            .values(lease_until=now + lease)
        ).rowcount
        session.commit()
    return renewed == 1


def _finish(session_factory, delivery: Delivery, now: datetime, transport: Transport,
            error: BaseException | None) -> None:
    table = Delivery.__table__
    if error is None:
        values = {"state": DeliveryState.sent.value, "sent_at": now, "transport": transport.name,
                  "lease_until": None, "last_error": ""}
    else:
        gave_up = delivery.attempts >= MAX_ATTEMPTS
        values = {"state": (DeliveryState.failed if gave_up else DeliveryState.pending).value,
                  "lease_until": None, "transport": transport.name,
                  "last_error": f"{type(error).__name__}: {error}"[:1000],
                  "next_attempt_at": now + backoff(delivery.attempts)}
    with session_factory() as session:
        session.connection().execute(
            update(table).where(table.c.id == delivery.id, table.c.claimed_by == delivery.claimed_by).values(**values))
        session.commit()


def send_waiting(session_factory, mail: MailSettings, result: ScanResult, clock: Callable[[], datetime] = clock.now,
                 lease_seconds: int = 300, limit: int = SEND_BATCH) -> None:
    """Send the queued emails: claim a batch, send each with its Message-ID, mark it sent or record the failure.

    An unreachable server fails the rest of the batch with the same error and ends the sending (the notices are
    in the app already; the next scans retry, with backoff).
    """
    transport = email_transport(mail)
    if transport is None or _links_refused(mail):
        return
    lease = timedelta(seconds=lease_seconds)
    try:
        while True:
            with session_factory() as session:
                claimed = _claim(session, clock(), lease, limit)
                session.commit()
            if not claimed:
                return
            for number, delivery in enumerate(claimed):
                if not _renew(session_factory, delivery, clock(), lease):
                    continue
                try:
                    transport.send(build_message(delivery, mail))
                except UNREACHABLE as error:
                    for rest in claimed[number:]:
                        _finish(session_factory, rest, clock(), transport, error)
                        result.failed += 1
                    return
                except Exception as error:  # noqa: BLE001 - a refused message is recorded, the others go on
                    _finish(session_factory, delivery, clock(), transport, error)
                    result.failed += 1
                else:
                    _finish(session_factory, delivery, clock(), transport, None)
                    result.sent += 1
    finally:
        transport.close()


def run_scan(session_factory, *, today: date, mail: MailSettings, clock: Callable[[], datetime] = clock.now,
             lease_seconds: int = 300) -> ScanResult:
    """Plan every reminder due by `today` (batch by batch, each committed), then send what is queued."""
    result = ScanResult()
    while True:
        with session_factory() as session:
            taken = plan_batch(session, today, mail, result, now=clock())
            session.commit()
        if taken < PLAN_BATCH:
            break
    send_waiting(session_factory, mail, result, clock=clock, lease_seconds=lease_seconds)
    return result

"""Reads of the reminders area: a user's notices, the deadlines dashboard, the email outbox, calendar feeds."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, case, func, or_
from sqlmodel import Session, col, select

from tracker.accounts import permissions
from tracker.accounts.models import Role, User
from tracker.core.db import PERSIAN
from tracker.core.errors import Forbidden, NotFound
from tracker.deadlines.models import Deadline, DeadlineState
from tracker.places.models import County
from tracker.projects.models import Agency, Project
from tracker.reminders.models import Delivery, DeliveryState, Notice, Reminder

FRIDAY = 4


def unread_count(session: Session, user: User) -> int:
    """How many of the user's notices are unread (for the bell)."""
    return session.exec(
        select(func.count()).select_from(Notice).where(Notice.user_id == user.id, col(Notice.read_at).is_(None))
    ).one()


@dataclass(frozen=True)
class NoticeRow:
    """A notice with the reminder and deadline it tells of."""

    notice: Notice
    reminder: Reminder
    deadline: Deadline
    project_name: str | None


def notices(session: Session, user: User, limit: int = 100) -> list[NoticeRow]:
    """The user's latest notices, unread first."""
    query = (
        select(Notice, Reminder, Deadline, Project.name)
        .join(Reminder, Reminder.id == Notice.reminder_id)
        .join(Deadline, Deadline.id == Reminder.deadline_id)
        .outerjoin(Project, Project.id == Deadline.project_id)
        .where(Notice.user_id == user.id)
        .order_by(col(Notice.read_at).is_not(None), col(Notice.created_at).desc(), col(Notice.id).desc())
        .limit(limit)
    )
    return [NoticeRow(*row) for row in session.exec(query).all()]


def get_notice(session: Session, user: User, notice_id: int) -> NoticeRow:
    """One of the user's own notices, else NotFound."""
    row = session.exec(
        select(Notice, Reminder, Deadline, Project.name)
        .join(Reminder, Reminder.id == Notice.reminder_id)
        .join(Deadline, Deadline.id == Reminder.deadline_id)
        .outerjoin(Project, Project.id == Deadline.project_id)
        .where(Notice.id == notice_id, Notice.user_id == user.id)
    ).first()
    if row is None:
        raise NotFound
    return NoticeRow(*row)


@dataclass(frozen=True)
class DeadlineRow:
    """An open deadline with its project and county names and who answers for it."""

    deadline: Deadline
    project_name: str | None
    project_slug: str | None
    county_name: str | None
    responsible: str


@dataclass
class CountyLine:
    """Open and overdue deadlines of one county."""

    county_name: str
    open: int = 0
    overdue: int = 0
    due_this_week: int = 0


@dataclass
class Dashboard:
    """Deadlines due this week and overdue, and counts by county."""

    today: date
    week_end: date
    due_this_week: list[DeadlineRow] = field(default_factory=list)
    overdue: list[DeadlineRow] = field(default_factory=list)
    by_county: list[CountyLine] = field(default_factory=list)


def week_end(today: date) -> date:
    """The Friday that ends the Iranian week (Saturday to Friday) of this day."""
    return today + timedelta(days=(FRIDAY - today.weekday()) % 7)


def _rows(session: Session, clauses, limit: int) -> list[DeadlineRow]:
    query = (
        select(Deadline, Project.name, Project.slug, County.name_fa, User.full_name, User.username, Agency.name)
        .outerjoin(Project, Project.id == Deadline.project_id)
        .outerjoin(County, County.id == Deadline.county_id)
        .outerjoin(User, User.id == Deadline.responsible_user_id)
        .outerjoin(Agency, Agency.id == Deadline.responsible_agency_id)
        .where(*clauses)
        .order_by(Deadline.due_date, Deadline.id)
        .limit(limit)
    )
    return [DeadlineRow(d, pname, slug, county, full_name or username or agency or "")
            for d, pname, slug, county, full_name, username, agency in session.exec(query).all()]


def dashboard(session: Session, user: User, today: date, limit: int = 200) -> Dashboard:
    """Open deadlines in the user's scope: due by the end of this week, overdue, and counts by county."""
    end = week_end(today)
    scope = [*permissions.scope(user, Deadline.province_id, Deadline.county_id), Deadline.state == DeadlineState.open]
    board = Dashboard(today=today, week_end=end)
    board.due_this_week = _rows(session, [*scope, Deadline.due_date >= today, Deadline.due_date <= end], limit)
    board.overdue = _rows(session, [*scope, Deadline.due_date < today], limit)
    overdue = func.sum(case((Deadline.due_date < today, 1), else_=0))
    this_week = func.sum(case((Deadline.due_date.between(today, end), 1), else_=0))
    counts = session.exec(
        select(County.name_fa, func.count(), overdue, this_week)
        .select_from(Deadline)
        .outerjoin(County, County.id == Deadline.county_id)
        .where(*scope)
        .group_by(County.name_fa)
        .order_by(col(County.name_fa).collate(PERSIAN))
    ).all()
    board.by_county = [CountyLine(name or "", total, late or 0, week or 0) for name, total, late, week in counts]
    return board


@dataclass(frozen=True)
class DeliveryRow:
    """An email of the outbox with its recipient."""

    delivery: Delivery
    username: str


def outbox(session: Session, actor: User, state: DeliveryState | None = None, limit: int = 200) -> list[DeliveryRow]:
    """The latest emails (failed first when not filtered), for an administrator."""
    if not actor.is_admin:
        raise Forbidden
    query = select(Delivery, User.username).join(User, User.id == Delivery.user_id)
    if state is not None:
        query = query.where(Delivery.state == state)
    query = query.order_by(col(Delivery.state) == DeliveryState.sent.value, col(Delivery.id).desc()).limit(limit)
    return [DeliveryRow(*row) for row in session.exec(query).all()]


def get_delivery(session: Session, actor: User, delivery_id: int) -> Delivery:
    """One email of the outbox, for an administrator."""
    if not actor.is_admin:
        raise Forbidden
    delivery = session.get(Delivery, delivery_id)
    if delivery is None:
        raise NotFound
    return delivery


def user_by_calendar_token(session: Session, token: str) -> User:
    """The active user whose calendar address this is, else NotFound."""
    user = session.exec(select(User).where(User.calendar_token == token)).first() if token else None
    if user is None or not user.active:
        raise NotFound
    return user


def calendar_deadlines(session: Session, user: User) -> list[Deadline]:
    """The deadlines the user answers for (the same people the reminders go to), open or done, by due date.

    Their own, and for a director or staff member those of agencies or of nobody named in the province and county
    they cover (users are not linked to agencies).
    """
    answers = Deadline.responsible_user_id == user.id
    if user.role in (Role.director, Role.staff) and user.province_id is not None:
        shared = [col(Deadline.responsible_user_id).is_(None), Deadline.province_id == user.province_id]
        if user.county_id:
            shared.append(or_(col(Deadline.county_id).is_(None), Deadline.county_id == user.county_id))
        answers = or_(answers, and_(*shared))
    query = select(Deadline).where(answers, Deadline.state != DeadlineState.dropped).order_by(Deadline.due_date)
    return list(session.exec(query).all())

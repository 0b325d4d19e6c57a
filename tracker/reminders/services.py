"""Writes of the reminders area: notices read, each user's email opt-out and calendar token, emails queued."""
import secrets

from sqlalchemy import update
from sqlmodel import Session, col

from tracker.accounts.models import User
from tracker.core import clock
from tracker.core.audit import record_change, snapshot
from tracker.core.mail import Email
from tracker.reminders.mail import EMAIL
from tracker.reminders.models import Delivery, DeliveryState, Notice


def mark_read(session: Session, *, user: User, notice_id: int | None = None) -> int:
    """Mark one of the user's notices read, or all of them; returns how many changed."""
    query = update(Notice).where(Notice.user_id == user.id, col(Notice.read_at).is_(None))
    if notice_id is not None:
        query = query.where(Notice.id == notice_id)
    result = session.exec(query.values(read_at=clock.now()))
    return result.rowcount


def set_email_opt_out(session: Session, *, user: User, opt_out: bool) -> None:
    """Turn the user's reminder emails off or on (in-app notices always stay)."""
    before = snapshot(user)
    user.email_opt_out = opt_out
    session.add(user)
    session.flush()
    record_change(session, actor_id=user.id, action="update", record=user, before=before,
                  summary=f"email reminders of {user.username}")


def new_calendar_token(session: Session, *, user: User) -> str:
    """Give the user a new secret calendar address; the old one stops working."""
    user.calendar_token = secrets.token_urlsafe(32)
    session.add(user)
    session.flush()
    record_change(session, actor_id=user.id, action="update", record=user, before=None,
                  summary=f"new calendar address of {user.username}")
    return user.calendar_token


def queue_email(session: Session, user: User, email: Email, message_id: str) -> None:
    """Put an email that is not a reminder (a reset link) in the outbox; the scheduler sends and retries it."""
    session.add(Delivery(user_id=user.id, channel=EMAIL, address=user.email, message_id=message_id,
                         subject=email.subject[:400], body_text=email.text, body_html=email.html,
                         state=DeliveryState.pending))
    session.flush()

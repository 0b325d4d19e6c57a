"""Reads of users, their login sessions, and who changed a record."""
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, or_
from sqlmodel import Session, SQLModel, col, select

from tracker.accounts.models import ApiToken, LoginSession, User
from tracker.core import clock
from tracker.core.audit import AuditEvent
from tracker.core.errors import Forbidden


def get_user(session: Session, user_id: int) -> User | None:
    """The user with this id, or None."""
    return session.get(User, user_id)


def find_by_username(session: Session, username: str) -> User | None:
    """The user with this username (case-insensitive), or None."""
    return session.exec(select(User).where(User.username == username.strip().lower())).first()


def find_for_reset(session: Session, login: str) -> User | None:
    """The active user with this username or email address (case-insensitive), or None."""
    login = login.strip().lower()
    if not login:
        return None
    query = select(User).where(User.active, or_(User.username == login, func.lower(User.email) == login))
    return session.exec(query).first()


def list_users(session: Session, actor: User) -> list[User]:
    """Every user, for an administrator only."""
    if not actor.is_admin:
        raise Forbidden
    return list(session.exec(select(User).order_by(User.username)).all())


def get_user_for_admin(session: Session, actor: User, user_id: int) -> User:
    """A user an administrator manages."""
    from tracker.core.errors import NotFound

    if not actor.is_admin:
        raise Forbidden
    user = session.get(User, user_id)
    if user is None:
        raise NotFound
    return user


def current_login(session: Session, secret_hash: str) -> tuple[LoginSession, User] | None:
    """The login session with this secret, not ended, and its active user; or None. Idle time is the caller's."""
    query = (select(LoginSession, User).join(User, User.id == LoginSession.user_id)
             .where(LoginSession.secret_hash == secret_hash, col(LoginSession.ended_at).is_(None), User.active))
    return session.exec(query).first()


def open_logins(session: Session, user: User, idle: timedelta) -> list[LoginSession]:
    """The user's open login sessions (not ended, used within the idle time), the most recently used first."""
    query = (select(LoginSession).where(LoginSession.user_id == user.id, col(LoginSession.ended_at).is_(None),
                                        LoginSession.last_seen_at > clock.now() - idle)
             .order_by(col(LoginSession.last_seen_at).desc(), col(LoginSession.id).desc()))
    return list(session.exec(query).all())


@dataclass(frozen=True)
class Change:
    """One audited edit of a record, with the name of who made it."""

    event: AuditEvent
    actor_name: str


def changes_since(session: Session, record: SQLModel, version: int) -> list[Change]:
    """The audited edits that took a versioned record past a version, oldest first."""
    record_id = AuditEvent.entity_uuid if isinstance(record.id, uuid.UUID) else AuditEvent.entity_id
    rows = session.exec(
        select(AuditEvent, User.full_name, User.username)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(AuditEvent.entity == record.__tablename__, record_id == record.id, AuditEvent.action == "update")
        .order_by(AuditEvent.id)
    ).all()
    # An edit records the version it made among its changed columns.
    return [Change(event, name or username or "") for event, name, username in rows
            if (event.after or {}).get("version", 0) > version]


def live_token(session: Session, secret_hash: str) -> tuple[ApiToken, User] | None:
    """The token with this secret, not revoked, and its active user; or None."""
    query = (select(ApiToken, User).join(User, User.id == ApiToken.user_id)
             .where(ApiToken.secret_hash == secret_hash, col(ApiToken.revoked_at).is_(None), User.active))
    return session.exec(query).first()


def tokens_of(session: Session, user: User) -> list[ApiToken]:
    """The user's API tokens, revoked ones too, the newest first."""
    query = (select(ApiToken).where(ApiToken.user_id == user.id)
             .order_by(col(ApiToken.created_at).desc(), col(ApiToken.id).desc()))
    return list(session.exec(query).all())

"""Reads of users."""
from sqlmodel import Session, select

from tracker.accounts.models import User
from tracker.core.errors import Forbidden


def get_user(session: Session, user_id: int) -> User | None:
    """The user with this id, or None."""
    return session.get(User, user_id)


def find_by_username(session: Session, username: str) -> User | None:
    """The user with this username (case-insensitive), or None."""
    return session.exec(select(User).where(User.username == username.strip().lower())).first()


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

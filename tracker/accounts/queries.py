"""Reads of users."""
from sqlmodel import Session, select

from tracker.accounts.models import User


def get_user(session: Session, user_id: int) -> User | None:
    """The user with this id, or None."""
    return session.get(User, user_id)


def find_by_username(session: Session, username: str) -> User | None:
    """The user with this username (case-insensitive), or None."""
    return session.exec(select(User).where(User.username == username.strip().lower())).first()

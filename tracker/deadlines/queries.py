"""Reads of the deadlines area."""
from __future__ import annotations

from sqlmodel import Session, select

from tracker.deadlines.models import Holiday


def holidays(session: Session) -> list[Holiday]:
    """The public holidays, every-year ones first, in calendar order."""
    return list(session.exec(select(Holiday).order_by(Holiday.year, Holiday.month, Holiday.day)).all())

"""Small helpers shared by the visits tests."""
import io
from datetime import UTC, datetime

from PIL import Image
from sqlalchemy import func
from sqlmodel import select

from tracker.core.audit import AuditEvent
from tracker.decisions.models import Decision
from tracker.meetings.models import AgendaItem, Meeting
from tracker.visits.models import Attendee, Photo, Visit

VISIT_TABLES = (Visit, Attendee, Decision, Photo, Meeting, AgendaItem)
# 1404/06/25 at noon in Tehran: the day of the Kazerun visit.
VISIT_DAY = datetime(2025, 9, 16, 8, 30, tzinfo=UTC)


def jpeg(color=(200, 60, 40), size=(64, 48)) -> bytes:
    """A small JPEG photo."""
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG")
    return buffer.getvalue()


def counts(db) -> dict[str, int]:
    """How many rows each table of the visits area holds."""
    return {model.__name__: db.exec(select(func.count()).select_from(model)).one() for model in VISIT_TABLES}


def events(db, entity: str, record_id) -> list[AuditEvent]:
    """The audit events of one record with a UUID id, oldest first."""
    query = select(AuditEvent).where(AuditEvent.entity == entity, AuditEvent.entity_uuid == record_id)
    return list(db.exec(query.order_by(AuditEvent.id)).all())

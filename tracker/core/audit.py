"""The audit trail: one event per create, edit and delete, with before and after; and the registry of the
labels each area gives its events."""
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import JSON, Column, inspect
from sqlmodel import Field, Session, SQLModel

from tracker.core.db import timestamp


class AuditEvent(SQLModel, table=True):
    """Who changed what, when, and the values before and after."""

    __tablename__ = "audit_events"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = timestamp(index=True)
    actor_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    action: str = Field(max_length=16)
    entity: str = Field(max_length=40)
    # Most records have whole-number ids; those made on a client (visits, decisions, photos) have UUIDs.
    entity_id: int | None = None
    entity_uuid: uuid.UUID | None = Field(default=None, index=True)
    project_id: int | None = Field(default=None, foreign_key="projects.id", index=True)
    summary: str = Field(default="", max_length=300)
    before: dict | None = Field(default=None, sa_column=Column(JSON))
    after: dict | None = Field(default=None, sa_column=Column(JSON))


def plain(value: Any) -> Any:
    """A column's value as JSON-ready data, as the audit trail records it."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


# Derived or secret columns, and timestamps the event itself carries, are not worth recording.
UNAUDITED = ("search_text", "name_key", "password_hash", "calendar_token", "secret_hash", "created_at", "updated_at")


def snapshot(record: SQLModel, exclude: tuple[str, ...] = UNAUDITED) -> dict:
    """The record's column values as JSON-ready data."""
    for name in list(inspect(record).expired_attributes):
        getattr(record, name)  # a value the database just computed (a version): load it, or the dump leaves it out
    return {
        key: plain(value)
        for key, value in record.model_dump().items()
        if key not in exclude
    }


def record_change(
    session: Session,
    *,
    actor_id: int | None,
    action: str,
    record: SQLModel,
    before: dict | None,
    project_id: int | None = None,
    summary: str = "",
) -> AuditEvent:
    """Append an audit event for a record just created, edited or deleted."""
    after = None if action == "delete" else snapshot(record)
    if action == "update" and before is not None and after is not None:
        changed = {k for k in after if before.get(k) != after.get(k)}
        before = {k: before[k] for k in changed if k in before}
        after = {k: after[k] for k in changed}
    event = AuditEvent(
        actor_id=actor_id,
        action=action,
        entity=record.__tablename__,
        entity_id=None if isinstance(record.id, uuid.UUID) else record.id,
        entity_uuid=record.id if isinstance(record.id, uuid.UUID) else None,
        project_id=project_id,
        summary=summary[:300],
        before=before,
        after=after,
    )
    session.add(event)
    return event


@dataclass(frozen=True)
class AuditedColumn:
    """How a project's activity names a column of an audited table, and its values when they are choices."""

    label: object
    choices: dict | None = None
    shown: bool = True  # False: an internal link (an id) the event's summary already says in words


@dataclass(frozen=True)
class ActivityLabels:
    """What an area's table shows in a project's activity: its actions, its columns, and how to word an event."""

    actions: dict[str, object]
    columns: dict[str, AuditedColumn] = field(default_factory=dict)
    describe: Callable[[AuditEvent], str] | None = None  # the event in words, in the reader's language


# Each area registers the labels of the tables it owns, so that a project's activity names every change the way
# that area's forms do, in the reader's language (filled when the area's labels are imported).
ACTIVITY: dict[str, ActivityLabels] = {}


def register_activity(table: str, labels: ActivityLabels) -> None:
    """Let a project's activity name the events of one table."""
    ACTIVITY[table] = labels


def activity_of(table: str) -> ActivityLabels:
    """The labels of a table's events (none registered: the raw action and column names)."""
    return ACTIVITY.get(table, ActivityLabels({}))

"""Tables of the reminders area: each reminder of a deadline, the in-app notices and the emails to send."""
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import DateTime, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from tracker.core.db import string_enum, timestamp


class Reminder(SQLModel, table=True):
    """One reminder of a deadline: `offset_days` from its due date, for the occurrence on `occurs_on`.

    Inserted before anything is sent; its unique key makes a second scan, a restart or a retry a no-op.
    """

    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("deadline_id", "offset_days", "occurs_on", name="uq_reminders_occurrence"),)

    id: int | None = Field(default=None, primary_key=True)
    deadline_id: int = Field(foreign_key="deadlines.id")
    offset_days: int
    occurs_on: date
    # The day the scan planned it (after downtime, later than its step's day): "due in N days" counts from it.
    planned_on: date
    escalated: bool = False
    created_at: datetime = timestamp()


class Notice(SQLModel, table=True):
    """An in-app notice of a reminder to one user; read when `read_at` is set."""

    __tablename__ = "notices"
    __table_args__ = (
        UniqueConstraint("reminder_id", "user_id"),
        Index("ix_notices_user_unread", "user_id", "read_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id")
    reminder_id: int = Field(foreign_key="reminders.id")
    created_at: datetime = timestamp()
    read_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class DeliveryState(StrEnum):
    """Where an outgoing message stands."""

    pending = "pending"
    sending = "sending"
    sent = "sent"
    failed = "failed"


class Delivery(SQLModel, table=True):
    """A message of a reminder to one user over a channel (email now, SMS later): claimed with a lease, sent
    with a Message-ID made from the reminder's key, marked sent; failures counted, with the last error."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("reminder_id", "user_id", "channel"),
        Index("ix_deliveries_state_next_attempt", "state", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # None for a message that is not a reminder, such as a password-reset link.
    reminder_id: int | None = Field(default=None, foreign_key="reminders.id")
    user_id: int = Field(foreign_key="users.id")
    channel: str = Field(max_length=16)
    address: str = Field(max_length=254)
    message_id: str = Field(max_length=250, unique=True)
    subject: str = Field(max_length=400)
    body_text: str = Field(sa_type=Text)
    body_html: str = Field(default="", sa_type=Text)
    state: DeliveryState = Field(default=DeliveryState.pending, sa_type=string_enum(DeliveryState))
    attempts: int = 0
    last_error: str = Field(default="", max_length=1000)
    next_attempt_at: datetime = timestamp()
    lease_until: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    # Who holds the claim: a token per claiming batch; only its holder sends and marks the message.
    claimed_by: str = Field(default="", max_length=40)
    # "smtp", or "outbox" for the local outbox of demo mode without an SMTP server.
    transport: str = Field(default="", max_length=16)
    sent_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    created_at: datetime = timestamp()



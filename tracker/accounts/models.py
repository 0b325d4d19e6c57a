"""Users and their roles."""
from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import false
from sqlmodel import Field, SQLModel

from tracker.core.db import string_enum, timestamp


class Role(StrEnum):
    """What a user may do: the roles other tools and the CLI count on (accounts.permissions says what each may)."""

    admin = "admin"
    director = "director"
    budget_officer = "budget_officer"
    staff = "staff"
    viewer = "viewer"


class User(UserMixin, SQLModel, table=True):
    """A person who logs in; scoped to a province (or one county) unless an admin."""

    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=80, unique=True)
    full_name: str = Field(default="", max_length=160)
    email: str = Field(default="", max_length=254)
    password_hash: str = Field(max_length=256)
    role: Role = Field(sa_type=string_enum(Role))
    province_id: int | None = Field(default=None, foreign_key="provinces.id", index=True)
    county_id: int | None = Field(default=None, foreign_key="counties.id")
    active: bool = True
    # Reminders: a user may turn off email (never the in-app notices); the secret of their calendar feed.
    email_opt_out: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    calendar_token: str | None = Field(default=None, max_length=64, unique=True, index=True)
    created_at: datetime = timestamp()

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role == Role.admin

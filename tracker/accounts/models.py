"""Users and their roles."""
from datetime import datetime, timedelta
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import DateTime, false
from sqlmodel import Field, SQLModel

from tracker.core import clock
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
    # The post a brief's signature gives under the name («مدیرکل تعاون، کار و رفاه اجتماعی استان فارس»).
    post: str = Field(default="", max_length=160, sa_column_kwargs={"server_default": ""})
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


class LoginSession(SQLModel, table=True):
    """One device's login: the browser's cookie holds its secret, so logging out or a new password ends it for good.

    Flask's signed cookie alone cannot be revoked; this row can. Only a hash of the secret is stored, so reading the
    table does not let anyone act as a user.
    """

    __tablename__ = "login_sessions"

    id: int | None = Field(default=None, primary_key=True)
    secret_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    started_at: datetime = timestamp()
    last_seen_at: datetime = timestamp()
    ended_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    # logout, password (a new password ended every device), ended (by the user from another device), idle.
    end_reason: str = Field(default="", max_length=16)
    user_agent: str = Field(default="", max_length=300)
    address: str = Field(default="", max_length=64)

    def ends_at(self, idle: timedelta) -> datetime:
        """When this session ends if it is not used again."""
        return clock.utc(self.last_seen_at) + idle

    @property
    def device(self) -> str:
        """The browser and system it was opened on, in a few words: «Chrome · Android»."""
        agent = self.user_agent
        browser = next((name for key, name in _BROWSERS if key in agent), "")
        system = next((name for key, name in _SYSTEMS if key in agent), "")
        return " · ".join(part for part in (browser, system) if part)


# Checked in order: Edge and Opera also say Chrome, Chrome also says Safari, Android also says Linux.
_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
             ("Safari/", "Safari"))
_SYSTEMS = (("Android", "Android"), ("iPad", "iPadOS"), ("iPhone", "iOS"), ("Windows", "Windows"),
            ("Mac OS X", "macOS"), ("Linux", "Linux"))


class ApiToken(SQLModel, table=True):
    """A named secret with which another system reads the JSON API as its user (their role and province, no more).

    Only a hash of the secret is stored; the prefix lets its owner recognise it in the list.
    """

    __tablename__ = "api_tokens"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    name: str = Field(max_length=80)
    secret_hash: str = Field(max_length=64, unique=True)
    prefix: str = Field(max_length=16)
    created_at: datetime = timestamp()
    last_used_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    revoked_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))

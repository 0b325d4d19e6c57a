"""One engine per process, one session per request, committed once at its end; timestamp columns."""
import logging
import sqlite3
from collections.abc import Callable
from datetime import datetime

from flask import Flask, after_this_request, current_app, g
from sqlalchemy import DateTime, Engine, create_engine, event
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import sessionmaker
from sqlmodel import Field, Session, SQLModel

from tracker.core import clock
from tracker.core.persian import persian_collate

# The name of the Persian collation on both databases: a migration creates it on PostgreSQL (ICU),
# and every SQLite connection registers it in Python.
PERSIAN = "persian"


def _configure_sqlite(dbapi_connection: sqlite3.Connection, _record) -> None:
    # Let SQLAlchemy, not the driver, open transactions: SAVEPOINTs and a test's outer transaction then work.
    dbapi_connection.isolation_level = None
    dbapi_connection.create_collation(PERSIAN, persian_collate)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str, **kwargs) -> Engine:
    """Create an engine with the per-connection settings each database needs."""
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _configure_sqlite)
        event.listen(engine, "begin", lambda connection: connection.exec_driver_sql("BEGIN"))
    return engine


def init_app(app: Flask) -> None:
    """Attach the engine and the per-request session lifecycle to the app."""
    engine = make_engine(app.config["DATABASE_URL"], pool_pre_ping=True)
    app.extensions["engine"] = engine
    app.extensions["session_factory"] = sessionmaker(engine, class_=Session, expire_on_commit=False)

    @app.after_request
    def finish_session(response):
        session = g.pop("db_session", None)
        if session is not None:
            try:
                if response.status_code < 400:
                    session.commit()
                else:
                    session.rollback()
            finally:
                session.close()
        return response

    @app.teardown_request
    def discard_session(_exc):
        session = g.pop("db_session", None)
        if session is not None:
            session.rollback()
            session.close()


def get_session() -> Session:
    """The request's session, opened on first use."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["session_factory"]()
    return g.db_session


def reset_session() -> None:
    """Roll back the request's session, if it has one, so that the request can still read after a failed statement."""
    if (session := g.get("db_session")) is not None:
        session.rollback()


def string_enum(enum_class) -> SAEnum:
    """A column type that stores an enum's values as plain strings (no PostgreSQL ENUM type to migrate)."""
    return SAEnum(enum_class, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e])


def timestamp(**kwargs):
    """A column holding a moment in UTC, the time the row is made unless set."""
    return Field(default_factory=clock.now, sa_type=DateTime(timezone=True), **kwargs)


class Timestamped(SQLModel):
    """When a row was made and when it last changed (services set updated_at on each change)."""

    created_at: datetime = timestamp()
    updated_at: datetime = timestamp()


def write_after_response(work: Callable[[Session], None]) -> None:
    """Run a write in a transaction of its own once the answer has gone out, so that it adds nothing to the
    answer's time (which must not tell, say, whether an account exists)."""
    app = current_app._get_current_object()

    def run() -> None:
        with app.app_context(), app.extensions["session_factory"]() as session:
            try:
                work(session)
                session.commit()
            except Exception:  # noqa: BLE001 - the answer is sent; all that is left is to say what failed
                logging.getLogger("tracker").exception("a write after the response failed")

    @after_this_request
    def defer(response):
        response.call_on_close(run)
        return response

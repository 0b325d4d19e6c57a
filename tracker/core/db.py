"""One engine per process, one session per request, committed once at its end; timestamp and version columns."""
import logging
import sqlite3
from collections.abc import Callable
from datetime import datetime

from flask import Flask, after_this_request, current_app, g, request
from sqlalchemy import DateTime, Engine, create_engine, event
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import object_session, sessionmaker
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


# The execution option that lets a transaction on SQLite begin DEFERRED: one that only reads.
READ_ONLY = "tracker_read_only"


def _begin_sqlite(connection) -> None:
    # A deferred transaction that writes must upgrade its lock, and SQLite answers a busy upgrade at once
    # («database is locked») without waiting busy_timeout; IMMEDIATE takes the write lock up front, where
    # busy_timeout applies, so writers queue. Reads stay deferred so they never wait behind a writer (WAL).
    connection.exec_driver_sql("BEGIN" if connection.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE")


def make_engine(url: str, **kwargs) -> Engine:
    """Create an engine with the per-connection settings each database needs."""
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _configure_sqlite)
        event.listen(engine, "begin", _begin_sqlite)
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


# Requests that only read; every other request, the scheduler and the CLI write (IMMEDIATE on SQLite).
READING_METHODS = ("GET", "HEAD", "OPTIONS")


def get_session() -> Session:
    """The request's session, opened on first use; a reading request's transaction is marked read-only."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["session_factory"]()
        if request.method in READING_METHODS:
            g.db_session.connection(execution_options={READ_ONLY: True})
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


class Versioned(SQLModel):
    """A record people edit through forms: its version counts its changes, so that a save made from a form
    loaded before someone else's change is refused instead of overwriting it (see accounts.permissions)."""

    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})


@event.listens_for(Versioned, "before_update", propagate=True)
def _count_change(mapper, _connection, record) -> None:
    # Counted in the database (version + 1), so that two changes at once, even unchecked ones such as a visit
    # setting a project's progress, each count.
    if object_session(record).is_modified(record, include_collections=False):
        record.version = mapper.local_table.c.version + 1


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

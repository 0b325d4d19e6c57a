"""Fixtures: every database test runs on SQLite and on PostgreSQL, inside a transaction rolled back at its end."""
import os
import uuid
import warnings

import psycopg
import pytest
from alembic import command
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from tracker import create_app
from tracker.core.cli import alembic_config
from tracker.core.config import database_url
from tracker.core.db import make_engine

POSTGRES_URL = os.environ.get("TRACKER_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def _postgres_admin_url() -> str:
    return make_url(database_url(POSTGRES_URL)).set(drivername="postgresql").render_as_string(hide_password=False)


def postgres_unavailable(reason: str):
    """Fail under CI, skip loudly elsewhere: the PostgreSQL leg must never vanish silently."""
    message = f"PostgreSQL leg NOT RUN: no server at {POSTGRES_URL} ({reason})"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + " — CI requires it", pytrace=False)
    warnings.warn(message, stacklevel=2)
    pytest.skip(message)


def create_postgres_database() -> str:
    """Create an empty throwaway PostgreSQL database and return its SQLAlchemy URL."""
    name = f"pishraft_test_{uuid.uuid4().hex[:10]}"
    try:
        with psycopg.connect(_postgres_admin_url(), autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        postgres_unavailable(str(error).strip().splitlines()[0])
    return make_url(database_url(POSTGRES_URL)).set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(url: str) -> None:
    """Drop a throwaway database made by create_postgres_database."""
    name = make_url(url).database
    with psycopg.connect(_postgres_admin_url(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def empty_database_url(tmp_path_factory):
    """A factory of empty databases of one kind, dropped at the end of the run."""
    made = []

    def make(kind: str) -> str:
        if kind == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        else:
            url = create_postgres_database()
        made.append((kind, url))
        return url

    yield make
    for kind, url in made:
        if kind == "postgresql":
            drop_postgres_database(url)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database(request, empty_database_url):
    """An engine on a database at the newest migration: once SQLite, once PostgreSQL."""
    url = empty_database_url(request.param)
    command.upgrade(alembic_config(url), "head")
    engine = make_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(database):
    """A connection whose outer transaction is rolled back after the test."""
    with database.connect() as conn:
        outer = conn.begin()
        yield conn
        outer.rollback()


@pytest.fixture
def session_factory(connection):
    """Sessions on the test's connection; their commits become savepoints."""
    return sessionmaker(bind=connection, class_=Session, expire_on_commit=False,
                        join_transaction_mode="create_savepoint")


@pytest.fixture
def db(session_factory):
    """The session a test uses to arrange and check data."""
    with session_factory() as session:
        yield session


@pytest.fixture
def app(database, session_factory, tmp_path):
    """The app on the test database; every request's session joins the test's transaction."""
    app = create_app({
        "TESTING": True,
        "DATABASE_URL": database.url.render_as_string(hide_password=False),
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "LOGIN_RATE_LIMIT": "1000 per minute",
    })
    app.extensions["session_factory"] = session_factory
    return app


@pytest.fixture
def client(app):
    """A test client of the app."""
    return app.test_client()


@pytest.fixture
def login(client):
    """Log a user in on the test client without the cost of a password check."""
    def log_in(user):
        with client.session_transaction() as session:
            session["_user_id"] = str(user.id)
            session["_fresh"] = True
        return client
    return log_in


@pytest.fixture
def make(db):
    """The factories of tests/factories.py, bound to the test's session."""
    from tests.factories import Factories

    return Factories(db)


def htmx(**headers) -> dict:
    """The headers htmx sends with a request."""
    return {"HX-Request": "true", **headers}

"""Fixtures: every database test runs on SQLite and on PostgreSQL, inside a transaction rolled back at its end."""
import datetime
import os
import uuid
import warnings

import jdatetime
import psycopg
import pytest
import time_machine
from alembic import command
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from tests.helpers import use_login
from tracker import create_app
from tracker.accounts.models import Role
from tracker.accounts.services import start_login
from tracker.core import clock
from tracker.core.cli import alembic_config
from tracker.core.config import database_url
from tracker.core.db import make_engine
from tracker.core.storage import LocalStorage
from tracker.visits.services import PhotoStorage

# The day every test runs on unless it asks for others: a working Monday (2026-11-23). TRACKER_TEST_TODAY
# (Jalali YYYY-MM-DD) runs the whole suite on another day, to show that no test depends on the real date.
DEFAULT_DAY = os.environ.get("TRACKER_TEST_TODAY", "1405-09-02")
# The days a date-sensitive test also runs on: a Saturday (first working day of the week), a Friday (the day
# off), Nowruz, the leap day of 1403 and the last day of the common year 1404.
# The day the scenario tests are written about (reminders due, a brief issued, the demo scanned): a working Monday
# in Azar. They run on it whatever TRACKER_TEST_TODAY says, since their expectations follow the working calendar.
SCENARIO_DAY = "1405-09-02"
AWKWARD_DAYS = ["1405-09-07", "1405-09-06", "1405-01-01", "1403-12-30", "1404-12-29"]


def tehran_moment(jalali_day: str, hour: int = 10) -> datetime.datetime:
    """A moment on a Jalali day (YYYY-MM-DD), in Tehran's time."""
    day = jdatetime.date(*map(int, jalali_day.split("-"))).togregorian()
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=clock.TEHRAN)


@pytest.fixture(scope="session", autouse=True)
def frozen_session_clock():
    """Fixtures made once for the run (the browser tests' live server and its demo data) are made on SCENARIO_DAY."""
    with time_machine.travel(tehran_moment(SCENARIO_DAY)):
        yield


@pytest.fixture(autouse=True)
def frozen_clock(request):
    """Every test runs on DEFAULT_DAY in Tehran (or the day it is given), whatever the real date."""
    # The clock starts at 10:00 and runs on, so that records made one after another keep their order.
    with time_machine.travel(tehran_moment(getattr(request, "param", DEFAULT_DAY))) as traveller:
        yield traveller


def on_day(day: str):
    """Run a test, or every test of a module (as its pytestmark), on one set day."""
    return pytest.mark.parametrize("frozen_clock", [day], indirect=True, ids=[f"on-{day}"])


def on_awkward_days(test):
    """Run a date-sensitive test on DEFAULT_DAY and on each of AWKWARD_DAYS."""
    return pytest.mark.parametrize("frozen_clock", [DEFAULT_DAY, *AWKWARD_DAYS], indirect=True)(test)


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


@pytest.fixture(scope="session")
def s3_server():
    """moto's S3 server on this machine only, on a free port, for the run: its endpoint URL."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_settings(s3_server):
    """The app's settings for S3 storage in a new, empty bucket of the moto server, with a key prefix."""
    settings = {"STORAGE": "s3", "S3_ENDPOINT_URL": s3_server, "S3_REGION": "us-east-1", "S3_PREFIX": "pishraft",
                "S3_BUCKET": f"test-{uuid.uuid4().hex[:12]}", "S3_ACCESS_KEY_ID": "testing",
                "S3_SECRET_ACCESS_KEY": "testing"}
    import boto3

    boto3.session.Session().client("s3", endpoint_url=s3_server, region_name="us-east-1", aws_access_key_id="testing",
                                   aws_secret_access_key="testing").create_bucket(Bucket=settings["S3_BUCKET"])
    return settings


@pytest.fixture
def photo_storage(tmp_path):
    """Where this test's visit photos go: its own folder, tmp_path/"uploads" (the app's UPLOAD_DIR too)."""
    return PhotoStorage(LocalStorage(tmp_path / "uploads"), 20 * 1024 * 1024)


@pytest.fixture
def app(database, session_factory, photo_storage):
    """The app on the test database; every request's session joins the test's transaction."""
    app = create_app({
        "TESTING": True,
        "DATABASE_URL": database.url.render_as_string(hide_password=False),
        "SECRET_KEY": "test-secret",
        # Briefs and emails refuse a loopback address outside demo mode (tracker/core/links.py).
        "BASE_URL": "https://pishraft.example.org",
        "WTF_CSRF_ENABLED": False,
        "UPLOAD_DIR": str(photo_storage.files.root),
        "LOGIN_RATE_LIMIT": "1000 per minute",
    })
    app.extensions["session_factory"] = session_factory
    return app


@pytest.fixture
def client(app):
    """A test client of the app."""
    return app.test_client()


@pytest.fixture
def login(client, db):
    """Log a user in on the test client without the cost of a password check: a login session of their own."""
    def log_in(user):
        use_login(client, user, start_login(db, user=user, user_agent="pytest"))
        return client
    return log_in


@pytest.fixture
def make(db, photo_storage):
    """The factories of tests/factories.py, bound to the test's session; make.visit stores photos in the test's
    own folder."""
    from tests.factories import Factories

    return Factories(db, photos=photo_storage)


# The people most tests act as. A test that needs someone else makes them with make.user(...).

@pytest.fixture
def fars_director(make):
    """سعید بیاری, the director-general of Fars (a director of the whole province); not logged in."""
    return make.user(role=Role.director, full_name="سعید بیاری")


@pytest.fixture
def director(fars_director, login):
    """The Fars director-general, logged in on the test client."""
    login(fars_director)
    return fars_director


@pytest.fixture
def fars(fars_director, make):
    """The Fars director-general, the head of Kazerun county (a director of one county) and the Kazerun pool
    project, as (director, head, project); nobody logged in."""
    head = make.user(role=Role.director, county="کازرون", full_name="رئیس اداره کازرون")
    project = make.project(name="بهسازی استخر کارگران کازرون")
    return fars_director, head, project


def htmx(**headers) -> dict:
    """The headers htmx sends with a request."""
    return {"HX-Request": "true", **headers}

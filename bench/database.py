"""A throwaway database at the newest migration: PostgreSQL if reachable, else a SQLite file."""
import os
import shutil
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg
from alembic import command
from sqlalchemy.engine import make_url

from tracker.core.cli import alembic_config
from tracker.core.config import database_url

POSTGRES_URL = os.environ.get("TRACKER_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


@dataclass(frozen=True)
class BenchDatabase:
    """Which database the bench runs on, and its SQLAlchemy URL."""

    kind: str
    url: str


def _admin_url() -> str:
    """The maintenance database's URL in the form psycopg takes."""
    return make_url(database_url(POSTGRES_URL)).set(drivername="postgresql").render_as_string(hide_password=False)


def _create_postgres() -> str | None:
    """Create an empty PostgreSQL database and return its URL, or None when no server answers."""
    name = f"pishraft_bench_{uuid.uuid4().hex[:10]}"
    try:
        with psycopg.connect(_admin_url(), autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        print(f"bench: PostgreSQL not reachable at {POSTGRES_URL} ({reason}); falling back to SQLite",
              file=sys.stderr)
        return None
    return make_url(database_url(POSTGRES_URL)).set(database=name).render_as_string(hide_password=False)


def _drop_postgres(url: str) -> None:
    """Drop a database made by _create_postgres, whoever is still connected."""
    with psycopg.connect(_admin_url(), autocommit=True, connect_timeout=3) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


@contextmanager
def throwaway() -> Iterator[BenchDatabase]:
    """Yield a migrated empty database; drop it (or delete its file) afterwards, also on failure."""
    url = _create_postgres()
    if url is not None:
        try:
            command.upgrade(alembic_config(url), "head")
            yield BenchDatabase("postgresql", url)
        finally:
            _drop_postgres(url)
        return
    directory = tempfile.mkdtemp(prefix="pishraft-bench-")
    try:
        url = f"sqlite:///{directory}/bench.sqlite3"
        command.upgrade(alembic_config(url), "head")
        yield BenchDatabase("sqlite", url)
    finally:
        shutil.rmtree(directory, ignore_errors=True)

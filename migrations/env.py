"""Alembic environment: the project's models and the database chosen by the caller or the environment."""
import os

from alembic import context
from sqlalchemy import pool

from tracker.app import metadata
from tracker.core.config import database_url
from tracker.core.db import make_engine

config = context.config
target_metadata = metadata()


def _url() -> str:
    url = config.attributes.get("database_url") or os.environ.get("TRACKER_DATABASE_URL")
    if not url:
        raise RuntimeError("No database: run through `flask --app tracker db upgrade`.")
    return database_url(url)


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_url(), poolclass=pool.NullPool)
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True,
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

"""Migrations go up and down on both databases, and match the models exactly."""
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from tracker.app import metadata
from tracker.core.cli import alembic_config
from tracker.core.db import make_engine


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_upgrade_from_empty_then_downgrade_to_base(kind, empty_database_url):
    url = empty_database_url(kind)
    config = alembic_config(url)
    command.upgrade(config, "head")
    engine = make_engine(url)
    with engine.connect() as conn:
        assert {"projects", "partners", "users", "audit_events"} <= set(inspect(conn).get_table_names())
        assert conn.exec_driver_sql("SELECT count(*) FROM provinces").scalar() == 31
    command.downgrade(config, "base")
    with engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
    engine.dispose()


def test_models_and_migrations_do_not_differ(database):
    with database.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, metadata()) == []

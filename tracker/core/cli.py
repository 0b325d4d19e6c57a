"""`flask db …`: apply and roll back the Alembic migrations."""
import click
from alembic import command
from alembic.config import Config
from flask import current_app
from flask.cli import AppGroup

from tracker.core.config import PROJECT_ROOT

db_cli = AppGroup("db", help="Apply or roll back database migrations.")


def alembic_config(url: str) -> Config:
    """An Alembic configuration for this project's migrations and the given database."""
    config = Config()
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.attributes["database_url"] = url
    return config


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def upgrade(revision):
    """Apply migrations up to a revision (default: the newest)."""
    command.upgrade(alembic_config(current_app.config["DATABASE_URL"]), revision)


@db_cli.command("downgrade")
@click.argument("revision", default="-1")
def downgrade(revision):
    """Roll migrations back to a revision (default: one step)."""
    command.downgrade(alembic_config(current_app.config["DATABASE_URL"]), revision)

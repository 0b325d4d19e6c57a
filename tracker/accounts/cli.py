"""`flask users …`: create users and reset passwords from the command line."""
import sys

import click
from flask import current_app
from flask.cli import AppGroup
from sqlmodel import Session

from tracker.accounts import queries, services
from tracker.accounts.models import Role
from tracker.core.errors import InvalidInput

users_cli = AppGroup("users", help="Create users and set their passwords.")


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\n")


def _session() -> Session:
    return current_app.extensions["session_factory"]()


@users_cli.command("create")
@click.option("--username", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--province", default=None, help="Persian or English name, e.g. فارس or Fars; not for admins.")
@click.option("--county", default=None, help="For a county head: the county's name.")
@click.option("--email", default="")
@click.option("--full-name", default="")
def create_user(username, role, province, county, email, full_name):
    """Create a user; the password is read from a prompt or standard input."""
    password = _read_password()
    with _session() as session:
        try:
            user = services.create_user(session, username=username, password=password, role=Role(role),
                                        province=province, county=county, email=email, full_name=full_name)
        except InvalidInput as error:
            raise click.ClickException("; ".join(str(m) for m in error.errors.values())) from None
        session.commit()
        click.echo(f"Created user {user.username} ({user.role.value}).")


@users_cli.command("set-password")
@click.option("--username", required=True)
def set_password(username):
    """Give a user a new password, read from a prompt or standard input."""
    password = _read_password()
    with _session() as session:
        user = queries.find_by_username(session, username)
        if user is None:
            raise click.ClickException(f"No user named {username}.")
        try:
            services.set_password(session, user=user, password=password, actor_id=None)
        except InvalidInput as error:
            raise click.ClickException("; ".join(str(m) for m in error.errors.values())) from None
        session.commit()
        click.echo(f"New password set for {user.username}.")

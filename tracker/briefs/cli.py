"""`flask brief …`: issue a project's or a constituency's status brief from the command line, archived like the UI's."""
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlmodel import Session

from tracker.accounts import queries as accounts
from tracker.accounts.models import User
from tracker.briefs import queries, services
from tracker.core.errors import Forbidden, InvalidInput, NotFound
from tracker.projects import queries as projects

brief_cli = AppGroup("brief", help="Issue status briefs (PDF) and archive them.")

_out = click.option("--out", required=True, type=click.Path(dir_okay=False, writable=True),
                    help="Where to write a copy of the PDF.")
_for = click.option("--for", "for_whom", default="", help="Who the brief is for, e.g. the MP's office.")
_as = click.option("--as", "username", default=None, help="Who issues it (default: the first administrator).")


def _actor(session: Session, username: str | None) -> User:
    actor = accounts.find_by_username(session, username) if username else queries.first_admin(session)
    if actor is None:
        raise click.ClickException(f"No user named {username}." if username else
                                   "No administrator exists: name the issuer with --as.")
    return actor


def _issue(issue, out: str) -> None:
    """Run an issuing function in its own session, commit, and copy the archived PDF to --out."""
    settings = services.BriefSettings.from_config(current_app.config)
    with current_app.extensions["session_factory"]() as session:
        try:
            brief = issue(session, settings)
        except NotFound:
            raise click.ClickException("Not found, or outside the issuer's province.") from None
        except Forbidden:
            raise click.ClickException("This user's role may not issue briefs.") from None
        except InvalidInput as error:
            raise click.ClickException("; ".join(str(m) for m in error.errors.values())) from None
        session.commit()
        Path(out).write_bytes(services.brief_pdf(settings, brief))
        click.echo(f"Issued brief {brief.number}: {brief.pages} page(s), {brief.size_bytes} bytes, "
                   f"sha256 {brief.sha256}, written to {out}.")


@brief_cli.command("project")
@click.argument("ref")
@_out
@_for
@_as
def project_brief(ref, out, for_whom, username):
    """Issue the brief of the project with this id or slug."""
    def issue(session, settings):
        actor = _actor(session, username)
        project = projects.get_project(session, actor, ref)
        return services.issue_project_brief(session, actor=actor, project=project, for_whom=for_whom,
                                            settings=settings)

    _issue(issue, out)


@brief_cli.command("constituency")
@click.argument("constituency_id", type=int)
@_out
@_for
@_as
def constituency_brief(constituency_id, out, for_whom, username):
    """Issue the brief of the constituency with this id: every project of its counties."""
    def issue(session, settings):
        actor = _actor(session, username)
        constituency = queries.get_constituency(session, actor, constituency_id)
        return services.issue_constituency_brief(session, actor=actor, constituency=constituency,
                                                 for_whom=for_whom, settings=settings)

    _issue(issue, out)

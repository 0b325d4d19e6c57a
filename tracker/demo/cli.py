"""`flask demo load`: the demo data set and demo users, in demo mode only."""
import click
from flask import current_app
from flask.cli import AppGroup

from tracker.demo import data
from tracker.demo.services import load_demo

demo_cli = AppGroup("demo", help="Demo data (TRACKER_DEMO=1 only).")


@demo_cli.command("load")
def load():
    """Load the demo data set; running it again changes nothing."""
    if not current_app.config["DEMO"]:
        raise click.ClickException("Demo data and demo users exist only in demo mode: set TRACKER_DEMO=1.")
    with current_app.extensions["session_factory"]() as session:
        load_demo(session)
        session.commit()
    click.echo("Demo data loaded. Log in at http://127.0.0.1:5000 with one of these users:")
    for username, role, province, county, *_rest in data.USERS:
        scope = " / ".join(filter(None, [province, county])) or "all provinces"
        click.echo(f"  {username:<10} {role:<15} {scope:<20} password: {data.DEMO_PASSWORD}")

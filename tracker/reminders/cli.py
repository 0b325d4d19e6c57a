"""`flask reminders run` (one scan, then exit) and `flask scheduler` (the process that scans every few minutes).

The scheduler is its own process: web processes never start it (a scheduler inside gunicorn runs each job once
per worker). Each job opens its own sessions; a second scheduler or an overlapping run sends nothing twice.
"""
import contextlib
import logging
import signal

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from tracker.core import clock
from tracker.core.jalali import JalaliDateError, parse_jalali_date
from tracker.core.mail import MailSettings
from tracker.reminders.scan import ScanResult, run_scan, send_waiting

reminders_cli = AppGroup("reminders", help="Send the reminders that are due.")
SCAN_JOB_ID = "reminder-scan"
SEND_JOB_ID = "email-send"
# Emails queued between scans, such as a password-reset link someone is waiting for, leave within this time.
SEND_EVERY_SECONDS = 30
log = logging.getLogger("tracker.reminders")


def _scan(day=None):
    app = current_app._get_current_object()
    return run_scan(app.extensions["session_factory"], today=day or clock.today(),
                    mail=MailSettings.from_config(app.config),
                    lease_seconds=app.config["REMINDER_LEASE_SECONDS"])


def _send():
    app = current_app._get_current_object()
    result = ScanResult()
    send_waiting(app.extensions["session_factory"], MailSettings.from_config(app.config), result,
                 lease_seconds=app.config["REMINDER_LEASE_SECONDS"])
    return result


@reminders_cli.command("run")
@click.option("--today", "day", default=None, help="Scan as of this Jalali day, e.g. 1405-09-02 (default: today).")
def run(day):
    """Run one scan: plan the reminders that are due, send the emails waiting, and exit."""
    try:
        as_of = parse_jalali_date(day) if day else None
    except JalaliDateError as error:
        raise click.BadParameter(str(error.message), param_hint="--today") from None
    click.echo(f"reminders: {_scan(as_of)}")
    if (refusal := MailSettings.from_config(current_app.config).links_refused) is not None:
        click.echo(f"reminders: {refusal}", err=True)


@click.command("scheduler")
@with_appcontext
def scheduler():
    """Scan for due reminders every few minutes (TRACKER_REMINDER_INTERVAL_MINUTES) until stopped."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    app = current_app._get_current_object()

    def logged(name, work):
        def job():
            with app.app_context():
                try:
                    log.info("%s: %s", name, work())
                except Exception:  # noqa: BLE001 - logged; the next tick tries again
                    log.exception("%s failed", name)
        return job

    blocking = BlockingScheduler(timezone=clock.TEHRAN)
    minutes = app.config["REMINDER_INTERVAL_MINUTES"]
    # Fixed ids, one instance at a time, missed ticks coalesced into one run; the first scan at start-up. Both jobs
    # may claim the same queued emails at once: the claims' leases send each one once.
    blocking.add_job(logged("scan", _scan), "interval", minutes=minutes, id=SCAN_JOB_ID, name="reminder scan",
                     replace_existing=True, coalesce=True, max_instances=1, next_run_time=clock.now())
    blocking.add_job(logged("send", _send), "interval", seconds=SEND_EVERY_SECONDS, id=SEND_JOB_ID,
                     name="email send", replace_existing=True, coalesce=True, max_instances=1)
    # The handler is this scheduler's only while it runs: left installed, a later SIGTERM to the process would stop
    # a scheduler that is no longer running (and raise).
    previous = signal.signal(signal.SIGTERM, lambda *_: blocking.shutdown(wait=False))
    click.echo(f"scheduler: scanning every {minutes} minutes; Ctrl-C to stop")
    try:
        with contextlib.suppress(KeyboardInterrupt, SystemExit):
            blocking.start()
    finally:
        signal.signal(signal.SIGTERM, previous)

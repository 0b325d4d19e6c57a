"""`flask reminders run` and `flask scheduler`: one scan as of a Jalali day; the scheduler's job settings."""
import signal

from apscheduler.schedulers.blocking import BlockingScheduler
from sqlmodel import select

from tests.conftest import SCENARIO_DAY, on_day
from tracker.reminders.models import Reminder

pytestmark = on_day(SCENARIO_DAY)


def test_reminders_run_scans_as_of_a_jalali_day_in_either_digit_set(app, db, due):
    due(7)
    runner = app.test_cli_runner()

    too_early = runner.invoke(args=["reminders", "run", "--today", "1405-08-01"])
    on_the_day = runner.invoke(args=["reminders", "run", "--today", "۱۴۰۵-۰۹-۰۲"])

    assert too_early.exit_code == 0 and "reminders=0" in too_early.output
    assert on_the_day.exit_code == 0 and "reminders=1" in on_the_day.output
    assert db.exec(select(Reminder)).one().offset_days == -7


def test_an_impossible_day_is_refused_with_the_reason(app):
    result = app.test_cli_runner().invoke(args=["reminders", "run", "--today", "1404-12-30"])
    assert result.exit_code != 0 and "۱۴۰۴ کبیسه نیست" in result.output


def test_the_scheduler_scans_every_few_minutes_and_sends_queued_emails_every_half_minute(app, monkeypatch):
    seen = {}

    def start(scheduler, *args, **kwargs):
        for job in scheduler.get_jobs():
            seen[job.id] = (job.coalesce, job.max_instances, job.trigger.interval.total_seconds())

    monkeypatch.setattr(BlockingScheduler, "start", start)
    app.config["REMINDER_INTERVAL_MINUTES"] = 3
    before = signal.getsignal(signal.SIGTERM)
    result = app.test_cli_runner().invoke(args=["scheduler"])
    assert result.exit_code == 0, result.output
    assert seen == {"reminder-scan": (True, 1, 180.0), "email-send": (True, 1, 30.0)}
    # Once stopped, a SIGTERM to the process is no longer the scheduler's (it would stop a scheduler not running).
    assert signal.getsignal(signal.SIGTERM) is before

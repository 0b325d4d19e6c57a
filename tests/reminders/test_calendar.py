"""Reminder rules and the working week, without a database: which day each reminder goes out."""
from datetime import date, timedelta

import pytest

from tracker.core.jalali import format_jalali, parse_jalali_date
from tracker.deadlines.calendar import FRIDAY, Rule, Schedule, WorkingWeek, decode_override, encode_override

WEEK = WorkingWeek()
DEFAULT = Rule()


def j(text: str) -> date:
    return parse_jalali_date(text)


def jalali(day: date | None) -> str | None:
    return format_jalali(day, locale="en") if day else None


def sends(due: str, rule: Rule = DEFAULT, week: WorkingWeek = WEEK) -> dict[int, str]:
    """Each step's offset and the Jalali day it goes out, for the default steps and the first overdue ones."""
    schedule = Schedule(rule, week, j(due))
    return {offset: jalali(schedule.step(offset).send_on) for offset in (-14, -7, -1, 0, 7, 14)}


def test_a_deadline_on_a_working_day_is_reminded_14_7_1_days_before_on_the_day_then_weekly():
    # 1405/09/10 is a Monday (2026-12-01); no step falls on a Friday or a holiday.
    assert sends("1405/09/10") == {
        -14: "1405/08/26", -7: "1405/09/03", -1: "1405/09/09", 0: "1405/09/10", 7: "1405/09/17", 14: "1405/09/24"}


def test_a_reminder_due_on_a_friday_goes_out_on_thursday():
    schedule = Schedule(Rule(), WEEK, j("1405/09/13"))  # Friday 2026-12-04
    assert schedule.step(0).send_on == j("1405/09/12")
    assert schedule.step(0).send_on.weekday() == FRIDAY - 1


def test_the_weekdays_off_are_a_setting():
    thursday_and_friday = WorkingWeek(days_off=frozenset({3, 4}))
    assert Schedule(Rule(), thursday_and_friday, j("1405/09/13")).step(0).send_on == j("1405/09/11")


def test_deadline_on_30_esfand_of_the_leap_year_1403():
    # 1403 is leap: 1403/12/30 exists (Thursday 2025-03-20). 29 Esfand is the oil nationalisation holiday; 30 Esfand
    # is a working day unless an administrator adds it.
    assert j("1403/12/30") == date(2025, 3, 20)
    days = sends("1403/12/30")
    assert days[0] == "1403/12/30"
    assert days[-1] == "1403/12/28"  # the day before is the 29 Esfand holiday
    # A week late is 1404/01/07, a Thursday after Nowruz (1-4 Farvardin).
    assert days[7] == "1404/01/07"


def test_an_administrator_can_make_30_esfand_a_holiday_for_one_year():
    week = WorkingWeek(dated=frozenset({(1403, 12, 30)}))
    assert sends("1403/12/30", week=week)[0] == "1403/12/28"


def test_deadline_on_29_esfand_1404_the_reported_target():
    # 1404/12/29 (2026-03-20) is both a Friday and a holiday; 1404 is not leap, so it is the year's last day.
    assert j("1404/12/29") == date(2026, 3, 20)
    days = sends("1404/12/29")
    assert days[0] == days[-1] == "1404/12/28"  # the day before and the day itself both go out on Thursday
    assert days[7] == "1405/01/06"  # 1405/01/07 is a Friday


def test_during_nowruz_reminders_go_out_before_the_holidays():
    # 1405/01/03 (Monday 2026-03-23): Nowruz runs 1-4 Farvardin, 1404/12/29 is a holiday and a Friday.
    days = sends("1405/01/03")
    assert days[0] == days[-1] == "1404/12/28"
    assert days[-7] == "1404/12/25"
    assert days[7] == "1405/01/10"
    # 1405/01/13 (nature day) and 1405/01/12 (republic day) are holidays; a reminder then goes out on the 11th.
    assert jalali(Schedule(Rule(), WEEK, j("1405/01/13")).step(0).send_on) == "1405/01/11"


def test_only_the_latest_due_step_is_sent_after_downtime():
    schedule = Schedule(Rule(), WEEK, j("1405/09/10"))
    # Down from before the 14-day reminder until 3 days after the due date: one reminder, the day itself.
    step = schedule.due_step(j("1405/09/13"))
    assert step.offset == 0
    assert jalali(schedule.next_send_after(j("1405/09/13"))) == "1405/09/17"
    # Down for months: the latest weekly overdue reminder, escalated to the directors.
    late = schedule.due_step(j("1405/12/01"))
    assert late.offset % 7 == 0 and late.escalated and late.send_on <= j("1405/12/01")
    assert late.occurs_on > j("1405/12/01") - timedelta(days=8)


def test_nothing_is_due_before_the_first_step_and_the_first_step_is_next():
    schedule = Schedule(Rule(), WEEK, j("1405/12/20"))
    assert schedule.due_step(j("1405/09/02")) is None
    assert schedule.first_fire(j("1405/09/02")) == schedule.step(-14).send_on


def test_escalation_starts_after_the_set_days_overdue():
    schedule = Schedule(Rule(escalate_after=14), WEEK, j("1405/09/10"))
    assert not schedule.step(7).escalated and schedule.step(14).escalated
    assert not Schedule(Rule(escalate_after=0), WEEK, j("1405/09/10")).step(70).escalated


def test_without_weekly_repeats_the_escalation_is_the_last_reminder():
    schedule = Schedule(Rule(before=(3,), overdue_every=0, escalate_after=10), WEEK, j("1405/09/10"))
    assert schedule.due_step(j("1405/09/25")).offset == 10
    assert schedule.next_send_after(j("1405/09/25")) is None
    assert schedule.first_fire(j("1405/10/30")) == schedule.step(10).send_on


def test_an_override_changes_only_the_parts_it_sets():
    rule = Rule().with_override(encode_override((30, 0), None, None))
    assert rule == Rule(before=(30, 0), overdue_every=7, escalate_after=7)
    assert Rule().with_override(encode_override(None, 3, 0)) == Rule(overdue_every=3, escalate_after=0)
    assert decode_override("30,0|3|") == ((30, 0), 3, None)
    assert encode_override(None, None, None) == ""


@pytest.mark.parametrize("rule, part", [
    (Rule(before=(7, -1)), "before"), (Rule(overdue_every=-7), "overdue_every"),
    (Rule(escalate_after=-1), "escalate_after"), (Rule(before=(400,)), "before"),
])
def test_negative_or_huge_days_are_problems(rule, part):
    assert part in rule.problems()
    assert Rule().problems() == {}

"""Working days and reminder rules: on which day each reminder of a deadline goes out (no database)."""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, timedelta

import jdatetime

FRIDAY = 4  # date.weekday() numbering: Monday 0 … Sunday 6
# The fixed solar public holidays, (Jalali month, day), prefilled by the migration; lunar ones move every year and
# are entered by an administrator for each year. 29 Esfand (oil nationalisation day) is fixed by law; 30 Esfand of
# a leap year is a working day unless an administrator adds it for that year.
FIXED_SOLAR_HOLIDAYS = [
    (1, 1, "نوروز"), (1, 2, "نوروز"), (1, 3, "نوروز"), (1, 4, "نوروز"),
    (1, 12, "روز جمهوری اسلامی"), (1, 13, "روز طبیعت"),
    (3, 14, "رحلت امام خمینی"), (3, 15, "قیام ۱۵ خرداد"),
    (11, 22, "پیروزی انقلاب اسلامی"), (12, 29, "روز ملی شدن صنعت نفت"),
]  # fmt: skip
# No run of holidays and weekends is this long; a reminder never moves back further.
LONGEST_BREAK = 30
MAX_DAYS = 365


@functools.lru_cache(maxsize=8192)
def jalali_month_day(day: date) -> tuple[int, int, int]:
    """(year, month, day) of a Gregorian date in the Jalali calendar."""
    jd = jdatetime.date.fromgregorian(date=day)
    return jd.year, jd.month, jd.day


@dataclass(frozen=True)
class WorkingWeek:
    """Which days offices work: weekdays off (a setting) and public holidays (yearly or of one year)."""

    days_off: frozenset[int] = frozenset({FRIDAY})
    yearly: frozenset[tuple[int, int]] = frozenset((m, d) for m, d, _name in FIXED_SOLAR_HOLIDAYS)
    dated: frozenset[tuple[int, int, int]] = frozenset()

    def is_working_day(self, day: date) -> bool:
        """Whether offices are open on this day."""
        if day.weekday() in self.days_off:
            return False
        year, month, dom = jalali_month_day(day)
        return (month, dom) not in self.yearly and (year, month, dom) not in self.dated

    def on_or_before(self, day: date) -> date:
        """The last working day on or before this day (the day itself when nothing is open for a month)."""
        return _on_or_before(self, day)


# A scan asks about the same few days for hundreds of deadlines.
@functools.lru_cache(maxsize=4096)
def _on_or_before(week: WorkingWeek, day: date) -> date:
    candidate = day
    for _ in range(LONGEST_BREAK):
        if week.is_working_day(candidate):
            return candidate
        candidate -= timedelta(days=1)
    return day


def _days(text: str) -> tuple[int, ...]:
    """Whole days from "14, 7, 1, 0" (either digit set, Persian comma too); ValueError when not."""
    from tracker.core.persian import to_latin_digits

    parts = [p.strip() for p in to_latin_digits(text).replace("،", ",").split(",")]
    return tuple(int(p) for p in parts if p)


@dataclass(frozen=True)
class Rule:
    """When a deadline's reminders go out: days before it, then every so many days while overdue, and when the
    province's directors are told as well."""

    before: tuple[int, ...] = (14, 7, 1, 0)
    overdue_every: int = 7
    escalate_after: int = 7

    def problems(self) -> dict[str, str]:
        """Which parts are out of range, by part name (empty when the rule is sound)."""
        found = {}
        if any(d < 0 for d in self.before):
            found["before"] = "negative"
        elif any(d > MAX_DAYS for d in self.before):
            found["before"] = "too_large"
        for name in ("overdue_every", "escalate_after"):
            value = getattr(self, name)
            if value < 0:
                found[name] = "negative"
            elif value > MAX_DAYS:
                found[name] = "too_large"
        return found

    def encode(self) -> str:
        """The rule as stored: "14,7,1,0|7|7"."""
        return f"{','.join(map(str, self.before))}|{self.overdue_every}|{self.escalate_after}"

    def with_override(self, override: str | None) -> Rule:
        """This rule with the parts an override sets ("30,7||" changes only the days before)."""
        if not override:
            return self
        before, every, escalate = (override.split("|") + ["", ""])[:3]
        return Rule(
            before=_days(before) if before.strip() else self.before,
            overdue_every=int(every) if every.strip() else self.overdue_every,
            escalate_after=int(escalate) if escalate.strip() else self.escalate_after,
        )


def encode_override(before: tuple[int, ...] | None, overdue_every: int | None, escalate_after: int | None) -> str:
    """An override of the default rule; empty parts keep the default ("" when nothing is overridden)."""
    parts = [",".join(map(str, before)) if before else "",
             "" if overdue_every is None else str(overdue_every),
             "" if escalate_after is None else str(escalate_after)]
    return "|".join(parts) if any(parts) else ""


def decode_override(text: str | None) -> tuple[tuple[int, ...] | None, int | None, int | None]:
    """The parts of an override, None where the default applies."""
    if not text:
        return None, None, None
    before, every, escalate = (text.split("|") + ["", ""])[:3]
    return (_days(before) or None, int(every) if every.strip() else None,
            int(escalate) if escalate.strip() else None)


@dataclass(frozen=True, order=True)
class Step:
    """One reminder of a deadline: `offset` days from the due date (−14 … 0 … +7k), sent on `send_on`."""

    offset: int
    occurs_on: date = field(compare=False)
    send_on: date = field(compare=False)
    escalated: bool = field(compare=False)


@dataclass(frozen=True)
class Schedule:
    """The reminders of one deadline under a rule and a working week."""

    rule: Rule
    week: WorkingWeek
    due: date

    def _offsets(self, today: date) -> list[int]:
        """The offsets worth looking at from today: every step before the due date and the escalation, and the
        overdue steps within a break and an interval of today (all that due_step and next_send_after need)."""
        offsets = {-d for d in self.rule.before}
        if self.rule.escalate_after > 0:
            offsets.add(self.rule.escalate_after)
        every = self.rule.overdue_every
        if every > 0:
            days = (today - self.due).days
            low, high = (days - LONGEST_BREAK) // every - 1, (days + LONGEST_BREAK) // every + 2
            offsets.update(k * every for k in range(max(1, low), high + 1))
        return sorted(offsets)

    def step(self, offset: int) -> Step:
        """The step at this offset, with its working-day send date."""
        occurs_on = self.due + timedelta(days=offset)
        escalated = self.rule.escalate_after > 0 and offset >= self.rule.escalate_after
        return Step(offset, occurs_on, self.week.on_or_before(occurs_on), escalated)

    def _around(self, today: date) -> list[Step]:
        return [self.step(offset) for offset in self._offsets(today)]

    def due_step(self, today: date) -> Step | None:
        """The latest step whose send date has come (after downtime, the one worth sending), or None."""
        sent = [s for s in self._around(today) if s.send_on <= today]
        return sent[-1] if sent else None

    def next_send_after(self, today: date) -> date | None:
        """The first send date after today, or None when no reminder is left."""
        return next((s.send_on for s in self._around(today) if s.send_on > today), None)

    def plan(self, today: date) -> tuple[Step | None, date | None]:
        """The step to send today (due_step) and the next send date after today (next_send_after), at once."""
        steps = self._around(today)
        sent = [s for s in steps if s.send_on <= today]
        return (sent[-1] if sent else None), next((s.send_on for s in steps if s.send_on > today), None)

    def first_fire(self, today: date) -> date | None:
        """When a deadline (new or changed) should next be looked at: a step already due, else the next one."""
        step = self.due_step(today)
        return step.send_on if step else self.next_send_after(today)

"""The iCalendar feed is valid RFC 5545: CRLF lines of at most 75 octets, escaped text, all-day events."""
from datetime import UTC, date, datetime

from tracker.deadlines.models import Deadline, DeadlineKind
from tracker.reminders.ical import escape_text, feed, fold


def unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def test_text_is_escaped():
    assert escape_text("الف, ب; ج\\د\nه") == "الف\\, ب\\; ج\\\\د\\nه"


def test_long_persian_lines_fold_at_75_octets_without_splitting_a_letter():
    line = "SUMMARY:" + "بازگشایی استخر کارگران کازرون " * 6
    folded = fold(line)
    assert all(len(part.encode("utf-8")) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line


def test_a_feed_has_one_all_day_event_per_deadline():
    deadline = Deadline(id=7, kind=DeadlineKind.milestone, item_id="3", province_id=1, title="بازگشایی, استخر",
                        path="/projects/x#milestone-3", due_date=date(2026, 3, 20))
    text = feed([deadline], name="سررسیدها", link=lambda p: "https://pishraft.example.org" + p,
                domain="pishraft.example.org", stamp=datetime(2026, 11, 23, 9, 30, tzinfo=UTC),
                summary=lambda d: f"نقطه عطف: {d.title}", kind_label=lambda k: "نقطه عطف")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    lines = unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR"
    assert {"VERSION:2.0", "PRODID:-//Pishraft//Reminders//FA", "BEGIN:VEVENT", "END:VEVENT",
            "UID:deadline-7@pishraft.example.org", "DTSTAMP:20261123T093000Z", "DTSTART;VALUE=DATE:20260320",
            "DTEND;VALUE=DATE:20260321", "SUMMARY:نقطه عطف: بازگشایی\\, استخر",
            "URL:https://pishraft.example.org/projects/x#milestone-3"} <= set(lines)
    description = next(line for line in lines if line.startswith("DESCRIPTION:"))
    assert "۲۹ اسفند ۱۴۰۴" in description

"""An iCalendar (RFC 5545) feed of deadlines as all-day events, written by hand: it needs only a few properties."""
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from tracker.core.jalali import format_jalali
from tracker.deadlines.models import Deadline

MAX_OCTETS = 75  # RFC 5545 3.1: lines longer than this are folded


def escape_text(value: str) -> str:
    """A TEXT value escaped (RFC 5545 3.3.11): backslash, semicolon, comma and newlines."""
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def fold(line: str) -> str:
    """A content line folded at 75 octets without splitting a UTF-8 character; continuation lines start with
    a space."""
    parts, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > MAX_OCTETS:
            parts.append(current)
            current, size = " ", 1
        current += char
        size += width
    parts.append(current)
    return "\r\n".join(parts)


def _date(day: date) -> str:
    return day.strftime("%Y%m%d")


def feed(deadlines: Iterable[Deadline], *, name: str, link, domain: str, stamp: datetime,
         summary, kind_label) -> str:
    """The calendar: one all-day event per deadline on its due date, with a Persian summary and a link.

    `link(path)` makes an absolute URL; `summary(deadline)` and `kind_label(kind)` give the Persian texts.
    """
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Pishraft//Reminders//FA", "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH", f"X-WR-CALNAME:{escape_text(name)}", "X-WR-TIMEZONE:Asia/Tehran",
    ]
    for deadline in deadlines:
        url = link(deadline.path)
        description = f"{kind_label(deadline.kind)} — {format_jalali(deadline.due_date, 'long')}\n{url}"
        lines += [
            "BEGIN:VEVENT",
            f"UID:deadline-{deadline.id}@{domain}",
            f"DTSTAMP:{stamp:%Y%m%dT%H%M%SZ}",
            f"DTSTART;VALUE=DATE:{_date(deadline.due_date)}",
            f"DTEND;VALUE=DATE:{_date(deadline.due_date + timedelta(days=1))}",
            f"SUMMARY:{escape_text(summary(deadline))}",
            f"DESCRIPTION:{escape_text(description)}",
            f"URL:{url}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)

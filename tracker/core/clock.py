"""The one reader of the real time: the moment in UTC and today's date in Tehran."""
import datetime
import zoneinfo

TEHRAN = zoneinfo.ZoneInfo("Asia/Tehran")


def now() -> datetime.datetime:
    """The current moment as an aware UTC datetime (how timestamps are stored)."""
    return datetime.datetime.now(datetime.UTC)


def utc(moment: datetime.datetime) -> datetime.datetime:
    """A stored timestamp as an aware UTC datetime (SQLite hands them back naive)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def today(at: datetime.datetime | None = None) -> datetime.date:
    """Today's date in Tehran (where reminder days and displayed dates are counted), or that of the moment `at`."""
    return utc(at if at is not None else now()).astimezone(TEHRAN).date()

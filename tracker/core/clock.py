"""The one reader of the real time: the moment in UTC and today's date in Tehran."""
import datetime
import zoneinfo

TEHRAN = zoneinfo.ZoneInfo("Asia/Tehran")


def now() -> datetime.datetime:
    """The current moment as an aware UTC datetime (how timestamps are stored)."""
    return datetime.datetime.now(datetime.UTC)


def today(at: datetime.datetime | None = None) -> datetime.date:
    """Today's date in Tehran (where reminder days and displayed dates are counted), or that of the moment `at`."""
    moment = at if at is not None else now()
    if moment.tzinfo is None:  # stored timestamps are UTC
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment.astimezone(TEHRAN).date()

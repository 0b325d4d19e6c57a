"""The clock: Tehran's today, and no other module reading the real time."""
import datetime
import re
from datetime import UTC

import pytest

from tests.conftest import DEFAULT_DAY, on_awkward_days, tehran_moment
from tracker.core import clock
from tracker.core.config import PROJECT_ROOT
from tracker.core.jalali import format_jalali


@pytest.mark.parametrize(
    ("utc_moment", "expected"),
    [
        (datetime.datetime(2025, 9, 15, 20, 29, tzinfo=UTC), datetime.date(2025, 9, 15)),
        (datetime.datetime(2025, 9, 15, 20, 30, tzinfo=UTC), datetime.date(2025, 9, 16)),
        (datetime.datetime(2025, 9, 15, 20, 30), datetime.date(2025, 9, 16)),  # naive means UTC
    ],
)
def test_today_is_tehrans_date(utc_moment, expected):
    assert clock.today(utc_moment) == expected


def test_now_is_aware_utc_and_frozen_for_tests():
    assert clock.now().utcoffset() == datetime.timedelta(0)
    assert tehran_moment(DEFAULT_DAY) <= clock.now() < tehran_moment(DEFAULT_DAY, hour=11)
    assert format_jalali(clock.today(), locale="en") == DEFAULT_DAY.replace("-", "/")


@on_awkward_days
def test_the_frozen_day_reaches_the_clock(frozen_clock, request):
    day = request.node.callspec.params["frozen_clock"]
    assert format_jalali(clock.today(), locale="en") == day.replace("-", "/")


READS_THE_REAL_TIME = re.compile(r"\b(?:date\.today|datetime\.now|datetime\.utcnow|time\.time)\(|\bdatetime\.today\(")


@pytest.mark.parametrize("folder", ["tracker", "bench", "tests"])
def test_only_the_clock_module_reads_the_real_time(folder):
    readers = [f"{path.relative_to(PROJECT_ROOT)}:{number}"
               for path in sorted((PROJECT_ROOT / folder).rglob("*.py"))
               if path != PROJECT_ROOT / "tracker" / "core" / "clock.py"
               and path != PROJECT_ROOT / "tests" / "core" / "test_clock.py"
               for number, line in enumerate(path.read_text().splitlines(), 1)
               if READS_THE_REAL_TIME.search(line)]
    assert readers == []

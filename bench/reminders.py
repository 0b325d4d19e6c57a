"""Benchmark one reminder scan over 10,000 and 100,000 open deadlines of which 500 are due.

Per size, a throwaway database (PostgreSQL if reachable) is seeded in bulk with COPY: 200 staff users of Fars,
the deadlines (each with a responsible user; the due ones' seven-day reminder falls on 1405/09/02, the others'
next reminder on a later day, a tenth of them closed). Then `run_scan` is timed in-process, email off (no SMTP
host, not demo mode: the scan plans the reminder rows and in-app notices, which is what grows with the items;
sending to a mail server costs the same per email at any size). Eleven rounds, each with 500 fresh due steps
(the due date moves so that the reminders' keys are new) after a first, warm-up round; the figure is their
median (max_ms the slowest, first_ms the warm-up):

    bench: reminder_scan_100k items=100000 due=500 ms=… max_ms=… first_ms=… db=… reminders=… notices=… …
    bench: reminder_scan_10k items=10000 due=500 ms=… max_ms=… first_ms=… db=… reminders=… notices=… …

The scan reads only the rows whose next_fire_on has come, through its index: both figures should be close.
"""
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as `python bench/reminders.py` too
    sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select, update  # noqa: E402
from sqlalchemy.orm import sessionmaker  # noqa: E402
from sqlmodel import Session  # noqa: E402

import tracker  # noqa: E402
from bench import database  # noqa: E402
from tracker.accounts.models import Role, User  # noqa: E402
from tracker.core import clock  # noqa: E402
from tracker.core.db import make_engine  # noqa: E402
from tracker.core.jalali import parse_jalali_date  # noqa: E402
from tracker.core.mail import MailSettings  # noqa: E402
from tracker.deadlines.models import Deadline  # noqa: E402
from tracker.places.models import Province  # noqa: E402
from tracker.reminders.models import Notice, Reminder  # noqa: E402
from tracker.reminders.scan import run_scan  # noqa: E402

TODAY = parse_jalali_date("1405/09/02")
SIZES = ((10_000, "10k"), (100_000, "100k"))
DUE = 500
USERS = 200
# Each round moves the due ones' due date so that the step falling today is new: 7, 14, 1 days before, the day
# itself, then one to seven weeks late. The first round warms up (caches, connections) and is not counted.
ROUND_DAYS_BEFORE = (7, 14, 1, 0, -7, -14, -21, -28, -35, -42, -49)
COLUMNS = ("kind", "item_id", "province_id", "title", "path", "due_date", "responsible_user_id", "state", "rule",
           "next_fire_on", "is_sample", "updated_at")


def _seed(engine, items: int) -> list[int]:
    """Users and deadlines, in bulk; returns the ids of the due deadlines."""
    rng = random.Random(1405)
    now = clock.now()
    with engine.begin() as conn:
        fars = conn.execute(select(Province.id).where(Province.code == "fars")).scalar_one()
        conn.execute(insert(User), [{"username": f"bench{n}", "password_hash": "x", "role": Role.staff,
                                     "province_id": fars, "email": f"bench{n}@example.org", "active": True,
                                     "email_opt_out": False, "full_name": "", "created_at": now}
                                    for n in range(USERS)])
        user_ids = conn.execute(select(User.id)).scalars().all()
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cursor, cursor.copy(f"COPY deadlines ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for n in range(items):
                due_now = n < DUE
                due = TODAY + timedelta(days=7 if due_now else rng.randint(20, 700))
                closed = not due_now and n % 10 == 0
                next_fire = None if closed else (TODAY if due_now else due - timedelta(days=14))
                copy.write_row(("milestone", str(n), fars, f"نقطه عطف نمونه {n}", f"/projects/p{n % 997}",
                                due, rng.choice(user_ids), "done" if closed else "open", "", next_fire, True, now))
        raw.commit()
    finally:
        raw.close()
    # Vacuumed now, so that autovacuum, woken by the bulk load, does not run during the measurement.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE deadlines")
        conn.exec_driver_sql("VACUUM ANALYZE users")
        return conn.execute(select(Deadline.id).where(Deadline.next_fire_on == TODAY)).scalars().all()


def _renew(engine, due_ids: list[int], days_before: int) -> None:
    """Make the same 500 deadlines due again today, with a due date whose step today is new."""
    with engine.begin() as conn:
        conn.execute(update(Deadline).where(Deadline.id.in_(due_ids))
                     .values(next_fire_on=TODAY, due_date=TODAY + timedelta(days=days_before)))


def _measure(app, db: database.BenchDatabase, items: int, label: str) -> None:
    engine = make_engine(db.url)
    factory = sessionmaker(engine, class_=Session, expire_on_commit=False)
    seeding = time.monotonic()
    due_ids = _seed(engine, items)
    print(f"bench: seeded deadlines={items} seconds={time.monotonic() - seeding:.1f}", file=sys.stderr, flush=True)
    timings, results = [], []
    with app.app_context():
        for days_before in ROUND_DAYS_BEFORE:
            _renew(engine, due_ids, days_before)
            started = time.perf_counter()
            result = run_scan(factory, today=TODAY, mail=MailSettings())
            timings.append((time.perf_counter() - started) * 1000)
            results.append(result)
    with engine.connect() as conn:
        reminders = conn.execute(select(func.count()).select_from(Reminder)).scalar_one()
        notices = conn.execute(select(func.count()).select_from(Notice)).scalar_one()
    engine.dispose()
    if any(r.reminders != DUE for r in results) or reminders != DUE * len(ROUND_DAYS_BEFORE):
        raise AssertionError(f"expected {DUE} reminders a round, got {[r.reminders for r in results]}")
    measured = timings[1:]
    print(f"bench: reminder_scan_{label}_rounds ms={','.join(str(round(t)) for t in timings)}", file=sys.stderr)
    print(f"bench: reminder_scan_{label} items={items} due={DUE} ms={statistics.median(measured):.0f} "
          f"max_ms={max(measured):.0f} first_ms={timings[0]:.0f} db={db.kind} reminders={reminders} "
          f"notices={notices} rounds={len(measured)} email=off", flush=True)


def run(_args=None) -> None:
    """Print the two figures."""
    app = tracker.create_app({"DATABASE_URL": "sqlite://", "SMTP_HOST": "", "DEMO": False})
    for items, label in SIZES:
        with database.throwaway() as db:
            _measure(app, db, items, label)


if __name__ == "__main__":
    run()

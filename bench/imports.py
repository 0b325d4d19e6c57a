"""Benchmark the preview of a 5,000-row workbook of projects: every row read and run through the projects service
inside a savepoint that is rolled back, as the preview page does.

In-process against a throwaway database (PostgreSQL if reachable) seeded with the places of bench/seed.py and
1,000 projects, as the director of Fars; the file mixes Persian and Latin digits, Jalali dates as text, as
eight-digit numbers and as Excel dates, with a few rows that fail (unknown county, impossible date, duplicate):

    bench: import_preview_5k ms=… read_ms=… rows=… failed=… db=… runs=…

ms is the median of the whole preview (reading the stored file included); read_ms the median of reading the
sheet alone. The goal is ms under 5,000.
"""
import datetime
import io
import random
import statistics
import tempfile
import time

from openpyxl import Workbook

from bench import database, seed

ROWS = 5_000
EXISTING_PROJECTS = 1_000
RUNS = 3
HEADERS = ["نام پروژه", "شهرستان", "مجموعه", "وضعیت", "تاریخ شروع", "تاریخ هدف", "پیشرفت فیزیکی", "شرح"]
STATUSES = ["در حال اجرا", "برنامه‌ریزی‌شده", "planned", "", "متوقف"]


def workbook(places: list, rows: int = ROWS) -> bytes:
    """A sheet of new projects on the given facilities; one row in 500 wrong on purpose."""
    rng = random.Random(1405)
    book = Workbook()  # as Excel saves it, with the sheet's dimension (write-only mode leaves it out)
    sheet = book.active
    sheet.title = "پروژه‌ها"
    sheet.append(HEADERS)
    for number in range(rows):
        place = places[number % len(places)]
        start = [f"۱۴۰۴/۰{1 + number % 9}/۱۵", 14040215, datetime.datetime(2025, 5, 1)][number % 3]
        county = "ناکجاآباد" if number % 500 == 7 else place.county_fa
        target = "1404/12/30" if number % 500 == 9 else f"1406/{1 + number % 12:02d}/01"
        sheet.append([f"بهسازی شماره {number} {place.facility_name}", county, place.facility_name,
                      STATUSES[number % len(STATUSES)], start, target, rng.randrange(0, 101),
                      "بهسازی سالن و تأسیسات"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run(_args) -> None:
    """Print the import_preview_5k line."""
    from sqlmodel import select

    import tracker
    from tracker.accounts.models import User
    from tracker.core.storage import storage_for
    from tracker.imports import services
    from tracker.imports.columns import guess
    from tracker.imports.models import ImportKind
    from tracker.imports.workbook import read_sheet

    with database.throwaway() as db, tempfile.TemporaryDirectory(prefix="pishraft-imports-") as folder:
        app = tracker.create_app({"DATABASE_URL": db.url, "TESTING": False, "UPLOAD_DIR": folder})
        engine = app.extensions["engine"]
        seeded = seed.seed_places(engine)
        seed.add_projects(engine, seeded, EXISTING_PROJECTS)
        fars = [place for place in seeded.places if place.province_id == seeded.user_province_id]
        data = workbook(fars)
        storage = storage_for(app.config, "uploads")
        with app.app_context(), app.extensions["session_factory"]() as session:
            director = session.exec(select(User).where(User.id == seeded.user_id)).one()
            upload = services.upload_workbook(session, actor=director, kind=ImportKind.projects,
                                              filename="bench.xlsx", data=data, storage=storage)
            headers = services.headers(upload, storage)
            services.map_columns(session, actor=director, upload=upload, headers=headers,
                                 columns=guess(ImportKind.projects, headers))
            session.commit()
            reads, previews = [], []
            for _ in range(RUNS):
                began = time.perf_counter()
                read_sheet(storage.get(upload.file_key), upload.sheet)
                reads.append(time.perf_counter() - began)
                began = time.perf_counter()
                outcome = services.preview(session, actor=director, upload=upload, storage=storage)
                previews.append(time.perf_counter() - began)
                session.rollback()
        if len(outcome.rows) != ROWS or outcome.failed != 2 * ROWS // 500:
            raise AssertionError(f"expected {ROWS} rows, {2 * ROWS // 500} failing; got {len(outcome.rows)}, "
                                 f"{outcome.failed}")
        print(f"bench: import_preview_5k ms={statistics.median(previews) * 1000:.0f} "
              f"read_ms={statistics.median(reads) * 1000:.0f} rows={len(outcome.rows)} failed={outcome.failed} "
              f"db={db.kind} runs={RUNS}", flush=True)
        engine.dispose()

"""Benchmark the searched, filtered project list at 1,000 and 10,000 projects; print `bench: …` lines.

Seeds a throwaway PostgreSQL database (SQLite if no server answers; `db=` says which), serves the app
with gunicorn (2 workers), logs in through the real form as a director of Fars and loads the list with
16 concurrent HTTP connections. Per size, one line per figure, so that runs can be compared:

    bench: bare p50_ms=… p95_ms=… rps=… projects=… db=… route=/ concurrency=16
    bench: healthz p50_ms=… p95_ms=… rps=… projects=… db=… concurrency=16
    bench: projects_list p50_ms=… p95_ms=… rps=… statements=… ratio_to_bare=… projects=… db=… matches=… …
    bench: projects_list_fragment (the same, with HX-Request: true)
    bench: projects_list_serial p50_ms=… p95_ms=… rps=… projects=… db=… matches=… concurrency=1

`statements` is counted in-process; `ratio_to_bare` is the list's rps over the bare route's, measured
in turns in the same run. `--explain` prints PostgreSQL's EXPLAIN ANALYZE of the list's queries to stderr.

Then the budget grid and one cell save at 500 and 2,000 projects, on a database of their own (bench/budgets.py):

    bench: budget_grid p50_ms=… p95_ms=… statements=… projects=… db=… level=… rows=… matches=… requests=…
    bench: budget_cell_save p50_ms=… p95_ms=… statements=… projects=… db=… level=… requests=…

Then the processing of one 12-megapixel photo of a site visit (bench/photos.py), in-process:

    bench: photo_process p50_ms=… p95_ms=… megapixels=12 runs=…

Then the status briefs, in-process (bench/briefs.py): a two-page project brief with four photos, and a
constituency of 30 projects:

    bench: brief_project ms=… layout_ms=… ratio=… kb=… pages=… photos=4 db=… runs=…
    bench: brief_constituency_30 ms=… pages=… kb=… db=… runs=…

Then one reminder scan over 10,000 and 100,000 open deadlines of which 500 are due, in-process, email off
(bench/reminders.py):

    bench: reminder_scan_10k items=10000 due=500 ms=… max_ms=… first_ms=… db=… …
    bench: reminder_scan_100k items=100000 due=500 ms=… max_ms=… first_ms=… db=… …

Then a password-reset request for an account that exists and one that does not, in-process (bench/accounts.py):

    bench: password_reset known_ms=… unknown_ms=… ratio=… db=… runs=…

Then the OC4IDS open data packages of 2,000 projects, in-process (bench/opendata.py):

    bench: oc4ids_public p50_ms=… max_ms=… statements=… projects=… kb=… db=… runs=…
    bench: oc4ids_province p50_ms=… max_ms=… statements=… projects=… kb=… db=… runs=…
Then the JSON API at 10,000 projects, in-process with a token (bench/api.py):

    bench: api_projects_page p50_ms=… p95_ms=… per_page=100 projects=… db=… runs=…
    bench: api_project p50_ms=… p95_ms=… projects=… db=… runs=…

Last, a soak (bench/soak.py): 16 users, each logged in through the form, mixing reads and writes (the list, a
project page, budget cell saves, visits with a photo, decision state changes) through the real forms for 60 s
(`--soak-seconds`) against gunicorn (4 workers, `--soak-workers`), then a check that every write answered with
success is in the database; a 409 conflict is counted, not an error. It fails the run unless errors and
lost_writes are 0:

    bench: soak requests=… errors=0 lost_writes=0 p95_ms=… conflicts=… users=16 seconds=60 db=… p50_ms=… rps=… …

Then the preview of a 5,000-row workbook of projects, in-process (bench/imports.py):

    bench: import_preview_5k ms=… read_ms=… rows=5000 failed=… db=… runs=…

Then the first load over a weak mobile link (400 ms, 50 KB/s down, 20 KB/s up) in Chromium, the login page on an
empty cache and the project list after logging in (bench/weak_link.py):

    bench: first_load kb=… requests=… ms=… second_kb=… second_requests=… second_static=… latency_ms=400 …

`--only projects`, `--only budgets`, `--only photos`, `--only briefs`, `--only reminders`, `--only accounts`,
`--only opendata`, `--only api`, `--only imports`, `--only first_load` or `--only soak` runs one of them.
"""
import argparse
import os
import secrets
import signal
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from bench import (  # noqa: E402
    accounts,
    api,
    briefs,
    budgets,
    database,
    imports,
    load,
    opendata,
    photos,
    reminders,
    seed,
    server,
    soak,
    weak_link,
)
from bench.inprocess import Statement, StatementCounter  # noqa: E402
from tracker.core.db import make_engine  # noqa: E402
from tracker.core.persian import format_number, normalize_search  # noqa: E402
from tracker.projects.models import Project, ProjectStatus  # noqa: E402

SIZES = (1_000, 10_000)
# A word in three of the five kinds of facility name ("…کارگران…"): a fraction of Fars's projects match.
QUERY = "کارگران"
STATUS = ProjectStatus.in_progress
LIST_PATH = "/projects/?" + urlencode({"q": QUERY, "status": STATUS.value})
HTMX = {"HX-Request": "true"}
# The bare route: "/" only redirects to the project list, with no database, template or user lookup,
# so it is cheaper than /healthz (which runs SELECT 1); /healthz is measured too, for reference.
BARE_PATH = "/"
HEALTHZ_PATH = "/healthz"
RESULTS_MARK = b'<table class="projects">'
PAGE_ROWS = 25
SERIAL_REQUESTS = 200


def _expected_total(engine, province_id: int) -> int:
    """How many projects the list should find, counted straight in SQL."""
    with engine.connect() as conn:
        return conn.execute(
            select(func.count()).select_from(Project).where(
                Project.province_id == province_id, Project.status == STATUS,
                Project.search_text.contains(normalize_search(QUERY)))
        ).scalar_one()


def _check_page(html: str, total: int, where: str) -> None:
    """Fail unless a list page shows the expected count and a full first page of rows."""
    rows = html.count("<tr>") - 1  # minus the header row
    if total == 0 or format_number(total, "fa") not in html or rows != min(total, PAGE_ROWS):
        raise AssertionError(f"{where}: expected the count {total} and {min(total, PAGE_ROWS)} rows; "
                             f"saw {rows} rows, count shown: {format_number(total, 'fa') in html}")


def _status_check(status: int, mark: bytes | None = None):
    """A reply check: this status, and this text in the body when given."""
    def check(reply: load.Reply) -> None:
        if reply.status != status or (mark is not None and mark not in reply.body):
            raise AssertionError(f"answered {reply.status} instead of {status} with the expected content")
    return check


def _line(name: str, figures: load.Figures, **keys) -> str:
    """One output line: the name, the latency and throughput figures, then key=value pairs."""
    return f"bench: {name} {figures} " + " ".join(f"{key}={value}" for key, value in keys.items())


def _measure_size(args, db, engine, seeded, counter, base_url, cookies) -> list[Statement]:
    """Measure every figure at the current number of projects and print its lines."""
    size = seeded.projects
    total = _expected_total(engine, seeded.user_province_id)
    statements, html = counter.statements(seeded.user_id, LIST_PATH)
    _check_page(html, total, "in-process page")
    fragment_statements, html = counter.statements(seeded.user_id, LIST_PATH, HTMX)
    _check_page(html, total, "in-process fragment")
    common = {"projects": size, "db": db.kind}
    found = _status_check(200, RESULTS_MARK)
    targets = {
        "bare": load.Target(BARE_PATH, _status_check(302)),
        "healthz": load.Target(HEALTHZ_PATH, _status_check(200, b'"ok"')),
        "projects_list": load.Target(LIST_PATH, found),
        "projects_list_fragment": load.Target(LIST_PATH, found, HTMX),
    }
    figures = load.measure(base_url, cookies, targets, requests=args.requests, seconds=args.seconds,
                           concurrency=args.concurrency, client=args.client)
    bare = figures["bare"]
    print(_line("bare", bare, **common, route=BARE_PATH, concurrency=args.concurrency))
    print(_line("healthz", figures["healthz"], **common, concurrency=args.concurrency))
    for name, count in (("projects_list", len(statements)), ("projects_list_fragment", len(fragment_statements))):
        print(_line(name, figures[name], statements=count, ratio_to_bare=f"{figures[name].rps / bare.rps:.2f}",
                    **common, matches=total, concurrency=args.concurrency))
    # One request at a time: the time a single user waits, with no queueing behind others.
    serial = load.measure(base_url, cookies, {"serial": load.Target(LIST_PATH, found)}, requests=SERIAL_REQUESTS,
                          seconds=args.seconds, concurrency=1, client=args.client, rounds=1)["serial"]
    print(_line("projects_list_serial", serial, **common, matches=total, concurrency=1), flush=True)
    return statements


def _project_list(args, secret_key: str) -> None:
    """The project list's figures at each size; the database is dropped and gunicorn stopped whatever happens."""
    with database.throwaway() as db:
        engine = make_engine(db.url)
        seeded = seed.seed_places(engine)
        counter = StatementCounter.on(db.url)
        try:
            with server.gunicorn(db.url, secret_key) as base_url:
                cookies = load.login(base_url, seed.USERNAME, seed.PASSWORD, LIST_PATH)
                for size in SIZES:
                    seeding = time.monotonic()
                    seed.add_projects(engine, seeded, size - seeded.projects)
                    seed.check_search_text(engine)
                    print(f"bench: seeded projects={size} seconds={time.monotonic() - seeding:.1f}",
                          file=sys.stderr, flush=True)
                    statements = _measure_size(args, db, engine, seeded, counter, base_url, cookies)
            if args.explain and db.kind == "postgresql":
                for sql, plan in counter.explain(statements):
                    print(f"\n-- {' '.join(sql.split())}\n{plan}", file=sys.stderr)
        finally:
            counter.close()
            engine.dispose()


def main() -> int:
    """Measure the project list, the budgets, photos, briefs, reminders, accounts, open data, the API, imports and
    the first load on a weak link, then soak; print their lines."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=800, help="measured requests per URL (default 800)")
    parser.add_argument("--seconds", type=float, default=20, help="time limit per URL (default 20)")
    parser.add_argument("--concurrency", type=int, default=load.CONCURRENCY, help="connections at once")
    parser.add_argument("--client", choices=("raw", "httpx"), default="raw", help="HTTP client of the load")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of the measured queries")
    parser.add_argument("--only", choices=("projects", "budgets", "photos", "briefs", "reminders", "accounts",
                                           "opendata", "api", "imports", "first_load", "soak"),
                        help="measure only one of the parts described above")
    parser.add_argument("--budget-requests", type=int, default=200,
                        help="measured grid loads and cell saves per size (default 200)")
    parser.add_argument("--budget-level", choices=("auto", "http", "service"), default="auto",
                        help="budgets through gunicorn (http) or the query and service in-process; auto: http "
                             "when the app has the budget routes")
    parser.add_argument("--photo-runs", type=int, default=30, help="measured photo processings (default 30)")
    parser.add_argument("--brief-runs", type=int, default=15, help="measured project briefs (default 15)")
    parser.add_argument("--constituency-runs", type=int, default=3,
                        help="measured constituency briefs of 30 projects (default 3)")
    parser.add_argument("--soak-seconds", type=float, default=60, help="how long the soak's users work (default 60)")
    parser.add_argument("--soak-workers", type=int, default=soak.WORKERS,
                        help=f"gunicorn workers the soak runs against (default {soak.WORKERS})")
    args = parser.parse_args()
    # A SIGTERM (or Ctrl-C) unwinds through the `with` blocks, which stop gunicorn and drop the database.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    secret_key = secrets.token_hex(32)
    os.environ["TRACKER_SECRET_KEY"] = secret_key  # so create_app never writes instance/secret_key
    started = time.monotonic()
    if args.only in (None, "projects"):
        _project_list(args, secret_key)
    if args.only in (None, "budgets"):
        budgets.run(args, secret_key)
    if args.only in (None, "photos"):
        photos.run(args, ROOT / "instance")
    if args.only in (None, "briefs"):
        briefs.run(args)
    if args.only in (None, "reminders"):
        reminders.run(args)
    if args.only in (None, "accounts"):
        accounts.run(args)
    if args.only in (None, "opendata"):
        opendata.run(args)
    if args.only in (None, "api"):
        api.run(args)
    if args.only in (None, "imports"):
        imports.run(args)
    if args.only in (None, "first_load"):
        weak_link.run(args)
    if args.only in (None, "soak"):
        soak.run(args, secret_key)
    print(f"bench: done seconds={time.monotonic() - started:.0f}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

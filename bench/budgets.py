"""Benchmark the budget grid of one fiscal year and one cell save at 500 and 2,000 projects.

Seeds a throwaway database (PostgreSQL if reachable) with projects × 7 funding sources × 5 fiscal years
(1401–1405), each line with 10 ledger entries, and a budget officer of Fars, where a quarter of the projects
are, so that a grid page is full (50 rows). Then, one request at a time (the issue gives no concurrency):

    bench: budget_grid p50_ms=… p95_ms=… statements=… projects=… db=… level=… rows=… matches=… requests=…
    bench: budget_cell_save p50_ms=… p95_ms=… statements=… projects=… db=… level=… requests=…

level=http: through gunicorn, as the budget officer logged in through the form: GET of the grid page
(/budgets/?year=1405&figure=allocated) and the htmx POST of one cell with its reason (the cell and the three
totals it changes come back). Every save is an accepted edit of a different cell against its current
version, checked in the database afterwards. `statements` is counted in-process, as for the project list.
level=service (when the app has no budget routes, or with --budget-level service): queries.grid, or
services.change_figure and a commit, each in a fresh session with the user loaded as a request loads it;
no HTTP, no template — not comparable with level=http figures.
"""
import random
import re
import socket
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode, urlsplit

import httpx
from sqlalchemy import Engine, func, insert, select
from werkzeug.security import generate_password_hash

from bench import database, load, seed, server
from bench.inprocess import Statement, StatementCounter
from tracker.accounts.models import Role, User
from tracker.budgets import queries, services
from tracker.budgets.models import BudgetEntry, BudgetLine, Figure, FundingSource
from tracker.core.db import make_engine
from tracker.core.persian import format_number
from tracker.projects.models import Project

SIZES = (500, 2_000)
FISCAL_YEARS = range(1401, 1406)
YEAR = 1405
FIGURE = Figure.allocated
ENTRIES_PER_LINE = 10
PROVINCE_SHARE = 0.25  # of the projects in the officer's province
PAGE_ROWS = 50
WARMUP = 10
# The seventh source, next to the six the budgets migration adds.
EXTRA_SOURCE = {"code": "donors", "name_fa": "کمک خیرین", "name_en": "Donors' contributions", "position": 6,
                "active": True}
OFFICER = "bench-budget-officer"
PASSWORD = "bench-password-1404"
GRID_PATH = "/budgets/?" + urlencode({"year": YEAR, "figure": FIGURE.value})
GRID_MARK = b'<table class="budget-grid">'
SAVED_MARK = b'id="grand-total"'  # the totals a successful save sends out of band
HTMX = {"HX-Request": "true"}
REASONS = ["ابلاغیه سازمان برنامه و بودجه", "اصلاحیه موافقت‌نامه", "تخصیص سه‌ماهه", "گزارش هزینه‌کرد پیمانکار"]
CYCLE = (Figure.approved, Figure.notified, Figure.allocated, Figure.spent)
ENTRY_COLUMNS = ("line_id", "version", "figure", "from_amount", "to_amount", "reason", "letter_number",
                 "letter_date", "actor_id", "at")


@dataclass(frozen=True)
class BudgetSeed:
    """What the measurements need from the seed."""

    officer_id: int
    province_id: int
    source_ids: list[int]
    places: list[seed.Place]  # every facility, the officer's province's repeated to weigh PROVINCE_SHARE


def seed_reference(engine: Engine, seeded: seed.Seeded) -> BudgetSeed:
    """The seventh funding source and a budget officer of the director's province (Fars)."""
    with engine.begin() as conn:
        conn.execute(insert(FundingSource.__table__), [EXTRA_SOURCE])
        source_ids = list(conn.execute(select(FundingSource.id).order_by(FundingSource.position)).scalars())
        [officer_id] = seed._insert(conn, User, [{
            "username": OFFICER, "full_name": "کارشناس بودجه فارس", "email": "budget@example.org",
            "password_hash": generate_password_hash(PASSWORD), "role": Role.budget_officer,
            "province_id": seeded.user_province_id, "county_id": None, "active": True, "created_at": seed.NOW,
        }])
    home = [p for p in seeded.places if p.province_id == seeded.user_province_id]
    others = len(seeded.places) - len(home)
    weight = round(PROVINCE_SHARE * others / ((1 - PROVINCE_SHARE) * len(home)))
    return BudgetSeed(officer_id, seeded.user_province_id, source_ids, seeded.places + home * (weight - 1))


def _ledger(rng: random.Random) -> list[tuple[Figure, int, int]]:
    """Ten (figure, from, to) steps, approved → notified → allocated → spent in turn, with
    allocated ≤ notified ≤ approved after every step; spent sometimes passes allocated (flagged)."""
    unit = 1_000_000  # amounts in millions of rials
    values = dict.fromkeys(Figure, 0)
    steps = []
    for step in range(ENTRIES_PER_LINE):
        figure = CYCLE[step % len(CYCLE)]
        approved, notified, allocated = values[Figure.approved], values[Figure.notified], values[Figure.allocated]
        if figure is Figure.approved:
            floor = max(approved, notified)
            new = floor + floor * rng.randint(0, 30) // 100 if floor else rng.randrange(100, 50_000) * unit
        elif figure is Figure.notified:
            new = allocated + (approved - allocated) * rng.randint(60, 100) // 100
        elif figure is Figure.allocated:
            new = notified * rng.randint(40, 95) // 100
        else:
            new = allocated * rng.randint(30, 110) // 100
        steps.append((figure, values[figure], new))
        values[figure] = new
    return steps


def _copy(conn, table, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Bulk-insert rows: COPY on PostgreSQL, executemany in chunks on SQLite."""
    if conn.dialect.name == "postgresql":
        cursor = conn.connection.driver_connection.cursor()
        with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    for start in range(0, len(rows), 20_000):
        conn.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows[start:start + 20_000]])


def add_lines(engine: Engine, budget: BudgetSeed, project_ids: list[int]) -> tuple[int, int]:
    """Give each project a line per source and fiscal year, each with its ledger; return (lines, entries)."""
    rng = random.Random(project_ids[0])
    lines, ledgers = [], []
    for project_id in project_ids:
        for year in FISCAL_YEARS:
            for source_id in budget.source_ids:
                steps = _ledger(rng)
                start = seed.NOW - timedelta(days=(1405 - year) * 365 + 300)
                times = [start + timedelta(days=20 * k, minutes=rng.randrange(600)) for k in range(len(steps))]
                last = {figure: to for figure, _from, to in steps}
                lines.append({"project_id": project_id, "fiscal_year": year, "source_id": source_id,
                              **{figure.value: last[figure] for figure in Figure}, "version": len(steps),
                              "updated_at": times[-1], "updated_by": budget.officer_id})
                ledgers.append((steps, times))
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Ids from the table's own sequence, then COPY: an INSERT … RETURNING of 70,000 rows is much slower.
            line_ids = list(conn.exec_driver_sql(
                "SELECT nextval(pg_get_serial_sequence('budget_lines', 'id')) FROM generate_series(1, %(n)s)",
                {"n": len(lines)}).scalars())
            columns = ("id", *lines[0])
            _copy(conn, BudgetLine.__table__, columns,
                  [(line_id, *line.values()) for line_id, line in zip(line_ids, lines, strict=True)])
        else:
            line_ids = seed._insert(conn, BudgetLine, lines)
        entries = [
            (line_id, version, figure.value, before, after, REASONS[version % len(REASONS)],
             f"{version}/{line_id}/ب" if version % 3 == 0 else "", date(2026, 1, 1) if version % 3 == 0 else None,
             budget.officer_id, at)
            for line_id, (steps, times) in zip(line_ids, ledgers, strict=True)
            for version, ((figure, before, after), at) in enumerate(zip(steps, times, strict=True), start=1)
        ]
        _copy(conn, BudgetEntry.__table__, ENTRY_COLUMNS, entries)
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("ANALYZE")
    return len(lines), len(entries)


def check_seed(engine: Engine) -> None:
    """Fail unless every line's figures and version are those of its ledger's last entries."""
    last = select(BudgetEntry.line_id, BudgetEntry.figure, func.max(BudgetEntry.version).label("version")) \
        .group_by(BudgetEntry.line_id, BudgetEntry.figure).subquery()
    with engine.connect() as conn:
        lines = {row.id: row for row in conn.execute(select(BudgetLine).order_by(func.random()).limit(20))}
        entries = conn.execute(
            select(BudgetEntry.line_id, BudgetEntry.figure, BudgetEntry.to_amount)
            .join(last, (last.c.line_id == BudgetEntry.line_id) & (last.c.version == BudgetEntry.version))
            .where(BudgetEntry.line_id.in_(lines))).all()
        versions = dict(conn.execute(select(BudgetEntry.line_id, func.max(BudgetEntry.version))
                                     .where(BudgetEntry.line_id.in_(lines)).group_by(BudgetEntry.line_id)).all())
    for line_id, figure, amount in entries:
        if getattr(lines[line_id], figure.value) != amount:
            raise AssertionError(f"line {line_id}: {figure} is not its last ledger entry's {amount}")
    for line in lines.values():
        if versions[line.id] != line.version or not line.allocated <= line.notified <= line.approved:
            raise AssertionError(f"line {line.id} does not match its ledger or breaks allocated ≤ notified ≤ approved")


# --- what is measured ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """A cell to save: its line, and the new amount it gets against its current version."""

    line_id: int
    project_id: int
    source_id: int
    version: int
    amount: int


class Cells:
    """Lines of the officer's province in the measured year, each handed out once, read just before use."""

    def __init__(self, engine: Engine, budget: BudgetSeed) -> None:
        self.engine, self.budget, self.used = engine, budget, set()

    def take(self, count: int) -> Iterator[Cell]:
        """`count` lines never saved before, in a random order."""
        with self.engine.connect() as conn:
            ids = conn.execute(
                select(BudgetLine.id).join(Project, Project.id == BudgetLine.project_id)
                .where(Project.province_id == self.budget.province_id, BudgetLine.fiscal_year == YEAR)
                .order_by(BudgetLine.id)).scalars().all()
        fresh = [line_id for line_id in ids if line_id not in self.used]
        if len(fresh) < count:
            raise RuntimeError(f"only {len(fresh)} unsaved cells left for {count} saves; ask for fewer")
        for line_id in random.Random(len(fresh)).sample(fresh, count):
            self.used.add(line_id)
            yield self.current(line_id)

    def current(self, line_id: int) -> Cell:
        """The line as it is now, and a new allocated amount that differs and stays within notified."""
        with self.engine.connect() as conn:
            line = conn.execute(select(BudgetLine).where(BudgetLine.id == line_id)).one()
        amount = (line.allocated + line.notified + 1) // 2
        if amount == line.allocated:
            amount = line.allocated // 2
        return Cell(line.id, line.project_id, line.source_id, line.version, amount)

    def check_saved(self, cell: Cell) -> None:
        """Fail unless the save was accepted: one version on, the new amount, the ledger entry appended."""
        with self.engine.connect() as conn:
            line = conn.execute(select(BudgetLine).where(BudgetLine.id == cell.line_id)).one()
            entry = conn.execute(select(BudgetEntry.to_amount, BudgetEntry.figure).where(
                BudgetEntry.line_id == cell.line_id, BudgetEntry.version == cell.version + 1)).one_or_none()
        if line.version != cell.version + 1 or line.allocated != cell.amount or entry != (cell.amount, FIGURE):
            raise AssertionError(f"the save of line {cell.line_id} was not recorded: version {line.version}, "
                                 f"allocated {line.allocated}, entry {entry}")


@dataclass(frozen=True)
class Result:
    """The latency figures and the statement count of one measured operation."""

    figures: load.Figures
    statements: int

    @classmethod
    def of(cls, latencies: list[float], statements: int) -> "Result":
        """The result of these latencies (in seconds), measured one after another."""
        return cls(load.Figures.of(latencies, sum(latencies)), statements)

    def line(self, name: str, **keys) -> str:
        """The output line: p50, p95 and statements first, then key=value pairs."""
        figures = f"p50_ms={self.figures.p50_ms:.1f} p95_ms={self.figures.p95_ms:.1f} statements={self.statements}"
        return f"bench: {name} {figures} " + " ".join(f"{key}={value}" for key, value in keys.items())


def _timed(operation: Callable[[], None]) -> float:
    started = time.perf_counter()
    operation()
    return time.perf_counter() - started


def _change(cell: Cell) -> services.FigureChange:
    return services.FigureChange(project_id=cell.project_id, fiscal_year=YEAR, source_id=cell.source_id,
                                 figure=FIGURE, amount=cell.amount, expected_version=cell.version,
                                 reason=REASONS[cell.line_id % len(REASONS)])


class ServiceLevel:
    """The query and the service in this process, on the app's engine and session factory."""

    name = "service"

    def __init__(self, counter: StatementCounter, budget: BudgetSeed) -> None:
        self.counter, self.budget = counter, budget
        self.factory = counter.app.extensions["session_factory"]
        self.save_statements: list[Statement] = []

    def _grid(self) -> queries.GridPage:
        with self.factory() as session:
            user = session.get(User, self.budget.officer_id)
            page = queries.grid(session, user, queries.GridFilters(fiscal_year=YEAR, figure=FIGURE))
            # What the template reads of it.
            for project in page.projects:
                page.row_total(project.id)
            page.grand_total  # noqa: B018
            session.commit()
        return page

    def grid(self, requests: int, matches: int) -> Result:
        for _ in range(WARMUP):
            page = self._grid()
        if len(page.projects) != min(matches, PAGE_ROWS) or page.total_projects != matches \
                or len(page.cells) != len(page.projects) * len(self.budget.source_ids):
            raise AssertionError(f"the grid has {len(page.projects)} rows and {len(page.cells)} cells of "
                                 f"{page.total_projects} projects; expected {matches} projects")
        self.counter.seen.clear()
        self._grid()
        statements = len(self.counter.seen)
        return Result.of([_timed(self._grid) for _ in range(requests)], statements)

    def _save(self, cell: Cell) -> None:
        with self.factory() as session:
            user = session.get(User, self.budget.officer_id)
            services.change_figure(session, actor=user, change=_change(cell))
            session.commit()

    def save(self, cells: Cells, requests: int) -> Result:
        for cell in cells.take(WARMUP):
            self._save(cell)
        latencies, counts = [], set()
        for cell in cells.take(requests):
            self.counter.seen.clear()
            latencies.append(_timed(lambda cell=cell: self._save(cell)))
            counts.add(len(self.counter.seen))
            self.save_statements = list(self.counter.seen)
            cells.check_saved(cell)
        return Result.of(latencies, max(counts))

    def grid_statements(self) -> list[Statement]:
        """The statements of one grid, for EXPLAIN."""
        self.counter.seen.clear()
        self._grid()
        return list(self.counter.seen)


class HttpLevel:
    """Gunicorn on the bench database, the budget officer logged in through the form."""

    name = "http"

    def __init__(self, counter: StatementCounter, budget: BudgetSeed, base_url: str) -> None:
        self.counter, self.budget, self.base_url = counter, budget, base_url
        self.save_statements: list[Statement] = []
        self.cookies = load.login(base_url, OFFICER, PASSWORD, GRID_PATH)
        page = httpx.get(base_url + GRID_PATH, cookies=self.cookies, headers={"User-Agent": load.USER_AGENT})
        token = re.search(r'"X-CSRFToken": "([^"]+)"', page.text)
        if page.status_code != 200 or token is None:
            raise RuntimeError(f"GET {GRID_PATH} answered {page.status_code} without the htmx CSRF header")
        self.token = token.group(1)

    def grid(self, requests: int, matches: int) -> Result:
        statements, html = self.counter.statements(self.budget.officer_id, GRID_PATH)
        rows = html.count("<tr>") - 2  # minus the header and the totals rows
        if rows != min(matches, PAGE_ROWS) or format_number(matches, "fa") not in html:
            raise AssertionError(f"the grid page has {rows} rows; expected {min(matches, PAGE_ROWS)} of {matches}")

        def check(reply: load.Reply) -> None:
            if reply.status != 200 or GRID_MARK not in reply.body:
                raise AssertionError(f"GET {GRID_PATH} answered {reply.status} without the grid")

        figures = load.measure(self.base_url, self.cookies, {"grid": load.Target(GRID_PATH, check)},
                               requests=requests, seconds=max(60.0, requests * 1.0), concurrency=1, rounds=1)
        return Result(figures["grid"], len(statements))

    @staticmethod
    def _path(cell: Cell) -> str:
        return f"/budgets/cells/{cell.project_id}/{YEAR}/{cell.source_id}?" + urlencode({"figure": FIGURE.value})

    @staticmethod
    def _form(cell: Cell) -> dict:
        """What the cell's form and the change context above the grid post: the amount as the grid shows it."""
        return {"version": cell.version, "amount": format_number(cell.amount, "fa"), "unit": "rial",
                "reason": REASONS[cell.line_id % len(REASONS)], "letter_number": "", "letter_date": ""}

    def _post(self, cell: Cell) -> load.Reply:
        """The htmx POST of one cell on a fresh connection, as the load's GETs are sent."""
        host, port = urlsplit(self.base_url).hostname, urlsplit(self.base_url).port
        body = urlencode(self._form(cell) | {"csrf_token": self.token}).encode()
        head = [f"POST {self._path(cell)} HTTP/1.1", f"Host: {host}:{port}", f"User-Agent: {load.USER_AGENT}",
                "Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Connection: close",
                "HX-Request: true", f"X-CSRFToken: {self.token}",
                "Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
        with socket.create_connection((host, port), timeout=load.TIMEOUT_S) as sock:
            sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode("ascii") + body)
            chunks = []
            while data := sock.recv(65536):
                chunks.append(data)
        reply_head, _, reply_body = b"".join(chunks).partition(b"\r\n\r\n")
        return load.Reply(int(reply_head[9:12]), reply_body)

    def _save(self, cell: Cell) -> float:
        started = time.perf_counter()
        reply = self._post(cell)
        elapsed = time.perf_counter() - started
        if reply.status != 200 or SAVED_MARK not in reply.body:
            raise AssertionError(f"POST {self._path(cell)} answered {reply.status}: {reply.body[:300]!r}")
        return elapsed

    def save(self, cells: Cells, requests: int) -> Result:
        [cell] = cells.take(1)
        statements, html, status = self.counter.post_statements(
            self.budget.officer_id, GRID_PATH, self._path(cell), self._form(cell), HTMX)
        if status != 200 or SAVED_MARK.decode() not in html:
            raise AssertionError(f"in-process POST {self._path(cell)} answered {status}: {html[:300]}")
        cells.check_saved(cell)
        self.save_statements = statements
        for cell in cells.take(WARMUP):
            self._save(cell)
        latencies = []
        for cell in cells.take(requests):
            latencies.append(self._save(cell))
            cells.check_saved(cell)
        return Result.of(latencies, len(statements))

    def grid_statements(self) -> list[Statement]:
        """The statements of one grid page, for EXPLAIN."""
        return self.counter.statements(self.budget.officer_id, GRID_PATH)[0]


def has_routes(counter: StatementCounter) -> bool:
    """Whether the app serves the budget grid and cell saves."""
    endpoints = set(counter.app.view_functions)
    return {"budgets.grid", "budgets.save_cell"} <= endpoints


@contextmanager
def _level(kind: str, counter, budget, db_url: str, secret_key: str) -> Iterator[ServiceLevel | HttpLevel]:
    if kind == "service":
        yield ServiceLevel(counter, budget)
        return
    with server.gunicorn(db_url, secret_key) as base_url:
        yield HttpLevel(counter, budget, base_url)


def _matches(engine: Engine, province_id: int) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(Project)
                            .where(Project.province_id == province_id)).scalar_one()


def run(args, secret_key: str) -> None:
    """Seed at each size, measure the grid and the cell save, print their lines; drop the database after."""
    with database.throwaway() as db:
        engine = make_engine(db.url)
        seeded = seed.seed_places(engine)
        budget = seed_reference(engine, seeded)
        counter = StatementCounter.on(db.url)
        kind = args.budget_level if args.budget_level != "auto" else ("http" if has_routes(counter) else "service")
        if args.budget_level == "http" and not has_routes(counter):
            raise RuntimeError("the app has no budgets.grid and budgets.save_cell routes to measure")
        cells = Cells(engine, budget)
        try:
            with _level(kind, counter, budget, db.url, secret_key) as level:
                for size in SIZES:
                    seeding = time.monotonic()
                    project_ids = seed.add_projects(engine, seeded, size - seeded.projects, places=budget.places)
                    lines, entries = add_lines(engine, budget, project_ids)
                    check_seed(engine)
                    print(f"bench: seeded projects={size} budget_lines+={lines} budget_entries+={entries} "
                          f"seconds={time.monotonic() - seeding:.1f}", file=sys.stderr, flush=True)
                    matches = _matches(engine, budget.province_id)
                    common = {"projects": size, "db": db.kind, "level": level.name}
                    grid = level.grid(args.budget_requests, matches)
                    print(grid.line("budget_grid", **common, rows=min(matches, PAGE_ROWS), matches=matches,
                                    requests=grid.figures.requests), flush=True)
                    save = level.save(cells, args.budget_requests)
                    print(save.line("budget_cell_save", **common, requests=save.figures.requests), flush=True)
                if args.explain and db.kind == "postgresql":
                    # The reads of the grid, then those of the last cell save (the UPDATE and INSERTs are not run).
                    for name, statements in (("budget_grid", level.grid_statements()),
                                             ("budget_cell_save", level.save_statements)):
                        for sql, plan in counter.explain(statements, ("FROM projects", "FROM budget_lines")):
                            print(f"\n-- {name}: {' '.join(sql.split())}\n{plan}", file=sys.stderr)
        finally:
            counter.close()
            engine.dispose()

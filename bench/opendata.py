"""Benchmark the OC4IDS packages: the whole country's public package and a director's province package.

Seeds a throwaway database (PostgreSQL if reachable) with 2,000 projects over every province, a share of them with
partners, each with two budget lines (1404 and 1405), all marked public. In-process, one request at a time, after a
warm-up:

    bench: oc4ids_public p50_ms=… max_ms=… statements=… projects=… kb=… db=… runs=…
    bench: oc4ids_province p50_ms=… max_ms=… statements=… projects=… kb=… db=… runs=…

`statements` counts the SQL of one request: it stays the same whatever the number of projects (one read per area,
not one per project).
"""
import statistics
import time

from sqlalchemy import insert, select, update

from bench import database, seed
from bench.inprocess import StatementCounter
from tracker.budgets.models import BudgetLine, FundingSource
from tracker.core.db import make_engine
from tracker.projects.models import Project

PROJECTS = 2_000
RUNS = 10


def _seed(engine) -> seed.Seeded:
    """Places, projects with partners and budget lines, every project public."""
    seeded = seed.seed_places(engine)
    project_ids = seed.add_projects(engine, seeded, PROJECTS)
    with engine.begin() as conn:
        sources = list(conn.execute(select(FundingSource.id).order_by(FundingSource.position)).scalars())
        conn.execute(insert(BudgetLine.__table__), [
            {"project_id": project_id, "fiscal_year": year, "source_id": sources[(project_id + year) % len(sources)],
             "approved": 5_000_000_000, "notified": 3_000_000_000, "allocated": 2_000_000_000, "spent": 1_000_000_000,
             "version": 4, "updated_at": seed.NOW}
            for project_id in project_ids for year in (1404, 1405)])
        conn.execute(update(Project).values(is_public=True))
    return seeded


def _measure(counter: StatementCounter, client, path: str) -> tuple[list[float], int, int, int]:
    """Times of RUNS GETs (ms), the statements of one, the projects and the size of the package."""
    response = client.get(path)  # warm-up
    if response.status_code != 200:
        raise AssertionError(f"GET {path} answered {response.status_code}")
    times = []
    for _ in range(RUNS):
        counter.seen.clear()
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
    return times, len(counter.seen), len(response.get_json()["projects"]), len(response.data) // 1024


def run(_args) -> None:
    """Print the oc4ids lines."""
    with database.throwaway() as db:
        engine = make_engine(db.url)
        try:
            seeded = _seed(engine)
            counter = StatementCounter.on(db.url)
            for name, client, path in (
                ("oc4ids_public", counter.app.test_client(), "/public/oc4ids.json"),
                ("oc4ids_province", counter.logged_in(seeded.user_id), "/opendata/oc4ids/fars.json"),
            ):
                times, statements, projects, kb = _measure(counter, client, path)
                print(f"bench: {name} p50_ms={statistics.median(times):.0f} max_ms={max(times):.0f} "
                      f"statements={statements} projects={projects} kb={kb} db={db.kind} runs={RUNS}", flush=True)
        finally:
            engine.dispose()

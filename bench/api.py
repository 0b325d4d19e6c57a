"""Benchmark the JSON API in-process at 10,000 projects: a page of 100 projects and one project, read with a token.

Seeds a throwaway database (PostgreSQL if reachable; `db=` says which) like the project-list benchmark, makes a
token for its director of Fars, and reads in turns:

    bench: api_projects_page p50_ms=… p95_ms=… per_page=100 projects=… db=… runs=…
    bench: api_project p50_ms=… p95_ms=… projects=… db=… runs=…

ms are the whole request through the Flask test client, token check included.
"""
import statistics
import time

from sqlmodel import Session, select

from bench import database, seed
from tracker.core.db import make_engine

PROJECTS = 10_000
RUNS = 200


def _p(times: list[float], share: float) -> float:
    return sorted(times)[min(len(times) - 1, int(len(times) * share))] * 1000


def run(_args) -> None:
    """Print the api_projects_page and api_project lines."""
    import tracker
    from tracker.accounts import services
    from tracker.accounts.models import User
    from tracker.projects.models import Project

    with database.throwaway() as db:
        engine = make_engine(db.url)
        seeded = seed.seed_places(engine)
        seed.add_projects(engine, seeded, PROJECTS)
        with Session(engine) as session:
            user = session.get(User, seeded.user_id)
            _token, secret = services.create_token(session, user=user, name="bench")
            slug = session.exec(select(Project.slug).where(Project.province_id == user.province_id)).first()
            session.commit()
        engine.dispose()
        app = tracker.create_app({"DATABASE_URL": db.url, "TESTING": False})
        client, headers = app.test_client(), {"Authorization": f"Bearer {secret}"}
        timings: dict[str, list[float]] = {"/api/projects?per_page=100&page=3": [], f"/api/projects/{slug}": []}
        for run_number in range(RUNS + 10):  # in turns; 10 warm-ups
            for path, times in timings.items():
                began = time.perf_counter()
                answer = client.get(path, headers=headers)
                elapsed = time.perf_counter() - began
                if answer.status_code != 200:
                    raise AssertionError(f"GET {path} answered {answer.status_code}")
                if run_number >= 10:
                    times.append(elapsed)
        (page, page_times), (_one, one_times) = timings.items()
        print(f"bench: api_projects_page p50_ms={statistics.median(page_times) * 1000:.1f} "
              f"p95_ms={_p(page_times, 0.95):.1f} per_page=100 projects={PROJECTS} db={db.kind} runs={RUNS}",
              flush=True)
        print(f"bench: api_project p50_ms={statistics.median(one_times) * 1000:.1f} p95_ms={_p(one_times, 0.95):.1f} "
              f"projects={PROJECTS} db={db.kind} runs={RUNS}", flush=True)
        app.extensions["engine"].dispose()

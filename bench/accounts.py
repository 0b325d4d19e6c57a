"""Benchmark the password-reset request: an account that exists against one that does not, in turns.

In-process against a throwaway database (PostgreSQL if reachable), with an SMTP server configured that nothing
listens on: the email is queued, never sent while the user waits, so neither the answer nor its time may tell
whether the account exists, or whether the mail server is up:

    bench: password_reset known_ms=… unknown_ms=… ratio=… db=… runs=…

ms are p50 of the whole POST /password/forgot; ratio = known ÷ unknown (goal: close to 1).
"""
import socket
import statistics
import time

from bench import database

RUNS = 200


def _closed_port() -> int:
    """A loopback port nothing listens on: the mail server is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run(_args) -> None:
    """Print the password_reset line."""
    from sqlalchemy import func
    from sqlmodel import select

    import tracker
    from tracker.accounts import services
    from tracker.accounts.models import Role
    from tracker.reminders.models import Delivery

    with database.throwaway() as db:
        app = tracker.create_app({"DATABASE_URL": db.url, "TESTING": False, "WTF_CSRF_ENABLED": False,
                                  "SMTP_HOST": "127.0.0.1", "SMTP_PORT": _closed_port(),
                                  "LOGIN_RATE_LIMIT": "100000 per minute"})
        with app.app_context(), app.extensions["session_factory"]() as session:
            services.create_user(session, username="rahimi", password="bench-password-1404", role=Role.admin,
                                 email="rahimi@example.org")
            session.commit()
        client = app.test_client()
        timings = {"rahimi": [], "nobody": []}
        for run_number in range(RUNS + 10):  # in turns, so that both feel the same machine load; 10 warm-ups
            for login, times in timings.items():
                began = time.perf_counter()
                answer = client.post("/password/forgot", data={"login": login})
                elapsed = time.perf_counter() - began
                answer.close()  # as a server does once the answer is sent: the known account's email is queued
                if answer.status_code != 200:
                    raise AssertionError(f"POST /password/forgot for {login} answered {answer.status_code}")
                if run_number >= 10:
                    times.append(elapsed)
        with app.app_context(), app.extensions["session_factory"]() as session:
            queued = session.exec(select(func.count()).select_from(Delivery)).one()
        if queued != RUNS + 10:
            raise AssertionError(f"expected {RUNS + 10} queued reset emails, found {queued}")
        known, unknown = (statistics.median(timings[login]) * 1000 for login in ("rahimi", "nobody"))
        print(f"bench: password_reset known_ms={known:.1f} unknown_ms={unknown:.1f} ratio={known / unknown:.2f} "
              f"db={db.kind} runs={RUNS}", flush=True)
        app.extensions["engine"].dispose()

"""PostgreSQL only, with committed data in a database of its own: scans in separate processes
(`flask reminders run`) against a real SMTP server send each email exactly once, also when three run at once
and when one is killed midway (the Message-ID, made from the reminder's key, lets the test count)."""
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta

import pytest
from alembic import command
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from tests.conftest import SCENARIO_DAY, create_postgres_database, drop_postgres_database, on_day
from tests.reminders.helpers import TODAY, SmtpServer
from tracker.accounts.models import Role, User
from tracker.core.cli import alembic_config
from tracker.core.config import PROJECT_ROOT
from tracker.core.db import make_engine
from tracker.core.mail import MailSettings
from tracker.deadlines.models import DeadlineKind, DeadlineState
from tracker.deadlines.services import DeadlineData, track_deadline
from tracker.places import queries as places
from tracker.reminders.models import Delivery, DeliveryState

pytestmark = on_day(SCENARIO_DAY)

ITEMS = 300
BASE_URL = "https://pishraft.example.org"
LEASE_SECONDS = 2


@pytest.fixture(scope="module")
def committed_url():
    """A migrated PostgreSQL database of this module's own (the scans in other processes need committed rows)."""
    url = create_postgres_database()
    command.upgrade(alembic_config(url), "head")
    yield url
    drop_postgres_database(url)


@pytest.fixture
def items_due(committed_url):
    """300 deadlines, each with its own user, whose one-day reminder is due on 1405/09/02; the expected
    Message-IDs. Everything is deleted afterwards."""
    engine = make_engine(committed_url)
    factory = sessionmaker(engine, class_=Session, expire_on_commit=False)
    with factory() as session:
        fars = places.find_province(session, "Fars")
        users = [User(username=f"p{n}", password_hash="x", role=Role.staff, province_id=fars.id,
                      email=f"p{n}@example.org") for n in range(ITEMS)]
        session.add_all(users)
        session.flush()
        deadlines = [track_deadline(session, DeadlineData(
            kind=DeadlineKind.commitment, item_id=str(n), title=f"تعهد {n}", due_date=TODAY + timedelta(days=1),
            state=DeadlineState.open, province_id=fars.id, path=f"/projects/{n}", responsible_user_id=user.id,
        ), today=TODAY) for n, user in enumerate(users)]
        session.commit()
        mail = MailSettings(base_url=BASE_URL)
        expected = {mail.message_id(d.id, -1, d.due_date - timedelta(days=1), d.responsible_user_id)
                    for d in deadlines}
    yield expected
    with engine.begin() as conn:
        for table in ("deliveries", "notices", "reminders", "deadlines", "users"):
            conn.exec_driver_sql(f"DELETE FROM {table}")
    engine.dispose()


def scan_process(url: str, smtp: SmtpServer, lease_seconds: int = 300) -> subprocess.Popen:
    """`flask --app tracker reminders run --today` the frozen day, in a process of its own."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("TRACKER_")}
    env |= {"TRACKER_DATABASE_URL": url, "TRACKER_SMTP_HOST": "127.0.0.1", "TRACKER_SMTP_PORT": str(smtp.port),
            "TRACKER_BASE_URL": BASE_URL, "TRACKER_SECRET_KEY": "process-test",
            "TRACKER_REMINDER_LEASE_SECONDS": str(lease_seconds)}
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "tracker", "reminders", "run",
                             "--today", SCENARIO_DAY], cwd=PROJECT_ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def finish(process: subprocess.Popen) -> str:
    output, _ = process.communicate(timeout=180)
    assert process.returncode == 0, output
    return output


def delivery_states(url: str) -> dict[str, int]:
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(select(Delivery.state, func.count()).group_by(Delivery.state)).all()
    engine.dispose()
    return {state: number for state, number in rows}


def received_once(smtp: SmtpServer, expected: set[str]) -> None:
    """Every expected email arrived, none twice."""
    received = Counter(smtp.sink.message_ids())
    assert set(received) == expected
    assert max(received.values()) == 1, [mid for mid, n in received.items() if n > 1]


def figures(output: str) -> dict[str, int]:
    """The counts a scan printed ("reminders: deadlines=… sent=…")."""
    return {key: int(value) for key, value in (pair.split("=") for pair in output.split(":", 1)[1].split())}


def test_three_scans_started_at_once_send_each_email_exactly_once(committed_url, items_due):
    with SmtpServer(delay=0.005) as smtp:
        processes = [scan_process(committed_url, smtp) for _ in range(3)]
        results = [figures(finish(process)) for process in processes]
        received_once(smtp, items_due)
    assert sum(r["reminders"] for r in results) == sum(r["sent"] for r in results) == ITEMS
    assert delivery_states(committed_url) == {DeliveryState.sent: ITEMS}


def test_three_scans_sending_at_the_same_time_share_the_emails_without_doubles(committed_url, items_due):
    # The server holds the first message until three connections are open: the three scans send side by side.
    with SmtpServer(delay=0.005, gather=3) as smtp:
        first = scan_process(committed_url, smtp)
        deadline = time.monotonic() + 60
        while sum(delivery_states(committed_url).values()) < ITEMS and time.monotonic() < deadline:
            time.sleep(0.05)  # the first scan has planned and queued every email, and holds a first batch
        others = [scan_process(committed_url, smtp) for _ in range(2)]
        results = [figures(finish(process)) for process in [first, *others]]
        received_once(smtp, items_due)
        assert len(smtp.sink.peers) == 3
    assert [r["reminders"] for r in results] == [ITEMS, 0, 0]
    assert all(r["sent"] > 0 for r in results) and sum(r["sent"] for r in results) == ITEMS
    assert delivery_states(committed_url) == {DeliveryState.sent: ITEMS}


def test_a_scan_killed_midway_then_run_again_sends_the_rest_and_nothing_twice(committed_url, items_due):
    with SmtpServer(delay=0.02) as smtp:
        process = scan_process(committed_url, smtp, lease_seconds=LEASE_SECONDS)
        deadline = time.monotonic() + 120
        while len(smtp.sink.messages) < 40 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        sent_before = len(smtp.sink.messages)
        assert 0 < sent_before < ITEMS
        assert delivery_states(committed_url).get(DeliveryState.sending, 0) > 0  # claims the dead scan held

        time.sleep(LEASE_SECONDS + 0.5)  # its leases run out
        finish(scan_process(committed_url, smtp, lease_seconds=LEASE_SECONDS))

        received = Counter(smtp.sink.message_ids())
    assert set(received) == items_due  # nothing missing
    # At most the one message in flight at the kill (accepted by the server, not yet marked sent) comes twice,
    # with the same Message-ID, so the receiving side can tell.
    assert sum(received.values()) - len(received) <= 1
    assert delivery_states(committed_url) == {DeliveryState.sent: ITEMS}

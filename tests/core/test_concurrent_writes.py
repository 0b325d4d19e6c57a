"""Concurrent writers with real threads and real commits: milestone edits, the same visit sent three times at once
and reminder scans all succeed, and the visit is stored once. On a SQLite file, write transactions begin IMMEDIATE,
so busy_timeout makes them take turns instead of answering «database is locked»; on PostgreSQL the sends really
overlap, and the visit's primary key decides which one stores it."""
import threading
import uuid
from datetime import timedelta
from urllib.parse import quote

import pytest
from alembic import command
from sqlmodel import func, select

from tests.factories import Factories
from tests.helpers import run_together, use_login
from tracker import create_app
from tracker.accounts.models import Role, User
from tracker.accounts.services import start_login
from tracker.core import clock
from tracker.core.cli import alembic_config
from tracker.core.jalali import format_jalali
from tracker.core.mail import MailSettings
from tracker.milestones import services as milestones
from tracker.milestones.models import Milestone
from tracker.projects.models import Project
from tracker.reminders.scan import run_scan
from tracker.visits import services as visits
from tracker.visits.models import Visit

WRITERS, EDITS, SENDS, SCANS = 3, 12, 3, 4


@pytest.fixture(params=["sqlite", "postgresql"])
def file_app(request, empty_database_url, tmp_path):
    """The app on a migrated database of its own (SQLite: a file), with its real engine (no test transaction:
    threads commit)."""
    url = empty_database_url(request.param)
    command.upgrade(alembic_config(url), "head")
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": False,
                      "UPLOAD_DIR": str(tmp_path / "uploads"), "LOGIN_RATE_LIMIT": "1000 per minute"})
    yield app
    app.extensions["engine"].dispose()


def _client(app, user_id: int):
    with app.extensions["session_factory"]() as session:
        user = session.get(User, user_id)
        secret = start_login(session, user=user)
        session.commit()
    client = app.test_client()
    use_login(client, user, secret)
    return client


def _visit_form(visit_id: str) -> dict:
    return {"visit_id": visit_id, "visited_on": format_jalali(clock.today()), "observed_progress": "35",
            "notes": "بازدید همزمان", "problems": "", "latitude": "", "longitude": "", "location_accuracy_m": "",
            "guests-0-name": "", "guests-0-title": "", "guests-0-agency_id": "", "decisions-0-id": "",
            "decisions-0-text": "", "decisions-0-owner": "", "decisions-0-due_date": ""}


def test_writers_the_same_visit_sent_three_times_and_scans_at_once_give_no_error(file_app):
    with file_app.extensions["session_factory"]() as session:
        make = Factories(session)
        project = make.project(name="بهسازی استخر کارگران کازرون")
        writers = [make.user(role=Role.director, full_name=f"نویسنده {n}") for n in range(WRITERS)]
        # Due today: every scan has reminders to plan while the edits move their deadlines.
        ids = [milestones.add_milestone(session, actor=make.admin, project=project, data=milestones.MilestoneData(
            title=f"مرحله {n}", due_date=clock.today(), responsible=None)).id for n in range(WRITERS)]
        session.commit()
        slug, writer_ids, sender_id = project.slug, [w.id for w in writers], writers[0].id

    start = threading.Barrier(WRITERS + SENDS + 1)
    answers: list[tuple[str, int]] = []
    failures: list[BaseException] = []
    lock = threading.Lock()
    visit_id = str(uuid.uuid4())

    def guarded(work):
        def run(*args):
            try:
                start.wait(timeout=30)
                work(*args)
            except BaseException as error:  # noqa: BLE001 - reported by the main thread
                with lock:
                    failures.append(error)
        return run

    @guarded
    def edit(number: int) -> None:
        client = _client(file_app, writer_ids[number])
        url = f"/projects/{quote(slug)}/milestones/{ids[number]}/edit"
        for edit in range(EDITS):
            due = format_jalali(clock.today() + timedelta(days=edit % 3))
            response = client.post(url, data={"title": f"مرحله {number} ویرایش {edit}", "due_date": due,
                                              "responsible": "", "state": "pending"})
            with lock:
                answers.append((f"edit {number}-{edit}", response.status_code))

    @guarded
    def send(_number: int) -> None:
        response = _client(file_app, sender_id).post(f"/visits/new/{quote(slug)}", data=_visit_form(visit_id),
                                                     content_type="multipart/form-data")
        with lock:
            answers.append(("send", response.status_code))

    @guarded
    def scan() -> None:
        with file_app.app_context():
            for _ in range(SCANS):
                run_scan(file_app.extensions["session_factory"], today=clock.today(), mail=MailSettings(demo=True))

    threads = [threading.Thread(target=edit, args=(n,)) for n in range(WRITERS)]
    threads += [threading.Thread(target=send, args=(n,)) for n in range(SENDS)]
    threads.append(threading.Thread(target=scan))
    run_together(threads)
    assert failures == []
    assert len(answers) == WRITERS * EDITS + SENDS
    assert [answer for answer in answers if answer[1] != 303] == []  # every edit saved, every send answered
    with file_app.extensions["session_factory"]() as session:
        assert session.exec(select(func.count()).select_from(Visit)).one() == 1
        titles = {m.id: m.title for m in session.exec(select(Milestone)).all()}
        assert [titles[ids[n]] for n in range(WRITERS)] == [f"مرحله {n} ویرایش {EDITS - 1}" for n in range(WRITERS)]


def test_two_visits_of_a_project_saved_at_once_leave_it_the_latest_ones_progress(file_app, monkeypatch):
    # The earlier visit reads the latest observation first and commits last; on PostgreSQL, without a lock, each read
    # misses the other's uncommitted visit, and the earlier one's progress would win.
    with file_app.extensions["session_factory"]() as session:
        make = Factories(session)
        project_id = make.project(name="بهسازی استخر کارگران کازرون").id
        author_id = make.user(role=Role.director).id
        session.commit()
    earlier_read, later_saved = threading.Event(), threading.Event()
    read_latest = visits._latest_observation

    def held_read(session, project_id):
        latest = read_latest(session, project_id)
        if threading.current_thread().name == "earlier":
            earlier_read.set()
            later_saved.wait(timeout=1)  # with the project locked, the later visit cannot save meanwhile
        return latest

    monkeypatch.setattr(visits, "_latest_observation", held_read)
    failures: list[BaseException] = []

    def save(progress: int, wait: threading.Event | None) -> None:
        try:
            if wait is not None:
                assert wait.wait(timeout=30)
            with file_app.app_context(), file_app.extensions["session_factory"]() as session:
                data = visits.VisitData(id=uuid.uuid4(), visited_on=clock.today(), observed_progress=progress)
                visits.create_visit(session, actor=session.get(User, author_id),
                                    project=session.get(Project, project_id), storage=None, data=data)
                session.commit()
            later_saved.set()
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            failures.append(error)

    run_together([threading.Thread(target=save, args=(30, None), name="earlier"),
                  threading.Thread(target=save, args=(70, earlier_read), name="later")])
    assert failures == []
    with file_app.extensions["session_factory"]() as session:
        project = session.get(Project, project_id)
        later = session.exec(select(Visit).where(Visit.observed_progress == 70)).one()
        assert (project.physical_progress, project.progress_visit_id) == (70, later.id)

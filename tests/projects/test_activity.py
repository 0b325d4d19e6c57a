"""A project's activity names every area's changes the way that area's forms do, in the reader's language."""
import re
from datetime import timedelta
from urllib.parse import quote

import pytest

from tracker import create_app
from tracker.accounts.models import Role
from tracker.core import audit, clock
from tracker.core.jalali import format_jalali


@pytest.fixture
def reader(make, login):
    login(make.user(role=Role.viewer))


def activity(client, project) -> str:
    return client.get(f"/projects/{quote(project.slug)}").text.split('id="activity"')[1]


def test_a_credit_change_reads_in_persian(client, make, reader):
    project = make.project()
    make.budget(project, year=1405, approved=1_250_000)

    shown = activity(client, project)

    assert "رقم اعتبار را تغییر داد" in shown
    assert "اعتبار مصوب ۱۴۰۵: از ۰ به ۱٬۲۵۰٬۰۰۰ ریال" in shown
    assert "approved" not in shown and ">create<" not in shown


def test_a_credit_change_reads_in_english(client, make, reader):
    project = make.project()
    make.budget(project, year=1405, approved=1_250_000)
    client.post("/language/en")

    shown = activity(client, project)

    assert "changed a credit figure" in shown and "Approved credit 1405: from 0 to 1,250,000 rials" in shown


def test_progress_set_by_a_visit_names_the_visit_by_its_day_not_its_id(client, make, reader):
    project = make.project()
    day = clock.today() - timedelta(days=2)
    visit = make.visit(project, observed_progress=55, visited_on=day)

    shown = activity(client, project)

    newest = shown.split("</li>")[0]  # the project took the visit's progress
    assert "پروژه را ویرایش کرد" in newest and f"«<bdi>{format_jalali(day)}</bdi>»" in newest
    assert str(visit.id) not in shown and "progress_visit_id" not in shown
    assert "پیشرفت فیزیکی" in shown and "۵۵" in shown


# Every table whose events carry a project, so show on its page: each must say in words what its events did.
PROJECT_EVENT_TABLES = {
    "projects": {"create", "update"}, "partners": {"create", "update", "delete"},
    "milestones": {"create", "update", "delete"}, "visits": {"create", "update", "delete"},
    "photos": {"create", "update", "delete"}, "decisions": {"create", "update", "delete"},
    "budget_entries": {"create"}, "briefs": {"create"},
}


@pytest.mark.parametrize(("table", "actions"), PROJECT_EVENT_TABLES.items())
def test_every_area_names_the_events_it_shows_on_a_project_page(table, actions):
    create_app({"TESTING": True})  # every area's labels are registered when the app is wired
    assert actions <= set(audit.activity_of(table).actions)


def test_the_activity_writes_dates_in_the_readers_digits_and_isolates_persian_names(client, make, reader):
    project = make.project()
    make.partner(project, agency=make.agency(name="فرمانداری ویژه کازرون"))
    make.visit(project, visited_on=clock.today() - timedelta(days=2))  # its summary is the day, stored in Persian

    persian = activity(client, project)
    client.post("/language/en")
    english = activity(client, project)

    times = re.findall(r"<time [^>]*>([^<]*)</time>", english)
    assert times and all(re.fullmatch(r"\d{4}/\d{2}/\d{2} \d{2}:\d{2}", time) for time in times), times
    assert not re.search(r"[0-9]", "".join(re.findall(r"<time [^>]*>([^<]*)</time>", persian)))
    day = format_jalali(clock.today() - timedelta(days=2), locale="en")
    assert f"«<bdi>{day}</bdi>»" in english and not re.search("[۰-۹]", english.split('class="activity"')[1])
    # In English the Persian name is isolated inside the quotes, so they face the right way round it.
    assert "«<bdi>فرمانداری ویژه کازرون</bdi>»" in english

"""The milestones section of the project page over HTTP: in-place forms with Persian errors, roles and scope."""
import json
import re
import uuid
from datetime import timedelta
from urllib.parse import quote

import pytest
from sqlmodel import select

from tests.conftest import SCENARIO_DAY, htmx, on_awkward_days, on_day
from tests.helpers import count, field_error, saved_notice
from tracker.accounts.models import Role
from tracker.core import clock
from tracker.core.jalali import format_jalali, parse_jalali_date
from tracker.milestones.models import Milestone, MilestoneState


@pytest.fixture
def project(make):
    return make.project(name="بهسازی استخر کارگران کازرون", start_date=parse_jalali_date("1404/06/25"),
                        target_date=parse_jalali_date("1404/12/29"))


@pytest.fixture
def staff(make, login):
    user = make.user(role=Role.staff, full_name="کارشناس پروژه")
    login(user)
    return user


def url(project, rest: str = "") -> str:
    return f"/projects/{quote(project.slug)}{rest}"


def form(**changes) -> dict:
    return {"title": "تخصیص اعتبار", "due_date": "۱۴۰۴/۰۹/۳۰", "responsible": "", "state": "pending", "met_on": "",
            "remind_before": "", "remind_overdue_every": "", "escalate_after": ""} | changes


def test_the_project_page_has_a_milestones_section_with_start_from_the_usual_phases(client, project, staff):
    page = client.get(url(project))
    assert 'id="milestones"' in page.text and "شروع با مراحل معمول بهسازی" in page.text
    assert "هنوز نقطه عطفی ثبت نشده است." in page.text


@on_day(SCENARIO_DAY)
def test_adding_in_place_swaps_the_section_with_the_new_milestone(client, db, project, staff):
    editor = client.get(url(project, "/milestones/new"), headers=htmx())
    assert editor.status_code == 200 and "<html" not in editor.text and 'name="due_date"' in editor.text

    saved = client.post(url(project, "/milestones/new"), data=form(responsible=f"user:{staff.id}"), headers=htmx())

    assert saved.status_code == 200 and saved.headers["HX-Retarget"] == "#milestones"
    assert "تخصیص اعتبار" in saved.text and "۱۴۰۴/۰۹/۳۰" in saved.text and "معوق" in saved.text
    milestone = db.exec(select(Milestone)).one()
    assert milestone.responsible_user_id == staff.id


def test_without_htmx_a_save_goes_back_to_the_project_page(client, project, staff):
    saved = client.post(url(project, "/milestones/new"), data=form())
    assert saved.status_code == 303 and saved.headers["Location"].endswith("#milestones")


def token_of(page: str) -> str:
    return re.search(r'name="submission" type="hidden" value="([0-9a-f-]{36})"', page)[1]


def test_each_showing_of_the_new_milestone_form_carries_its_own_token(client, project, staff):
    tokens = {token_of(client.get(url(project, "/milestones/new")).text) for _ in range(2)}
    assert len(tokens) == 2


def test_the_same_form_sent_twice_adds_one_milestone_and_both_go_to_the_project_page(client, db, project, staff):
    token = token_of(client.get(url(project, "/milestones/new")).text)

    first = client.post(url(project, "/milestones/new"), data=form(submission=token))
    second = client.post(url(project, "/milestones/new"), data=form(submission=token, title="دوباره"))
    another = client.post(url(project, "/milestones/new"), data=form(submission=str(uuid.uuid4()), title="دیگری"))

    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"] == url(project, "#milestones")
    assert another.status_code == 303
    assert sorted(db.exec(select(Milestone.title)).all()) == sorted(["تخصیص اعتبار", "دیگری"])
    assert saved_notice(client.get(second.headers["Location"]).text) == "ثبت شد"  # flashed for the page it led to


def test_a_refused_form_keeps_its_token_and_adds_the_milestone_once_corrected(client, db, project, staff):
    token = token_of(client.get(url(project, "/milestones/new")).text)
    refused = client.post(url(project, "/milestones/new"), data=form(submission=token, due_date="1404/06/20"))
    corrected = client.post(url(project, "/milestones/new"), data=form(submission=token))
    again = client.post(url(project, "/milestones/new"), data=form(submission=token))
    assert refused.status_code == 422 and token_of(refused.text) == token
    assert corrected.status_code == again.status_code == 303 and count(db, Milestone) == 1


def test_another_users_token_adds_nothing(client, db, make, login, project, staff):
    token = token_of(client.get(url(project, "/milestones/new")).text)
    client.post(url(project, "/milestones/new"), data=form(submission=token))
    login(make.user(role=Role.staff))
    refused = client.post(url(project, "/milestones/new"), data=form(submission=token, title="دیگری"))
    assert refused.status_code == 422 and "کاربر دیگری" in refused.text and count(db, Milestone) == 1


def test_the_form_opened_as_a_page_of_its_own_goes_to_the_project_page_after_saving(client, db, project, staff):
    form_page = url(project, "/milestones/new")
    token = token_of(client.get(form_page).text)
    # htmx loaded on the form's own page: the section it would swap is not there, so the browser goes to it.
    on_its_page = htmx(**{"HX-Current-URL": f"http://localhost{form_page}"})
    saved = client.post(form_page, data=form(submission=token), headers=on_its_page)
    assert saved.status_code == 204 and saved.headers["HX-Redirect"] == url(project, "#milestones")
    page = client.get(url(project))
    assert "تخصیص اعتبار" in page.text and saved_notice(page.text) == "ثبت شد"
    assert saved_notice(client.get(url(project)).text) == ""  # said once


def test_a_save_in_place_says_saved_and_an_inline_check_does_not(client, project, staff):
    saved = client.post(url(project, "/milestones/new"), data=form(), headers=htmx(**{"HX-Current-URL": url(project)}))
    checked = client.post("/projects/milestones/check", data={"title": ""},
                          headers=htmx(**{"HX-Trigger-Name": "title"}))
    assert saved.status_code == 200 and json.loads(saved.headers["HX-Trigger"]) == {"saved": "ثبت شد"}
    assert checked.status_code == 200 and "HX-Trigger" not in checked.headers


@pytest.mark.parametrize("changes, field, message", [
    ({"due_date": "1404/06/20"}, "due_date", "سررسید نمی‌تواند پیش از شروع پروژه (۱۴۰۴/۰۶/۲۵) باشد."),
    ({"due_date": "1404/12/30"}, "due_date", "۱۴۰۴ کبیسه نیست"),
    ({"responsible": "user:999999"}, "responsible", "مسئول را از میان افراد یا دستگاه‌های فهرست انتخاب کنید."),
    ({"responsible": "someone"}, "responsible", "مسئول را از میان افراد یا دستگاه‌های فهرست انتخاب کنید."),
    ({"remind_before": "۱۴، -۳"}, "remind_before", "تعداد روز نمی‌تواند منفی باشد."),
    ({"escalate_after": "-2"}, "escalate_after", "تعداد روز نمی‌تواند منفی باشد."),
    ({"state": "met"}, "met_on", "تاریخ انجام نقطه عطف را وارد کنید."),
])
def test_bad_input_comes_back_with_a_persian_message_next_to_the_field(client, db, project, staff, changes, field,
                                                                       message):
    response = client.post(url(project, "/milestones/new"), data=form(**changes), headers=htmx())
    assert response.status_code == 422
    assert message in field_error(response.text, field)
    assert count(db, Milestone) == 0


def test_a_user_of_another_province_is_not_a_known_responsible(client, db, make, project, staff):
    zanjan = make.user(role=Role.staff, province="Zanjan")
    response = client.post(url(project, "/milestones/new"), data=form(responsible=f"user:{zanjan.id}"), headers=htmx())
    assert response.status_code == 422 and "مسئول را" in field_error(response.text, "responsible")


@on_awkward_days
def test_edit_and_mark_met_in_place(client, db, make, staff):
    today = clock.today()
    project = make.project(start_date=today - timedelta(days=90), target_date=today + timedelta(days=90))
    client.post(url(project, "/milestones/new"), data=form(due_date=format_jalali(today)), headers=htmx())
    milestone = db.exec(select(Milestone)).one()

    edited = client.post(url(project, f"/milestones/{milestone.id}/edit"),
                         data=form(title="تخصیص اعتبار ملی", due_date=format_jalali(today), remind_before="30, 7"),
                         headers=htmx())
    met_form = client.get(url(project, f"/milestones/{milestone.id}/met"), headers=htmx())
    yesterday = format_jalali(today - timedelta(days=1))
    met = client.post(url(project, f"/milestones/{milestone.id}/met"), data={"met_on": yesterday}, headers=htmx())

    assert edited.status_code == 200 and "تخصیص اعتبار ملی" in edited.text
    assert f'value="{format_jalali(today)}"' in met_form.text  # today by default
    assert met.status_code == 200 and "انجام‌شده" in met.text
    db.refresh(milestone)
    assert milestone.state == MilestoneState.met and milestone.reminder_rule == "30,7||"


def test_the_template_form_suggests_dates_up_to_the_target_and_creates_the_phases(client, db, project, staff):
    page = client.get(url(project, "/milestones/template"), headers=htmx())
    assert page.status_code == 200 and "تحویل و بازگشایی" in page.text and "۱۴۰۴/۱۲/۲۹" in page.text

    fields = {f"title_{n}": "" for n in range(7)} | {f"due_{n}": "" for n in range(7)}
    fields |= {"due_0": "1404/07/15", "due_6": "1404/12/29", "responsible": f"user:{staff.id}"}
    created = client.post(url(project, "/milestones/template"), data=fields, headers=htmx())
    assert created.status_code == 200 and count(db, Milestone) == 2

    wrong = client.post(url(project, "/milestones/template"), data=fields | {"due_3": "1404/01/01"}, headers=htmx())
    assert wrong.status_code == 422 and "پیش از شروع پروژه" in field_error(wrong.text, "due_3")
    assert count(db, Milestone) == 2


@pytest.mark.parametrize("role", [Role.viewer, Role.budget_officer])
def test_read_only_roles_see_milestones_but_no_forms(client, make, login, project, role):
    login(make.user(role=role))
    assert client.get(url(project)).status_code == 200
    assert "افزودن نقطه عطف" not in client.get(url(project)).text
    assert client.get(url(project, "/milestones/new")).status_code == 403
    assert client.post(url(project, "/milestones/new"), data=form()).status_code == 403


def test_another_provinces_project_is_not_found(client, make, login, project):
    login(make.user(role=Role.director, province="Zanjan"))
    assert client.get(url(project, "/milestones/new")).status_code == 404
    assert client.post(url(project, "/milestones/template"), data={}).status_code == 404


def test_deleting_in_place_takes_the_milestone_off_the_section(client, db, project, staff):
    client.post(url(project, "/milestones/new"), data=form(title="مناقصه"), headers=htmx())
    milestone = db.exec(select(Milestone)).one()
    response = client.post(url(project, f"/milestones/{milestone.id}/delete"), headers=htmx())
    assert response.status_code == 200 and response.headers["HX-Retarget"] == "#milestones"
    assert "مناقصه" not in response.text and count(db, Milestone) == 0


@on_day(SCENARIO_DAY)
def test_the_activity_list_names_a_milestones_changes_in_persian(client, db, project, staff):
    client.post(url(project, "/milestones/new"), data=form(title="مناقصه"), headers=htmx())
    milestone = db.exec(select(Milestone)).one()
    client.post(url(project, f"/milestones/{milestone.id}/met"), data={"met_on": "1405/09/01"}, headers=htmx())
    activity = client.get(url(project)).text.split('id="activity"')[1]
    assert "نقطه عطفی افزود" in activity and "نقطه عطفی را ویرایش کرد" in activity
    assert "تاریخ انجام" in activity and "انجام‌شده" in activity and "met_on" not in activity

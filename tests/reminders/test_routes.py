"""The reminders pages over HTTP: the bell and notices, the deadlines dashboard, the administrator's settings and
outbox, each user's email opt-out and secret calendar feed."""
import re

import pytest
from sqlmodel import select

from tests.conftest import SCENARIO_DAY, htmx, on_awkward_days, on_day
from tests.helpers import field_error
from tests.reminders.helpers import scan
from tracker.accounts.models import Role
from tracker.core.mail import MailSettings
from tracker.deadlines.models import Holiday, ReminderSettings
from tracker.reminders.models import Notice


@pytest.fixture
def owner(make, login):
    user = make.user(role=Role.staff, full_name="کارشناس پروژه", email="owner@example.org")
    login(user)
    return user


@pytest.fixture
def reminded(app, session_factory, owner, due):
    """Three reminders of the owner's milestones (due today, in 7 days, and 3 weeks late), scanned."""
    milestones = [due(0, responsible=owner, title="بازگشایی"), due(7, responsible=owner, title="قرارداد"),
                  due(-21, responsible=owner, title="تخصیص اعتبار")]
    scan(app, session_factory, mail=MailSettings(demo=True))
    return milestones


def bell_count(text: str) -> str | None:
    match = re.search(r'<span class="bell-count">([^<]*)</span>', text)
    return match[1] if match else None


@on_day(SCENARIO_DAY)  # the reminders' wording follows the working calendar of that day
def test_the_bell_shows_the_unread_count_on_every_page_and_polls(client, reminded):
    page = client.get("/projects/")
    assert bell_count(page.text) == "۳"
    assert 'hx-trigger="every 60s, notices-read from:body"' in page.text
    fragment = client.get("/notices/bell", headers=htmx())
    assert "<html" not in fragment.text and bell_count(fragment.text) == "۳"


@on_day(SCENARIO_DAY)  # the reminders' wording follows the working calendar of that day
def test_the_notices_list_links_to_each_item_in_persian(client, reminded):
    page = client.get("/notices/")
    fragment = client.get("/notices/", headers=htmx())
    assert "<html" in page.text and "<html" not in fragment.text and "HX-Request" in page.headers["Vary"]
    for text in ("بازگشایی", "سررسید امروز", "۷ روز تا سررسید", "۲۱ روز از سررسید گذشته", "ارجاع به مدیران"):
        assert text in page.text


@on_day(SCENARIO_DAY)  # the reminders' wording follows the working calendar of that day
def test_opening_a_notice_marks_it_read_and_goes_to_the_item(client, db, owner, reminded):
    notice = db.exec(select(Notice).where(Notice.user_id == owner.id)).first()
    response = client.get(f"/notices/{notice.id}/open")
    assert response.status_code == 303 and "#milestone-" in response.headers["Location"]
    db.refresh(notice)
    assert notice.read_at is not None
    assert bell_count(client.get("/projects/").text) == "۲"


@on_day(SCENARIO_DAY)  # the reminders' wording follows the working calendar of that day
def test_mark_one_then_all_read_in_place(client, db, owner, reminded):
    notice = db.exec(select(Notice).where(Notice.user_id == owner.id)).first()
    one = client.post(f"/notices/{notice.id}/read", headers=htmx())
    assert one.status_code == 200 and one.headers["HX-Trigger"] == "notices-read" and "<html" not in one.text
    assert bell_count(client.get("/notices/bell").text) == "۲"
    client.post("/notices/read-all", headers=htmx())
    assert bell_count(client.get("/notices/bell").text) is None


@on_day(SCENARIO_DAY)  # the reminders' wording follows the working calendar of that day
def test_someone_elses_notice_is_not_found(client, db, make, login, owner, reminded):
    notice = db.exec(select(Notice).where(Notice.user_id == owner.id)).first()
    login(make.user(role=Role.staff))
    assert client.get(f"/notices/{notice.id}/open").status_code == 404
    assert client.post(f"/notices/{notice.id}/read").status_code == 404
    db.refresh(notice)
    assert notice.read_at is None


@on_awkward_days
def test_the_dashboard_shows_due_this_week_overdue_and_by_county(client, make, owner, due):
    due(0, responsible=owner, title="طراحی")  # due today: this week (which ends on Friday) on any day
    due(-30, responsible=owner, title="تخصیص اعتبار", project=make.project(county="کوه‌چنار"))
    due(-5, responsible=make.user(role=Role.staff, province="Zanjan"), title="زنجان",
        project=make.project(county="زنجان", province="Zanjan"))

    page = client.get("/reminders/")

    week = page.text.split('id="due-this-week"')[1].split('id="overdue"')[0]
    overdue = page.text.split('id="overdue"')[1].split('id="by-county"')[0]
    by_county = page.text.split('id="by-county"')[1]
    assert "طراحی" in week and "تخصیص اعتبار" not in week
    assert "تخصیص اعتبار" in overdue and "۳۰ روز معوق" in overdue and "زنجان" not in overdue
    assert "کوه‌چنار" in by_county and "کازرون" in by_county and "زنجان" not in by_county


@pytest.mark.parametrize("path", ["/reminders/settings", "/reminders/outbox"])
def test_settings_and_the_outbox_are_for_administrators(client, owner, path):
    assert client.get(path).status_code == 403


def test_an_administrator_changes_the_defaults_and_negative_days_are_refused(client, db, make, login):
    login(make.admin)
    page = client.get("/reminders/settings")
    assert "۲۹ اسفند" in page.text and "نوروز" in page.text and 'value="۱۴, ۷, ۱, ۰"' in page.text

    refused = client.post("/reminders/settings", data={"before_days": "14, -7", "overdue_every": "7",
                                                        "escalate_after": "-1", "days_off": ["4"]})
    assert refused.status_code == 422
    assert "تعداد روز نمی‌تواند منفی باشد." in field_error(refused.text, "before_days")
    assert "تعداد روز نمی‌تواند منفی باشد." in field_error(refused.text, "escalate_after")
    all_week = client.post("/reminders/settings", data={"before_days": "3", "overdue_every": "7",
                                                         "escalate_after": "7", "days_off": [str(d) for d in range(7)]})
    assert all_week.status_code == 422

    saved = client.post("/reminders/settings", data={"before_days": "۳۰، ۷، ۰", "overdue_every": "14",
                                                      "escalate_after": "21", "days_off": ["3", "4"]})
    assert saved.status_code == 303
    row = db.get(ReminderSettings, 1)
    assert (row.before_days, row.overdue_every, row.escalate_after, row.days_off) == ("30,7,0", 14, 21, "3,4")


def test_an_administrator_adds_and_removes_a_holiday(client, db, make, login):
    login(make.admin)
    added = client.post("/reminders/holidays", data={"year": "1405", "month": "12", "day": "30", "name": "آزمون"})
    assert added.status_code == 422 and "این ماه چنین روزی ندارد." in field_error(added.text, "day")
    added = client.post("/reminders/holidays", data={"year": "۱۴۰۵", "month": "۱", "day": "۲۸", "name": "عید فطر"})
    assert added.status_code == 303
    holiday = db.exec(select(Holiday).where(Holiday.name == "عید فطر")).one()
    assert (holiday.year, holiday.month, holiday.day) == (1405, 1, 28)
    assert client.post(f"/reminders/holidays/{holiday.id}/delete").status_code == 303
    assert db.exec(select(Holiday).where(Holiday.name == "عید فطر")).first() is None


@on_day(SCENARIO_DAY)  # the reminders' wording follows the working calendar of that day
def test_the_outbox_shows_demo_emails_and_failures_to_an_administrator(client, make, login, reminded):
    login(make.admin)
    page = client.get("/reminders/outbox")
    assert "owner@example.org" in page.text and "فرستاده شد" in page.text and "(صندوق خروجی)" in page.text
    delivery_id = re.search(r'href="/reminders/outbox/(\d+)"', page.text)[1]
    email = client.get(f"/reminders/outbox/{delivery_id}")
    assert "<dt>شناسه پیام</dt>" in email.text and "owner@example.org" in email.text
    assert re.search(r'<dd><bdi dir="ltr" class="small">&lt;[^<]+&gt;</bdi></dd>', email.text)  # the id, isolated
    client.post("/language/en")
    assert "<dt>Message ID</dt>" in client.get(f"/reminders/outbox/{delivery_id}").text


def test_a_user_turns_email_off_and_on(client, db, owner):
    assert "یادآوری با ایمیل روشن است" in client.get("/account/notifications").text
    assert client.post("/account/notifications", data={"action": "email", "email_on": "0"}).status_code == 303
    db.refresh(owner)
    assert owner.email_opt_out
    client.post("/account/notifications", data={"action": "email", "email_on": "1"})
    db.refresh(owner)
    assert not owner.email_opt_out


@on_day(SCENARIO_DAY)  # the reminders' wording follows the working calendar of that day
def test_the_calendar_feed_lives_at_a_secret_address_that_can_be_replaced(client, db, owner, reminded):
    client.post("/account/notifications", data={"action": "calendar"})
    db.refresh(owner)
    first = owner.calendar_token
    page = client.get("/account/notifications")
    assert f"/calendar/{first}.ics" in page.text

    client.get("/logout")
    anonymous = client.application.test_client()
    feed = anonymous.get(f"/calendar/{first}.ics")
    assert feed.status_code == 200 and feed.headers["Content-Type"] == "text/calendar; charset=utf-8"
    body = feed.get_data(as_text=True)
    assert body.count("BEGIN:VEVENT") == 3 and "SUMMARY:نقطه عطف: بازگشایی" in body
    assert anonymous.get("/calendar/not-the-token.ics").status_code == 404

    client.post("/account/notifications", data={"action": "calendar"})
    db.refresh(owner)
    assert owner.calendar_token != first
    assert anonymous.get(f"/calendar/{first}.ics").status_code == 404
    assert anonymous.get(f"/calendar/{owner.calendar_token}.ics").status_code == 200


@pytest.mark.parametrize("path", ["/notices/", "/notices/bell", "/reminders/", "/account/notifications"])
def test_pages_need_a_login(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@on_day(SCENARIO_DAY)  # the reminders' wording follows the working calendar of that day
def test_the_pages_work_in_english_too(client, make, login, reminded):
    client.post("/language/en", data={"next": "/notices/"})
    notices = client.get("/notices/")
    assert '<html lang="en" dir="ltr">' in notices.text and "Overdue by 21 days" in notices.text
    assert "Due in 7 days" in notices.text and "Due today" in notices.text
    assert "Due this week" in client.get("/reminders/").text
    login(make.admin)
    assert "Default reminders" in client.get("/reminders/settings").text


@on_day(SCENARIO_DAY)  # the reminders' wording follows the working calendar of that day
def test_opening_a_notice_of_a_persian_slug_redirects_to_an_encoded_address(client, db, owner, reminded):
    notice = db.exec(select(Notice).where(Notice.user_id == owner.id)).first()
    location = client.get(f"/notices/{notice.id}/open").headers["Location"]
    assert location.isascii() and location.startswith("/projects/%D8%A8%D9%87")

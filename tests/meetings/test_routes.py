"""Meetings over HTTP: the form with agenda items and decisions, its errors, editing, roles and scope."""
import re
import uuid
from datetime import date
from urllib.parse import quote

from sqlmodel import select

from tests.conftest import SCENARIO_DAY, htmx, on_day
from tests.helpers import count, field_error
from tracker.accounts.models import Role
from tracker.decisions.models import Decision
from tracker.decisions.services import DecisionData
from tracker.meetings.models import AgendaItem, Meeting
from tracker.meetings.services import AgendaData


def meeting_form(**changes) -> dict:
    return {
        "meeting_id": str(uuid.uuid4()), "held_on": "1404/06/25", "body": "کارگروه اشتغال شهرستان کازرون",
        "county_id": "", "notes": "", "guests-0-name": "", "guests-0-title": "", "guests-0-agency_id": "",
        "agenda-0-id": "", "agenda-0-title": "", "agenda-0-project_id": "",
        "decisions-0-id": "", "decisions-0-text": "", "decisions-0-owner": "", "decisions-0-due_date": "",
        "decisions-0-agenda_row": "",
    } | changes


@on_day(SCENARIO_DAY)
def test_a_meeting_with_agenda_items_and_decisions(client, db, make, director):
    pool = make.project(name="بهسازی استخر کارگران کازرون")
    county = make.county("کازرون")
    company = make.agency("شرکت توسعه عمران شهرستان کازرون")
    form_page = client.get("/meetings/new")
    assert form_page.status_code == 200 and 'list="body-suggestions"' in form_page.text
    assert "کارگروه اشتغال شهرستان کازرون" in form_page.text  # a suggestion in the datalist

    pool_item = str(uuid.uuid4())
    # Rows added in the browser may leave gaps in the numbering (a row removed); a decision names its item by id.
    data = meeting_form(county_id=str(county.id), visitor_users=[str(director.id)], **{
        "agenda-0-id": str(uuid.uuid4()), "agenda-0-title": "توسعه فعالیت شرکت توسعه عمران شهرستان",
        "agenda-2-id": pool_item, "agenda-2-title": "بهسازی استخر کارگران", "agenda-2-project_id": str(pool.id),
        "decisions-0-text": "گزارش پیشرفت", "decisions-0-owner": f"user:{director.id}",
        "decisions-0-due_date": "1404/07/30", "decisions-0-agenda_row": pool_item,
        "decisions-1-text": "طرح توسعه", "decisions-1-owner": f"agency:{company.id}",
        "decisions-1-due_date": "1404/08/30", "decisions-1-agenda_row": "",
    })
    response = client.post("/meetings/new", data=data, headers=htmx())

    assert response.status_code == 204, field_error(response.text, "decisions-0-agenda_row")
    meeting = db.get(Meeting, uuid.UUID(data["meeting_id"]))
    assert response.headers["HX-Redirect"] == f"/meetings/{meeting.id}"
    items = db.exec(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id).order_by(AgendaItem.position)).all()
    assert [(i.title, i.project_id) for i in items] == [("توسعه فعالیت شرکت توسعه عمران شهرستان", None),
                                                        ("بهسازی استخر کارگران", pool.id)]
    assert str(items[1].id) == pool_item
    decisions = {d.text: d for d in db.exec(select(Decision).where(Decision.meeting_id == meeting.id))}
    assert (decisions["گزارش پیشرفت"].agenda_item_id, decisions["گزارش پیشرفت"].project_id) == (items[1].id, pool.id)
    assert decisions["طرح توسعه"].agenda_item_id is None

    page = client.get(f"/meetings/{meeting.id}")
    assert page.status_code == 200 and "گزارش پیشرفت" in page.text and "بهسازی استخر کارگران" in page.text
    assert "کارگروه اشتغال شهرستان کازرون" in client.get("/meetings/").text
    assert f'id="meeting-{meeting.id}"' in client.get(f"/projects/{quote(pool.slug)}").text
    assert str(decisions["گزارش پیشرفت"].id) in client.get("/decisions/", headers=htmx()).text


def test_a_meeting_needs_a_body_and_owners(client, db, director):
    response = client.post("/meetings/new", headers=htmx(), data=meeting_form(body="", **{
        "decisions-0-text": "بدون مسئول", "decisions-0-due_date": "1404/07/30"}))
    assert response.status_code == 422
    assert field_error(response.text, "body") and field_error(response.text, "decisions-0-owner")
    assert count(db, Meeting) == 0


def test_meeting_edit_and_scope(client, db, make, login, director):
    meeting = make.meeting(author=director, agenda=(AgendaData("یک"),), decisions=(
        DecisionData("کار", owner_user_id=director.id, due_date=date(2025, 10, 1), agenda_index=0),))
    item = db.exec(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)).one()
    edit = client.get(f"/meetings/{meeting.id}/edit")
    assert edit.status_code == 200 and 'value="یک"' in edit.text
    assert re.search(rf'<option selected value="{item.id}">|<option value="{item.id}" selected', edit.text)

    login(make.user(role=Role.director, province="Zanjan"))
    assert client.get(f"/meetings/{meeting.id}").status_code == 404
    assert str(meeting.id) not in client.get("/meetings/").text
    login(make.user(role=Role.viewer))
    assert client.get(f"/meetings/{meeting.id}").status_code == 200
    assert client.get("/meetings/new").status_code == 403
    assert client.get(f"/meetings/{meeting.id}/edit").status_code == 403
    assert client.post(f"/meetings/{meeting.id}/delete").status_code == 403

"""The decision list across a province with its filters and in-place state changes; meetings over HTTP."""
import re
import uuid
from datetime import date, timedelta
from urllib.parse import quote

import pytest
from sqlmodel import select

from tests.conftest import htmx
from tests.projects.helpers import fa, field_error
from tracker.accounts.models import Role
from tracker.core import clock
from tracker.decisions.models import Decision, DecisionState
from tracker.decisions.services import DecisionData
from tracker.meetings.models import AgendaItem, Meeting
from tracker.meetings.services import AgendaData

from .helpers import counts


@pytest.fixture
def director(make, login):
    user = make.user(role=Role.director, full_name="سعید بیاری")
    login(user)
    return user


def decision_ids(text: str) -> list[str]:
    return re.findall(r'<li class="decision-row[^"]*" id="decision-([0-9a-f-]{36})"', text)


def test_the_list_shows_the_provinces_open_decisions_soonest_first(client, make, director):
    pool = make.project(name="بهسازی استخر کارگران کازرون")
    later = make.decision(pool, text="دیرتر", due_date=clock.today() + timedelta(days=30))
    sooner = make.decision(pool, text="زودتر", due_date=clock.today() + timedelta(days=3))
    make.decision(make.project(county="زنجان", province="Zanjan"), text="زنجان")

    page = client.get("/decisions/")
    fragment = client.get("/decisions/", headers=htmx())

    assert page.status_code == fragment.status_code == 200
    assert "<html" in page.text and "<html" not in fragment.text and "HX-Request" in fragment.headers["Vary"]
    assert decision_ids(fragment.text) == [str(sooner.id), str(later.id)]
    assert "زنجان" not in fragment.text


def test_filters_owner_project_overdue_and_state(client, db, make, director):
    pool, other = make.project(), make.project()
    agency = make.agency("فرمانداری ویژه کازرون")
    late = make.decision(pool, text="سررسید گذشته", owner=agency, due_date=clock.today() - timedelta(days=1))
    mine = make.decision(other, text="با مسئولیت مدیر", owner=director, due_date=clock.today() + timedelta(days=5))
    done = make.decision(pool, text="انجام‌شده", owner=agency, due_date=clock.today() - timedelta(days=9))
    done.state = DecisionState.done
    db.add(done)
    db.flush()

    def ids(query: str) -> list[str]:
        return decision_ids(client.get(f"/decisions/?{query}", headers=htmx()).text)

    assert ids("") == [str(late.id), str(mine.id)]
    assert ids(f"owner=agency:{agency.id}") == [str(late.id)]
    assert ids(f"owner=user:{director.id}") == [str(mine.id)]
    assert ids("owner=user:%C2%B2") == ids(f"owner=agency:{2**63}") == [str(late.id), str(mine.id)]  # no owner
    assert ids(f"project={other.id}") == [str(mine.id)]
    assert ids("overdue=1") == [str(late.id)]
    assert ids("state=done") == [str(done.id)]
    assert ids("state=all") == [str(done.id), str(late.id), str(mine.id)]
    overdue_row = client.get("/decisions/?overdue=1", headers=htmx()).text
    assert "badge overdue" in overdue_row


def test_the_list_is_paged(client, app, make, director):
    app.config["PAGE_SIZE"] = 2
    pool = make.project()
    for day in range(5):
        make.decision(pool, text=f"مصوبه {day}", due_date=clock.today() + timedelta(days=day))
    last = client.get("/decisions/?page=3", headers=htmx()).text
    assert len(decision_ids(last)) == 1
    assert 'rel="prev" href="/decisions/?page=2"' in last


def test_an_admin_chooses_a_province(client, make, login):
    fars = make.decision(make.project(), text="فارس")
    zanjan = make.decision(make.project(county="زنجان", province="Zanjan"), text="زنجان")
    login(make.admin)
    assert set(decision_ids(client.get("/decisions/", headers=htmx()).text)) == {str(fars.id), str(zanjan.id)}
    only = client.get(f"/decisions/?province={make.province('Zanjan').id}", headers=htmx()).text
    assert decision_ids(only) == [str(zanjan.id)]
    assert 'id="province"' in client.get("/decisions/").text


def test_the_state_changes_in_place(client, db, app, make, director):
    decision = make.decision(make.project(), text="تأمین اعتبار")
    url = f"/decisions/{decision.id}/state"

    form = client.get(url, headers=htmx())
    assert form.status_code == 200 and "<html" not in form.text
    assert 'hx-target="closest li"' in form.text and 'value="done"' in form.text

    refused = client.post(url, data={"state": "dropped", "note": ""}, headers=htmx())
    assert refused.status_code == 422
    assert field_error(refused.text, "note") == fa(app, "Say why the decision was dropped.")

    row = client.post(url, data={"state": "done", "note": "اعتبار <b>تخصیص</b> یافت"}, headers=htmx())
    assert row.status_code == 200 and "<html" not in row.text
    assert row.text.lstrip().startswith(f'<li class="decision-row decision-done" id="decision-{decision.id}"')
    assert "اعتبار &lt;b&gt;تخصیص&lt;/b&gt; یافت" in row.text
    db.refresh(decision)
    assert (decision.state, decision.state_changed_by) == (DecisionState.done, director.id)

    back = client.post(url, data={"state": "open"}, headers=htmx())
    assert back.status_code == 200
    db.refresh(decision)
    assert (decision.state, decision.state_note) == (DecisionState.open, "")
    # Without htmx, the browser goes back to the list.
    assert client.post(url, data={"state": "done"}).status_code == 303
    cancel = client.get(f"/decisions/{decision.id}", headers=htmx())
    assert cancel.status_code == 200 and f'id="decision-{decision.id}"' in cancel.text


@pytest.mark.parametrize("role", [Role.budget_officer, Role.viewer])
def test_read_only_roles_see_decisions_but_may_not_change_them(client, make, login, role):
    decision = make.decision(make.project())
    login(make.user(role=role))
    listing = client.get("/decisions/", headers=htmx())
    assert str(decision.id) in listing.text and "/state" not in listing.text
    assert client.get(f"/decisions/{decision.id}/state").status_code == 403
    assert client.post(f"/decisions/{decision.id}/state", data={"state": "done"}).status_code == 403


def test_another_provinces_decision_is_not_found(client, make, login):
    decision = make.decision(make.project())
    login(make.user(role=Role.director, province="Zanjan"))
    assert client.get(f"/decisions/{decision.id}").status_code == 404
    assert client.post(f"/decisions/{decision.id}/state", data={"state": "done"}).status_code == 404


def meeting_form(**changes) -> dict:
    return {
        "meeting_id": str(uuid.uuid4()), "held_on": "1404/06/25", "body": "کارگروه اشتغال شهرستان کازرون",
        "county_id": "", "notes": "", "guests-0-name": "", "guests-0-title": "", "guests-0-agency_id": "",
        "agenda-0-id": "", "agenda-0-title": "", "agenda-0-project_id": "",
        "decisions-0-id": "", "decisions-0-text": "", "decisions-0-owner": "", "decisions-0-due_date": "",
        "decisions-0-agenda_row": "",
    } | changes


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
    assert counts(db)["Meeting"] == 0


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

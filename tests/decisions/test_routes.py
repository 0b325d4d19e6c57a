"""The decision list across a province with its filters and in-place state changes, over HTTP."""
import re
from datetime import timedelta

import pytest

from tests.conftest import htmx
from tests.helpers import fa, field_error
from tracker.accounts.models import Role
from tracker.core import clock
from tracker.decisions.models import DecisionState


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

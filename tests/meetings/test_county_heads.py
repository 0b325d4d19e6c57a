"""A county head and meetings that also concern another county: they see and change only what is their county's.

A county head reads their county's meetings and the province-wide ones; they correct their county's meetings only.
An agenda item on another county's project shows as «موضوعی از شهرستان دیگر», without its title, project or
decisions, and saving the form as served keeps it, and its decisions, exactly as they are.
"""
from datetime import date

import pytest
from sqlmodel import select

from tests.helpers import VISIT_TABLES, counts, fa, served_form
from tracker.decisions.models import Decision
from tracker.decisions.services import DecisionData
from tracker.meetings.models import AgendaItem, Meeting
from tracker.meetings.services import AgendaData

SHIRAZ_ITEM, SHIRAZ_DECISION = "تعمیر سالن ورزشی شیراز", "تأمین اعتبار سالن شیراز"
KAZERUN_ITEM = "بهسازی استخر کارگران کازرون"


@pytest.fixture
def shared(make, fars):
    """A meeting maker: items on the Kazerun pool and on a Shiraz project, with a decision on each, recorded by the
    Fars director for the whole province (county=None) or for Kazerun."""
    director, head, pool = fars
    shiraz = make.project(name="بهسازی سالن ورزشی شیراز", county="شیراز")
    agency = make.agency()

    def meeting(county=None):
        return make.meeting(author=director, county_id=county.id if county else None, agenda=(
            AgendaData(KAZERUN_ITEM, pool.id), AgendaData(SHIRAZ_ITEM, shiraz.id)), decisions=(
            DecisionData("پیگیری تخصیص استخر", owner_agency_id=agency.id, due_date=date(2026, 12, 20), agenda_index=0),
            DecisionData(SHIRAZ_DECISION, owner_agency_id=agency.id, due_date=date(2026, 12, 20), agenda_index=1)))

    return head, shiraz, meeting


def state(db, meeting_id):
    """The meeting's place and every agenda item and decision as stored."""
    db.expire_all()
    meeting = db.get(Meeting, meeting_id)
    items = db.exec(select(AgendaItem).where(AgendaItem.meeting_id == meeting_id)).all()
    decisions = db.exec(select(Decision).where(Decision.meeting_id == meeting_id)).all()
    return ((meeting.province_id, meeting.county_id, meeting.body),
            sorted((i.title, i.project_id, i.position, str(i.id)) for i in items),
            sorted((d.text, d.project_id, d.county_id, str(d.agenda_item_id)) for d in decisions))


def test_a_county_head_reads_a_province_meeting_without_another_countys_item(app, client, login, shared):
    head, shiraz, meeting = shared
    province_wide = meeting()
    login(head)
    page = client.get(f"/meetings/{province_wide.id}").get_data(as_text=True)
    assert KAZERUN_ITEM in page and fa(app, "An item of another county") in page
    assert SHIRAZ_ITEM not in page and shiraz.name not in page and SHIRAZ_DECISION not in page
    assert f"/meetings/{province_wide.id}/edit" not in page


def test_the_director_still_reads_every_item_of_the_meeting(client, director, shared):
    _head, shiraz, meeting = shared
    page = client.get(f"/meetings/{meeting().id}").get_data(as_text=True)
    assert SHIRAZ_ITEM in page and shiraz.name in page and SHIRAZ_DECISION in page


def test_a_county_head_may_not_change_a_province_meeting(db, client, login, shared):
    head, _shiraz, meeting = shared
    province_wide = meeting()
    login(head)
    before, rows = state(db, province_wide.id), counts(db, *VISIT_TABLES)
    assert client.get(f"/meetings/{province_wide.id}/edit").status_code == 403
    assert client.post(f"/meetings/{province_wide.id}/edit", data={"body": "دیگر"}).status_code == 403
    assert client.post(f"/meetings/{province_wide.id}/delete").status_code == 403
    assert state(db, province_wide.id) == before and counts(db, *VISIT_TABLES) == rows


def test_saving_the_form_as_served_keeps_another_countys_item_and_decision(app, db, make, client, login, shared):
    head, _shiraz, meeting = shared
    kazerun = meeting(county=make.county("کازرون"))
    before = state(db, kazerun.id)
    login(head)
    form = client.get(f"/meetings/{kazerun.id}/edit").get_data(as_text=True)
    assert fa(app, "An item of another county") in form and SHIRAZ_ITEM not in form and SHIRAZ_DECISION not in form

    saved = client.post(f"/meetings/{kazerun.id}/edit", data=served_form(form))

    assert saved.status_code in (302, 303), saved.status_code
    assert state(db, kazerun.id) == before


def test_a_county_head_may_not_delete_their_meeting_while_it_holds_another_countys_item(db, make, client, login,
                                                                                         shared):
    head, _shiraz, meeting = shared
    kazerun = meeting(county=make.county("کازرون"))
    login(head)
    rows = counts(db, *VISIT_TABLES)
    assert client.post(f"/meetings/{kazerun.id}/delete").status_code == 403
    assert counts(db, *VISIT_TABLES) == rows

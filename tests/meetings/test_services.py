"""Writing meetings: agenda items and decisions taken on them, what is checked, editing and removing."""
import uuid
from datetime import date, timedelta

import pytest
from sqlmodel import select

from tests.helpers import VISIT_DAY, VISIT_TABLES, count, counts
from tracker.accounts.models import Role
from tracker.core.audit import AuditEvent
from tracker.core.errors import Forbidden, InvalidInput
from tracker.decisions.models import Decision
from tracker.decisions.services import DecisionData
from tracker.meetings import services as meetings
from tracker.meetings.models import AgendaItem, Meeting
from tracker.meetings.services import AgendaData, MeetingData
from tracker.visits.services import PeopleData


def test_a_meeting_with_agenda_items_and_decisions(db, make, fars):
    director, head, project = fars
    owner = make.agency("شرکت توسعه عمران شهرستان کازرون")
    county = make.county("کازرون")
    data = MeetingData(
        id=uuid.uuid4(), held_on=VISIT_DAY.date(), body="کارگروه اشتغال شهرستان کازرون", county_id=county.id,
        people=PeopleData(user_ids=(director.id, head.id)),
        agenda=(AgendaData("توسعه فعالیت شرکت توسعه عمران شهرستان"), AgendaData("بهسازی استخر", project.id)),
        decisions=(DecisionData("گزارش پیشرفت استخر", owner_user_id=head.id, due_date=date(2025, 10, 1),
                                agenda_index=1),
                   DecisionData("طرح توسعه شرکت", owner_agency_id=owner.id, due_date=date(2025, 11, 1),
                                agenda_index=0),
                   DecisionData("کلی", owner_agency_id=owner.id, due_date=date(2025, 12, 1))),
    )

    meeting = meetings.create_meeting(db, actor=director, data=data, now=VISIT_DAY)
    assert meetings.create_meeting(db, actor=director, data=data, now=VISIT_DAY).id == meeting.id  # idempotent

    assert (meeting.province_id, meeting.county_id, meeting.author_id) == (county.province_id, county.id, director.id)
    items = db.exec(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id).order_by(AgendaItem.position)).all()
    assert [(i.title, i.project_id) for i in items] == [("توسعه فعالیت شرکت توسعه عمران شهرستان", None),
                                                        ("بهسازی استخر", project.id)]
    decisions = {d.text: d for d in db.exec(select(Decision).where(Decision.meeting_id == meeting.id)).all()}
    assert (decisions["گزارش پیشرفت استخر"].agenda_item_id, decisions["گزارش پیشرفت استخر"].project_id) == (
        items[1].id, project.id)
    assert (decisions["طرح توسعه شرکت"].agenda_item_id, decisions["طرح توسعه شرکت"].project_id) == (items[0].id, None)
    assert decisions["کلی"].agenda_item_id is None and decisions["کلی"].county_id == county.id
    assert db.exec(select(AuditEvent).where(AuditEvent.entity == "decisions",
                                            AuditEvent.project_id == project.id)).one()


def test_meeting_refusals(db, make, fars):
    director, head, _project = fars
    zanjan_project = make.project(county="زنجان", province="Zanjan")
    shiraz = make.county("شیراز")
    before = counts(db, *VISIT_TABLES)
    with pytest.raises(InvalidInput) as error:
        make.meeting(author=director, body=" ", held_on=VISIT_DAY.date() + timedelta(days=400),
                     agenda=(AgendaData("", None), AgendaData("استخر", zanjan_project.id)),
                     decisions=(DecisionData("بی‌مسئول", due_date=date(2025, 10, 1), agenda_index=5),), now=VISIT_DAY)
    assert set(error.value.errors) == {"body", "held_on", "agenda-0-title", "agenda-1-project_id",
                                       "decisions-0-owner", "decisions-0-agenda_index"}
    with pytest.raises(InvalidInput) as error:
        make.meeting(author=head, county_id=shiraz.id)  # a county head records meetings of their county only
    assert set(error.value.errors) == {"county_id"}
    with pytest.raises(Forbidden):
        make.meeting(author=make.user(role=Role.viewer))
    assert counts(db, *VISIT_TABLES) == before


def test_editing_a_meeting_and_removing_an_agenda_item(db, make, fars):
    director, head, project = fars
    meeting = make.meeting(author=director, agenda=(AgendaData("یک"), AgendaData("دو", project.id)),
                           decisions=(DecisionData("روی دو", owner_user_id=head.id, due_date=date(2025, 10, 1),
                                                   agenda_index=1),))
    one, two = db.exec(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
                       .order_by(AgendaItem.position)).all()
    decision = db.exec(select(Decision).where(Decision.meeting_id == meeting.id)).one()

    meetings.update_meeting(db, actor=director, meeting=meeting, data=MeetingData(
        id=meeting.id, held_on=meeting.held_on, body="کارگروه اشتغال", agenda=(AgendaData("یک، ویرایش", id=one.id),),
        decisions=(DecisionData("روی دو", owner_user_id=head.id, due_date=date(2025, 10, 1), id=decision.id),)))

    assert meeting.body == "کارگروه اشتغال"
    assert [i.title for i in db.exec(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id))] == ["یک، ویرایش"]
    assert db.get(AgendaItem, two.id) is None
    assert (decision.agenda_item_id, decision.project_id) == (None, None)

    meetings.delete_meeting(db, actor=director, meeting=meeting)
    assert count(db, Meeting) == 0 and count(db, Decision) == 0 and count(db, AgendaItem) == 0

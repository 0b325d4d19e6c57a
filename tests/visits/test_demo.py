"""The demo's visit and meeting of 1404/06/25: as reported, nothing invented, loaded once."""
from datetime import date

from sqlmodel import select

from tests.conftest import SCENARIO_DAY, on_day
from tests.helpers import VISIT_TABLES, counts
from tracker.decisions.models import Decision
from tracker.demo.services import load_demo
from tracker.meetings.models import AgendaItem, Meeting
from tracker.projects.models import Project
from tracker.visits import queries
from tracker.visits.models import Visit

# Written about the reported Kazerun case, so on a day after its report (1404/06/25).
pytestmark = on_day(SCENARIO_DAY)


def test_the_kazerun_visit_and_working_group_are_as_reported(db):
    load_demo(db)
    loaded = counts(db, *VISIT_TABLES)
    load_demo(db)
    assert counts(db, *VISIT_TABLES) == loaded

    visit = db.exec(select(Visit)).one()
    pool = db.get(Project, visit.project_id)
    assert pool.name == "بهسازی استخر کارگران کازرون" and visit.visited_on == date(2025, 9, 16)  # 1404/06/25
    assert visit.observed_progress is None and pool.physical_progress is None  # not reported, not invented
    assert db.exec(select(Decision)).all() == []  # taken, but not listed by the report
    people = queries.attendees(db, visit_id=visit.id)
    assert [row.user_name for row in people if row.kind == "user"] == [
        "سعید بیاری", "رئیس اداره تعاون، کار و رفاه اجتماعی کازرون"]
    guests = {(row.attendee.guest_name, row.attendee.guest_title, row.agency_name) for row in people
              if row.kind == "guest"}
    assert guests == {
        ("", "نماینده مردم کازرون و کوه‌چنار در مجلس شورای اسلامی",
         "دفتر نماینده مردم کازرون و کوه‌چنار در مجلس شورای اسلامی"),
        ("", "فرماندار ویژه کازرون", "فرمانداری ویژه کازرون"),
        ("چند تن از مسئولان شهرستان کازرون", "", ""),
    }

    meeting = db.exec(select(Meeting)).one()
    assert (meeting.body, meeting.held_on, meeting.is_sample) == ("کارگروه اشتغال شهرستان کازرون", date(2025, 9, 16),
                                                                  False)
    items = db.exec(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id).order_by(AgendaItem.position)).all()
    assert len(items) == 5
    assert items[2].title == "رفع مشکلات تعاونی نخلداران خشت و کنارتخته"

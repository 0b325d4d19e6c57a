"""Writing visits: who may, what is checked, what is stored (visitors, decisions, photos), what the project learns."""
import uuid
from datetime import date, timedelta

import pytest
from sqlmodel import select

from tests.conftest import SCENARIO_DAY, on_day
from tests.helpers import VISIT_DAY, VISIT_TABLES, audit_events, count, counts, jpeg, project_data
from tracker.accounts.models import Role
from tracker.core.audit import AuditEvent
from tracker.core.errors import Forbidden, InvalidInput, NotFound
from tracker.decisions.models import Decision, DecisionState
from tracker.decisions.services import DecisionData
from tracker.projects import services as projects
from tracker.visits import services
from tracker.visits.models import Attendee, Photo, Visit
from tracker.visits.services import GuestData, PeopleData, PhotoUpload, VisitData

# Written about the reported Kazerun case, so on a day after its report (1404/06/25).
pytestmark = on_day(SCENARIO_DAY)


def visit_data(**fields) -> VisitData:
    return VisitData(**{"id": uuid.uuid4(), "visited_on": VISIT_DAY.date(), "notes": "بازدید"} | fields)


def test_a_visit_is_stored_with_its_visitors_decisions_and_photos(db, make, fars, photo_storage):
    director, head, project = fars
    governorate = make.agency("فرمانداری ویژه کازرون")
    mp_office = make.agency("دفتر نماینده مردم کازرون و کوه‌چنار")
    data = visit_data(
        observed_progress=20, notes="بررسی روند پیشرفت", problems="آسیب جدی به استخر",
        latitude=29.6, longitude=51.65, location_accuracy_m=12.5,
        people=PeopleData(user_ids=(director.id, head.id), agency_ids=(governorate.id,), guests=(
            GuestData(title="نماینده مردم کازرون و کوه‌چنار در مجلس", agency_id=mp_office.id),
            GuestData(name="چند تن از مسئولان شهرستان"),
        )),
        decisions=(DecisionData("تأمین اعتبار", owner_agency_id=governorate.id, due_date=date(2025, 10, 22)),
                   DecisionData("پیگیری پیمانکار", owner_user_id=head.id, due_date=date(2025, 11, 21))),
        photos=(PhotoUpload(jpeg(), "نمای استخر", "a.jpg"), PhotoUpload(jpeg((10, 90, 200)), "رختکن", "b.jpg")),
    )

    visit = services.create_visit(db, actor=director, project=project, data=data, storage=photo_storage, now=VISIT_DAY)

    assert (visit.id, visit.author_id, visit.observed_progress) == (data.id, director.id, 20)
    assert (visit.latitude, visit.longitude, visit.location_accuracy_m) == (29.6, 51.65, 12.5)
    people = db.exec(select(Attendee).where(Attendee.visit_id == visit.id).order_by(Attendee.position)).all()
    assert [(a.user_id, a.agency_id, a.guest_name, a.guest_title) for a in people] == [
        (director.id, None, "", ""), (head.id, None, "", ""), (None, governorate.id, "", ""),
        (None, mp_office.id, "", "نماینده مردم کازرون و کوه‌چنار در مجلس"),
        (None, None, "چند تن از مسئولان شهرستان", ""),
    ]
    decisions = db.exec(select(Decision).where(Decision.visit_id == visit.id).order_by(Decision.due_date)).all()
    assert [(d.text, d.state, d.project_id, d.province_id, d.county_id) for d in decisions] == [
        ("تأمین اعتبار", DecisionState.open, project.id, project.province_id, project.county_id),
        ("پیگیری پیمانکار", DecisionState.open, project.id, project.province_id, project.county_id),
    ]
    photos = db.exec(select(Photo).where(Photo.visit_id == visit.id).order_by(Photo.position)).all()
    assert [(p.caption, p.width, p.height, p.uploaded_by) for p in photos] == [
        ("نمای استخر", 64, 48, director.id), ("رختکن", 64, 48, director.id)]
    assert all((photo_storage.files.root / "photos" / p.sha256[:2]).is_dir() for p in photos)
    assert [e.action for e in audit_events(db, "visits", visit.id)] == ["create"]
    audited = db.exec(select(AuditEvent).where(AuditEvent.project_id == project.id,
                                               AuditEvent.entity.in_(["visits", "decisions", "photos"]))).all()
    assert len(audited) == 5


def test_sending_the_same_visit_again_returns_the_stored_one(db, make, fars, photo_storage):
    director, _head, project = fars
    data = visit_data(decisions=(DecisionData("تأمین اعتبار", owner_user_id=director.id, due_date=date(2025, 10, 1)),))

    first = services.create_visit(db, actor=director, project=project, data=data, storage=photo_storage, now=VISIT_DAY)
    before = counts(db, *VISIT_TABLES)
    again = services.create_visit(db, actor=director, project=project, data=data, storage=photo_storage, now=VISIT_DAY)

    assert again.id == first.id
    assert counts(db, *VISIT_TABLES) == before
    assert (before["Visit"], before["Decision"]) == (1, 1)
    # Someone else cannot claim that id, nor can its author send it to another project: refused, nothing changed.
    other = make.user(role=Role.staff)
    with pytest.raises(InvalidInput) as refused:
        services.create_visit(db, actor=other, project=project, data=data, storage=photo_storage, now=VISIT_DAY)
    assert set(refused.value.errors) == {"visit"}
    with pytest.raises(InvalidInput) as refused:
        services.create_visit(db, actor=director, project=make.project(name="بهسازی مجتمع ورزشی کارگران"),
                              data=data, storage=photo_storage, now=VISIT_DAY)
    assert set(refused.value.errors) == {"visit"}
    assert counts(db, *VISIT_TABLES) == before
    assert (first.author_id, first.project_id) == (director.id, project.id)


def test_the_latest_observed_progress_sets_the_projects(db, make, fars):
    director, _head, project = fars
    older = make.visit(project, author=director, observed_progress=30, visited_on=date(2025, 9, 1))
    assert (project.physical_progress, project.progress_visit_id) == (30, older.id)

    newer = make.visit(project, author=director, observed_progress=45, visited_on=date(2025, 9, 16))
    assert (project.physical_progress, project.progress_visit_id) == (45, newer.id)

    # A visit made earlier but logged later does not override the newer observation.
    make.visit(project, author=director, observed_progress=10, visited_on=date(2025, 8, 1))
    assert (project.physical_progress, project.progress_visit_id) == (45, newer.id)
    # A visit without a progress figure changes nothing.
    make.visit(project, author=director, notes="فقط یادداشت", visited_on=date(2025, 9, 20))
    assert (project.physical_progress, project.progress_visit_id) == (45, newer.id)
    progress_events = [e for e in audit_events(db, "projects", project.id)
                       if e.action == "update" and "physical_progress" in e.after]
    assert [e.after["physical_progress"] for e in progress_events] == [30, 45]


def test_two_visits_on_one_day_the_one_logged_last_counts(db, make, fars):
    director, _head, project = fars
    make.visit(project, author=director, observed_progress=40, visited_on=date(2025, 9, 16), now=VISIT_DAY)
    later = make.visit(project, author=director, observed_progress=42, visited_on=date(2025, 9, 16),
                       now=VISIT_DAY + timedelta(hours=2))
    assert (project.physical_progress, project.progress_visit_id) == (42, later.id)


def test_progress_typed_by_hand_drops_the_attribution(db, make, fars):
    director, _head, project = fars
    make.visit(project, author=director, observed_progress=30)
    projects.update_project(db, actor=director, project=project, data=project_data(project, physical_progress=35))
    assert (project.physical_progress, project.progress_visit_id) == (35, None)


def test_editing_or_deleting_the_visit_that_set_progress_falls_back_to_the_one_before(db, make, fars, photo_storage):
    director, _head, project = fars
    older = make.visit(project, author=director, observed_progress=30, visited_on=date(2025, 9, 1))
    newer = make.visit(project, author=director, observed_progress=45, visited_on=date(2025, 9, 16))

    services.update_visit(db, actor=director, visit=newer, storage=photo_storage, data=visit_data(
        id=newer.id, visited_on=newer.visited_on, observed_progress=50))
    assert (project.physical_progress, project.progress_visit_id) == (50, newer.id)

    services.delete_visit(db, actor=director, visit=newer)
    assert (project.physical_progress, project.progress_visit_id) == (30, older.id)
    assert db.get(Visit, newer.id) is None
    services.delete_visit(db, actor=director, visit=older)
    assert (project.physical_progress, project.progress_visit_id) == (30, None)  # the figure stays, unattributed


def test_the_author_may_edit_for_24_hours_then_only_a_director(db, make, fars, photo_storage):
    director, _head, project = fars
    staff = make.user(role=Role.staff)
    visit = make.visit(project, author=staff, notes="اول", now=VISIT_DAY)

    def edit(actor, hours):
        return services.update_visit(db, actor=actor, visit=visit, storage=photo_storage,
                                     now=VISIT_DAY + timedelta(hours=hours),
                                     data=visit_data(id=visit.id, notes=f"ویرایش {actor.id} {hours}"))

    edit(staff, 23.9)
    assert visit.notes.startswith("ویرایش")
    with pytest.raises(Forbidden):
        edit(staff, 24)
    with pytest.raises(Forbidden):
        edit(make.user(role=Role.staff), 1)  # another staff member, even within the day
    edit(director, 72)
    edit(make.admin, 500)
    with pytest.raises(Forbidden):
        services.delete_visit(db, actor=staff, visit=visit, now=VISIT_DAY + timedelta(days=2))
    assert [e.action for e in audit_events(db, "visits", visit.id)] == ["create", "update", "update", "update"]


def test_the_window_reads_a_stored_timestamp_back_from_the_database(db, make, fars):
    _director, _head, project = fars
    staff = make.user(role=Role.staff)
    visit = make.visit(project, author=staff, now=VISIT_DAY)
    db.expire(visit)  # SQLite hands timestamps back without a time zone
    assert services.may_edit(staff, visit, project.province_id, project.county_id, VISIT_DAY + timedelta(hours=1))
    assert not services.may_edit(staff, visit, project.province_id, project.county_id, VISIT_DAY + timedelta(days=1))


@pytest.mark.parametrize("role", [Role.budget_officer, Role.viewer])
def test_read_only_roles_may_not_log_visits(db, make, fars, role):
    _director, _head, project = fars
    with pytest.raises(Forbidden):
        make.visit(project, author=make.user(role=role))
    assert count(db, Visit) == 0


def test_another_province_or_county_is_not_found(db, make, fars):
    _director, _head, _project = fars
    zanjan = make.user(role=Role.director, province="Zanjan")
    shiraz_head = make.user(role=Role.director, county="شیراز")
    kazerun = make.project(county="کازرون")
    for actor in (zanjan, shiraz_head):
        with pytest.raises(NotFound):
            make.visit(kazerun, author=actor)


def bad(db, actor, project, storage=None, **fields) -> dict:
    """The errors of a refused visit, checking that nothing was stored (storage: for photos only)."""
    before = counts(db, *VISIT_TABLES)
    with pytest.raises(InvalidInput) as error:
        services.create_visit(db, actor=actor, project=project, data=visit_data(**fields), storage=storage,
                              now=VISIT_DAY)
    assert counts(db, *VISIT_TABLES) == before, "a refused visit stores nothing"
    return error.value.errors


def test_bad_input_is_refused_with_a_message_per_field_and_nothing_stored(db, make, fars, photo_storage):
    director, _head, project = fars
    agency = make.agency()
    assert set(bad(db, director, project, observed_progress=140)) == {"observed_progress"}
    assert set(bad(db, director, project, observed_progress=-1)) == {"observed_progress"}
    assert set(bad(db, director, project, visited_on=VISIT_DAY.date() + timedelta(days=1))) == {"visited_on"}
    assert set(bad(db, director, project, visited_on=None)) == {"visited_on"}
    assert set(bad(db, director, project, notes="", decisions=(
        DecisionData("بدون مسئول", due_date=date(2025, 10, 1)),
        DecisionData("بدون موعد", owner_agency_id=agency.id),
        DecisionData("", owner_agency_id=agency.id, due_date=date(2025, 10, 1)),
    ))) == {"decisions-0-owner", "decisions-1-due_date", "decisions-2-text"}
    assert set(bad(db, director, project, notes="", problems="  ")) == {"visit"}
    errors = bad(db, director, project, storage=photo_storage, photos=(
        PhotoUpload(jpeg(), "درست", "ok.jpg"), PhotoUpload(b"%PDF-1.4 not a photo", "نادرست", "report.pdf")))
    assert set(errors) == {"photos-1"}
    assert not (photo_storage.files.root / "photos").exists(), "no file is written when one photo is refused"


def test_visitors_and_owners_come_from_the_projects_province(db, make, fars):
    director, _head, project = fars
    zanjan_user = make.user(province="Zanjan")
    zanjan_agency = make.agency(province="Zanjan")
    errors = bad(db, director, project, people=PeopleData(user_ids=(zanjan_user.id,), agency_ids=(zanjan_agency.id,),
                                                           guests=(GuestData(title="فقط عنوان"),)),
                 decisions=(DecisionData("کار", owner_user_id=zanjan_user.id, due_date=date(2025, 10, 1)),))
    assert set(errors) == {"visitor_users", "visitor_agencies", "guests-0-name", "decisions-0-owner"}


def test_the_future_is_measured_in_tehran(db, make, fars, photo_storage):
    director, _head, project = fars
    # 21:00 UTC on 16 September is already 17 September in Tehran (UTC+3:30).
    late = VISIT_DAY.replace(hour=21)
    visit = services.create_visit(db, actor=director, project=project, storage=photo_storage, now=late,
                                  data=visit_data(visited_on=date(2025, 9, 17)))
    assert visit.visited_on == date(2025, 9, 17)


def test_text_is_stored_as_typed(db, make, fars):
    director, _head, project = fars
    visit = make.visit(project, author=director, notes="  <script>alert(1)</script> & «نقل‌قول»  ")
    assert visit.notes == "<script>alert(1)</script> & «نقل‌قول»"


def test_editing_syncs_decisions_and_photos(db, make, fars, photo_storage):
    director, head, project = fars
    agency = make.agency()
    keep, drop = uuid.uuid4(), uuid.uuid4()
    data = visit_data(
        decisions=(DecisionData("بماند", owner_agency_id=agency.id, due_date=date(2025, 10, 1), id=keep),
                   DecisionData("حذف شود", owner_agency_id=agency.id, due_date=date(2025, 10, 1), id=drop)),
        photos=(PhotoUpload(jpeg(), "یک"), PhotoUpload(jpeg((1, 2, 3)), "دو")))
    visit = services.create_visit(db, actor=director, project=project, storage=photo_storage, now=VISIT_DAY, data=data)
    first, second = db.exec(select(Photo).where(Photo.visit_id == visit.id).order_by(Photo.position)).all()

    services.update_visit(db, actor=director, visit=visit, storage=photo_storage, now=VISIT_DAY, data=visit_data(
        id=visit.id, people=PeopleData(user_ids=(head.id,)),
        decisions=(DecisionData("بماند، با موعد تازه", owner_user_id=head.id, due_date=date(2025, 11, 1), id=keep),
                   DecisionData("تازه", owner_agency_id=agency.id, due_date=date(2025, 12, 1))),
        kept_photos={second.id: "دو، با عنوان تازه"}, photos=(PhotoUpload(jpeg((9, 9, 9)), "سه"),)))

    decisions = {d.text: d for d in db.exec(select(Decision).where(Decision.visit_id == visit.id)).all()}
    assert set(decisions) == {"بماند، با موعد تازه", "تازه"}
    assert decisions["بماند، با موعد تازه"].id == keep and decisions["بماند، با موعد تازه"].owner_user_id == head.id
    photos = db.exec(select(Photo).where(Photo.visit_id == visit.id).order_by(Photo.position)).all()
    assert [(p.caption, p.position) for p in photos] == [("دو، با عنوان تازه", 1), ("سه", 2)]
    assert db.get(Photo, first.id) is None
    assert [a.user_id for a in db.exec(select(Attendee).where(Attendee.visit_id == visit.id))] == [head.id]
    assert [e.action for e in audit_events(db, "decisions", drop)] == ["create", "delete"]

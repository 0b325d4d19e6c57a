"""The visit pages over HTTP: the form and its errors, photos, the project's timeline, roles and scope."""
import io
import re
import uuid
from datetime import date, timedelta
from urllib.parse import quote

import pytest
from sqlmodel import select

from tests.conftest import SCENARIO_DAY, htmx, on_day
from tests.helpers import VISIT_TABLES, count, counts, damaged_pngs, fa, field_error, jpeg
from tracker.accounts.models import Role
from tracker.core import clock
from tracker.core.jalali import format_jalali
from tracker.decisions.models import Decision
from tracker.visits.models import Attendee, Photo, Visit


@pytest.fixture
def pool(make):
    return make.project(name="بهسازی استخر کارگران کازرون")


def jalali(day: date) -> str:
    return format_jalali(day, locale="en")


def visit_form(**changes) -> dict:
    """The new-visit form as the browser posts it: one empty guest row and one empty decision row."""
    return {
        "visit_id": str(uuid.uuid4()), "visited_on": jalali(clock.today()), "observed_progress": "", "notes": "",
        "problems": "", "latitude": "", "longitude": "", "location_accuracy_m": "",
        "guests-0-name": "", "guests-0-title": "", "guests-0-agency_id": "",
        "decisions-0-id": "", "decisions-0-text": "", "decisions-0-owner": "", "decisions-0-due_date": "",
    } | changes


def post_visit(client, project, data, photos=(), headers=None):
    body = dict(data)
    if photos:
        body["photos"] = [(io.BytesIO(content), name) for name, content in photos]
    return client.post(f"/visits/new/{quote(project.slug)}", data=body, headers=headers or {},
                       content_type="multipart/form-data")


def test_the_new_visit_form_is_for_a_tablet(client, director, pool):
    page = client.get(f"/visits/new/{quote(pool.slug)}")
    assert page.status_code == 200
    text = page.text
    assert 'enctype="multipart/form-data"' in text and 'hx-encoding="multipart/form-data"' in text
    assert re.search(r'<input[^>]+type="file"[^>]+accept="image/\*"[^>]+capture="environment"[^>]+multiple', text)
    assert 'name="visit_id"' in text and re.search(r'name="visit_id" type="hidden" value="[0-9a-f-]{36}"', text)
    assert f'value="{format_jalali(clock.today())}"' in text  # today, in Persian digits
    assert "ثبت موقعیت" in text or "Record location" in text
    assert 'inputmode="numeric"' in text
    assert re.search(r"/static/visits\.[0-9a-f]{10}\.js", text)  # named for its content
    assert '<template data-row-template="decisions">' in text and "decisions-__index__-text" in text


def test_a_visit_is_saved_with_visitors_decisions_and_two_photos(client, db, make, director, pool, app):
    agency = make.agency("فرمانداری ویژه کازرون")
    head = make.user(role=Role.director, county="کازرون", full_name="رئیس اداره کازرون")
    form = visit_form(
        observed_progress="۲۰", notes="بررسی روند پیشرفت", problems="نشت آب",
        latitude="29.61", longitude="51.65", location_accuracy_m="15",
        visitor_users=[str(director.id), str(head.id)], visitor_agencies=[str(agency.id)],
        **{"guests-0-title": "نماینده مردم کازرون و کوه‌چنار", "guests-0-agency_id": str(agency.id),
           "guests-3-name": "چند تن از مسئولان شهرستان", "guests-3-title": "",
           "decisions-0-text": "تأمین اعتبار", "decisions-0-owner": f"agency:{agency.id}",
           "decisions-0-due_date": "۱۴۰۵/۰۱/۳۱", "decisions-0-id": str(uuid.uuid4()),
           "decisions-2-text": "", "decisions-2-owner": "", "decisions-2-due_date": ""},
        photo_caption=["نمای کلی استخر", "رختکن"], photo_id=[str(uuid.uuid4()), str(uuid.uuid4())],
    )

    response = post_visit(client, pool, form, photos=[("pool.jpg", jpeg()), ("room.jpg", jpeg((0, 90, 0)))],
                          headers=htmx())

    assert response.status_code == 204, response.text
    visit = db.get(Visit, uuid.UUID(form["visit_id"]))
    assert response.headers["HX-Redirect"] == f"/projects/{quote(pool.slug)}#visit-{visit.id}"
    assert (visit.observed_progress, visit.notes, visit.problems, visit.latitude) == (20, "بررسی روند پیشرفت",
                                                                                     "نشت آب", 29.61)
    people = db.exec(select(Attendee).where(Attendee.visit_id == visit.id).order_by(Attendee.position)).all()
    assert len(people) == 5
    decision = db.exec(select(Decision).where(Decision.visit_id == visit.id)).one()
    assert (decision.text, decision.owner_agency_id, decision.due_date, decision.id) == (
        "تأمین اعتبار", agency.id, date(2026, 4, 20), uuid.UUID(form["decisions-0-id"]))
    photos = db.exec(select(Photo).where(Photo.visit_id == visit.id).order_by(Photo.position)).all()
    assert [p.caption for p in photos] == ["نمای کلی استخر", "رختکن"]
    assert [str(p.id) for p in photos] == form["photo_id"]
    assert db.refresh(pool) or (pool.physical_progress, pool.progress_visit_id) == (20, visit.id)

    # The project page: the timeline with thumbnails, and which visit set the progress.
    page = client.get(f"/projects/{quote(pool.slug)}")
    assert page.status_code == 200
    assert f'id="visit-{visit.id}"' in page.text
    for photo in photos:
        assert f"/visits/photos/{photo.id}/thumb" in page.text
        assert client.get(f"/visits/photos/{photo.id}/thumb").status_code == 200
    assert fa(app, "from the visit of %(date)s", date=format_jalali(clock.today())) in page.text

    # The same form sent again (a retry on a weak connection) makes nothing new.
    before = counts(db, *VISIT_TABLES)
    again = post_visit(client, pool, form, photos=[("pool.jpg", jpeg()), ("room.jpg", jpeg((0, 90, 0)))],
                       headers=htmx())
    assert again.status_code == 204 and counts(db, *VISIT_TABLES) == before


def test_the_visit_page_shows_photos_large_and_decisions(client, db, make, director, pool):
    storage_visit = make.visit(pool, author=director, notes="<script>alert(1)</script>", observed_progress=30)
    decision = make.decision(pool, author=director, text="پیگیری <b>تخصیص</b>")
    page = client.get(f"/visits/{storage_visit.id}")
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "۳۰٪" in page.text
    other = client.get(f"/visits/{decision.visit_id}")
    assert "پیگیری &lt;b&gt;تخصیص&lt;/b&gt;" in other.text
    assert f'id="decision-{decision.id}"' in other.text


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"observed_progress": "140"}, "observed_progress", "۰ تا ۱۰۰"),
    ({"visited_on": "1500/01/01"}, "visited_on", "آینده"),
    ({"visited_on": "1404/12/30"}, "visited_on", "کبیسه"),
    ({"decisions-0-text": "تأمین اعتبار", "decisions-0-due_date": "1405/01/31"}, "decisions-0-owner", "مسئول"),
    ({"decisions-0-text": "تأمین اعتبار", "decisions-0-owner": "agency:{agency}"}, "decisions-0-due_date", "موعد"),
])
def test_bad_input_is_shown_next_to_the_field_and_nothing_is_stored(client, db, make, director, pool, changes, field,
                                                                   message):
    agency = make.agency()
    changes = {k: v.replace("{agency}", str(agency.id)) for k, v in changes.items()}
    before = counts(db, *VISIT_TABLES)
    response = post_visit(client, pool, visit_form(notes="بازدید", **changes), headers=htmx())
    assert response.status_code == 422
    assert "<html" not in response.text and 'id="visit-form"' in response.text
    assert message in field_error(response.text, field), field_error(response.text, field)
    assert "بازدید</textarea>" in response.text  # the typed text stays
    assert counts(db, *VISIT_TABLES) == before


def test_an_empty_visit_is_refused(client, db, director, pool):
    response = post_visit(client, pool, visit_form(notes="  "))
    assert response.status_code == 422 and "<html" in response.text
    assert "بازدید خالی" in response.text
    assert count(db, Visit) == 0


def test_an_invalid_photo_stores_nothing(client, db, director, pool, photo_storage):
    response = post_visit(client, pool, visit_form(notes="بازدید", photo_caption=["درست", "نادرست"]),
                          photos=[("ok.jpg", jpeg()), ("notes.pdf", b"%PDF-1.7 not a photo")], headers=htmx())
    assert response.status_code == 422
    errors = field_error(response.text, "photos")
    assert "notes.pdf" in errors and "۲" in errors
    assert count(db, Visit) == 0 and count(db, Photo) == 0
    assert not (photo_storage.files.root / "photos").exists()


@pytest.mark.parametrize("name", damaged_pngs())
def test_a_damaged_png_gets_the_persian_refusal_by_the_photo_field(client, db, app, director, pool, photo_storage,
                                                                    name):
    response = post_visit(client, pool, visit_form(notes="بازدید"), photos=[("pool.png", damaged_pngs()[name])],
                          headers=htmx())

    assert response.status_code == 422
    errors = field_error(response.text, "photos")
    assert "pool.png" in errors
    assert fa(app, "This photo is damaged or was not uploaded completely. Send it again.") in errors
    assert count(db, Visit) == 0 and not (photo_storage.files.root / "photos").exists()


@pytest.mark.parametrize("location", [
    {"location_accuracy_m": "inf"}, {"location_accuracy_m": "nan"}, {"location_accuracy_m": "1e308"},
    {"location_accuracy_m": "5000000"}, {"location_accuracy_m": "-1"}, {"latitude": "inf"}, {"latitude": "nan"},
    {"longitude": "1e308"}, {"latitude": "91"}, {"latitude": "", "longitude": "51.65"},
], ids=lambda location: "&".join(f"{k}={v}" for k, v in location.items()))
def test_a_location_that_is_no_place_gets_the_persian_message_by_the_location(client, db, app, director, pool,
                                                                           location):
    form = visit_form(notes="بازدید", latitude="29.61", longitude="51.65", location_accuracy_m="15") | location

    response = post_visit(client, pool, form, headers=htmx())

    assert response.status_code == 422
    message = fa(app, "The location is not valid; record it again or leave it out.")
    assert field_error(response.text, "location") == message
    assert count(db, Visit) == 0


@pytest.mark.parametrize("role", [Role.budget_officer, Role.viewer])
def test_read_only_roles_see_visits_but_may_not_log_them(client, db, make, login, pool, role):
    visit = make.visit(pool, notes="بازدید")
    login(make.user(role=role))
    assert client.get(f"/projects/{quote(pool.slug)}").status_code == 200
    assert "/visits/new/" not in client.get(f"/projects/{quote(pool.slug)}").text
    assert client.get(f"/visits/{visit.id}").status_code == 200
    assert client.get(f"/visits/new/{quote(pool.slug)}").status_code == 403
    assert post_visit(client, pool, visit_form(notes="x")).status_code == 403
    assert client.get(f"/visits/{visit.id}/edit").status_code == 403
    assert client.post(f"/visits/{visit.id}/delete").status_code == 403
    assert count(db, Visit) == 1


def test_another_provinces_visit_and_photos_are_not_found(client, db, make, login, pool):
    from tracker.visits.services import PhotoUpload

    visit = make.visit(pool, notes="بازدید", photos=(PhotoUpload(jpeg(), "استخر"),))
    photo = db.exec(select(Photo).where(Photo.visit_id == visit.id)).one()
    login(make.user(role=Role.director, province="Zanjan"))
    for url in (f"/visits/{visit.id}", f"/visits/{visit.id}/edit", f"/visits/new/{quote(pool.slug)}",
                f"/visits/photos/{photo.id}/thumb", f"/visits/photos/{photo.id}/original"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/visits/{visit.id}/delete").status_code == 404
    login(make.user(role=Role.viewer))  # same province: allowed to see it
    assert client.get(f"/visits/photos/{photo.id}/display").status_code == 200
    assert client.get(f"/visits/photos/{photo.id}/huge").status_code == 404


def test_the_author_edits_within_a_day_then_a_director(client, db, make, login, pool):
    staff = make.user(role=Role.staff)
    login(staff)
    response = post_visit(client, pool, visit_form(notes="اول"))
    assert response.status_code == 303
    visit = db.exec(select(Visit)).one()
    edit_page = client.get(f"/visits/{visit.id}/edit")
    assert edit_page.status_code == 200 and "اول</textarea>" in edit_page.text
    changed = visit_form(visit_id=str(visit.id), notes="ویرایش شد")
    assert client.post(f"/visits/{visit.id}/edit", data=changed).status_code == 303
    db.refresh(visit)
    assert visit.notes == "ویرایش شد"

    visit.created_at = visit.created_at - timedelta(hours=25)
    db.add(visit)
    db.flush()
    assert client.get(f"/visits/{visit.id}/edit").status_code == 403
    assert client.post(f"/visits/{visit.id}/edit", data=visit_form(notes="دیر")).status_code == 403
    assert "/edit" not in client.get(f"/visits/{visit.id}").text
    login(make.user(role=Role.director))
    assert client.post(f"/visits/{visit.id}/edit", data=visit_form(notes="مدیر")).status_code == 303
    db.refresh(visit)
    assert visit.notes == "مدیر"
    assert client.post(f"/visits/{visit.id}/delete").status_code == 303
    assert count(db, Visit) == 0


@on_day(SCENARIO_DAY)
def test_the_timeline_lists_visits_and_meetings_newest_first(client, db, make, director, pool):
    from tracker.meetings.services import AgendaData

    make.visit(pool, author=director, notes="قدیمی", visited_on=date(2025, 9, 1))
    make.meeting(author=director, held_on=date(2025, 9, 16), agenda=(AgendaData("بهسازی استخر", pool.id),))
    make.meeting(author=director, body="جلسه دیگر", agenda=(AgendaData("موضوع دیگر"),))
    make.visit(pool, author=director, notes="تازه", visited_on=date(2025, 10, 1))
    text = client.get(f"/projects/{quote(pool.slug)}").text
    positions = [text.index(marker) for marker in ("تازه", "کارگروه اشتغال شهرستان کازرون", "قدیمی")]
    assert positions == sorted(positions)
    assert "جلسه دیگر" not in text


def test_an_oversized_upload_gets_413_and_stores_nothing(client, db, app, director, pool):
    app.config["MAX_CONTENT_LENGTH"] = 50_000
    response = post_visit(client, pool, visit_form(notes="بازدید"), photos=[("big.jpg", b"\xff" * 60_000)],
                          headers=htmx())
    assert response.status_code == 413
    assert "<html" not in response.text and "۲۰" in response.text  # the per-photo limit, in Persian digits
    assert count(db, Visit) == 0


def test_the_pages_work_in_english(client, make, director, pool):
    visit = make.visit(pool, author=director, observed_progress=12, notes="site visit")
    decision = make.decision(pool, author=director)
    meeting = make.meeting(author=director)
    with client.session_transaction() as session:
        session["lang"] = "en"
    for url in (f"/visits/new/{quote(pool.slug)}", f"/visits/{visit.id}", f"/visits/{visit.id}/edit",
                "/decisions/", f"/decisions/{decision.id}/state", "/meetings/", "/meetings/new",
                f"/meetings/{meeting.id}", f"/projects/{quote(pool.slug)}"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'dir="ltr"' in response.text, url
    assert "Visits and meetings" in client.get(f"/projects/{quote(pool.slug)}").text
    assert "12%" in client.get(f"/visits/{visit.id}").text


def test_editing_keeps_removes_and_adds_photos(client, db, make, director, pool):
    from tracker.visits.services import PhotoUpload

    visit = make.visit(pool, author=director, photos=(
        PhotoUpload(jpeg(), "یک"), PhotoUpload(jpeg((0, 0, 200)), "دو")))
    first, second = db.exec(select(Photo).where(Photo.visit_id == visit.id).order_by(Photo.position)).all()
    page = client.get(f"/visits/{visit.id}/edit")
    assert f'name="keep_photo" value="{first.id}" checked' in page.text

    form = visit_form(visit_id=str(visit.id), notes="بازدید", keep_photo=[str(second.id)],
                      **{f"caption-{second.id}": "دو، ویرایش‌شده"}, photo_caption=["سه"])
    form["photos"] = [(io.BytesIO(jpeg((9, 9, 9))), "c.jpg")]
    response = client.post(f"/visits/{visit.id}/edit", data=form, content_type="multipart/form-data")

    assert response.status_code == 303
    db.expire_all()
    photos = db.exec(select(Photo).where(Photo.visit_id == visit.id).order_by(Photo.position)).all()
    assert [p.caption for p in photos] == ["دو، ویرایش‌شده", "سه"]

"""What the tablet's outbox calls: a visit sent again is stored once, each photo is sent on its own keyed by the
visit and its SHA-256 and stored once whatever the retries, and the answers are JSON when the outbox asks."""
import hashlib
import io
import re
import threading
import uuid
from datetime import timedelta
from urllib.parse import quote

import pytest
from sqlmodel import func, select

from tests.core.test_concurrent_writes import _client, file_app  # noqa: F401 - the fixture of real commits
from tests.factories import Factories
from tests.helpers import VISIT_TABLES, audit_events, counts, damaged_pngs, fa, jpeg, run_together
from tracker.accounts.models import Role
from tracker.core import clock
from tracker.core.errors import Forbidden, InvalidInput, NotFound
from tracker.core.jalali import format_jalali
from tracker.visits import services
from tracker.visits.models import Photo, Visit
from tracker.visits.services import PhotoUpload

JSON = {"Accept": "application/json"}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def visit_form(visit_id: uuid.UUID, **changes) -> dict:
    """The visit as the outbox sends it: the form's fields, filled rows only."""
    return {"visit_id": str(visit_id), "visited_on": format_jalali(clock.today(), locale="en"),
            "observed_progress": "35", "notes": "بازدید بی‌اتصال از استخر", "problems": ""} | changes


def send_visit(client, project, visit_id: uuid.UUID, headers=JSON, **changes):
    return client.post(f"/visits/new/{quote(project.slug)}", data=visit_form(visit_id, **changes), headers=headers,
                       content_type="multipart/form-data")


def send_photo(client, visit_id, data: bytes, digest: str | None = None, headers=JSON, **fields):
    return client.post(f"/visits/{visit_id}/photos/{digest or sha(data)}", headers=headers,
                       data={"photo": (io.BytesIO(data), "IMG_0001.jpg"), **fields},
                       content_type="multipart/form-data")


def stored_files(photo_storage) -> list[str]:
    return sorted(photo_storage.files.keys("photos/"))


# ---- the service ---------------------------------------------------------------------------------------------


def test_a_photo_sent_three_times_is_stored_once(db, make, fars, photo_storage):
    director, _head, project = fars
    visit = make.visit(project, author=director)
    version = visit.version
    photo = jpeg()

    answers = [services.send_photo(db, actor=director, visit=visit, sha256=sha(photo), storage=photo_storage,
                                   upload=PhotoUpload(photo, "نمای استخر", "a.jpg")) for _ in range(3)]

    assert [created for _photo, created in answers] == [True, False, False]
    assert len({stored.id for stored, _created in answers}) == 1
    rows = db.exec(select(Photo).where(Photo.visit_id == visit.id)).all()
    assert [(p.sha256, p.caption, p.uploaded_by) for p in rows] == [(sha(photo), "نمای استخر", director.id)]
    assert rows[0].id == services.photo_id_for(visit.id, sha(photo))  # no client id: the same one every retry
    assert len(stored_files(photo_storage)) == 3  # original, display copy, thumbnail: once
    assert [e.action for e in audit_events(db, "photos", rows[0].id)] == ["create"]
    # The visit changed once: an edit form opened before the photo came is now stale.
    assert visit.version == version + 1


def test_a_photo_keeps_the_clients_id_and_follows_the_visits_photos(db, make, fars, photo_storage):
    director, _head, project = fars
    visit = make.visit(project, author=director, photos=(PhotoUpload(jpeg((1, 2, 3)), "نما", "a.jpg"),))
    photo_id = uuid.uuid4()

    photo, created = services.send_photo(db, actor=director, visit=visit, sha256=sha(jpeg()), storage=photo_storage,
                                         upload=PhotoUpload(jpeg(), "رختکن", "b.jpg", id=photo_id))

    assert (created, photo.id, photo.position) == (True, photo_id, 1)
    # That id is taken: another photo sent under it is refused, nothing stored.
    other = jpeg((9, 9, 9))
    with pytest.raises(InvalidInput) as refused:
        services.send_photo(db, actor=director, visit=visit, sha256=sha(other), storage=photo_storage,
                            upload=PhotoUpload(other, id=photo_id))
    assert set(refused.value.errors) == {"photo_id"}
    assert db.exec(select(func.count()).select_from(Photo).where(Photo.visit_id == visit.id)).one() == 2


@pytest.mark.parametrize("content, reason", [
    (b"not a photo at all", "This file is not a photo. Send a JPEG, PNG, WebP or HEIC photo."),
    (damaged_pngs()["png with a flipped byte"], "This photo is damaged or was not uploaded completely. Send it again."),
    (b"", "The file is empty. Choose the photo again."),
])
def test_a_photo_the_form_would_refuse_is_refused_with_its_message(app, db, make, fars, photo_storage, content,
                                                                  reason):
    director, _head, project = fars
    visit = make.visit(project, author=director)
    with pytest.raises(InvalidInput) as refused:
        services.send_photo(db, actor=director, visit=visit, sha256=sha(content), storage=photo_storage,
                            upload=PhotoUpload(content))
    assert str(refused.value.errors["photo"]) == fa(app, reason)
    assert stored_files(photo_storage) == []


def test_a_photo_larger_than_the_limit_or_cut_short_is_refused(db, make, fars, photo_storage):
    director, _head, project = fars
    visit = make.visit(project, author=director)
    photo = jpeg(size=(640, 480))
    small = services.PhotoStorage(photo_storage.files, len(photo) - 1)
    with pytest.raises(InvalidInput) as refused:
        services.send_photo(db, actor=director, visit=visit, sha256=sha(photo), storage=small,
                            upload=PhotoUpload(photo))
    assert "مگابایت" in str(refused.value.errors["photo"])  # the form's "larger than … MB"
    # The bytes that arrived are not the ones the URL names: cut short on the way.
    with pytest.raises(InvalidInput) as refused:
        services.send_photo(db, actor=director, visit=visit, sha256=sha(photo), storage=photo_storage,
                            upload=PhotoUpload(photo[:-100]))
    assert set(refused.value.errors) == {"photo"}
    assert stored_files(photo_storage) == [] and counts(db, Photo) == {"Photo": 0}


def test_who_may_send_a_visits_photos(db, make, fars, photo_storage):
    director, head, project = fars
    staff = make.user(role=Role.staff)
    visit = make.visit(project, author=staff)
    photo = jpeg()

    def send(actor, content=photo, now=None):
        return services.send_photo(db, actor=actor, visit=visit, sha256=sha(content), upload=PhotoUpload(content),
                                   storage=photo_storage, now=now)

    assert send(staff)[1] is True  # its author, the same day
    with pytest.raises(Forbidden):  # its author, two days later
        send(staff, jpeg((5, 5, 5)), clock.now() + timedelta(days=2))
    with pytest.raises(Forbidden):  # another staff member
        send(make.user(role=Role.staff), jpeg((6, 6, 6)))
    with pytest.raises(Forbidden):
        send(make.user(role=Role.viewer), jpeg((6, 6, 6)))
    with pytest.raises(NotFound):
        send(make.user(role=Role.director, province="Zanjan"), jpeg((6, 6, 6)))
    assert send(director, jpeg((7, 7, 7)), clock.now() + timedelta(days=30))[1] is True  # a director always
    assert send(head, jpeg((8, 8, 8)))[1] is True  # the head of its county too


# ---- over HTTP, as the outbox sends -------------------------------------------------------------------------


@pytest.fixture
def pool(make):
    return make.project(name="بهسازی استخر کارگران کازرون")


def test_the_same_visit_sent_twice_is_stored_once_and_answered_alike(client, director, pool, db):
    visit_id = uuid.uuid4()
    first = send_visit(client, pool, visit_id)
    before = counts(db, *VISIT_TABLES)
    again = send_visit(client, pool, visit_id, notes="فرستاده دوباره")

    assert (first.status_code, again.status_code) == (200, 200)
    assert first.mimetype == again.mimetype == "application/json"
    assert first.json == again.json == {"visit": str(visit_id), "url": f"/visits/{visit_id}", "photos": [],
                                         "next": f"/projects/{quote(pool.slug)}#visit-{visit_id}"}
    assert counts(db, *VISIT_TABLES) == before and before["Visit"] == 1
    assert db.get(Visit, visit_id).notes == "بازدید بی‌اتصال از استخر"  # the first send's, never overwritten


def test_the_page_still_gets_a_redirect(client, director, pool):
    visit_id = uuid.uuid4()
    response = send_visit(client, pool, visit_id, headers={})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"#visit-{visit_id}")
    fragment = send_visit(client, pool, visit_id, headers={"HX-Request": "true"})
    assert fragment.status_code == 204 and fragment.headers["HX-Redirect"].endswith(f"#visit-{visit_id}")


def test_another_users_visit_id_is_refused_and_nothing_changes(app, client, make, login, pool, db):
    theirs = make.visit(pool, author=make.user(role=Role.director), notes="بازدید ایشان")
    before = counts(db, *VISIT_TABLES)
    login(make.user(role=Role.director))

    response = send_visit(client, pool, theirs.id)

    assert response.status_code == 422
    assert response.json == {"errors": {"visit": fa(app, "This visit's identifier belongs to another visit, so it "
                                                         "was not saved. Open the form again and record the visit "
                                                         "anew.")}}
    assert re.search("[\u0600-\u06ff]", response.json["errors"]["visit"])
    assert counts(db, *VISIT_TABLES) == before and theirs.notes == "بازدید ایشان"
    # As a page, the message is above the form.
    page = send_visit(client, pool, theirs.id, headers={})
    assert page.status_code == 422 and response.json["errors"]["visit"] in page.text


def test_an_invalid_visit_answers_every_problem_by_field(app, client, director, pool, db):
    tomorrow = format_jalali(clock.today() + timedelta(days=1), locale="en")
    response = send_visit(client, pool, uuid.uuid4(), visited_on=tomorrow, observed_progress="140")

    assert response.status_code == 422 and response.mimetype == "application/json"
    errors = response.json["errors"]
    assert set(errors) == {"visited_on", "observed_progress"}
    assert errors["observed_progress"] == fa(app, "Physical progress must be between 0 and 100 percent.")
    assert all(re.search("[\u0600-\u06ff]", message) for message in errors.values())
    assert counts(db, Visit) == {"Visit": 0}


def test_a_photo_sent_three_times_over_http_is_one_photo_and_one_stored_file(client, director, pool, db,
                                                                           photo_storage):
    visit_id = uuid.uuid4()
    send_visit(client, pool, visit_id)
    photo = jpeg()

    answers = [send_photo(client, visit_id, photo, caption="نمای استخر") for _ in range(3)]

    assert [a.status_code for a in answers] == [201, 200, 200]
    assert all(a.json == {"visit": str(visit_id), "url": f"/visits/{visit_id}", "next": f"/visits/{visit_id}",
                          "photos": [sha(photo)]} for a in answers)
    assert counts(db, Photo) == {"Photo": 1} and len(stored_files(photo_storage)) == 3
    # The visit sent again now lists the photo, so the outbox knows it has arrived.
    assert send_visit(client, pool, visit_id).json["photos"] == [sha(photo)]


def test_a_photo_whose_bytes_do_not_match_the_url_is_refused(app, client, director, pool, db, photo_storage):
    visit_id = uuid.uuid4()
    send_visit(client, pool, visit_id)
    photo = jpeg()

    response = send_photo(client, visit_id, photo[:-50], digest=sha(photo))

    assert response.status_code == 422
    assert response.json == {"errors": {"photo": fa(app, "The photo did not arrive whole (its checksum differs). "
                                                         "Send it again.")}}
    assert counts(db, Photo) == {"Photo": 0} and stored_files(photo_storage) == []
    not_a_photo = send_photo(client, visit_id, b"%PDF-1.7")
    assert not_a_photo.status_code == 422
    assert not_a_photo.json["errors"]["photo"] == fa(app, "This file is not a photo. Send a JPEG, PNG, WebP or HEIC "
                                                          "photo.")


def test_refusals_by_place_and_role_answer_json_for_the_outbox(app, client, make, login, pool, db):
    visit = make.visit(pool)
    zanjan = make.project(name="بهسازی مجتمع ابهر", county="ابهر", province="Zanjan")
    photo = jpeg()

    login(make.user(role=Role.director, province="Zanjan", county=None))
    hidden = send_photo(client, visit.id, photo)
    assert hidden.status_code == 404 and hidden.json == {"errors": {"request": fa(app, "This page does not exist.")}}
    login(make.user(role=Role.viewer))
    refused = send_photo(client, visit.id, photo)
    assert refused.status_code == 403 and refused.json == {"errors": {"request": fa(app, "You may not do this.")}}
    assert send_visit(client, pool, uuid.uuid4()).status_code == 403
    login(make.user(role=Role.director))
    assert send_visit(client, zanjan, uuid.uuid4()).status_code == 404
    assert counts(db, Photo, Visit) == {"Photo": 0, "Visit": 1}
    # Without JSON asked for, the same refusal is the Persian error page.
    login(make.user(role=Role.viewer))
    page = send_photo(client, visit.id, photo, headers={})
    assert page.status_code == 403 and page.mimetype == "text/html" and "notice-error" in page.text


def test_csrf_stays_on_and_the_token_travels_in_the_header(app, client, director, pool, db):
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get(f"/visits/new/{quote(pool.slug)}")
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page.text)[1]
    visit_id = uuid.uuid4()

    without = send_visit(client, pool, visit_id)
    assert without.status_code == 400 and set(without.json["errors"]) == {"request"}
    assert send_photo(client, visit_id, jpeg()).status_code == 400
    assert counts(db, Visit) == {"Visit": 0}
    assert send_visit(client, pool, visit_id, headers=JSON | {"X-CSRFToken": token}).status_code == 200
    assert send_photo(client, visit_id, jpeg(), headers=JSON | {"X-CSRFToken": token}).status_code == 201


# ---- at once, with real commits ------------------------------------------------------------------------------


def test_the_same_visit_and_photo_sent_at_once_are_stored_once(file_app):  # noqa: F811
    with file_app.extensions["session_factory"]() as session:
        make = Factories(session)
        project = make.project(name="بهسازی استخر کارگران کازرون")
        slug, author_id = project.slug, make.user(role=Role.director).id
        session.commit()
    visit_id, photo = uuid.uuid4(), jpeg()
    clients = [_client(file_app, author_id) for _ in range(3)]
    start = threading.Barrier(len(clients))
    answers, failures = [], []

    def send(client, request) -> None:
        try:
            start.wait(timeout=30)
            answers.append(request(client).status_code)
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            failures.append(error)

    def visit(client):
        return client.post(f"/visits/new/{quote(slug)}", data=visit_form(visit_id), headers=JSON,
                           content_type="multipart/form-data")

    run_together([threading.Thread(target=send, args=(c, visit)) for c in clients])
    assert failures == [] and answers == [200, 200, 200]
    answers.clear()
    start.reset()
    run_together([threading.Thread(target=send, args=(c, lambda c: send_photo(c, visit_id, photo)))
                  for c in clients])
    assert failures == [] and sorted(answers) == [200, 200, 201]
    with file_app.extensions["session_factory"]() as session:
        assert session.exec(select(func.count()).select_from(Visit)).one() == 1
        assert session.exec(select(Photo.sha256)).all() == [sha(photo)]


def test_a_photo_arriving_makes_an_edit_form_opened_before_it_stale(app, client, director, pool, db):
    visit_id = uuid.uuid4()
    send_visit(client, pool, visit_id)
    opened = db.get(Visit, visit_id).version
    assert send_photo(client, visit_id, jpeg()).status_code == 201

    # Saved from the form opened before the photo came, it would drop the photo: refused, the photo stays.
    stale = client.post(f"/visits/{visit_id}/edit", headers=JSON, content_type="multipart/form-data",
                        data=visit_form(visit_id, version=str(opened), notes="ویرایش"))

    assert stale.status_code == 409
    assert stale.json == {"errors": {"version": fa(app, "Someone changed this record after you opened the form, so "
                                                        "your changes were not saved.")}}
    assert counts(db, Photo) == {"Photo": 1} and db.get(Visit, visit_id).notes == "بازدید بی‌اتصال از استخر"

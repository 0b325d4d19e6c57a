"""Two web servers sharing an S3 bucket (TRACKER_STORAGE=s3): what one stores, the other serves."""
import hashlib
import io
import uuid
from urllib.parse import quote

import pytest
from sqlmodel import select

from tests.briefs.conftest import poppler
from tests.conftest import SCENARIO_DAY, on_day
from tests.helpers import jpeg, use_login
from tracker import create_app
from tracker.accounts.models import Role
from tracker.accounts.services import start_login
from tracker.briefs.models import Brief
from tracker.core import clock
from tracker.core.jalali import format_jalali
from tracker.core.storage import storage_for
from tracker.visits.models import Photo

pytestmark = on_day(SCENARIO_DAY)


@pytest.fixture
def servers(database, session_factory, s3_settings, tmp_path):
    """Two instances of the app on one database and one bucket; their local folders must stay untouched."""
    def server():
        app = create_app({
            "TESTING": True, "DATABASE_URL": database.url.render_as_string(hide_password=False),
            "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": False, "LOGIN_RATE_LIMIT": "1000 per minute",
            "BASE_URL": "https://pishraft.example.org", "UPLOAD_DIR": str(tmp_path / "uploads"),
            "BRIEFS_DIR": str(tmp_path / "briefs"), **s3_settings,
        })
        app.extensions["session_factory"] = session_factory
        return app

    return server(), server()


def logged_in(app, db, user):
    client = app.test_client()
    use_login(client, user, start_login(db, user=user, user_agent="pytest"))
    return client


def visit_form() -> dict:
    return {"visit_id": str(uuid.uuid4()), "visited_on": format_jalali(clock.today(), locale="en"),
            "observed_progress": "", "notes": "بازدید از استخر", "problems": "", "latitude": "", "longitude": "",
            "location_accuracy_m": "", "guests-0-name": "", "guests-0-title": "", "guests-0-agency_id": "",
            "decisions-0-id": "", "decisions-0-text": "", "decisions-0-owner": "", "decisions-0-due_date": ""}


def test_a_photo_and_a_brief_stored_by_one_server_are_served_by_the_other(servers, db, make, s3_settings, tmp_path):
    writer_app, reader_app = servers
    director = make.user(role=Role.director)
    project = make.project(name="بهسازی استخر کارگران کازرون")
    original = jpeg(size=(640, 480))
    writer = logged_in(writer_app, db, director)

    saved = writer.post(f"/visits/new/{quote(project.slug)}", content_type="multipart/form-data",
                        data={**visit_form(), "photos": [(io.BytesIO(original), "pool.jpg")]})
    assert saved.status_code == 303
    photo = db.exec(select(Photo)).one()

    reader = logged_in(reader_app, db, director)
    served = reader.get(f"/visits/photos/{photo.id}/original")
    assert served.status_code == 200 and served.data == original and served.mimetype == "image/jpeg"
    assert served.cache_control.private and served.cache_control.immutable
    assert reader.get(f"/visits/photos/{photo.id}/original",
                      headers={"If-None-Match": served.headers["ETag"]}).status_code == 304
    outsider = logged_in(reader_app, db, make.user(role=Role.director, province="Zanjan"))
    assert outsider.get(f"/visits/photos/{photo.id}/display").status_code == 404

    issued = writer.post(f"/briefs/projects/{project.slug}", data={"for_whom": "دفتر نماینده"})
    assert issued.status_code == 303
    brief = db.exec(select(Brief)).one()
    download = reader.get(f"/briefs/{brief.id}/download")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert hashlib.sha256(download.data).hexdigest() == brief.sha256
    assert outsider.get(f"/briefs/{brief.id}/download").status_code == 404

    # The brief shows the photo's display copy, which its renderer read from the bucket.
    pdf = tmp_path / "downloaded.pdf"
    pdf.write_bytes(download.data)
    listing = poppler("pdfimages", "-list", pdf).splitlines()[2:]
    assert any(row.split()[3:5] == ["640", "480"] for row in listing)

    assert sorted(storage_for(s3_settings, "briefs").keys()) == [brief.file_path]
    assert len(list(storage_for(s3_settings, "uploads").keys("photos/"))) == 3  # original, display, thumbnail
    assert not (tmp_path / "uploads").exists() and not (tmp_path / "briefs").exists()


def test_a_photo_missing_from_the_bucket_is_not_found_and_left_out_of_the_brief(servers, db, make, s3_settings,
                                                                              tmp_path):
    from tracker.visits.photos import photo_key
    from tracker.visits.services import PhotoStorage, PhotoUpload

    app, _other = servers
    director = make.user(role=Role.director)
    project = make.project()
    make.visit(project, author=director, storage=PhotoStorage.from_config(app.config),
               photos=(PhotoUpload(jpeg(size=(640, 480)), "استخر"),))
    photo = db.exec(select(Photo)).one()
    storage_for(s3_settings, "uploads").delete(photo_key(photo.sha256, photo.original_ext, "display"))
    client = logged_in(app, db, director)

    assert client.get(f"/visits/photos/{photo.id}/display").status_code == 404
    assert client.get(f"/visits/photos/{photo.id}/thumb").status_code == 200
    assert client.post(f"/briefs/projects/{project.slug}", data={"for_whom": ""}).status_code == 303
    pdf = tmp_path / "brief.pdf"
    pdf.write_bytes(client.get(f"/briefs/{db.exec(select(Brief)).one().id}/download").data)
    assert not any(row.split()[3:5] == ["640", "480"] for row in poppler("pdfimages", "-list", pdf).splitlines()[2:])

"""The briefs over HTTP: preview, issue with htmx, download, the project's and constituency's pages; roles and scope."""
import hashlib
import re
from urllib.parse import quote

import pytest
from sqlmodel import select

from tests.conftest import SCENARIO_DAY, htmx, on_day
from tracker.accounts.models import Role
from tracker.briefs.models import Brief

from .conftest import KAZERUN_POOL, pdf_text, poppler

pytestmark = on_day(SCENARIO_DAY)

MP_OFFICE = "دفتر نماینده مردم کازرون و کوه‌چنار"


def issue(client, project, **headers):
    return client.post(f"/briefs/projects/{project.slug}", data={"for_whom": MP_OFFICE}, headers=headers)


def test_preview_is_the_brief_as_html_for_anyone_who_sees_the_project(client, login, make, pool, briefs_dir):
    login(make.user(role=Role.viewer))

    response = client.get(f"/briefs/projects/{pool.slug}/preview")

    assert response.status_code == 200
    assert '<html lang="fa" dir="rtl">' in response.text
    assert KAZERUN_POOL in response.text
    # The print stylesheet is linked, not inline (the CSP allows no <style>), with its fonts served by the app.
    assert '<link rel="stylesheet" href="/briefs/brief.css">' in response.text and "<style" not in response.text
    stylesheet = client.get("/briefs/brief.css")
    assert stylesheet.status_code == 200 and stylesheet.mimetype == "text/css"
    font = re.search(r'url\("(/static/vendor/fonts/Vazirmatn-Regular\.[0-9a-f]{10}\.ttf)"\)', stylesheet.text)
    assert "@font-face" in stylesheet.text and client.get(font.group(1)).status_code == 200
    assert ".track .w-55 { inline-size: 55%; }" in stylesheet.text and '[data-figure="spent"]' in stylesheet.text
    assert "۱۴۰۵/۰۲/۰۱" in response.text  # the start date, Jalali, Persian digits
    assert 'class="preview-bar"' in response.text and 'src="data:image/png;base64,' in response.text
    assert not briefs_dir.exists() and client.application.extensions["session_factory"]().exec(
        select(Brief)).all() == []


def test_preview_escapes_user_text(client, make, director):
    project = make.project(name="بهسازی نمونه", description="<b>x</b>")

    response = client.get(f"/briefs/projects/{project.id}/preview")

    assert "&lt;b&gt;x&lt;/b&gt;" in response.text and "<b>x</b>" not in response.text


def test_issuing_with_htmx_answers_with_a_download_link_and_the_list(client, db, director, pool, briefs_dir):

    response = issue(client, pool, **htmx())

    assert response.status_code == 200
    brief = db.exec(select(Brief)).one()
    assert f'href="/briefs/{brief.id}/download"' in response.text
    assert 'id="brief-issue"' in response.text and 'hx-swap-oob="true"' in response.text
    assert "سعید بیاری" in response.text and MP_OFFICE in response.text and "۱۴۰۵/۱/گ" in response.text
    download = client.get(f"/briefs/{brief.id}/download")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert hashlib.sha256(download.data).hexdigest() == brief.sha256
    assert "attachment" in download.headers["Content-Disposition"]


def test_issuing_without_htmx_goes_back_to_the_project_page_which_lists_it(client, db, director, pool,
                                                                          briefs_dir):

    response = issue(client, pool)

    assert response.status_code == 303 and response.headers["Location"].endswith("#briefs")
    page = client.get(f"/projects/{pool.slug}")
    brief = db.exec(select(Brief)).one()
    assert 'id="briefs"' in page.text and f"/briefs/{brief.id}/download" in page.text
    assert f"/briefs/projects/{quote(pool.slug)}/preview" in page.text and "hx-indicator" in page.text


def test_an_overlong_addressee_is_a_422_with_the_message_beside_the_field(client, db, director, pool,
                                                                         briefs_dir):

    response = client.post(f"/briefs/projects/{pool.slug}", data={"for_whom": "د" * 301}, headers=htmx())

    assert response.status_code == 422
    assert 'id="errors-for_whom"' in response.text and "۳۰۰" in response.text
    assert db.exec(select(Brief)).all() == []


@pytest.mark.parametrize("role", [Role.viewer, Role.budget_officer])
def test_viewers_download_and_preview_but_may_not_issue(client, login, make, db, director, pool, briefs_dir, role):
    issue(client, pool, **htmx())
    brief = db.exec(select(Brief)).one()
    login(make.user(role=role))

    assert issue(client, pool, **htmx()).status_code == 403
    assert client.get(f"/briefs/{brief.id}/download").status_code == 200
    page = client.get(f"/projects/{pool.slug}")
    assert f"/briefs/{brief.id}/download" in page.text and 'id="brief-issue"' not in page.text
    assert len(db.exec(select(Brief)).all()) == 1


def test_another_province_sees_nothing_of_the_briefs(client, login, make, db, director, kazerun, pool, briefs_dir):
    issue(client, pool, **htmx())
    brief = db.exec(select(Brief)).one()
    login(make.user(role=Role.director, province="Zanjan"))

    for url in (f"/briefs/projects/{pool.slug}/preview", f"/briefs/{brief.id}/download",
                f"/briefs/constituencies/{kazerun.id}", f"/briefs/constituencies/{kazerun.id}/preview"):
        assert client.get(url).status_code == 404, url
    assert issue(client, pool, **htmx()).status_code == 404
    assert client.post(f"/briefs/constituencies/{kazerun.id}", headers=htmx()).status_code == 404
    assert kazerun.name not in client.get("/briefs/").text


def test_constituency_page_lists_its_projects_and_issues_its_brief(client, make, db, director, kazerun, pool,
                                                                   briefs_dir):
    guest_house = make.project(name="تعمیر مهمانسرای کارگران کوه‌چنار", county="کوه‌چنار")
    make.project(name="بهسازی مجموعه ورزشی کارگران شیراز", county="شیراز")

    page = client.get(f"/briefs/constituencies/{kazerun.id}")
    issued = client.post(f"/briefs/constituencies/{kazerun.id}", data={"for_whom": MP_OFFICE}, headers=htmx())

    assert page.status_code == 200
    assert KAZERUN_POOL in page.text and guest_house.name in page.text and "شیراز" not in page.text
    assert f"/briefs/constituencies/{kazerun.id}/preview" in page.text
    assert kazerun.name in client.get("/briefs/").text
    assert f"/briefs/constituencies/{kazerun.id}" in client.get(f"/projects/{pool.slug}").text
    assert issued.status_code == 200
    brief = db.exec(select(Brief)).one()
    assert brief.constituency_id == kazerun.id and brief.pages == 3
    preview = client.get(f"/briefs/constituencies/{kazerun.id}/preview")
    assert preview.status_code == 200 and guest_house.name in preview.text


def test_county_head_gets_the_project_brief_not_the_whole_constituency(client, login, make, kazerun, pool, briefs_dir):
    login(make.user(role=Role.director, county="کازرون"))

    assert client.get(f"/briefs/projects/{pool.slug}/preview").status_code == 200
    assert issue(client, pool, **htmx()).status_code == 200
    assert client.get(f"/briefs/constituencies/{kazerun.id}").status_code == 404
    # The project page offers no link to a constituency page the county head cannot open.
    project_page = client.get(f"/projects/{pool.slug}")
    assert project_page.status_code == 200 and f"/briefs/constituencies/{kazerun.id}" not in project_page.text


def test_download_of_a_missing_file_is_not_found(client, db, director, pool, briefs_dir, settings):
    issue(client, pool, **htmx())
    brief = db.exec(select(Brief)).one()
    (briefs_dir / brief.file_path).unlink()

    assert client.get(f"/briefs/{brief.id}/download").status_code == 404


def test_english_ui_still_issues_a_persian_brief(client, db, director, pool, briefs_dir):
    client.post("/language/en", data={"next": "/"})

    page = client.get(f"/projects/{pool.slug}")
    issue(client, pool, **htmx())

    assert "Issue the brief (PDF)" in page.text
    brief = db.exec(select(Brief)).one()
    assert KAZERUN_POOL in pdf_text(briefs_dir / brief.file_path)
    assert "گزارش وضعیت" in pdf_text(briefs_dir / brief.file_path)


def test_preview_shows_the_visit_photos_from_the_app(client, login, db, make, visited_pool):
    login(make.user(role=Role.viewer))

    response = client.get(f"/briefs/projects/{visited_pool.id}/preview")

    photos = re.findall(r'<img src="(/visits/photos/[0-9a-f-]+/display)"', response.text)
    assert len(photos) == 4
    assert client.get(photos[0]).mimetype == "image/jpeg"
    assert "پیگیری تخصیص اعتبار استانی تا پایان آذر" in response.text and "علی رضایی" in response.text


def test_the_directorate_logo_is_a_setting_shown_in_preview_and_pdf(app, client, db, director, pool,
                                                                     briefs_dir, tmp_path):
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 120), (15, 92, 122)).save(logo)
    app.config["BRIEF_LOGO"] = str(logo)

    preview = client.get(f"/briefs/projects/{pool.id}/preview")
    issue(client, pool, **htmx())

    assert '<img src="/briefs/logo"' in preview.text
    assert client.get("/briefs/logo").data == logo.read_bytes()
    brief = db.exec(select(Brief)).one()
    listing = poppler("pdfimages", "-list", briefs_dir / brief.file_path).splitlines()[2:]
    assert any(row.split()[3:5] == ["120", "120"] for row in listing)


def test_the_number_is_isolated_left_to_right_on_the_page(client, director, pool, briefs_dir):
    ready = issue(client, pool, **htmx())

    number = '<bdi dir="ltr" class="brief-number">۱۴۰۵/۱/گ</bdi>'
    assert f"گزارش شماره {number} آماده است" in ready.text
    assert f'<td class="nowrap">{number}</td>' in client.get(f"/projects/{pool.slug}").text


def test_the_preview_bar_speaks_the_ui_language_over_a_persian_brief(client, login, make, pool):
    login(make.user(role=Role.viewer))
    client.post("/language/en", data={"next": "/"})

    preview = client.get(f"/briefs/projects/{pool.slug}/preview").text

    assert '<nav class="preview-bar" lang="en" dir="ltr">' in preview
    assert "Preview: not issued yet. The number is given when the brief is issued." in preview
    assert '<html lang="fa" dir="rtl">' in preview and "گزارش وضعیت" in preview


@pytest.mark.parametrize("base_url", ["http://127.0.0.1:5000", "http://localhost:8000", "http://[::1]/"])
def test_a_loopback_site_address_refuses_to_issue_beside_the_button_unless_in_demo_mode(app, client, db, director,
                                                                                       pool, briefs_dir, base_url):
    app.config["BASE_URL"] = base_url

    refused = issue(client, pool, **htmx())
    app.config["DEMO"] = True
    demo = issue(client, pool, **htmx())

    assert refused.status_code == 422
    actions = refused.text.partition('<div class="actions">')[2].partition('id="brief-progress"')[0]
    assert "TRACKER_BASE_URL" in actions and "هنوز نشانی خود همین رایانه است" in actions
    assert demo.status_code == 200 and len(db.exec(select(Brief)).all()) == 1


def test_a_preview_is_signed_by_who_may_issue_it_with_their_post(client, login, make, pool):
    viewer = make.user(role=Role.viewer, full_name="بیننده دفتر نماینده")
    head = make.user(role=Role.director, county="کازرون", full_name="علی رضایی", post="رئیس اداره کازرون")
    login(viewer)
    unsigned = client.get(f"/briefs/projects/{pool.slug}/preview").text
    login(head)
    signed = client.get(f"/briefs/projects/{pool.slug}/preview").text

    assert 'class="signature"' not in unsigned and "بیننده دفتر نماینده" not in unsigned
    assert '<p class="signer-name"><bdi>علی رضایی</bdi></p>' in signed
    assert '<p class="signer-post">رئیس اداره کازرون</p>' in signed

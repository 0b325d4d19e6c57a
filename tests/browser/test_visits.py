"""A director on a tablet logs a site visit with two photos and a decision, finds it on the project's timeline and
in the province's decision list, and marks the decision done in place."""
import io
import re

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from tests.browser.test_tablet import Problems, check_layout, log_in, mark_page, no_latin_digits, same_document, settle
from tracker.demo import data

pytestmark = pytest.mark.browser

DECISION = "پیگیری تخصیص اعتبار بهسازی استخر از سازمان مدیریت و برنامه‌ریزی"
OWNER = "سازمان مدیریت و برنامه‌ریزی استان فارس"


@pytest.fixture
def photos(tmp_path):
    """Two small camera-like JPEGs."""
    paths = []
    for name, color in (("pool.jpg", (30, 120, 200)), ("changing-room.jpg", (200, 150, 60))):
        buffer = io.BytesIO()
        Image.new("RGB", (800, 600), color).save(buffer, "JPEG")
        path = tmp_path / name
        path.write_bytes(buffer.getvalue())
        paths.append(path)
    return paths


def test_director_logs_a_visit_with_photos_and_a_decision(tablet: Page, artifacts, photos):
    page = tablet
    problems = Problems(page)
    log_in(page)

    # The project page: its timeline has the reported visit of 1404/06/25 and a button for a new one.
    page.get_by_role("link", name=data.KAZERUN_POOL).click()
    page.wait_for_url(re.compile(r"/projects/[^/?]+$"))
    project_url = page.url
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("۲۵ شهریور ۱۴۰۴")
    visits_before = timeline.locator(".timeline-item").count()
    timeline.get_by_role("link", name="بازدید جدید").click()
    page.wait_for_url(re.compile(r"/visits/new/"))
    form = page.locator("#visit-form")
    expect(form.locator("#visited_on")).not_to_have_value("")
    check_layout(page)

    # An impossible progress first: the error comes back next to the field, the typed text and photos stay.
    form.locator("#observed_progress").fill("۱۴۰")
    form.locator("#notes").fill("کف استخر تخریب و آماده کاشی‌کاری است.")
    form.locator("#photos").set_input_files([str(path) for path in photos])
    previews = form.locator("[data-photo-previews] li")
    expect(previews).to_have_count(2)
    previews.nth(0).locator("input[name=photo_caption]").fill("کف استخر پس از تخریب")
    previews.nth(1).locator("input[name=photo_caption]").fill("رختکن")
    form.locator("#visitor_users label", has_text="سعید بیاری").click()
    form.locator("#guests-0-title").fill("فرماندار ویژه کازرون")
    form.locator("#guests-0-agency_id").select_option(label="فرمانداری ویژه کازرون")
    form.locator("#decisions-0-text").fill(DECISION)
    form.locator("#decisions-0-owner").select_option(label=OWNER)
    form.locator("#decisions-0-due_date").fill("۱۴۰۵/۱۰/۳۰")
    new_visit_path = re.sub(r"^https?://[^/]+", "", page.url)
    problems.expect_status("POST", new_visit_path, 422)
    mark_page(page)
    with page.expect_response(lambda r: r.request.method == "POST" and "/visits/new/" in r.url) as answer:
        form.locator("button[type=submit]").click()
    assert answer.value.status == 422
    settle(page)
    assert same_document(page)
    expect(page.locator("#errors-observed_progress")).to_contain_text("۰ تا ۱۰۰")
    expect(page.locator("#notes")).to_have_value("کف استخر تخریب و آماده کاشی‌کاری است.")
    expect(page.locator("#decisions-0-text")).to_have_value(DECISION)
    expect(page.locator("[data-photo-previews] li")).to_have_count(2)  # the chosen photos survive the round trip
    check_layout(page)
    page.screenshot(path=artifacts / "visit-form-error.png", full_page=True)

    # A second decision row, added and then left empty: skipped, not an error.
    page.locator("[data-add-row=decisions]").click()
    expect(page.locator("[data-rows=decisions] [data-row]")).to_have_count(2)
    page.locator("#observed_progress").fill("۳۵")
    with page.expect_navigation():
        page.locator("#visit-form button[type=submit]").click()
    page.wait_for_load_state("load")

    # Back on the project page: the new visit on top of the timeline, with its two thumbnails.
    assert page.url.split("#")[0] == project_url
    items = page.locator("#timeline .timeline-item")
    expect(items).to_have_count(visits_before + 1)
    # Other tests of the run log visits of the same day too (their order among themselves is the server's choice).
    newest = items.filter(has_text="کف استخر تخریب و آماده کاشی‌کاری است.")
    expect(newest).to_contain_text("۳۵٪")
    thumbs = newest.locator(".thumbs img")
    expect(thumbs).to_have_count(2)
    for index in range(2):
        thumbs.nth(index).scroll_into_view_if_needed()
        page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=thumbs.nth(index).element_handle())
    details = page.locator("#project-details")
    expect(details).to_contain_text("۳۵٪")
    expect(details).to_contain_text("از بازدید")
    no_latin_digits(page.locator("#timeline").inner_text())
    check_layout(page)
    page.locator("#timeline").screenshot(path=artifacts / "visit-timeline.png")
    page.screenshot(path=artifacts / "visit-project.png", full_page=True)

    # The visit page: photos large with their captions, the decision with its state.
    newest.locator("a.timeline-title").click()
    page.wait_for_url(re.compile(r"/visits/[0-9a-f-]{36}$"))
    expect(page.locator(".photos-large figure")).to_have_count(2)
    expect(page.locator(".photos-large")).to_contain_text("کف استخر پس از تخریب")
    expect(page.locator(".decisions")).to_contain_text(DECISION)
    check_layout(page)
    page.screenshot(path=artifacts / "visit-page.png", full_page=True)

    # The province's decision list: the new decision is there; mark it done in place.
    page.goto("/decisions/")
    row = page.locator(".decision-row", has_text=DECISION)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(OWNER)
    expect(row).to_contain_text("۱۴۰۵/۱۰/۳۰")
    check_layout(page)
    page.screenshot(path=artifacts / "decisions-list.png", full_page=True)
    mark_page(page)
    row.get_by_role("link", name="تغییر وضعیت").click()
    note = page.locator(".decision-row.editing textarea[name=note]")
    expect(note).to_be_visible()
    note.fill("نامه درخواست تخصیص ارسال شد.")
    page.locator(".decision-row.editing").get_by_role("button", name="انجام شد").click()
    done = page.locator(".decision-row", has_text=DECISION)
    expect(done.locator(".state")).to_have_text("انجام‌شده")
    expect(done).to_contain_text("نامه درخواست تخصیص ارسال شد.")
    assert same_document(page), "the state changed by reloading the page instead of in place"
    check_layout(page)
    page.screenshot(path=artifacts / "decisions-done.png", full_page=True)

    assert problems.items == []


def test_the_reported_visit_and_working_group_of_the_demo(tablet: Page, artifacts):
    page = tablet
    problems = Problems(page)
    log_in(page)
    page.get_by_role("link", name=data.KAZERUN_POOL).click()
    page.locator("#timeline .timeline-item", has_text="۲۵ شهریور ۱۴۰۴").locator("a.timeline-title").click()
    page.wait_for_url(re.compile(r"/visits/[0-9a-f-]{36}$"))
    visitors = page.locator(".attendees")
    for who in ("سعید بیاری", "نماینده مردم کازرون و کوه‌چنار در مجلس شورای اسلامی", "فرماندار ویژه کازرون",
                "چند تن از مسئولان شهرستان کازرون"):
        expect(visitors).to_contain_text(who)
    no_latin_digits(page.locator("main").inner_text())
    check_layout(page)
    page.screenshot(path=artifacts / "visit-demo.png", full_page=True)

    page.locator(".menu summary").click()  # on a tablet the header's links are folded into a menu
    page.locator(".mainnav").get_by_role("link", name="جلسات").click()
    page.get_by_role("link", name="کارگروه اشتغال شهرستان کازرون").first.click()
    expect(page.locator("ol.agenda > li")).to_have_count(5)
    expect(page.locator("#agenda")).to_contain_text("تعاونی نخلداران خشت و کنارتخته")
    check_layout(page)
    page.screenshot(path=artifacts / "meeting-page.png", full_page=True)
    page.goto("/meetings/new")
    check_layout(page)
    page.screenshot(path=artifacts / "meeting-form.png", full_page=True)
    assert problems.items == []

"""A director records visits on a tablet with no connection: each waits in the outbox (IndexedDB), survives a reload,
and arrives exactly once when the connection returns; a refused one waits to be corrected; logout asks first.
Every flow runs against a live server on SQLite and on PostgreSQL."""
import io
import re
import time
from datetime import timedelta

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from tests.browser.conftest import tablet_page
from tests.browser.test_offline_shell import controlled
from tests.browser.test_tablet import Problems, check_layout, log_in
from tracker.core import clock
from tracker.core.jalali import format_jalali
from tracker.demo import data

pytestmark = pytest.mark.browser

DECISION = "ارسال صورت‌وضعیت کاشی‌کاری به اداره کل"
OWNER = "سازمان مدیریت و برنامه‌ریزی استان فارس"
WAITING = "[data-outbox-link]"


@pytest.fixture
def tablet_on(browser, live_server_on):
    """A tablet tab on the live server of either database."""
    with tablet_page(browser, live_server_on) as page:
        yield page


@pytest.fixture
def tablet_without_worker(browser, live_server_on):
    """A tablet tab with no service worker, so that the test may intercept the page's own requests."""
    with tablet_page(browser, live_server_on, service_workers="block") as page:
        yield page


@pytest.fixture
def photos(tmp_path):
    """Two camera-like JPEGs."""
    paths = []
    for name, colour in (("pool.jpg", (30, 120, 200)), ("tiles.jpg", (200, 150, 60))):
        path = tmp_path / name
        buffer = io.BytesIO()
        Image.new("RGB", (1200, 900), colour).save(buffer, "JPEG")
        path.write_bytes(buffer.getvalue())
        paths.append(path)
    return paths


def path_of(page: Page) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url).split("#")[0]


def open_project(page: Page) -> str:
    """The Kazerun pool's page; its path."""
    page.goto("/projects/")
    page.get_by_role("link", name=data.KAZERUN_POOL).click()
    page.wait_for_url(re.compile(r"/projects/[^/?]+$"))
    expect(page.locator("#timeline")).to_be_visible()
    return path_of(page)


def open_visit_form(page: Page, project: str):
    """The project's new-visit form, bound by its scripts (the outbox took the form over)."""
    page.goto(project.replace("/projects/", "/visits/new/"))
    form = page.locator("#visit-form[data-outbox-ready]")
    expect(form).to_be_visible()
    return form


def fill_visit(form, photos, notes: str, decision: str | None = None, day: str | None = None,
               progress: str | None = "۴۰") -> None:
    if day:
        form.locator("#visited_on").fill(day)
    if progress:
        form.locator("#observed_progress").fill(progress)
    form.locator("#notes").fill(notes)
    if photos:
        form.locator("#photos").set_input_files([str(path) for path in photos])
        previews = form.locator("[data-photo-previews] li")
        expect(previews).to_have_count(len(photos))
        previews.nth(0).locator("input[name=photo_caption]").fill("کف استخر")
    if decision:
        form.locator("#decisions-0-text").fill(decision)
        form.locator("#decisions-0-owner").select_option(label=OWNER)
        form.locator("#decisions-0-due_date").fill("۱۴۰۵/۱۰/۳۰")


def timeline_items(page: Page, project: str, notes: str):
    page.goto(project)
    return page.locator("#timeline .timeline-item", has_text=notes)


def outbox_items(page: Page) -> int:
    return page.evaluate("""() => new Promise((resolve, reject) => {
        const open = indexedDB.open("pishraft-outbox", 1);
        open.onupgradeneeded = () => open.result.createObjectStore("visits", { keyPath: "id" });
        open.onsuccess = () => {
            const request = open.result.transaction("visits").objectStore("visits").count();
            request.onsuccess = () => { open.result.close(); resolve(request.result); };
        };
        open.onerror = () => reject(open.error);
    })""")


def arrived_once(page: Page, project: str, notes: str, photos: int, decision: str) -> None:
    """The visit is on the project's timeline once with its photos, its decision once in the decision list, and
    nothing is left in the outbox."""
    assert outbox_items(page) == 0
    items = timeline_items(page, project, notes)
    expect(items).to_have_count(1)
    expect(items.locator(".thumbs img")).to_have_count(photos)
    page.goto("/decisions/")
    expect(page.locator(".decision-row", has_text=decision)).to_have_count(1)


def offline_on_a_kept_visit_form(page: Page):
    """Log in, open the Kazerun pool's new-visit form while online (so the tablet keeps it), then lose the connection:
    the project's path and the form."""
    log_in(page)
    controlled(page)
    project = open_project(page)
    form = open_visit_form(page, project)
    page.wait_for_function("async (url) => !!(await caches.match(url))", arg=path_of(page))
    page.context.set_offline(True)
    return project, form


def test_a_visit_saved_offline_survives_a_reload_and_arrives_once(tablet_on: Page, photos, artifacts):
    page = tablet_on
    problems = Problems(page)
    project, _form = offline_on_a_kept_visit_form(page)
    page.reload()
    form = page.locator("#visit-form[data-outbox-ready]")
    notes = "بازدید بی‌اتصال: کاشی‌کاری کف استخر آغاز شد."
    fill_visit(form, photos, notes, DECISION)
    form.locator("button[type=submit]").click()

    kept = page.locator(".outbox-kept")
    expect(kept).to_contain_text("اتصال برقرار نیست")
    expect(page.locator(WAITING)).to_be_visible()
    expect(page.locator(WAITING)).to_contain_text("۱")
    check_layout(page)
    page.screenshot(path=artifacts / "outbox-kept.png", full_page=True)

    # Reloaded with no connection: the form and the project page still open, the visit still waits.
    page.reload()
    expect(page.locator("#visit-form")).to_be_visible()
    expect(page.locator(WAITING)).to_contain_text("۱")
    page.goto(project)
    expect(page.locator("#timeline")).to_be_visible()
    page.locator(WAITING).click()
    item = page.locator(".outbox-item")
    expect(item).to_have_count(1)
    expect(item).to_contain_text(data.KAZERUN_POOL)
    expect(item).to_contain_text("در انتظار ارسال")
    expect(item.locator(".outbox-photos img")).to_have_count(2)
    check_layout(page)
    page.screenshot(path=artifacts / "outbox-page.png", full_page=True)

    # Online again: the outbox page sends it by itself and empties.
    page.context.set_offline(False)
    expect(page.locator("[data-outbox-empty]")).to_be_visible(timeout=20_000)
    expect(page.locator(WAITING)).to_be_hidden()
    arrived_once(page, project, notes, 2, DECISION)
    unexpected = [item for item in problems.items if "ERR_INTERNET_DISCONNECTED" not in item]
    assert unexpected == [], problems.items


def test_a_dropped_answer_is_sent_again_without_a_second_visit_or_photo(tablet_without_worker: Page, photos):
    page = tablet_without_worker
    log_in(page)
    project = open_project(page)
    form = open_visit_form(page, project)
    dropped = []

    def drop_first_answer(route):
        # The server stores the visit (or the photo), but its answer never reaches the tablet.
        if route.request.method == "POST" and len(dropped) < 2 and route.request.url.split("/")[-1] not in dropped:
            dropped.append(route.request.url.split("/")[-1])
            route.fetch()
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route(re.compile(r"/visits/(new/[^/]+|[0-9a-f-]{36}/photos/[0-9a-f]{64})$"), drop_first_answer)
    notes = "پاسخ اول گم شد؛ بازدید باید یک بار ثبت شود."
    decision = "تهیه برآورد هزینه تعمیر سیستم تصفیه"
    fill_visit(form, photos, notes, decision)
    form.locator("button[type=submit]").click()
    kept = page.locator(".outbox-kept")
    expect(kept).to_be_visible()
    # The next try, a few seconds later, finds the visit stored and sends the photos the server lacks.
    expect(kept).to_contain_text("به سرور رسید", timeout=60_000)
    assert len(dropped) == 2  # the visit's answer and its first photo's were lost
    arrived_once(page, project, notes, 2, decision)


def test_a_refused_visit_waits_with_the_message_and_is_corrected_and_sent(tablet_on: Page, photos, artifacts):
    page = tablet_on
    project, form = offline_on_a_kept_visit_form(page)
    tomorrow = format_jalali(clock.today() + timedelta(days=1))
    notes = "بازدیدی که تاریخش اشتباه وارد شد."
    fill_visit(form, photos[:1], notes, day=tomorrow)
    form.locator("button[type=submit]").click()
    expect(page.locator(".outbox-kept")).to_be_visible()
    page.context.set_offline(False)

    # The server refuses the date: the visit waits in the outbox with the server's Persian message.
    expect(page.locator(f"{WAITING}.has-failed")).to_be_visible(timeout=20_000)
    page.locator(WAITING).click()
    item = page.locator(".outbox-item")
    expect(item).to_have_count(1)
    expect(item.locator(".state")).to_have_text("رد شده توسط سرور")
    expect(item).to_contain_text("آینده")
    check_layout(page)
    page.screenshot(path=artifacts / "outbox-refused.png", full_page=True)

    # Opened in the form: as it was typed, with the message by the date; corrected and saved, it arrives.
    item.get_by_role("link", name="باز کردن در فرم").click()
    form = page.locator("#visit-form[data-outbox-ready]")
    expect(form.locator("#notes")).to_have_value(notes)
    expect(form.locator("[data-photo-previews] li")).to_have_count(1)
    expect(form.locator("#errors-visited_on")).to_contain_text("آینده")
    form.locator("#visited_on").fill(format_jalali(clock.today()))
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/projects/"))
    items = page.locator("#timeline .timeline-item", has_text=notes)
    expect(items).to_have_count(1)
    expect(items.locator(".thumbs img")).to_have_count(1)
    expect(page.locator(WAITING)).to_be_hidden()
    assert outbox_items(page) == 0


def test_logout_with_a_visit_waiting_asks_and_then_leaves_nothing(tablet_on: Page, photos):
    page = tablet_on
    log_in(page)
    controlled(page)
    project = open_project(page)
    page.wait_for_function("async (url) => !!(await caches.match(url))", arg=project)
    form = open_visit_form(page, project)
    # The server does not take visits just now: the visit stays waiting.
    page.context.route(re.compile(r"/account/form-token$"), lambda route: route.fulfill(status=503, body="{}"))
    fill_visit(form, [], "بازدیدی که پیش از خروج ارسال نشد.")
    form.locator("button[type=submit]").click()
    expect(page.locator(".outbox-kept")).to_be_visible()
    expect(page.locator(WAITING)).to_contain_text("۱")

    # Asked, the director stays: still logged in, the visit still waiting.
    # (Answered as it opens: a click waits for what it starts, and an open dialog would hold it.)
    page.once("dialog", lambda dialog: dialog.dismiss())
    with page.expect_event("dialog") as asked:
        page.get_by_role("button", name="خروج").click()
    assert "۱ بازدید هنوز ارسال نشده است" in asked.value.message
    expect(page.locator(WAITING)).to_contain_text("۱")
    assert outbox_items(page) == 1

    # Asked again, the director logs out: the tablet keeps nothing of theirs.
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_role("button", name="خروج").click()
    page.wait_for_url(re.compile(r"/login"))
    controlled(page)  # registered afresh by the login page: the server's Clear-Site-Data removed the old one
    assert outbox_items(page) == 0
    page.context.set_offline(True)
    page.goto(project)
    expect(page.locator("h1")).to_contain_text("اتصال برقرار نیست")
    expect(page.locator("#timeline")).to_have_count(0)
    page.context.set_offline(False)


@pytest.fixture
def camera_photos(tmp_path):
    """Two 12-megapixel JPEGs with a camera photo's detail (about 2.4 MB each)."""
    paths = []
    for name, sigma in (("pool-12mp.jpg", 40), ("tiles-12mp.jpg", 45)):
        width, height = 4000, 3000
        light = Image.linear_gradient("L").resize((width, height)).convert("RGB")
        grain = Image.effect_noise((width // 4, height // 4), sigma).resize((width, height), Image.BICUBIC)
        path = tmp_path / name
        Image.blend(light, grain.convert("RGB"), 0.5).save(path, "JPEG", quality=92)
        paths.append(path)
    return paths


# Chromium's throttling of a weak mobile link, as the issue measured it: 400 ms, 50 KB/s down, 20 KB/s up.
WEAK_LINK = {"offline": False, "latency": 400, "downloadThroughput": 50 * 1024, "uploadThroughput": 20 * 1024}


def test_two_camera_photos_leave_the_tablet_shrunk_with_progress_throughout(tablet: Page, camera_photos, artifacts):
    page = tablet
    log_in(page)
    project = open_project(page)
    form = open_visit_form(page, project)
    notes = "بازدید با دو عکس دوربین تبلت روی اتصال ضعیف."
    fill_visit(form, camera_photos, notes, progress=None)  # the shared server's other tests read the progress
    progress: list[tuple[float, int, int]] = []
    confirmed = []
    page.expose_function("recordProgress", lambda sent, total: progress.append((time.monotonic(), sent, total)))
    page.expose_function("recordSent", lambda: confirmed.append(time.monotonic()))
    page.evaluate("""() => document.addEventListener("pishraft:outbox", (event) => {
        if (event.detail.state === "sending") window.recordProgress(event.detail.sent, event.detail.total);
        if (event.detail.state === "sent") window.recordSent();
    })""")
    page.context.new_cdp_session(page).send("Network.emulateNetworkConditions", WEAK_LINK)

    started = time.monotonic()
    with page.expect_navigation(timeout=180_000):
        form.locator("button[type=submit]").click()
        expect(form.locator("[data-outbox-progress]")).to_be_visible()
        expect(form.locator("button[type=submit]")).to_be_disabled()  # a second tap sends nothing twice
        expect(form.locator("[data-outbox-status]")).to_contain_text("در حال ارسال")
        page.screenshot(path=artifacts / "outbox-progress.png")
    seconds = confirmed[0] - started

    # The photos left as display copies: a few hundred KB each, not 2.4 MB.
    sent_bytes = progress[-1][2]
    assert sent_bytes < 1_100_000, sent_bytes
    # Progress was reported all along the upload: never a gap of more than 3 s, and it reached the end. (Before
    # it, the form says it is preparing the photos; how long that takes depends on the machine's load.)
    moments = [moment for moment, _sent, _total in progress]
    assert max(b - a for a, b in zip(moments, moments[1:], strict=False)) < 3
    assert progress[-1][1] == sent_bytes
    assert [sent for _m, sent, _t in progress] == sorted(sent for _m, sent, _t in progress)
    # Measured, never asserted (speed is the benchmarks' business): the issue's goal is under 60 s.
    (artifacts / "outbox-weak-link.txt").write_text(
        f"two 12 MP photos on 400 ms, 50 KB/s down, 20 KB/s up: confirmed {seconds:.1f} s after the tap; "
        f"{sent_bytes / 1024:.0f} KB sent (the originals: "
        f"{sum(path.stat().st_size for path in camera_photos) / 1024:.0f} KB)\n")
    items = page.locator("#timeline .timeline-item", has_text=notes)
    expect(items).to_have_count(1)
    expect(items.locator(".thumbs img")).to_have_count(2)


def test_a_full_tablet_says_so_and_the_form_keeps_the_visit(tablet: Page, photos):
    page = tablet
    # The tablet's storage has no room left (what navigator.storage.estimate says on a full iPad).
    page.add_init_script("navigator.storage.estimate = async () => ({ usage: 999_999, quota: 1_000_000 });")
    log_in(page)
    form = open_visit_form(page, open_project(page))
    notes = "بازدیدی که روی تبلت پر جا نشد."
    fill_visit(form, photos, notes, progress=None)
    form.locator("button[type=submit]").click()

    expect(form.locator("[data-outbox-status]")).to_contain_text("حافظهٔ تبلت پر است")
    expect(form.locator("button[type=submit]")).to_be_enabled()
    expect(form.locator("#notes")).to_have_value(notes)
    expect(form.locator("[data-photo-previews] li")).to_have_count(2)
    assert outbox_items(page) == 0
    expect(page.locator(WAITING)).to_be_hidden()

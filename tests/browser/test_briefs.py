"""Status briefs on a tablet: a director previews and issues the Kazerun pool's brief, sees it being prepared, downloads
it; the MP's office downloads it; the constituency page lists the constituency's projects."""
import re
import subprocess
import time

import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser.test_tablet import Problems, check_layout, log_in, no_latin_digits
from tracker.demo import data

pytestmark = pytest.mark.browser

MP_OFFICE = "دفتر نماینده مردم کازرون و کوه‌چنار"


def open_pool(page: Page) -> str:
    """Go from the project list to the Kazerun pool's page; its URL."""
    page.get_by_role("link", name=data.KAZERUN_POOL).first.click()
    page.wait_for_url(re.compile(r"/projects/[^/?]+$"))
    return page.url


def slowly(route: Route) -> None:
    """Let a brief's request through a moment late, so that its "being prepared" state can be seen."""
    time.sleep(0.8)
    route.continue_()


def test_director_issues_the_pool_brief_and_the_mp_office_downloads_it(browser, live_server, artifacts):
    context = browser.new_context(base_url=live_server, viewport={"width": 820, "height": 1180}, has_touch=True,
                                  locale="fa-IR", timezone_id="Asia/Tehran", accept_downloads=True)
    context.set_default_timeout(20_000)
    page = context.new_page()
    problems = Problems(page)
    log_in(page)
    open_pool(page)
    section = page.locator("#briefs")
    expect(section.locator("h2")).to_have_text("گزارش وضعیت")
    expect(section).to_contain_text("هنوز گزارشی صادر نشده است.")

    # The preview: the same brief as HTML, in a new tab, before anything is issued.
    with context.expect_page() as opened:
        section.get_by_role("link", name="پیش‌نمایش").click()
    preview = opened.value
    preview.wait_for_load_state()
    expect(preview.locator("html")).to_have_attribute("dir", "rtl")
    expect(preview.locator("h1")).to_have_text(data.KAZERUN_POOL)
    expect(preview.locator(".preview-bar")).to_contain_text("پیش‌نمایش")
    expect(preview.locator("body")).to_contain_text("۲۵ شهریور ۱۴۰۴")  # the visit the news report describes
    assert "Vazirmatn" in preview.evaluate("() => getComputedStyle(document.body).fontFamily")
    preview.screenshot(path=artifacts / "brief-preview.png", full_page=True)
    preview.close()

    # Issue: the button waits, "preparing…" shows, then a download link and the brief in the list.
    section.locator("#for_whom").fill(MP_OFFICE)
    page.route(re.compile(r"/briefs/projects/[^/]+$"), slowly)
    section.get_by_role("button", name="صدور گزارش وضعیت (PDF)").click()
    expect(section.locator("#brief-progress")).to_be_visible()
    expect(section.get_by_role("button", name="صدور گزارش وضعیت (PDF)")).to_be_disabled()
    section.locator(".brief-issue").screenshot(path=artifacts / "brief-preparing.png")
    ready = section.locator(".brief-ready")
    expect(ready).to_contain_text("آماده است")
    expect(section.locator("#brief-progress")).not_to_be_visible()
    rows = section.locator("#brief-list table.briefs tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(MP_OFFICE)
    expect(rows.first).to_contain_text("سعید بیاری")
    no_latin_digits(rows.first.inner_text().replace("PDF", ""))
    check_layout(page)
    section.screenshot(path=artifacts / "brief-issued.png")

    with page.expect_download() as downloaded:
        ready.get_by_role("link", name="دریافت PDF").click()
    pdf = artifacts / "brief-kazerun-pool.pdf"
    downloaded.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", pdf, "-"], check=True, capture_output=True, text=True).stdout
    assert data.KAZERUN_POOL in text
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", pdf,
                    artifacts / "brief-kazerun-pool-page1"], check=True)

    # The constituency's page, from the project's: its projects, and its own brief.
    section.get_by_role("link", name=re.compile("حوزه انتخابیه کازرون")).click()
    page.wait_for_url(re.compile(r"/briefs/constituencies/\d+$"))
    expect(page.locator("h1")).to_have_text("حوزه انتخابیه کازرون و کوه‌چنار")
    projects = page.locator("table.projects tbody")
    expect(projects).to_contain_text(data.KAZERUN_POOL)
    expect(projects).to_contain_text("تعمیر سیستم گرمایش مهمانسرای کارگران کوه‌چنار")
    expect(projects).not_to_contain_text("شیراز")
    page.get_by_role("button", name="صدور گزارش وضعیت (PDF)").click()
    expect(page.locator(".brief-ready")).to_contain_text("آماده است")
    check_layout(page)
    page.screenshot(path=artifacts / "brief-constituency-page.png", full_page=True)
    # A download ends its request early on Chromium's side (net::ERR_ABORTED): that is no problem.
    assert [item for item in problems.items if "/download" not in item] == []
    context.close()

    # The MP's office reads and downloads, and may not issue.
    office = browser.new_context(base_url=live_server, viewport={"width": 820, "height": 1180}, locale="fa-IR",
                                 accept_downloads=True)
    page = office.new_page()
    log_in(page, "mp-office")
    open_pool(page)
    section = page.locator("#briefs")
    expect(section.locator("#brief-issue")).to_have_count(0)
    with page.expect_download() as downloaded:
        section.locator("#brief-list").get_by_role("link", name="دریافت").first.click()
    assert downloaded.value.path().read_bytes() == pdf.read_bytes()
    office.close()

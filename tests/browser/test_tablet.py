"""A director on a tablet: log in, find the Kazerun pool by live search, edit its progress in place."""
import re

import pytest
from playwright.sync_api import ConsoleMessage, Page, Request, Response, expect

from tests.browser.conftest import playwright_version
from tracker.demo import data

pytestmark = pytest.mark.browser

SEARCH = "کازرون"


def test_chromium_and_playwright_pair(launch_chromium, record_property):
    """Fail loudly, with the reason, if a Debian update broke the Chromium/Playwright pairing."""
    browser = launch_chromium()
    pairing = f"Chromium {browser.version} with Playwright {playwright_version()}"
    record_property("pairing", pairing)
    try:
        assert re.match(r"\d+\.\d+\.\d+\.\d+$", browser.version), pairing
        page = browser.new_page()
        page.goto("about:blank")
        assert page.url == "about:blank", pairing
        page.goto("data:text/html;charset=utf-8,<html dir=rtl><title>ok</title><p id=p>سلام</p></html>")
        assert page.title() == "ok", pairing
        assert page.evaluate("() => document.getElementById('p').textContent") == "سلام", pairing
    finally:
        browser.close()


class Problems:
    """Console errors, uncaught exceptions, failed requests and unexpected error statuses seen by a page."""

    def __init__(self, page: Page):
        self.items: list[str] = []
        self.expected_statuses: set[tuple[str, str, int]] = set()
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.items.append(f"page error: {error}"))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    def expect_status(self, method: str, path: str, status: int) -> None:
        """A response the flow provokes on purpose (an invalid form answered with 422)."""
        self.expected_statuses.add((method, path, status))

    def _expected(self, method: str, url: str, status: int) -> bool:
        path = re.sub(r"^https?://[^/]+", "", url).split("?")[0]
        return (method, path, status) in self.expected_statuses

    def _console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        # Chromium logs every 4xx of a fetch as "Failed to load resource"; the deliberate 422 is not a problem.
        if "status of 422" in message.text and any(s == 422 for _m, _p, s in self.expected_statuses):
            return
        self.items.append(f"console error: {message.text} at {message.location}")

    def _failed(self, request: Request) -> None:
        self.items.append(f"request failed: {request.method} {request.url}: {request.failure}")

    def _response(self, response: Response) -> None:
        request = response.request
        if response.status >= 400 and not self._expected(request.method, response.url, response.status):
            self.items.append(f"HTTP {response.status}: {request.method} {response.url}")


def check_font(page: Page) -> None:
    """Vazirmatn is the body's font, and it was downloaded and used (not a system fallback)."""
    assert "Vazirmatn" in page.evaluate("() => getComputedStyle(document.body).fontFamily")
    page.evaluate("() => document.fonts.ready")
    assert page.evaluate("() => document.fonts.check('16px Vazirmatn')")
    loaded = page.evaluate(
        "() => [...document.fonts].filter(f => f.family.replace(/\"/g, '') === 'Vazirmatn' && f.status === 'loaded')"
        ".map(f => f.weight)"
    )
    assert "400" in loaded, loaded


def check_layout(page: Page) -> None:
    """Nothing sticks out sideways at tablet width (a horizontal scroll bar on a tablet is a bug)."""
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the {page.viewport_size['width']}px tablet"


def no_latin_digits(text: str) -> None:
    """The fa UI shows numbers and dates in Persian digits."""
    assert not re.search(r"[0-9]", text), text


def mark_page(page: Page) -> None:
    """Leave a mark on the window: it survives htmx swaps and vanishes on a real navigation."""
    page.evaluate("() => { window.__sameDocument = true }")


def same_document(page: Page) -> bool:
    return page.evaluate("() => window.__sameDocument === true")


def settle(page: Page) -> None:
    """Wait until htmx has no request in flight (inline checks fire on change, i.e. on blur)."""
    page.wait_for_function("() => !document.querySelector('.htmx-request')")


def log_in(page: Page, username: str = "bayari", screenshot=None) -> None:
    """Log in through the login form as a demo user; land on the project list."""
    page.goto("/login")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    check_font(page)
    if screenshot:
        check_layout(page)
        page.screenshot(path=screenshot, full_page=True)
    page.locator("#username").fill(username)
    page.locator("#password").fill(data.DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/projects/?$"))



def test_director_edits_progress_on_a_tablet(tablet: Page, artifacts):
    page = tablet
    problems = Problems(page)

    # Log in.
    log_in(page, screenshot=artifacts / "tablet-login.png")

    # The project list, in Persian, right to left.
    html = page.locator("html")
    expect(html).to_have_attribute("dir", "rtl")
    expect(html).to_have_attribute("lang", "fa")
    check_font(page)
    rows = page.locator("#project-results table.projects tbody tr")
    all_rows = rows.count()
    assert all_rows > 1, "the demo director should see several Fars projects"

    # Live search: typed key by key, swapped in by htmx, the query pushed into the address bar.
    mark_page(page)
    page.locator("#q").press_sequentially(SEARCH, delay=60)
    page.wait_for_function(f"() => new URLSearchParams(location.search).get('q') === {SEARCH!r}")
    pool = page.locator("#project-results").get_by_role("link", name=data.KAZERUN_POOL)
    expect(pool).to_be_visible()
    expect(rows).not_to_have_count(all_rows)
    settle(page)
    assert 1 <= rows.count() < all_rows
    for text in rows.all_inner_texts():
        assert SEARCH in text, text
    assert same_document(page), "the search reloaded the page instead of swapping #project-results"
    no_latin_digits(page.locator("#project-results").inner_text())
    check_layout(page)
    page.screenshot(path=artifacts / "tablet-projects.png", full_page=True)

    # The project page.
    pool.click()
    page.wait_for_url(re.compile(r"/projects/[^/?]+$"))
    project_url = page.url
    expect(page.locator("h1")).to_have_text(data.KAZERUN_POOL)
    activity = page.locator("#activity ol.activity > li")
    entries_before = activity.count()

    # Edit in place: the form replaces the facts inside #project-details.
    mark_page(page)
    page.locator("#project-details a[href$='/edit']").click()
    form = page.locator("#project-details form")
    expect(form.locator("#physical_progress")).to_be_visible()
    assert page.url == project_url and same_document(page)

    # An impossible date (1404 is not a leap year): the form stays, with the reason next to the field.
    problems.expect_status("POST", re.sub(r"^https?://[^/]+", "", project_url) + "/edit", 422)
    form.locator("#physical_progress").fill("۴۵")
    form.locator("#target_date").fill("1404/12/30")
    form.locator("#target_date").press("Tab")
    settle(page)
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/edit")) as answer:
        form.locator("button[type=submit]").click()
    assert answer.value.status == 422
    settle(page)
    target_errors = page.locator("#project-details #errors-target_date")
    expect(target_errors).not_to_be_empty()
    expect(target_errors).to_be_visible()
    expect(page.locator("#project-details #target_date")).to_have_attribute("aria-invalid", "true")
    assert page.url == project_url and same_document(page), "an invalid form must not leave the page"
    expect(page.locator("#project-details #physical_progress")).to_have_value("۴۵")
    check_layout(page)
    page.screenshot(path=artifacts / "tablet-edit-error.png", full_page=True)

    # A real date in Persian digits: saved, and the page shows the new progress in Persian digits.
    page.locator("#project-details #target_date").fill("۱۴۰۴/۱۲/۲۹")
    page.locator("#project-details #target_date").press("Tab")
    settle(page)
    with page.expect_navigation():
        page.locator("#project-details button[type=submit]").click()
    page.wait_for_load_state("load")
    assert page.url == project_url
    assert not same_document(page)
    details = page.locator("#project-details")
    expect(details).to_contain_text("۴۵٪")
    expect(details.get_by_role("progressbar")).to_have_attribute("value", "45")
    expect(details).to_contain_text("۲۹ اسفند ۱۴۰۴")
    no_latin_digits(details.inner_text())
    expect(activity).to_have_count(entries_before + 1)
    expect(activity.first).to_contain_text("بیاری")
    check_font(page)
    check_layout(page)
    page.screenshot(path=artifacts / "tablet-project.png", full_page=True)

    assert problems.items == []


def test_inline_check_on_leaving_a_date_field(tablet: Page):
    """Leaving a date field with an impossible date shows why at once, before the form is sent."""
    page = tablet
    problems = Problems(page)
    log_in(page)
    page.get_by_role("link", name=data.KAZERUN_POOL).click()
    page.locator("#project-details a[href$='/edit']").click()
    # Type only once htmx has set up the swapped-in form (its calendar button is a sign) and nothing is in flight.
    expect(page.locator("#project-details #target_date ~ .jp-open")).to_be_visible()
    settle(page)
    target_date = page.locator("#project-details #target_date")
    target_date.fill("1404/12/30")
    target_date.press("Tab")
    expect(page.locator("#project-details #errors-target_date")).not_to_be_empty()
    assert problems.items == []

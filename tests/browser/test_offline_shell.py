"""The installable shell on a tablet: the Kazerun project page and its new-visit form open offline from the service
worker's cache, any other page shows the Persian offline page, and after logout nothing of the user opens offline."""
import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_csp import RECORD_VIOLATIONS, violations
from tests.browser.test_tablet import Problems, check_layout, log_in
from tracker.demo import data

pytestmark = pytest.mark.browser


def controlled(page: Page) -> None:
    """Wait until the service worker has installed its shell and controls the page."""
    page.wait_for_function("async () => (await navigator.serviceWorker.ready) && !!navigator.serviceWorker.controller")


def page_caches(page: Page) -> list[str]:
    return page.evaluate("async () => (await caches.keys()).filter((name) => name.startsWith('pages-'))")


def test_project_pages_open_offline_until_logout(tablet: Page, artifacts):
    page = tablet
    page.add_init_script(RECORD_VIOLATIONS)
    problems = Problems(page)
    log_in(page)
    controlled(page)
    page.get_by_role("link", name=data.KAZERUN_POOL).click()
    page.wait_for_url(re.compile(r"/projects/[^/?]+$"))
    project = re.sub(r"^https?://[^/]+", "", page.url)
    new_visit = f"/visits/new/{project.rsplit('/', 1)[1]}"
    page.goto(new_visit)
    expect(page.locator("#visit-form")).to_be_visible()
    page.wait_for_function("async (url) => !!(await caches.match(url))", arg=new_visit)

    context = page.context
    context.set_offline(True)
    page.reload()
    expect(page.locator("#visit-form")).to_be_visible()
    expect(page.locator("#visit-form #visited_on")).not_to_have_value("")
    page.goto(project)
    expect(page.locator("h1")).to_contain_text(data.KAZERUN_POOL)
    expect(page.locator("#timeline")).to_contain_text("۲۵ شهریور ۱۴۰۴")
    page.wait_for_function("() => document.fonts.check('16px Vazirmatn')")  # the font came from the precache

    page.goto("/decisions/")  # never opened online: the offline page, in Persian, with what still opens
    expect(page.locator("h1")).to_contain_text("اتصال برقرار نیست")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    kept = page.locator("[data-kept-pages] a")
    project_page = kept.filter(has_text=re.compile("^" + re.escape(data.KAZERUN_POOL)))
    expect(project_page).to_be_visible()
    # The kept visit form says which project it is for.
    expect(kept.filter(has_text=re.compile("^بازدید جدید · " + re.escape(data.KAZERUN_POOL)))).to_be_visible()
    assert {re.sub(r"^https?://[^/]+", "", href) for href in kept.evaluate_all("links => links.map(a => a.href)")} \
        >= {project, new_visit}
    check_layout(page)
    page.screenshot(path=artifacts / "offline-page.png", full_page=True)
    project_page.click()
    expect(page.locator("#timeline")).to_be_visible()

    # Logging out, online: the server clears the site's data and the page its caches; the login page stays Persian.
    context.set_offline(False)
    page.goto(project)
    with page.expect_navigation():
        page.get_by_role("button", name="خروج").click()
    page.wait_for_url(re.compile(r"/login"))
    expect(page.locator("html")).to_have_attribute("lang", "fa")
    controlled(page)  # registered afresh by the login page
    assert page_caches(page) == []

    context.set_offline(True)
    page.goto(project)
    expect(page.locator("h1")).to_contain_text("اتصال برقرار نیست")
    expect(page.locator("#timeline")).to_have_count(0)
    expect(page.locator("[data-kept-pages] a")).to_have_count(0)
    context.set_offline(False)

    assert violations(page) == []
    assert problems.items == [], problems.items


def test_another_user_never_sees_the_pages_kept_for_the_last(tablet: Page):
    page = tablet
    log_in(page, "bayari")
    controlled(page)
    page.get_by_role("link", name=data.KAZERUN_POOL).click()
    page.wait_for_url(re.compile(r"/projects/[^/?]+$"))
    project = re.sub(r"^https?://[^/]+", "", page.url)
    page.wait_for_function("async (url) => !!(await caches.match(url))", arg=project)
    bayari = page_caches(page)
    assert len(bayari) == 1

    # Someone else logs in on the same tablet without the first user logging out: the first user's pages go.
    log_in(page, "kazerun")
    page.wait_for_function("async (name) => !(await caches.keys()).includes(name)", arg=bayari[0])
    page.context.set_offline(True)
    page.goto(project)
    expect(page.locator("h1")).to_contain_text("اتصال برقرار نیست")
    page.context.set_offline(False)

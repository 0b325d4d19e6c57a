"""Every main page on a phone, a tablet and a desktop, in Persian and English: nothing off-screen, Persian digits
in the Persian UI, and touch targets of at least 44 px."""
import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import tablet_page
from tracker.demo import data

pytestmark = pytest.mark.browser

WIDTHS = (360, 600, 820, 1280)
HEIGHT = 900
TAP = 44

# The pages of the walk, by name; the project's pages are found through the project list and a few others by the
# first link of their list, so the test follows the demo data.
COMMON = ["projects", "project", "new visit", "new milestone", "decisions", "visit", "meetings", "meeting",
          "budgets", "facilities", "agencies", "briefs", "deadlines", "notices", "notifications",
          "imports", "visit outbox", "new project", "new meeting", "new facility"]
# A county head may not open the constituency's page (it spans other counties).
ADMIN_ONLY = ["constituency", "users", "funding sources", "funding source", "reminder settings", "email outbox",
              "new user"]
ADDRESSES = {
    "projects": "/projects/", "decisions": "/decisions/", "meetings": "/meetings/", "budgets": "/budgets/",
    "facilities": "/facilities/", "agencies": "/agencies/", "briefs": "/briefs/", "deadlines": "/reminders/",
    "notices": "/notices/", "notifications": "/account/notifications", "imports": "/imports/",
    "visit outbox": "/visits/outbox", "users": "/users/", "funding sources": "/budgets/sources/",
    "reminder settings": "/reminders/settings", "email outbox": "/reminders/outbox",
    "new project": "/projects/new", "new meeting": "/meetings/new", "new facility": "/facilities/new",
    "new user": "/users/new",
}
# A page reached by a link of another: (the page, a CSS selector of the link there).
LINKED = {
    "visit": ("project", "main a[href^='/visits/']:not([href^='/visits/new'])"),
    "meeting": ("/meetings/", "main a.timeline-title"),
    "funding source": ("/budgets/sources/", "main td > a[href$='/edit']"),
    "constituency": ("project", "main a[href*='/briefs/constituencies/']"),
}
ROLES = {"admin": "admin", "county head": "kazerun"}
# Pages saved as PNGs (a county head's, in Persian, on a phone and a tablet) to be looked at.
SCREENSHOTS = {"projects", "project", "budgets", "facilities"}

# The width of the page beyond the window's (0: no sideways scroll), and what sticks out.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll("body *")].filter(el => {
    const box = el.getBoundingClientRect();
    return box.width && (box.right > width + 1 || box.left < -1) && !el.closest(".scroll-x, .grid-scroll");
  }).slice(0, 5).map(el => `${el.tagName.toLowerCase()}.${el.className} ${el.textContent.trim().slice(0, 40)}`);
  return {over: document.documentElement.scrollWidth - window.innerWidth, wide};
}"""

# Visible text with a Latin digit outside a dir="ltr" run (codes, emails, addresses): text nodes of rendered
# elements, the options of visible selects, and inputs' values and placeholders. An input's own dir="ltr" excuses
# its value (a username, a code, an address) unless it is a number, never its placeholder (the page wrote it).
LATIN_DIGITS = """() => {
  const found = [];
  const shown = el => el.checkVisibility({visibilityProperty: true});
  const ltr = el => el && el.closest('[dir="ltr"]');
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode());) {
    const el = node.parentElement;
    if (!/[0-9]/.test(node.data) || el.closest("script, style, template") || ltr(el)) continue;
    const select = el.closest("select");
    if (select ? shown(select) : shown(el)) found.push(node.data.trim().slice(0, 60));
  }
  for (const input of document.querySelectorAll("input:is([type=text], [type=search], [type=email], [type=url], "
      + "[type=tel], [type=number], :not([type])), textarea")) {
    if (!shown(input)) continue;
    if (/[0-9]/.test(input.placeholder) && !ltr(input.parentElement)) found.push(`placeholder: ${input.placeholder}`);
    const excused = ["numeric", "decimal"].includes(input.inputMode) ? ltr(input.parentElement) : ltr(input);
    if (/[0-9]/.test(input.value) && !excused) found.push(`value: ${input.value}`);
  }
  return found;
}"""

# Visible links, buttons, checkboxes, radios and summaries less than 44 px tall (a box or its label's), except links
# inside running text: a sentence with more words than the link's, where a tall box would space its lines apart.
# A link alone in its paragraph is a target like any other.
SMALL_TARGETS = """(tap) => {
  const small = [];
  const words = el => el.textContent.replace(/\\s+/g, " ").trim();
  const inText = el => {
    const sentence = el.tagName === "A" && el.closest("p, dd, li, .prose");
    return sentence && words(sentence) !== words(el);
  };
  for (const el of document.querySelectorAll("main a[href], main button, main summary, header a[href], "
      + "header button, header summary, main input[type=checkbox], main input[type=radio]")) {
    if (!el.checkVisibility({visibilityProperty: true}) || inText(el)) continue;
    const label = el.closest("label") || (el.id && document.querySelector(`label[for="${el.id}"]`));
    const height = Math.max(el.getBoundingClientRect().height, label ? label.getBoundingClientRect().height : 0);
    if (height < tap - 0.5) small.push(`${el.tagName.toLowerCase()} "${(el.textContent || el.name || "").trim()
      .slice(0, 30)}" ${Math.round(height)}px`);
  }
  return small;
}"""


def log_in(page: Page, username: str, language: str) -> None:
    """Log in as a demo user, then switch the UI to the language if it is not already in it."""
    page.goto("/login")
    page.locator("#username").fill(username)
    page.locator("#password").fill(data.DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/projects/?$"))
    if page.locator("html").get_attribute("lang") != language:
        page.locator(".session form button[lang]").click()
        expect(page.locator("html")).to_have_attribute("lang", language)


def address_of(page: Page, name: str, project: str) -> str:
    """Where a page of the walk is: a fixed address, one under the demo project, or the first link of a list."""
    if name in ADDRESSES:
        return ADDRESSES[name]
    if name == "project":
        return project
    if name == "new visit":
        return "/visits/new/" + project.rstrip("/").rsplit("/", 1)[-1]
    if name == "new milestone":
        return project.rstrip("/") + "/milestones/new"
    listing, link = LINKED[name]
    page.goto(project if listing == "project" else listing)
    return page.locator(link).first.get_attribute("href")


def addresses(page: Page, names: list[str]) -> list[tuple[str, str]]:
    """The pages of the walk with their addresses, for the logged-in user."""
    page.goto("/projects/")
    project = page.locator("#project-results").get_by_role("link", name=data.KAZERUN_POOL).get_attribute("href")
    return [(name, address_of(page, name, project)) for name in names]


def walk(page: Page, pages: list[tuple[str, str]], language: str, artifacts, role: str,
         problems: dict[str, list[str]]) -> None:
    """Load each page and measure it at each width; add what is wrong to the problems, by kind."""
    for name, address in pages:
        page.set_viewport_size({"width": WIDTHS[-1], "height": HEIGHT})
        response = page.goto(address)
        assert response.ok, f"{name} ({address}): HTTP {response.status}"
        page.evaluate("() => document.fonts.ready")
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": HEIGHT})
            measured = page.evaluate(OVERFLOW)
            if measured["over"] > 0:
                problems["scroll"].append(f"{name} at {width}px: {measured['over']}px too wide, {measured['wide']}")
            if width == 820:
                problems["targets"] += [f"{name}: {item}" for item in page.evaluate(SMALL_TARGETS, TAP)]
            if language == "fa" and width == WIDTHS[-1]:
                problems["digits"] += [f"{name}: {item}" for item in page.evaluate(LATIN_DIGITS)]
            if language == "fa" and role == "county head" and width in (360, 820) and name in SCREENSHOTS:
                page.screenshot(path=artifacts / f"layout-{name.replace(' ', '-')}-{width}.png", full_page=True)


@pytest.mark.parametrize("language", ["fa", "en"])
@pytest.mark.parametrize("role", list(ROLES))
def test_every_main_page_fits_and_reads_right(browser, live_server, artifacts, role, language):
    problems: dict[str, list[str]] = {"scroll": [], "digits": [], "targets": []}
    with tablet_page(browser, live_server) as page:
        page.goto("/login")
        if language == "en":
            page.locator(".session form button[lang]").click()
            expect(page.locator("html")).to_have_attribute("lang", "en")
        walk(page, [("login", "/login")], language, artifacts, role, problems)
        log_in(page, ROLES[role], language)
        walk(page, addresses(page, COMMON + (ADMIN_ONLY if role == "admin" else [])), language, artifacts, role,
             problems)
    assert problems == {"scroll": [], "digits": [], "targets": []}


@pytest.mark.parametrize("language", ["fa", "en"])
def test_header_folds_into_a_menu_below_900_px(browser, live_server, artifacts, language):
    with tablet_page(browser, live_server) as page:
        log_in(page, "admin", language)
        menu = page.locator("header details.menu")
        links = page.locator("header .mainnav a")
        session = page.locator("header .session")
        for width in (360, 820):
            page.set_viewport_size({"width": width, "height": HEIGHT})
            # Folded: one «منو» button; the session part (language, bell, name, log out) stays in view.
            expect(menu.locator("summary")).to_be_visible()
            expect(links.first).to_be_hidden()
            for item in (session.locator("button[lang]"), page.locator("#bell"), session.locator("a.who"),
                         session.locator("[data-logout] button")):
                expect(item).to_be_in_viewport()
            if language == "fa":
                page.screenshot(path=artifacts / f"layout-menu-closed-{width}.png")
            menu.locator("summary").click()
            expect(links).to_have_count(12)
            for index in range(12):
                expect(links.nth(index)).to_be_in_viewport()
                assert links.nth(index).bounding_box()["height"] >= TAP
            if language == "fa":
                page.screenshot(path=artifacts / f"layout-menu-open-{width}.png")
            assert page.evaluate("() => document.documentElement.scrollWidth <= innerWidth")
            menu.locator("summary").click()
            expect(links.first).to_be_hidden()
        # Wide: the links in the bar, no button.
        page.set_viewport_size({"width": 1280, "height": HEIGHT})
        expect(menu.locator("summary")).to_be_hidden()
        expect(links.nth(11)).to_be_visible()
        if language == "fa":
            page.screenshot(path=artifacts / "layout-menu-wide-1280.png")
        links.get_by_text("Meetings" if language == "en" else "جلسات").click()
        page.wait_for_url(re.compile(r"/meetings/$"))

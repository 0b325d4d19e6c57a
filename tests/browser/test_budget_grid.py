"""A budget officer on a tablet edits a cell of the grid; totals follow; a concurrent change is a conflict."""
import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import tablet_page
from tests.browser.test_tablet import check_layout, log_in, settle
from tracker.demo import data

pytestmark = pytest.mark.browser

GRID = "/budgets/?year=1405&figure=approved"


def kazerun_row(page: Page):
    return page.locator("tbody tr", has_text=data.KAZERUN_POOL)


def open_cell(page: Page):
    """Open the editor of the Kazerun pool's first source and return its amount input."""
    kazerun_row(page).locator("button.cell").first.click()
    amount = kazerun_row(page).locator("input[name=amount]")
    expect(amount).to_be_focused()
    return amount


@pytest.fixture
def second_officer(browser, live_server):
    """Another person (the administrator) working on the same grid in a browser of their own."""
    with tablet_page(browser, live_server) as page:
        log_in(page, "admin")
        yield page


def test_an_officer_edits_a_cell_and_meets_a_conflict(tablet: Page, second_officer: Page, artifacts):
    page_errors = []
    tablet.on("pageerror", lambda error: page_errors.append(str(error)))
    log_in(tablet, "budget")
    tablet.goto(GRID)
    tablet.locator("#reason").fill("ابلاغیه شماره ۱۲ سازمان مدیریت")
    tablet.locator("#letter_number").fill("۱۲۳/ص/۴۵")
    grand_before = tablet.locator("#grand-total").inner_text()

    amount = open_cell(tablet)
    amount.fill("۱٬۲۵۰٬۰۰۰٬۰۰۰")
    amount.press("Enter")
    row = kazerun_row(tablet)
    expect(row.locator("button.cell").first).to_have_text("۱٬۲۵۰٬۰۰۰٬۰۰۰")
    expect(row.locator("td.total")).to_have_text("۱٬۲۵۰٬۰۰۰٬۰۰۰")
    expect(tablet.locator("#grand-total")).not_to_have_text(grand_before)
    check_layout(tablet)
    tablet.screenshot(path=artifacts / "tablet-budget-grid.png", full_page=True)

    expect(row.locator("button.cell").first).to_be_focused()  # the keyboard stays on the saved cell
    amount = open_cell(tablet)  # Escape leaves the cell as it was
    amount.press("Escape")
    expect(row.locator("button.cell").first).to_have_text("۱٬۲۵۰٬۰۰۰٬۰۰۰")
    expect(row.locator("button.cell").first).to_be_focused()

    amount = open_cell(tablet)  # the editor now carries the line's version...
    second_officer.goto(GRID)  # ...which the administrator changes in the meantime
    second_officer.locator("#reason").fill("اصلاح رقم")
    other = open_cell(second_officer)
    other.fill("1500000000")
    other.press("Enter")
    expect(kazerun_row(second_officer).locator("button.cell").first).to_have_text("۱٬۵۰۰٬۰۰۰٬۰۰۰")

    amount.fill("1300000000")
    amount.press("Enter")
    conflict = row.locator(".conflict")
    expect(conflict).to_contain_text("مدیر سامانه")
    expect(conflict).to_contain_text("۱٬۵۰۰٬۰۰۰٬۰۰۰")
    tablet.screenshot(path=artifacts / "tablet-budget-conflict.png", full_page=True)

    row.locator("input[name=amount]").press("Enter")  # saving again, knowingly, replaces the figure
    expect(row.locator("button.cell").first).to_have_text("۱٬۳۰۰٬۰۰۰٬۰۰۰")
    settle(tablet)
    assert not page_errors, page_errors
    assert re.search(r"/budgets/", tablet.url)


def test_a_project_page_shows_its_credit_and_chart(tablet: Page, artifacts):
    log_in(tablet, "budget")
    tablet.goto("/projects/?q=" + "کوه‌چنار")
    tablet.get_by_role("link", name=re.compile("مهمانسرای کارگران کوه‌چنار")).first.click()
    budget = tablet.locator("#budget")
    expect(budget.locator("svg")).to_be_visible()
    expect(budget.locator("tfoot")).to_contain_text("۳٬۰۰۰٬۰۰۰٬۰۰۰")  # notified over both years: 2 + 1 billion
    budget.locator("a.history-link").last.click()
    expect(budget.locator("#budget-history .ledger li").first).to_contain_text("داده نمونه")
    check_layout(tablet)
    budget.screenshot(path=artifacts / "tablet-project-budget.png")


def in_view(page: Page, locator) -> bool:
    """Whether the element lies wholly inside the window's width."""
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]


def test_at_820_px_the_name_and_total_stay_in_view_and_a_cell_saves_with_its_button(tablet: Page, artifacts):
    log_in(tablet, "budget")
    tablet.goto("/budgets/?year=1406")  # a year with no lines yet: the grid opens on the approved figure
    expect(tablet.locator("#figure")).to_have_value("approved")
    tablet.locator("#reason").fill("ابلاغیه شماره ۱۴ سازمان مدیریت")
    scroller = tablet.locator(".grid-scroll")
    assert scroller.evaluate("(box) => box.scrollWidth > box.clientWidth"), "the sources no longer need to scroll"
    row = kazerun_row(tablet)
    name, total = row.locator("th[scope=row]"), row.locator("td.total")
    assert in_view(tablet, name) and in_view(tablet, total)
    scroller.evaluate("(box) => box.scrollBy({ left: -5000 })")  # to the last source (right to left)
    assert in_view(tablet, name) and in_view(tablet, total)
    assert in_view(tablet, row.locator("td.amount:not(.total)").last)

    last_cell = row.locator("button.cell").last
    last_cell.click()
    amount = row.locator("input[name=amount]")
    expect(amount).to_be_focused()
    save, cancel = row.get_by_role("button", name="ذخیره"), row.get_by_role("link", name="انصراف")
    for button in (save, cancel):  # in view beside the amount, not beneath the sticky total
        box = button.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, box
        assert box["x"] + box["width"] <= total.bounding_box()["x"] or box["x"] >= total.bounding_box()["x"] + \
            total.bounding_box()["width"], (box, total.bounding_box())
        assert in_view(tablet, button)
    check_layout(tablet)  # the open editor widens its column inside the grid, not the page
    amount.fill("۷۵۰٬۰۰۰٬۰۰۰")  # a number pad without Enter: the visible button saves
    tablet.screenshot(path=artifacts / "budget-grid-820-editing.png")
    save.tap()
    expect(last_cell).to_have_text("۷۵۰٬۰۰۰٬۰۰۰")
    expect(total).to_have_text("۷۵۰٬۰۰۰٬۰۰۰")
    expect(tablet.locator("[data-saved-notice]")).to_have_text("ثبت شد")
    assert in_view(tablet, tablet.locator("[data-saved-notice]"))
    tablet.screenshot(path=artifacts / "budget-grid-820-saved.png")
    expect(tablet.locator("[data-saved-notice]")).to_have_text("", timeout=8000)  # gone after a few seconds

    last_cell.click()
    row.locator("input[name=amount]").fill("1")
    row.get_by_role("link", name="انصراف").tap()  # cancel leaves the figure as it was
    expect(last_cell).to_have_text("۷۵۰٬۰۰۰٬۰۰۰")
    check_layout(tablet)

"""A director picks Jalali dates by touch: the calendar knows month lengths, leap years and the Iranian week."""
import re

import jdatetime
import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_tablet import Problems, check_layout, log_in, settle
from tracker.core import clock
from tracker.demo import data

pytestmark = pytest.mark.browser


def open_calendar(page: Page, field: str, typed: str):
    """Type a date into a field, open its calendar and return the calendar panel."""
    page.locator(f"#{field}").fill(typed)
    page.locator(f"#{field} ~ .jp-open").click()
    panel = page.locator(f"#{field} ~ .jp-panel")
    expect(panel).to_be_visible()
    return panel


def test_a_date_is_picked_from_a_jalali_calendar(tablet: Page, artifacts):
    page = tablet
    problems = Problems(page)
    log_in(page)
    page.get_by_role("link", name=data.KAZERUN_POOL).first.click()
    page.locator("#project-details a[href$='/edit']").click()
    # The edit form has settled once its date fields carry their calendar buttons; typing earlier could be lost.
    expect(page.locator("#target_date ~ .jp-open")).to_be_visible()
    page.wait_for_function("() => !document.querySelector('.htmx-request')")

    # Esfand 1404 has 29 days (1404 is not a leap year) and its first day is a Friday: six blanks before it.
    panel = open_calendar(page, "target_date", "1404/12/05")
    expect(panel.locator("strong")).to_have_text("اسفند ۱۴۰۴")
    expect(panel.locator(".jp-day")).to_have_count(29)
    assert panel.evaluate("p => p.querySelectorAll('.jp-grid > span:not(.jp-weekday)').length") == 6
    expect(panel.locator(".jp-day[aria-pressed=true]")).to_have_text("۵")
    check_layout(page)
    page.screenshot(path=artifacts / "date-picker.png", full_page=True)

    # One month on is Farvardin 1405; tapping a day writes it in Persian digits and the inline check accepts it.
    panel.get_by_role("button", name="ماه بعد").click()
    expect(panel.locator("strong")).to_have_text("فروردین ۱۴۰۵")
    panel.locator(".jp-day", has_text="۱۵").first.click()
    expect(panel).to_be_hidden()
    expect(page.locator("#target_date")).to_have_value("۱۴۰۵/۰۱/۱۵")
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    expect(page.locator("#errors-target_date")).to_be_empty()

    # 1403 was a leap year: its Esfand has a 30th day.
    panel = open_calendar(page, "start_date", "۱۴۰۳/۱۲/۰۱")
    expect(panel.locator(".jp-day")).to_have_count(30)
    panel.locator(".jp-day").last.click()
    expect(page.locator("#start_date")).to_have_value("۱۴۰۳/۱۲/۳۰")

    # "Today" is today in Tehran, as the server counts it (the browser's clock is the frozen one).
    today = jdatetime.date.fromgregorian(date=clock.today())
    panel = open_calendar(page, "start_date", "")
    panel.get_by_role("button", name="امروز").click()
    expected = f"{today.year}/{today.month:02d}/{today.day:02d}".translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    expect(page.locator("#start_date")).to_have_value(expected)
    assert not problems.items, problems.items


def test_the_calendar_speaks_english_in_the_english_ui(tablet: Page, artifacts):
    """In English the same Jalali calendar shows the months' English names, English labels and Latin digits."""
    page = tablet
    problems = Problems(page)
    log_in(page)
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    page.wait_for_load_state()  # the English page's scripts, before leaving it
    page.get_by_role("link", name=data.KAZERUN_POOL).first.click()
    page.locator("#project-details a[href$='/edit']").click()
    expect(page.locator("#target_date ~ .jp-open")).to_have_accessible_name("Pick from the calendar")
    settle(page)

    panel = open_calendar(page, "target_date", "۱۴۰۴/۱۲/۰۵")
    expect(panel.locator("strong")).to_have_text("Esfand 1404")
    expect(panel.locator(".jp-weekday")).to_have_text(["Sa", "Su", "Mo", "Tu", "We", "Th", "Fr"])
    expect(panel.locator(".jp-day[aria-pressed=true]")).to_have_text("5")
    check_layout(page)
    page.screenshot(path=artifacts / "date-picker-en.png", full_page=True)
    panel.get_by_role("button", name="Next month").click()
    expect(panel.locator("strong")).to_have_text("Farvardin 1405")

    panel.get_by_role("button", name="Today").click()
    expect(page.locator("#target_date")).to_have_value(re.compile(r"^[0-9]{4}/[0-9]{2}/[0-9]{2}$"))
    assert not problems.items, problems.items

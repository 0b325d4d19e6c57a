"""Nothing silent, on a tablet: «saved» after a save where the user looks, a Persian message when a request fails,
a double tap that sends once, and the milestone form opened as a page of its own."""
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import tablet_page
from tests.browser.test_tablet import check_layout, log_in, settle

pytestmark = pytest.mark.browser

SHIRAZ = "بهسازی مجموعه ورزشی کارگران شیراز"
PROJECT = "/projects/" + quote(SHIRAZ.replace(" ", "-"))
CELL_POSTS = "**/budgets/cells/**"


def milestone_titles(page: Page) -> list[str]:
    return page.locator("#milestones tbody tr td:first-child").all_inner_texts()


def test_a_save_in_place_says_saved_where_the_user_looks(tablet: Page, artifacts):
    log_in(tablet)
    tablet.goto(PROJECT)
    tablet.locator("#milestones").get_by_role("link", name="افزودن نقطه عطف").click()
    editor = tablet.locator("#milestone-editor form")
    editor.locator("input[name=title]").fill("برگزاری مناقصه سقف")
    editor.locator("input[name=due_date]").fill("۱۴۰۵/۰۹/۳۰")
    editor.get_by_role("button", name="ذخیره").click()

    notice = tablet.locator("[data-saved-notice]")
    expect(notice).to_have_text("ثبت شد")
    box = notice.bounding_box()
    assert box and box["y"] >= 0 and box["y"] + box["height"] <= tablet.viewport_size["height"]  # in view
    assert "برگزاری مناقصه سقف" in milestone_titles(tablet)
    tablet.screenshot(path=artifacts / "confirmation-saved.png")
    expect(notice).to_have_text("", timeout=8000)  # gone after a few seconds


def test_the_milestone_form_opened_as_a_page_of_its_own_goes_to_the_project_page(tablet: Page, artifacts):
    log_in(tablet)
    tablet.goto(PROJECT + "/milestones/new")  # as from a link opened in a new tab
    tablet.locator("input[name=title]").fill("تحویل زمین به پیمانکار")
    tablet.locator("input[name=due_date]").fill("۱۴۰۵/۱۰/۱۵")
    settle(tablet)
    tablet.get_by_role("button", name="ذخیره").click()

    tablet.wait_for_url(f"**{PROJECT}#milestones")
    assert "تحویل زمین به پیمانکار" in milestone_titles(tablet)
    expect(tablet.locator("[data-saved-notice]")).to_have_text("ثبت شد")
    check_layout(tablet)
    tablet.screenshot(path=artifacts / "confirmation-after-redirect.png")


def test_before_htmx_loads_a_second_tap_while_the_first_is_on_its_way_sends_nothing(browser, live_server):
    # No service worker, whose cached copy of htmx the page's routes would not see.
    with tablet_page(browser, live_server, service_workers="block") as tablet:
        log_in(tablet)
        tablet.route("**/htmx*.js", lambda route: route.abort())  # a weak link: the script has not arrived
        tablet.goto(PROJECT + "/milestones/new")
        on_the_way = []  # the posts, held as a slow link would hold them
        tablet.route("**/milestones/new", lambda route: on_the_way.append(route) if route.request.method == "POST"
                     else route.continue_())
        tablet.locator("input[name=title]").fill("تجهیز کارگاه")
        tablet.locator("input[name=due_date]").fill("۱۴۰۵/۱۱/۰۱")
        # Tapped, and while the first post is on its way, tapped again (and Enter pressed in a field).
        disabled = tablet.evaluate("""async () => {
            const form = document.querySelector("main form"), save = form.querySelector("button.primary");
            const later = () => new Promise((done) => setTimeout(done, 100));
            save.click();
            await later();
            const disabled = save.disabled;
            save.click();
            form.requestSubmit();
            await later();
            return disabled;
        }""")
        assert disabled and len(on_the_way) == 1
        on_the_way[0].continue_()

        tablet.wait_for_url(f"**{PROJECT}#milestones")  # a second post would have cancelled this navigation
        assert len(on_the_way) == 1
        assert milestone_titles(tablet).count("تجهیز کارگاه") == 1
        expect(tablet.locator("[data-saved-notice]")).to_have_text("ثبت شد")


@pytest.mark.parametrize("failure, says", [
    (lambda route: route.abort("internetdisconnected"), "اتصال برقرار نشد"),
    (lambda route: route.fulfill(status=502, content_type="text/html", body="<h1>502 Bad Gateway</h1>"), "خطای سرور"),
])
def test_a_failed_save_says_what_to_do_and_keeps_what_was_typed(tablet: Page, artifacts, failure, says):
    log_in(tablet, "budget")
    tablet.goto("/budgets/?year=1407&figure=approved")
    tablet.locator("#reason").fill("ابلاغیه آزمایشی")
    tablet.route(CELL_POSTS, lambda route: failure(route) if route.request.method == "POST" else route.continue_())
    row = tablet.locator("tbody tr", has_text=SHIRAZ)
    row.locator("button.cell").first.click()
    row.locator("input[name=amount]").fill("۱۲۳")
    save = row.get_by_role("button", name="ذخیره")
    save.click()

    problem = tablet.locator("[data-request-error]")
    expect(problem).to_be_visible()
    expect(problem).to_contain_text(says)
    expect(problem).to_contain_text("دوباره امتحان کنید")
    expect(row.locator("input[name=amount]")).to_have_value("۱۲۳")  # nothing lost, and the button works again
    expect(save).to_be_enabled()
    tablet.screenshot(path=artifacts / f"confirmation-failure-{says.split()[0]}.png")

    tablet.unroute(CELL_POSTS)
    save.click()  # tried again once the connection is back: saved, and the message goes
    expect(row.locator("button.cell").first).to_have_text("۱۲۳")
    expect(problem).to_be_hidden()
    expect(tablet.locator("[data-saved-notice]")).to_have_text("ثبت شد")

"""A director on a tablet: the bell's count, the notices, marking them read, and the Kazerun pool's milestones."""
import re
import threading
from urllib.parse import quote

import pytest
from alembic import command
from playwright.sync_api import expect
from werkzeug.serving import make_server

import tracker
from tests.browser.conftest import tablet_page
from tests.browser.test_tablet import Problems, log_in
from tests.conftest import SCENARIO_DAY, on_day
from tracker.core import clock
from tracker.core.cli import alembic_config
from tracker.core.mail import MailSettings
from tracker.demo import data
from tracker.reminders.scan import run_scan

# The demo's overdue milestones are those of the day the scenario was reported, whatever day the suite runs on.
pytestmark = [pytest.mark.browser, on_day(SCENARIO_DAY)]


@pytest.fixture(scope="module")
def reminded_server(tmp_path_factory):
    """The demo on a live server after one reminder scan (demo mode without SMTP: emails in the outbox)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('reminders-db') / 'pishraft.sqlite3'}"
    command.upgrade(alembic_config(url), "head")
    app = tracker.create_app({"DATABASE_URL": url, "SECRET_KEY": "browser-test", "DEMO": True, "TESTING": False,
                              "UPLOAD_DIR": str(tmp_path_factory.mktemp("uploads"))})
    from tracker.demo.services import load_demo

    with app.extensions["session_factory"]() as session:
        load_demo(session)
        session.commit()
    with app.app_context():
        run_scan(app.extensions["session_factory"], today=clock.today(), mail=MailSettings(demo=True))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="reminders-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    app.extensions["engine"].dispose()


def bell_count(page) -> str:
    return page.locator("#bell .bell-count").inner_text()


def test_bell_notices_mark_read_and_milestones_at_tablet_size(browser, reminded_server, artifacts):
    with tablet_page(browser, reminded_server) as page:
        problems = Problems(page)
        log_in(page, "bayari")

        before = bell_count(page)
        assert re.fullmatch(r"[۰-۹]+", before) and before != "۰"
        bell = page.locator("#bell")
        box = bell.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44
        page.screenshot(path=artifacts / "reminders-bell.png")

        bell.click()
        page.wait_for_url(re.compile(r"/notices/$"))
        unread = page.locator(".notices li.unread")
        count = unread.count()
        assert count >= 2 and str(count).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")) == before
        expect(page.locator(".notices")).to_contain_text("بازگشایی استخر برای مردم شهرستان")
        expect(page.locator(".notices")).to_contain_text("از سررسید گذشته")
        page.screenshot(path=artifacts / "reminders-notices.png", full_page=True)

        unread.first.locator("button", has_text="خوانده شد").click()
        expect(page.locator(".notices li.unread")).to_have_count(count - 1)
        expected = str(count - 1).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
        expect(page.locator("#bell .bell-count")).to_have_text(expected)  # the bell followed

        page.goto(f"/projects/{quote(data.KAZERUN_POOL.replace(' ', '-'))}")
        section = page.locator("#milestones")
        expect(section).to_contain_text("بازگشایی استخر برای مردم شهرستان")
        expect(section).to_contain_text("۱۴۰۴/۱۲/۲۹")
        expect(section.locator("tr.overdue").first).to_be_visible()
        expect(section.locator(".badge.sample").first).to_be_visible()

        section.get_by_role("link", name="افزودن نقطه عطف").click()
        editor = page.locator("#milestone-editor form")
        editor.locator("#title").fill("بازدید پایانی")
        editor.locator("#due_date").fill("1404/12/30")
        problems.expect_status("POST", f"/projects/{quote(data.KAZERUN_POOL.replace(' ', '-'))}/milestones/new", 422)
        # Wait until the form's own answer has replaced it: the inline check of the date puts the same message
        # next to the field sooner, and a date typed before the swap would be lost with the old form.
        editor.evaluate("form => { form.dataset.sent = 'yes' }")
        editor.locator("button.primary").click()
        page.wait_for_function("() => { const f = document.querySelector('#milestone-editor form');"
                               " return f && !f.dataset.sent }")
        expect(page.locator("#errors-due_date")).to_contain_text("کبیسه نیست")
        # The swapped-in form is set up (htmx bound its checks) once its date field has its calendar button;
        # a date typed earlier is never checked, and the old message stays where the button is to be clicked.
        expect(page.locator("#milestone-editor #due_date ~ .jp-open")).to_be_visible()
        page.wait_for_function("() => !document.querySelector('.htmx-request')")
        page.locator("#milestone-editor #due_date").fill("۱۴۰۵/۰۹/۱۵")
        # Leave the field and let its inline check clear the message: the button moves up when the message goes,
        # and a click aimed while it moves can miss it.
        page.locator("#milestone-editor #due_date").press("Tab")
        expect(page.locator("#errors-due_date")).to_be_empty()
        page.locator("#milestone-editor button.primary").click()
        expect(section).to_contain_text("بازدید پایانی")
        expect(section).to_contain_text("۱۴۰۵/۰۹/۱۵")
        section.screenshot(path=artifacts / "reminders-milestones.png")

        page.locator(".menu summary").click()  # on a tablet the header's links are folded into a menu
        page.get_by_role("link", name="سررسیدها").click()
        expect(page.locator("#overdue")).to_contain_text("تخصیص اعتبار مورد نیاز")
        page.screenshot(path=artifacts / "reminders-dashboard.png", full_page=True)
        assert problems.items == []

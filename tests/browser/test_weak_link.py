"""Fast on a weak link: over 400 ms latency and 50 KB/s, the login page on an empty cache costs at most 150 KB, and the
page after logging in takes every static file from the browser's caches (no request for one reaches the server)."""
import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from bench.weak_link import StaticRequests, first_load
from tests.browser import conftest
from tests.browser.conftest import tablet_page
from tracker.demo import data

pytestmark = pytest.mark.browser

FIRST_PAGE_KB = 150


@pytest.fixture(scope="module")
def counted_server(tmp_path_factory):
    """A live server with the demo data that counts the requests for static files reaching it: (URL, counter)."""
    counters = []

    def counting_server(host, port, app, **options):
        counters.append(StaticRequests(app))
        return make_server(host, port, counters[-1], **options)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(conftest, "make_server", counting_server)
        database = tmp_path_factory.mktemp("weak-link-db") / "pishraft.sqlite3"
        with conftest.serve(f"sqlite:///{database}", tmp_path_factory) as url:
            yield url, counters[0]


def test_the_first_page_is_light_and_the_second_needs_no_static_file_from_the_server(browser, counted_server,
                                                                                        artifacts):
    url, statics = counted_server
    with tablet_page(browser, url) as page:
        page.context.set_default_timeout(60_000)  # a weak link: 150 KB alone take three seconds

        load = first_load(page, statics, data.DEMO_PASSWORD)

        expect(page.locator("table.projects")).to_be_visible()
        page.screenshot(path=artifacts / "weak-link-projects.png")
    assert load.kb <= FIRST_PAGE_KB, f"{load.kb:.1f} KB: {load.first_urls}"
    # Nothing but the page, its stylesheet, two scripts and the two font weights.
    assert load.requests <= 6, load.first_urls
    assert not any("htmx" in url or "jalali-picker" in url for url in load.first_urls)
    assert load.second_files >= 5  # the project list does use static files (htmx, the outbox...) ...
    assert load.second_static == 0  # ... and took each from the service worker's shell or the HTTP cache

"""Fixtures of the browser tests: a live server on a file database with the demo data, and Debian's Chromium."""
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from alembic import command
from werkzeug.serving import make_server

import tracker
from tracker.core import clock
from tracker.core.cli import alembic_config

CHROMIUM = "/usr/bin/chromium"
# This machine's closed network refuses Chromium's background calls; /dev/shm is small in containers.
# Playwright adds --no-sandbox itself when running as root.
CHROMIUM_ARGS = [
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
# A portrait tablet, as directors carry on site.
TABLET = {
    "viewport": {"width": 820, "height": 1180},
    "has_touch": True,
    "is_mobile": False,
    "locale": "fa-IR",
    "timezone_id": "Asia/Tehran",
}
ARTIFACTS = tracker.PROJECT_ROOT / "tests" / "artifacts"
VENDOR = tracker.PROJECT_ROOT / "tracker" / "static" / "vendor"


@contextmanager
def serve(url: str, tmp_path_factory):
    """The base URL of the app served on a free local port, on the database at url, migrated and with the demo data."""
    if not (VENDOR / "htmx.min.js").exists():
        pytest.fail("tracker/static/vendor/htmx.min.js is missing: run `make setup` to copy the static assets.",
                    pytrace=False)
    command.upgrade(alembic_config(url), "head")
    app = tracker.create_app({
        "DATABASE_URL": url, "SECRET_KEY": "browser-test", "DEMO": True, "TESTING": False,
        "UPLOAD_DIR": str(tmp_path_factory.mktemp("uploads")),
        "BRIEFS_DIR": str(tmp_path_factory.mktemp("briefs")),
    })
    from tracker.demo.services import load_demo

    with app.extensions["session_factory"]() as session:
        load_demo(session)
        session.commit()

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    app.extensions["engine"].dispose()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The app on a SQLite file with the demo data."""
    with serve(f"sqlite:///{tmp_path_factory.mktemp('browser-db') / 'pishraft.sqlite3'}", tmp_path_factory) as url:
        yield url


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def live_server_on(request, empty_database_url, tmp_path_factory):
    """The app with the demo data once on SQLite, once on PostgreSQL: for flows whose server side is the point."""
    with serve(empty_database_url(request.param), tmp_path_factory) as url:
        yield url


@pytest.fixture(scope="session")
def playwright():
    """The Playwright driver for the whole run."""
    from playwright.sync_api import sync_playwright

    driver = sync_playwright().start()
    yield driver
    driver.stop()


@pytest.fixture(scope="session")
def launch_chromium(playwright):
    """Launch Debian's Chromium, failing loudly (never skipping) if it or the Playwright pairing is broken."""

    def launch():
        if not Path(CHROMIUM).exists():
            pytest.fail(f"{CHROMIUM} is missing: run `make system-deps` (apt-get install chromium).", pytrace=False)
        try:
            return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except Exception as error:  # noqa: BLE001 - any launch failure means the pairing is broken
            pytest.fail(f"Playwright {playwright_version()} could not drive {CHROMIUM} (a Debian update may have "
                        f"moved Chromium past what this Playwright supports; upgrade playwright in "
                        f"requirements.txt): {error}", pytrace=False)

    return launch


def playwright_version() -> str:
    from importlib.metadata import version

    return version("playwright")


@pytest.fixture(scope="session")
def browser(launch_chromium):
    """One Chromium for the whole run."""
    browser = launch_chromium()
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots go (git-ignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@contextmanager
def tablet_page(browser, base_url: str, **options):
    """A fresh tablet-sized, touch-enabled, Persian-locale browser tab with its own cookies."""
    context = browser.new_context(base_url=base_url, **TABLET, **options)
    context.set_default_timeout(10_000)
    # The page's Date follows the test's frozen clock (timers still run), as the live server's does.
    context.clock.set_fixed_time(clock.now())
    yield context.new_page()
    context.close()


@pytest.fixture
def tablet(browser, live_server):
    """A tablet tab on the live server."""
    with tablet_page(browser, live_server) as page:
        yield page

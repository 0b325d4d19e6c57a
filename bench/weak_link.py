"""Benchmark the first load over a weak mobile link, as a county head's tablet on site sees it.

Serves the app with the demo data on a throwaway database (PostgreSQL if reachable), in-process, and opens the login
page in a fresh Chromium (an empty cache) throttled through the DevTools protocol to 400 ms latency, 50 KB/s down and
20 KB/s up. Once the service worker has its shell, logs in as the Fars director-general and lands on the project list:

    bench: first_load kb=… requests=… ms=… second_files=… second_static=… latency_ms=400 down_kbps=50 up_kbps=20 db=…

kb and requests are the login page and everything it loads as they crossed the wire (Network.loadingFinished's
encodedDataLength: headers and compressed bodies); ms runs from the page's request to the end of its last file (the
service worker's own fetches of the shell, in the background once the page is in, are not the page's).
second_files counts the static files the project list, the page after logging in, uses; second_static those of them
that reached the server (0: every one came from the browser's caches).
"""
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass

from werkzeug.serving import make_server

LATENCY_MS = 400
DOWNLOAD_KBPS = 50
UPLOAD_KBPS = 20
KB = 1024
USERNAME = "bayari"  # the demo's Fars director-general
SETTLE_TIMEOUT_S = 60


class StaticRequests:
    """A WSGI wrapper that counts the requests for static files reaching the app."""

    def __init__(self, app):
        self.app, self.count, self._lock = app, 0, threading.Lock()

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO", "").startswith("/static/"):
            with self._lock:
                self.count += 1
        return self.app(environ, start_response)


class Wire:
    """What a tab's requests cost on a throttled link, read from the DevTools protocol's network events."""

    def __init__(self, page):
        self.page = page
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.cdp.send("Network.emulateNetworkConditions", {
            "offline": False, "latency": LATENCY_MS,
            "downloadThroughput": DOWNLOAD_KBPS * KB, "uploadThroughput": UPLOAD_KBPS * KB})
        self.urls: dict[str, str] = {}
        self.done: dict[str, int] = {}
        self.times: list[float] = []  # the protocol's own monotonic clock, in seconds
        self.cdp.on("Network.requestWillBeSent", self._sent)
        self.cdp.on("Network.loadingFinished", lambda event: self._finished(event, event["encodedDataLength"]))
        self.cdp.on("Network.loadingFailed", lambda event: self._finished(event, 0))

    def _sent(self, event: dict) -> None:
        self.urls.setdefault(event["requestId"], event["request"]["url"])
        self.times.append(event["timestamp"])

    def _finished(self, event: dict, size: int) -> None:
        self.done[event["requestId"]] = size
        self.times.append(event["timestamp"])

    def reset(self) -> None:
        """Count from here."""
        self.urls.clear()
        self.done.clear()
        self.times.clear()

    def settle(self) -> None:
        """Wait until every request seen so far has finished (its last bytes are counted)."""
        deadline = time.monotonic() + SETTLE_TIMEOUT_S
        while pending := set(self.urls) - set(self.done):
            if time.monotonic() > deadline:
                raise AssertionError(f"requests never finished: {[self.urls[key] for key in pending]}")
            self.page.wait_for_timeout(50)  # lets Playwright deliver the protocol's pending events

    @property
    def kb(self) -> float:
        return sum(self.done.values()) / KB

    @property
    def requests(self) -> int:
        return len(self.urls)

    @property
    def ms(self) -> float:
        """From the first request's start to the last one's end."""
        return (max(self.times) - min(self.times)) * 1000


@dataclass(frozen=True)
class FirstLoad:
    """The figures of one first load and the page after it."""

    kb: float
    requests: int
    ms: float
    second_files: int
    second_static: int
    first_urls: tuple[str, ...]


def wait_for_shell(page) -> None:
    """Until the service worker has precached the shell and controls the page."""
    page.wait_for_function("async () => (await navigator.serviceWorker.ready) && !!navigator.serviceWorker.controller")


def first_load(page, statics: StaticRequests, password: str, username: str = USERNAME) -> FirstLoad:
    """Open the login page on a throttled, empty-cached tab, then log in; the figures of both."""
    wire = Wire(page)
    page.goto("/login")
    page.evaluate("document.fonts.ready.then(() => undefined)")
    wire.settle()
    first = (wire.kb, wire.requests, wire.ms, tuple(wire.urls.values()))
    wait_for_shell(page)
    wire.settle()
    wire.reset()
    before = statics.count
    page.locator("#username").fill(username)
    page.locator("#password").fill(password)
    with page.expect_navigation(url="**/projects/"):
        page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")
    wire.settle()
    second_files = sum("/static/" in url for url in wire.urls.values())
    return FirstLoad(kb=first[0], requests=first[1], ms=first[2], second_files=second_files,
                     second_static=statics.count - before, first_urls=first[3])


@contextmanager
def served(app):
    """The app on a free loopback port, its static requests counted: (base URL, counter)."""
    statics = StaticRequests(app)
    server = make_server("127.0.0.1", 0, statics, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="weak-link-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", statics
    finally:
        server.shutdown()
        thread.join(timeout=5)


def run(_args) -> None:
    """Print the first_load line."""
    from playwright.sync_api import sync_playwright

    import tracker
    from bench import database
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, TABLET
    from tracker.demo import data
    from tracker.demo.services import load_demo

    with database.throwaway() as db:
        app = tracker.create_app({"DATABASE_URL": db.url, "DEMO": True, "TESTING": False})
        with app.extensions["session_factory"]() as session:
            load_demo(session)
            session.commit()
        with served(app) as (base_url, statics), sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                context = browser.new_context(base_url=base_url, **TABLET)
                context.set_default_timeout(60_000)
                load = first_load(context.new_page(), statics, data.DEMO_PASSWORD)
            finally:
                browser.close()
        app.extensions["engine"].dispose()
        for url in load.first_urls:
            print(f"first_load: loaded {url}", file=sys.stderr)  # what the figure is made of (not a bench: line)
        print(f"bench: first_load kb={load.kb:.1f} requests={load.requests} ms={load.ms:.0f} "
              f"second_files={load.second_files} second_static={load.second_static} latency_ms={LATENCY_MS} "
              f"down_kbps={DOWNLOAD_KBPS} up_kbps={UPLOAD_KBPS} db={db.kind}", flush=True)

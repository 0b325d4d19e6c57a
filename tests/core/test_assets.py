"""Static files: named for their content and cached a year, minified, compressed as the browser accepts, and only
the scripts a page uses."""
import gzip
import posixpath
import re
import shutil
import subprocess

import brotli
import pytest
from flask import url_for

import tracker
from tracker import create_app
from tracker.core.assets import IMMUTABLE, write

STATIC = tracker.PROJECT_ROOT / "tracker" / "static"
FINGERPRINTED = r"/static/{stem}\.[0-9a-f]{{10}}\.{suffix}"


def bare_app(**config):
    """The app without a database: static files need none."""
    return create_app({"TESTING": True, "DATABASE_URL": "sqlite:////nonexistent-directory/pishraft.sqlite3",
                       "SECRET_KEY": "test-secret", **config})


def static_url(app, filename: str) -> str:
    """The URL a page gives the file."""
    with app.test_request_context():
        return url_for("static", filename=filename)


def linked(page: str) -> list[str]:
    """The static files a page's head links (stylesheets, scripts, icons)."""
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', page)


def test_a_static_url_carries_its_contents_digest_and_is_cached_for_a_year(client):
    page = client.get("/login").text
    stylesheet = next(url for url in linked(page) if url.endswith(".css"))

    assert re.fullmatch(FINGERPRINTED.format(stem="app", suffix="css"), stylesheet)
    response = client.get(stylesheet)
    assert response.status_code == 200 and response.mimetype == "text/css"
    assert response.headers["Cache-Control"] == IMMUTABLE == "public, max-age=31536000, immutable"


def test_the_name_changes_with_the_file_and_only_then(tmp_path):
    folder = tmp_path / "static"
    shutil.copytree(STATIC, folder)

    def url_of(name):
        app = bare_app()
        app.static_folder = str(folder)
        return static_url(app, name)

    before = {name: url_of(name) for name in ("app.js", "shell.js")}
    assert {name: url_of(name) for name in before} == before  # the same files: the caches stay good

    (folder / "app.js").write_text((folder / "app.js").read_text() + "\nwindow.changed = 1;\n")

    assert url_of("app.js") != before["app.js"]
    assert url_of("shell.js") == before["shell.js"]


@pytest.mark.parametrize("name", ["app.css", "app.0123456789.css"])
def test_a_bare_or_stale_name_still_gets_the_file_but_is_checked_again_each_time(name):
    client = bare_app().test_client()
    current = client.get(static_url(client.application, "app.css"))

    response = client.get(f"/static/{name}")

    assert response.status_code == 200
    assert response.data == current.data
    assert response.headers["Cache-Control"] == "no-cache"  # never "immutable": the file behind the name changes


def test_a_missing_file_is_not_found():
    client = bare_app().test_client()

    assert client.get("/static/nothing.css").status_code == 404
    assert client.get("/static/nothing.0123456789.css").status_code == 404
    assert client.get("/static/icons/draw.py").status_code == 404  # the icons' drawing script is no asset


@pytest.mark.parametrize(("accept", "encoding", "decode"), [
    ("gzip, deflate, br, zstd", "br", brotli.decompress),
    ("gzip, deflate", "gzip", gzip.decompress),
    ("br;q=0, gzip", "gzip", gzip.decompress),
    ("", None, bytes),
])
def test_text_is_compressed_as_the_browser_accepts(accept, encoding, decode):
    client = bare_app().test_client()
    url = static_url(client.application, "vendor/htmx.min.js")
    plain = client.get(url, headers={"Accept-Encoding": ""}).data

    response = client.get(url, headers={"Accept-Encoding": accept})

    assert response.headers.get("Content-Encoding") == encoding
    assert "Accept-Encoding" in response.vary  # a shared cache keeps one copy per encoding
    assert decode(response.data) == plain
    if encoding:
        assert len(response.data) < len(plain) / 2
    assert response.headers["Cache-Control"] == IMMUTABLE


def test_fonts_and_images_are_sent_as_they_are():
    client = bare_app().test_client()

    for name, mimetype in (("vendor/fonts/Vazirmatn-Bold.woff2", "font/woff2"), ("icons/icon-192.png", "image/png")):
        response = client.get(static_url(client.application, name), headers={"Accept-Encoding": "gzip, br"})
        assert response.mimetype == mimetype
        assert "Content-Encoding" not in response.headers and "Vary" not in response.headers
        assert response.data == (STATIC / name).read_bytes()


def test_a_file_the_browser_has_is_answered_with_a_bodiless_304():
    client = bare_app().test_client()
    url = static_url(client.application, "app.js")
    first = client.get(url, headers={"Accept-Encoding": "gzip"})

    again = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["ETag"]})
    other = client.get(url, headers={"Accept-Encoding": "br", "If-None-Match": first.headers["ETag"]})

    assert (again.status_code, again.data) == (304, b"")
    assert other.status_code == 200  # the brotli body is another representation, with its own ETag


def test_the_stylesheet_names_two_font_weights_by_their_fingerprinted_names():
    client = bare_app().test_client()
    css_url = static_url(client.application, "app.css")
    css = client.get(css_url).text

    faces = re.findall(r'@font-face\{[^}]*src:url\("([^"]+)"\)[^}]*font-weight:(\d+)', css)

    assert [weight for _url, weight in faces] == ["400", "700"]
    for url, _weight in faces:
        font_url = posixpath.join(posixpath.dirname(css_url), url)
        assert re.fullmatch(FINGERPRINTED.format(stem=r"vendor/fonts/Vazirmatn-\w+", suffix="woff2"), font_url)
        response = client.get(font_url)
        assert (response.status_code, response.headers["Cache-Control"]) == (200, IMMUTABLE)
    # No rule asks for a weight that has no face (the browser would fall back to another, or fake it).
    assert set(re.findall(r"font-weight:(\w+)", css)) <= {"400", "700"}


@pytest.mark.parametrize("name", ["app.css", "visits.css", "app.js", "persian.js", "shell.js", "outbox.js",
                                  "outbox-page.js", "jalali-picker.js", "visits.js"])
def test_our_own_files_are_served_minified_and_still_parse(name, tmp_path):
    client = bare_app().test_client()
    source = (STATIC / name).read_text()

    served = client.get(static_url(client.application, name), headers={"Accept-Encoding": ""}).text

    assert len(served) < len(source) * 0.9
    assert "/*" not in served and "\n// " not in served  # no comments left
    if name.endswith(".js"):  # node, which `make setup` needs for npm, checks the syntax
        (tmp_path / name).write_text(served)
        check = subprocess.run(["node", "--check", str(tmp_path / name)], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr


def test_a_static_file_carries_no_cookie_even_for_a_logged_in_user(client, director):
    page = client.get("/projects/")
    assert "Cookie" in page.vary  # pages do depend on who is logged in

    response = client.get(static_url(client.application, "app.css"))

    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.vary  # or the browser would fetch every file again after logging in


def test_pages_are_not_compressed_since_they_carry_the_csrf_token(client):
    response = client.get("/login", headers={"Accept-Encoding": "gzip, br"})

    assert "Content-Encoding" not in response.headers  # BREACH: a secret and reflected input in one compressed body


def scripts_of(page: str) -> set[str]:
    """The names of the scripts a page loads, without their digests."""
    return {re.sub(r"\.[0-9a-f]{10}\.js$", ".js", url.removeprefix("/static/")) for url in linked(page)
            if url.endswith(".js")}


def test_the_login_page_loads_no_htmx_and_no_date_picker(client):
    page = client.get("/login").text

    assert scripts_of(page) == {"app.js", "shell.js"}
    assert 'name="htmx-config"' not in page and 'name="jalali-picker"' not in page
    assert "visits" not in " ".join(linked(page))


def test_a_logged_in_page_loads_htmx_for_its_bell_and_the_picker_only_with_a_date_input(client, director, make):
    project = make.project()

    projects = client.get("/projects/").text
    new_visit = client.get(f"/visits/new/{project.slug}").text
    project_page = client.get(f"/projects/{project.slug}").text

    assert 'id="bell"' in projects and "vendor/htmx.min.js" in scripts_of(projects)
    assert "jalali-picker.js" not in scripts_of(projects) and 'name="jalali-picker"' not in projects
    assert "data-jalali-date" in new_visit and {"jalali-picker.js", "persian.js"} <= scripts_of(new_visit)
    # The project page's editors (dates, partners, milestones) arrive by htmx with date inputs.
    assert "data-jalali-date" not in project_page and "jalali-picker.js" in scripts_of(project_page)


def test_the_copies_for_nginx_are_the_files_the_app_serves_each_beside_its_compressed_ones(tmp_path):
    client = bare_app().test_client()
    (tmp_path / "app.0123456789.css").write_text("an older release's file")

    write(STATIC, tmp_path)

    for name in ("app.css", "vendor/htmx.min.js", "vendor/fonts/Vazirmatn-Regular.woff2"):
        url = static_url(client.application, name)
        copy = tmp_path / url.removeprefix("/static/")
        assert copy.read_bytes() == client.get(url, headers={"Accept-Encoding": ""}).data
        compressed = name.endswith((".css", ".js"))
        assert copy.with_name(copy.name + ".gz").exists() == copy.with_name(copy.name + ".br").exists() == compressed
        if compressed:
            assert gzip.decompress(copy.with_name(copy.name + ".gz").read_bytes()) == copy.read_bytes()
    assert (tmp_path / "app.0123456789.css").exists()  # a page open across a release still finds its files

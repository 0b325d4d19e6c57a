"""The installable shell: the manifest, the service worker's headers and versioned precache, the offline page, and
what logout tells the tablet to forget."""
import io
import json
import re
import shutil
import subprocess

import pytest
from flask import url_for
from PIL import Image

import tracker
from tracker import create_app
from tracker.core.shell import USER_HEADER

STATIC = tracker.PROJECT_ROOT / "tracker" / "static"


def bare_app(**config):
    """The app without a database: the shell's files need none."""
    return create_app({"TESTING": True, "DATABASE_URL": "sqlite:////nonexistent-directory/pishraft.sqlite3",
                       "SECRET_KEY": "test-secret", **config})


def shell_of(app) -> dict:
    """The settings the server wrote into the service worker it serves."""
    script = app.test_client().get("/sw.js").text
    return json.loads(re.search(r"const SHELL\s*=\s*(\{.*?\});", script).group(1))


def test_the_manifest_installs_pishraft_in_persian_with_the_apps_colours():
    client = bare_app().test_client()

    response = client.get("/manifest.webmanifest")

    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.data)
    assert manifest["name"] == manifest["short_name"] == "پیشرفت"
    assert (manifest["lang"], manifest["dir"], manifest["display"]) == ("fa", "rtl", "standalone")
    assert (manifest["start_url"], manifest["scope"]) == ("/projects/", "/")
    css = (STATIC / "app.css").read_text()
    assert f"--brand: {manifest['theme_color']};" in css and f"--bg: {manifest['background_color']};" in css
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        image = Image.open(io.BytesIO(client.get(icon["src"]).data))
        assert (image.format, f"{image.width}x{image.height}") == ("PNG", icon["sizes"])


def test_every_page_links_the_manifest_and_the_ios_home_screen_tags(client):
    page = client.get("/login").text

    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert '<meta name="apple-mobile-web-app-capable" content="yes">' in page
    apple_icon = re.search(r'<link rel="apple-touch-icon" href="([^"]+)">', page).group(1)
    assert Image.open(io.BytesIO(client.get(apple_icon).data)).size == (180, 180)
    assert re.search(r'<script src="/static/shell\.[0-9a-f]{10}\.js" defer></script>', page)


def test_the_service_worker_is_served_at_the_root_and_always_revalidated(tmp_path):
    client = bare_app().test_client()

    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    assert "Service-Worker-Allowed" not in response.headers  # its own scope, the root, is all it needs
    script = tmp_path / "sw.js"  # served minified: node, which `make setup` needs for npm, checks it still parses
    script.write_bytes(response.data)
    assert subprocess.run(["node", "--check", str(script)], capture_output=True).returncode == 0
    # Each page's registration asks again: unchanged, the answer is a bodiless 304.
    again = client.get("/sw.js", headers={"If-None-Match": response.headers["ETag"]})
    assert (again.status_code, again.data) == (304, b"")


def test_the_service_worker_precaches_the_shell_and_every_font_the_stylesheet_uses():
    app = bare_app()
    shell = shell_of(app)

    fonts = re.findall(r'url\("([^"]+\.woff2)"\)', (STATIC / "app.css").read_text())
    assert len(fonts) == 2  # regular and bold
    with app.test_request_context():  # the names the pages use: each with its content's digest
        expected = {url_for("static", filename=name)
                    for name in (*fonts, "app.css", "app.js", "shell.js", "vendor/htmx.min.js")}
    assert all(re.fullmatch(r"/static/.+\.[0-9a-f]{10}\.\w+", url) for url in expected)
    assert expected <= set(shell["precache"])
    assert shell["offline"] in shell["precache"]
    client = app.test_client()
    assert all(client.get(url).status_code == 200 for url in shell["precache"])  # one missing file fails the install


def test_the_cache_version_changes_when_a_precached_file_does(tmp_path):
    def version_with(folder):
        app = bare_app()
        app.static_folder = str(folder)
        return shell_of(app)["version"]

    folder = tmp_path / "static"
    shutil.copytree(STATIC, folder)
    before = version_with(folder)
    assert version_with(folder) == before  # the same files: the same caches, nothing downloaded again

    (folder / "app.js").write_text((folder / "app.js").read_text() + "\n// changed\n")

    assert version_with(folder) != before
    assert re.fullmatch(r"[0-9a-f]{16}", before)


def test_the_offline_page_is_persian_and_shows_nobodys_data(client, director):
    page = client.get("/offline")

    assert page.status_code == 200
    assert '<html lang="fa" dir="rtl">' in page.text
    assert "اتصال برقرار نیست" in page.text
    assert director.full_name not in page.text and "csrf" not in page.text.lower()


def test_pages_name_their_user_for_the_service_worker_and_only_pages(client, director):
    assert client.get("/projects/").headers[USER_HEADER] == str(director.id)
    assert USER_HEADER not in client.get("/static/app.css").headers

    client.post("/logout")

    assert USER_HEADER not in client.get("/login").headers


@pytest.mark.parametrize("language", ["fa", "en"])
def test_logout_clears_the_tablets_cache_and_storage_but_keeps_the_chosen_language(client, director, language):
    client.post(f"/language/{language}")

    response = client.post("/logout")

    assert response.status_code == 303
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'  # not "cookies": the language lives there
    login_page = client.get(response.headers["Location"])
    assert f'<html lang="{language}"' in login_page.text
    assert client.get("/projects/").status_code == 302  # the session itself ended on the server


def test_the_offline_shells_scripts_cross_the_wire_in_under_60_kb_even_as_gzip():
    client = bare_app().test_client()
    with client.application.test_request_context():
        urls = ["/sw.js", *(url_for("static", filename=name) for name in
                            ("shell.js", "outbox.js", "persian.js", "visits.js", "vendor/htmx.min.js"))]

    sizes = {url: len(client.get(url, headers={"Accept-Encoding": "gzip"}).data) for url in urls}

    assert sum(sizes.values()) <= 60 * 1024, sizes

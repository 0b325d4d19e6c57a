"""The installable, offline-readable shell: the web app manifest, the service worker and the offline page."""
import hashlib
import json
import re
from pathlib import Path

from flask import Blueprint, Flask, Response, current_app, render_template, url_for
from flask_login import current_user

from tracker.core import assets

bp = Blueprint("shell", __name__)

# Every page's own stylesheets and scripts, htmx and the icons; the fonts are read from app.css (SHELL_FONTS).
STATIC_FILES = ("app.css", "visits.css", "persian.js", "app.js", "shell.js", "outbox.js", "outbox-page.js",
                "jalali-picker.js", "visits.js", "vendor/htmx.min.js", "icons/icon-192.png")
FONT_URL = re.compile(r'url\("([^"]+\.woff2)"\)')
# Names the logged-in user of an HTML response, so that the service worker keeps each user's pages apart.
USER_HEADER = "X-Pishraft-User"
# The product's name on the home screen: Persian whatever the UI language, as on the ministry's own documents.
NAME, DESCRIPTION = "پیشرفت", "پیگیری بهسازی مجموعه‌های کارگری"


def css_colour(css: str, name: str) -> str:
    """A colour variable of app.css (`--brand: #0f5c7a;`), so the manifest and the pages cannot drift apart."""
    return re.search(rf"--{name}:\s*(#[0-9a-fA-F]{{3,8}})", css).group(1)


def precached_files(static_folder: Path) -> list[str]:
    """The static files the service worker precaches, relative to the static folder."""
    fonts = FONT_URL.findall((static_folder / "app.css").read_text(encoding="utf-8"))
    return [*STATIC_FILES, *fonts]


def shell_version(static_folder: Path, sources: list[str]) -> str:
    """A digest of every precached file and of the shell's own templates: it changes when any of them does."""
    digest = hashlib.sha256()
    for name in precached_files(static_folder):
        digest.update(name.encode() + b"\0" + (static_folder / name).read_bytes())
    for source in sources:
        digest.update(source.encode())
    return digest.hexdigest()[:16]


def _shell() -> dict:
    """The service worker's settings, computed once per process (the static files do not change under it)."""
    if "shell" not in current_app.extensions:
        folder = Path(current_app.static_folder)
        env = current_app.jinja_env
        sources = [env.loader.get_source(env, name)[0] for name in ("shell/sw.js", "shell/offline.html")]
        current_app.extensions["shell"] = {
            "version": shell_version(folder, sources),
            "precache": [url_for("static", filename=name) for name in precached_files(folder)]
            + [url_for("shell.offline")],
            "offline": url_for("shell.offline"),
            "outbox": url_for("visits.outbox"),  # kept with each user's pages (sw.js), never precached for everyone
            "static": url_for("static", filename=""),
            "userHeader": USER_HEADER,
        }
    return current_app.extensions["shell"]


@bp.get("/manifest.webmanifest")
def manifest():
    """The web app manifest: installed on the home screen, Pishraft opens full screen on the project list."""
    colours = current_app.extensions["shell_colours"]
    icon = lambda name, size, purpose: {  # noqa: E731 - a table of four rows
        "src": url_for("static", filename=f"icons/{name}"), "sizes": f"{size}x{size}", "type": "image/png",
        "purpose": purpose}
    body = {
        "id": url_for("projects.index"), "name": NAME, "short_name": NAME, "description": DESCRIPTION,
        "lang": "fa", "dir": "rtl", "start_url": url_for("projects.index"), "scope": "/", "display": "standalone",
        "theme_color": colours["theme"], "background_color": colours["background"],
        "icons": [icon("icon-192.png", 192, "any"), icon("icon-512.png", 512, "any"),
                  icon("maskable-512.png", 512, "maskable")],
    }
    return Response(json.dumps(body, ensure_ascii=False), mimetype="application/manifest+json")


@bp.get("/sw.js")
def service_worker():
    """The service worker, at the root so that its scope is the whole app; always revalidated (a 304 when unchanged)."""
    if "service_worker" not in current_app.extensions:  # minified and compressed once, like the static files
        script = render_template("shell/sw.js", shell=_shell()).encode()
        current_app.extensions["service_worker"] = assets.make_asset("sw.js", script)
    return assets.respond(current_app.extensions["service_worker"], "no-cache")


@bp.get("/offline")
def offline():
    """What a page opens as when there is no connection and no copy of it on the tablet (precached, so no user data)."""
    return render_template("shell/offline.html")


def name_the_user(response: Response) -> Response:
    """Mark a page with its user's id; the service worker files it under that user, or forgets pages if nobody."""
    if response.mimetype == "text/html" and current_user.is_authenticated:
        response.headers[USER_HEADER] = str(current_user.id)
    return response


def init_app(app: Flask) -> None:
    """Register the shell's routes, its header, and the theme colours the pages' meta tags share with the manifest."""
    css = (Path(app.static_folder) / "app.css").read_text(encoding="utf-8")
    app.extensions["shell_colours"] = {"theme": css_colour(css, "brand"), "background": css_colour(css, "bg")}
    app.jinja_env.globals["theme_color"] = app.extensions["shell_colours"]["theme"]
    app.register_blueprint(bp)
    app.after_request(name_the_user)

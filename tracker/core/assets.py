"""Static files under names that carry their content's digest, cached for a year, minified and compressed once."""
import gzip
import hashlib
import mimetypes
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

import brotli
import rcssmin
import rjsmin
from flask import Flask, Response, abort, current_app, request
from flask.sessions import SecureCookieSessionInterface

# A fingerprinted name never changes content, so browsers and proxies keep it a year without asking again.
IMMUTABLE = "public, max-age=31536000, immutable"
# A bare or stale name (an old page, a bookmark, a hand-typed URL) is answered with today's file, checked every time.
REVALIDATE = "no-cache"
DIGEST_LENGTH = 10
FINGERPRINTED = re.compile(rf"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{{{DIGEST_LENGTH}}})(?P<suffix>\.[^./]+)$")
TEXT = {".css", ".js", ".svg", ".json", ".txt", ".webmanifest"}
# Only our own sources are minified; vendor files come minified (htmx) or are not code.
MINIFY = {".css": rcssmin.cssmin, ".js": rjsmin.jsmin}
CSS_URL = re.compile(r"""url\((["']?)([^)"']+)\1\)""")
SKIPPED = {".py"}  # the icon drawing script lives beside the icons but is no asset
# Brotli first: 15-20% smaller than gzip on our scripts; every browser that sends "br" decodes it.
# With the file endings that nginx's brotli_static and gzip_static look for.
ENCODINGS = (
    ("br", ".br", lambda body: brotli.compress(body, quality=11)),
    ("gzip", ".gz", lambda body: gzip.compress(body, compresslevel=9, mtime=0)),
)


@dataclass(frozen=True)
class Asset:
    """One static file as served: its fingerprinted name, body, compressed bodies and type."""

    name: str
    body: bytes
    mimetype: str
    digest: str
    encoded: dict[str, bytes] = field(default_factory=dict)


def fingerprinted(name: str, digest: str) -> str:
    """`app.css` named for its content: `app.3f2a9c1b0d.css`."""
    stem, suffix = posixpath.splitext(name)
    return f"{stem}.{digest}{suffix}"


def _css_urls(css: bytes, name: str, assets: dict[str, Asset]) -> bytes:
    """The stylesheet with each relative url() (the fonts) pointing at that file's fingerprinted name."""
    folder = posixpath.dirname(name)

    def swap(match: re.Match) -> str:
        quote, url = match.groups()
        target = posixpath.normpath(posixpath.join(folder, url))
        if target not in assets:  # data:, absolute or missing: left as written
            return match.group(0)
        return f"url({quote}{posixpath.relpath(assets[target].name, folder or '.')}{quote})"

    return CSS_URL.sub(swap, css.decode("utf-8")).encode("utf-8")


def make_asset(name: str, body: bytes) -> Asset:
    """Minify our own text, then name and compress the result (the digest is of what is served)."""
    suffix = posixpath.splitext(name)[1]
    if suffix in MINIFY and not name.startswith("vendor/"):
        body = MINIFY[suffix](body.decode("utf-8")).encode("utf-8")
    digest = hashlib.sha256(body).hexdigest()[:DIGEST_LENGTH]
    mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
    encoded = {}
    if suffix in TEXT:
        for encoding, _ending, compress in ENCODINGS:
            if len(packed := compress(body)) < len(body):
                encoded[encoding] = packed
    return Asset(fingerprinted(name, digest), body, mimetype, digest, encoded)


def build(folder: Path) -> dict[str, Asset]:
    """Every file of the static folder by its plain name; stylesheets last, since they name the other files."""
    files = [path for path in folder.rglob("*") if path.is_file() and not path.name.startswith(".")
             and path.suffix not in SKIPPED]
    assets: dict[str, Asset] = {}
    for path in sorted(files, key=lambda path: (path.suffix == ".css", str(path))):
        name = path.relative_to(folder).as_posix()
        body = path.read_bytes()
        assets[name] = make_asset(name, _css_urls(body, name, assets) if path.suffix == ".css" else body)
    return assets


def write(folder: Path, destination: Path) -> int:
    """Write the served copies under their fingerprinted names, each beside its .br and .gz, for nginx to send.

    Older copies stay: a page opened before a release still finds the files it names. Returns how many were written.
    """
    written = 0
    for asset in build(folder).values():
        copies = {"": asset.body} | {ending: asset.encoded[name] for name, ending, _ in ENCODINGS
                                     if name in asset.encoded}
        for ending, body in copies.items():
            target = destination / (asset.name + ending)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(body)
            written += 1
    return written


def _signature(folder: Path) -> tuple:
    """What the files look like on disk: an app started after a file changed (or a debugging run) builds again."""
    return tuple(sorted((str(path), (stat := path.stat()).st_size, stat.st_mtime_ns)
                        for path in folder.rglob("*") if path.is_file()))


_BUILT: dict[Path, tuple[tuple, dict[str, Asset]]] = {}  # per static folder: its files' sizes and times, as served


def assets() -> dict[str, Asset]:
    """The app's static files as served: looked at once per app (at each use when debugging), built once per process."""
    folder = Path(current_app.static_folder)
    signature = current_app.extensions.get("static_signature")
    if signature is None or current_app.debug:
        signature = current_app.extensions["static_signature"] = _signature(folder)
    if folder not in _BUILT or _BUILT[folder][0] != signature:
        _BUILT[folder] = (signature, build(folder))
    return _BUILT[folder][1]


def _fingerprint_url(endpoint: str, values: dict) -> None:
    """url_for('static', filename='app.css') gives the fingerprinted name; an unknown file keeps its name."""
    if endpoint == "static" and (asset := assets().get(values.get("filename", ""))):
        values["filename"] = asset.name


def _find(filename: str) -> tuple[Asset | None, bool]:
    """The asset a requested name means, and whether the name is its current fingerprinted one."""
    served = assets()
    if asset := served.get(filename):
        return asset, False
    folder, base = posixpath.split(filename)
    if match := FINGERPRINTED.match(base):
        asset = served.get(posixpath.join(folder, match["stem"] + match["suffix"]))
        if asset:
            return asset, asset.digest == match["digest"]
    return None, False


def respond(asset: Asset, cache_control: str) -> Response:
    """An asset's response: compressed as the browser accepts, with an ETag per encoding (a 304 when it has it)."""
    encoding = next((name for name in asset.encoded if request.accept_encodings[name]), None)
    response = Response(asset.encoded[encoding] if encoding else asset.body, mimetype=asset.mimetype)
    if asset.encoded:
        response.vary.add("Accept-Encoding")  # a shared cache must not hand gzip to a client that did not ask
    if encoding:
        response.content_encoding = encoding
    response.set_etag(f"{asset.digest}-{encoding or 'identity'}")
    response.headers["Cache-Control"] = cache_control
    return response.make_conditional(request)


def serve(filename: str) -> Response:
    """A static file: its fingerprinted name cached for a year, text compressed as the browser accepts."""
    asset, current = _find(filename)
    if asset is None:
        abort(404)
    return respond(asset, IMMUTABLE if current else REVALIDATE)


class SessionInterface(SecureCookieSessionInterface):
    """The signed-cookie session, never saved on a static file (Flask-Login reads it on every response)."""

    def save_session(self, app, session, response) -> None:
        # A file cached for a year carries no Set-Cookie, and no Vary: Cookie: the browser would ask again for it
        # after logging in (a new cookie), and a shared cache would keep one copy per visitor.
        if request.endpoint != "static":
            super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    """Serve the static folder through `serve`, fingerprint every url_for('static', ...), keep cookies off files."""
    app.view_functions["static"] = serve
    app.url_defaults(_fingerprint_url)
    app.session_interface = SessionInterface()


if __name__ == "__main__":  # `make setup`: python -m tracker.core.assets DESTINATION
    import sys

    count = write(Path(__file__).resolve().parent.parent / "static", Path(sys.argv[1]))
    print(f"{count} static files written to {sys.argv[1]}")

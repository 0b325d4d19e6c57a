"""Briefs as HTML (the same template for the browser's preview and for print) and as PDF, with WeasyPrint.

WeasyPrint costs most of a second to import and parses fonts once per FontConfiguration, so both are made
once per process: the module on first use, the print stylesheet (with its @font-face rules) with it.
"""
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, render_template, url_for
from flask_babel import force_locale

from tracker.budgets.chart import budget_chart_html_css
from tracker.core.config import PROJECT_ROOT
from tracker.core.i18n import gettext
from tracker.core.storage import Storage

# Images of a brief that live in the uploads store are named "stored:<key>"; the PDF's fetcher reads them from there.
STORED_SCHEME = "stored:"
FONTS = PROJECT_ROOT / "tracker" / "static" / "vendor" / "fonts"
STYLESHEET = "briefs/brief.css"
# Briefs are official Persian documents, whatever language the person issuing them reads the app in.
LANGUAGE = "fa"


@dataclass(frozen=True)
class Pdf:
    """A rendered PDF and its page count."""

    data: bytes
    pages: int


class _Printer:
    """WeasyPrint with its fonts and the print stylesheet, loaded once per process on first use."""

    def __init__(self):
        self._lock = threading.Lock()
        self._loaded = None

    def _load(self):
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration

        if not (FONTS / "Vazirmatn-Regular.ttf").exists():
            raise RuntimeError(f"{FONTS} has no Vazirmatn: run `make setup` to copy the fonts from npm.")
        fonts = FontConfiguration()
        css = weasyprint.CSS(string=stylesheet(lambda name: (FONTS / name).as_uri()), font_config=fonts)
        return weasyprint, fonts, css

    def loaded(self):
        """The weasyprint module, the font configuration and the parsed print stylesheet."""
        with self._lock:
            if self._loaded is None:
                self._loaded = self._load()
            return self._loaded

    def pdf(self, html: str, base_url: Path, uploads: Storage) -> Pdf:
        """Lay the HTML out on A4 pages and write the PDF; one at a time, as WeasyPrint shares its fonts."""
        weasyprint, fonts, css = self.loaded()
        with self._lock:
            document = weasyprint.HTML(string=html, base_url=str(base_url),
                                       url_fetcher=_stored_fetcher(weasyprint, uploads)).render(
                stylesheets=[css], font_config=fonts)
            return Pdf(document.write_pdf(), len(document.pages))


printer = _Printer()


def _stored_fetcher(weasyprint, uploads: Storage):
    """WeasyPrint's fetcher, which also reads "stored:" images from the uploads store (the bucket, or the folder)."""
    class Fetcher(weasyprint.URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith(STORED_SCHEME):
                return weasyprint.urls.URLFetcherResponse(
                    url, uploads.get(url.removeprefix(STORED_SCHEME)), {"Content-Type": "image/jpeg"})
            return super().fetch(url, headers)

    return Fetcher()


def stored_url(key: str) -> str:
    """The URL a brief's HTML gives a display copy in the uploads store, for the PDF's fetcher."""
    return STORED_SCHEME + key


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def page_counter() -> str:
    """The CSS content of "page x of y" in Persian words and digits, in the translation's word order."""
    parts = re.split(r"(%\((?:page|pages)\)s)", gettext("Page %(page)s of %(pages)s"))
    counters = {"%(page)s": "counter(page, persian)", "%(pages)s": "counter(pages, persian)"}
    return " ".join(counters.get(part) or _css_string(part) for part in parts if part)


def stylesheet(font_src) -> str:
    """The print stylesheet, its fonts at the URLs font_src gives for a file name."""
    with force_locale(LANGUAGE):
        return current_app.jinja_env.get_template(STYLESHEET).render(
            font_src=font_src, page_counter=page_counter(), chart_css=budget_chart_html_css())


def web_stylesheet() -> str:
    """The print stylesheet for the browser's preview, fonts served by the app."""
    return stylesheet(lambda name: url_for("static", filename=f"vendor/fonts/{name}"))


def html(template: str, **context) -> str:
    """A brief's HTML, in Persian."""
    with force_locale(LANGUAGE):
        return render_template(template, **context)


def pdf(document: str, base_url: Path, uploads: Storage) -> Pdf:
    """The PDF of a brief's HTML; relative URLs in it resolve against base_url, "stored:" ones in uploads."""
    return printer.pdf(document, base_url, uploads)

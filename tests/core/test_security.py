"""The security headers on every kind of response, and pages that need nothing the strict CSP refuses."""
import io
import re
import tokenize
from pathlib import Path

import pytest
from sqlmodel import select

import tracker
from tests.conftest import htmx
from tests.helpers import jpeg
from tracker.briefs.models import Brief
from tracker.core.security import CONTENT_SECURITY_POLICY
from tracker.visits.models import Photo
from tracker.visits.services import PhotoUpload

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; object-src 'none'; "
       "base-uri 'self'; frame-ancestors 'none'; form-action 'self'")
TEMPLATES = tracker.PROJECT_ROOT / "templates"
SOURCES = tracker.PROJECT_ROOT / "tracker"
# HTML only ever sent by email, where mail clients need inline styles; never served as a page.
EMAIL_ONLY = {"reminders/_email.html", "accounts/_reset_email.html"}


def assert_security_headers(response, hsts: bool = False) -> None:
    headers = response.headers
    assert headers["Content-Security-Policy"] == CSP
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    permissions = dict(item.split("=") for item in headers["Permissions-Policy"].split(", "))
    assert permissions["camera"] == permissions["geolocation"] == "(self)"
    assert permissions["microphone"] == "()"
    assert all(allowed == "()" for feature, allowed in permissions.items() if feature not in ("camera", "geolocation"))
    if hsts:
        assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    else:
        assert "Strict-Transport-Security" not in headers


def test_the_policy_is_the_one_the_issue_asks_for():
    assert CONTENT_SECURITY_POLICY == CSP


def test_a_page_and_its_fragment_carry_the_headers(client, director, make):
    make.project()
    page = client.get("/projects/")
    assert page.status_code == 200 and "<html" in page.text
    assert_security_headers(page)
    fragment = client.get("/projects/", headers=htmx())
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert_security_headers(fragment)


def test_error_pages_redirects_and_static_files_carry_the_headers(client, director):
    for response in (client.get("/projects/no-such-project"), client.get("/projects/no-such-project", headers=htmx()),
                     client.get("/static/app.css"), client.get("/healthz")):
        assert_security_headers(response)
    assert client.get("/projects/no-such-project").status_code == 404
    client.post("/logout")
    login_redirect = client.get("/projects/")
    assert login_redirect.status_code == 302
    assert_security_headers(login_redirect)


def test_attachments_carry_the_headers(app, client, db, director, make, tmp_path):
    app.config["BRIEFS_DIR"] = str(tmp_path / "briefs")
    project = make.project(physical_progress=30)
    visit = make.visit(project, photos=(PhotoUpload(data=jpeg(), caption="استخر", filename="pool.jpg"),))
    client.post(f"/briefs/projects/{project.slug}", data={"for_whom": "دفتر نماینده"})
    brief = db.exec(select(Brief)).one()

    pdf = client.get(f"/briefs/{brief.id}/download")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert_security_headers(pdf)
    xlsx = client.get("/budgets/export.xlsx")
    assert xlsx.status_code == 200 and "attachment" in xlsx.headers["Content-Disposition"]
    assert_security_headers(xlsx)
    photo_id = db.exec(select(Photo.id).where(Photo.visit_id == visit.id)).one()
    photo = client.get(f"/visits/photos/{photo_id}/thumb")
    assert photo.status_code == 200 and photo.mimetype.startswith("image/")
    assert_security_headers(photo)


def test_hsts_only_when_cookies_are_secure(app, client, director):
    assert_security_headers(client.get("/projects/"), hsts=False)
    app.config["SESSION_COOKIE_SECURE"] = True
    assert_security_headers(client.get("/projects/"), hsts=True)
    assert_security_headers(client.get("/projects/no-such-project"), hsts=True)


# What the CSP refuses in markup: inline script and style, handlers, javascript: URLs, and htmx features that need
# eval (hx-on, trigger filters, js: values).
REFUSED = {
    "inline script": re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I),
    "<style> element": re.compile(r"<style\b", re.I),
    "style attribute": re.compile(r"(?<![\w-])style\s*=\s*['\"]", re.I),
    "event handler attribute": re.compile(r"(?<![\w-])on[a-z]{3,}\s*=\s*['\"]", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
    "hx-on": re.compile(r"\b(?:data-)?hx-on", re.I),
    "hx-trigger filter": re.compile(r"hx-trigger\s*=\s*(['\"])[^'\"]*\[", re.I),
    "js: value": re.compile(r"hx-(?:vals|vars|headers)\s*=\s*(['\"])\s*(?:js|javascript):", re.I),
}
# Jinja statements and comments are not markup (`{% set one = … %}` is no handler).
JINJA_CODE = re.compile(r"{%.*?%}|{#.*?#}", re.S)


def refused(markup: str) -> list[str]:
    """What in this markup the CSP would refuse."""
    text = JINJA_CODE.sub("", markup)
    return [name for name, pattern in REFUSED.items() if pattern.search(text)]


@pytest.mark.parametrize("markup", [
    "<script>alert(1)</script>", '<script type="module">x()</script>', "<style>p{}</style>",
    '<p style="color: red">', '<span\n  style="inline-size: {{ n }}%">', '<form onsubmit="return false">',
    '<a href="javascript:void(0)">', "f'style=\"max-width: 100%\">'", '<div hx-on::after-request="x()">',
    '<input hx-trigger="keydown[key==\'Enter\']">',
    '<div hx-vals=\'js:{a: 1}\'>', "<button onClick='x()'>",
])
def test_the_scan_finds_what_the_policy_refuses(markup):
    assert refused(markup)


@pytest.mark.parametrize("markup", [
    '<script src="/static/app.js" defer></script>', '<input hx-trigger="input changed delay:300ms from:#q">',
    '<button data-escape hx-trigger="key-escape">', "{% set one = 1 %}", '<p class="style">one=1</p>',
    '<p data-style="x">',
])
def test_the_scan_lets_what_the_policy_allows(markup):
    assert refused(markup) == []


def page_templates() -> list[str]:
    names = sorted(str(path.relative_to(TEMPLATES)) for path in TEMPLATES.rglob("*.html"))
    assert set(names) >= EMAIL_ONLY, "an email-only template was renamed: update EMAIL_ONLY"
    return [name for name in names if name not in EMAIL_ONLY]


@pytest.mark.parametrize("name", page_templates())
def test_templates_served_as_pages_need_nothing_the_policy_refuses(name):
    assert refused((TEMPLATES / name).read_text(encoding="utf-8")) == []


def string_literals(path: Path) -> list[str]:
    """The string literals of a Python file (the HTML it builds); names like style= in code are not strings."""
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
    kinds = {tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", tokenize.STRING)}
    return [token.string for token in tokens if token.type in kinds]


@pytest.mark.parametrize("path", sorted(SOURCES.rglob("*.py")), ids=lambda path: str(path.relative_to(SOURCES)))
def test_python_that_builds_html_needs_nothing_the_policy_refuses(path):
    found = {name for literal in string_literals(path) for name in refused(literal) if name != "hx-on"}
    assert found == set(), f"{path}: {found}"


@pytest.mark.parametrize("path", sorted(p for p in (SOURCES / "static").glob("*.js")), ids=lambda path: path.name)
def test_static_scripts_neither_eval_nor_write_style_attributes(path):
    script = path.read_text(encoding="utf-8")
    for pattern in (r"\beval\(", r"new Function\(", r"setAttribute\(\s*['\"]style", r"\bon[a-z]+\s*=\s*['\"`]",
                    r"style\s*=\s*\\?['\"]", r"javascript:"):
        assert not re.search(pattern, script), f"{path.name}: {pattern}"

"""Every URL rule of the app, with nasty ids, filters and form values, as an administrator and as a director:
no answer is a 500, and every error page is the Persian one of the layout."""
import itertools
import re
from collections import Counter
from datetime import date
from functools import partial
from urllib.parse import quote, urlencode

import pytest
from sqlmodel import select
from werkzeug.routing import AnyConverter, IntegerConverter, UUIDConverter
from werkzeug.security import generate_password_hash

from tests.conftest import htmx
from tests.helpers import jpeg, use_login
from tracker.accounts import services as accounts
from tracker.accounts.models import Role
from tracker.accounts.services import start_login
from tracker.milestones import services as milestones
from tracker.visits.models import Photo
from tracker.visits.services import PhotoUpload

BIG = str(2**31)  # one more than the largest id (an INTEGER column)
HUGE = str(10**20)
# What each kind of URL argument is also tried with, besides a record that exists.
NASTY_PATH = {
    "int": ["0", BIG, str(2**63), HUGE, "²", "١٢", "abc", "-1"],
    "uuid": ["00000000-0000-0000-0000-000000000000", "not-a-uuid", "²"],
    "string": [HUGE, "²", "١٢", "a%00b", "x" * 300],
}
# The filters the lists read, all at once with one kind of nasty value each time.
FILTERS = ("province", "county", "agency", "source", "project", "owner", "state", "status", "figure", "page", "year",
           "from", "to", "q", "overdue", "edit", "province_id", "next")
NASTY_QUERY = [HUGE, "²", "a\x00b", BIG, "١٢", "-1", "0", "user:" + HUGE, "agency:²", "1405-13-40", "۱۴۰۵/۰۲/۳۱",
               "x" * 3000]
# What every field of a posted form is set to, one kind at a time.
NASTY_FORM = ["1405-13-40", "۱۴۰۵/۰۲/۳۱", "1e308", "-5", "١٢٣", "1" + "0" * 25, "x" * 5000, "a\x00b", "inf", "nan",
              "²", "user:" + HUGE]
PERSIAN_LETTER = re.compile("[\u0600-\u06ff]")
FIELD_NAME = re.compile(r'\bname="([^"]+)"')


@pytest.fixture
def records(make, db):
    """One record of every kind a URL names, in Fars, so that valid ids reach the code behind the id check."""
    project = make.project()
    partner = make.partner(project)
    line = make.budget(project, approved=1_000_000)
    decision = make.decision(project, photos=(PhotoUpload(jpeg(), "نما", "a.jpg"),))
    visit_id = decision.visit_id
    meeting = make.meeting()
    milestone = milestones.add_milestone(db, actor=make.admin, project=project, data=milestones.MilestoneData(
        title="تخصیص اعتبار", due_date=date(2026, 12, 1)))
    photo = db.exec(select(Photo).where(Photo.visit_id == visit_id)).first()
    return {
        "ref": project.slug, "project_id": str(project.id), "partner_id": str(partner.id), "line_id": str(line.id),
        "source_id": str(line.source_id), "year": "1405", "decision_id": str(decision.id), "visit_id": str(visit_id),
        "meeting_id": str(meeting.id), "milestone_id": str(milestone.id), "photo_id": str(photo.id),
        "facility_id": str(project.facility_id), "agency_id": str(partner.agency_id),
        "variant": "thumb", "fmt": "csv", "filename": "app.css", "token": "x", "code": "fa",
        "sha256": "0" * 64,
    }


def _kind(converter) -> str:
    if isinstance(converter, IntegerConverter):
        return "int"
    if isinstance(converter, UUIDConverter):
        return "uuid"
    return "any" if isinstance(converter, AnyConverter) else "string"


def _urls(rule, valid: dict) -> list[str]:
    """The rule with valid arguments, then with each argument in turn replaced by each nasty value of its kind."""
    arguments = {name: valid.get(name, "1") for name in rule.arguments}
    urls = [_build(rule, arguments)]
    for name, converter in rule._converters.items():
        for value in NASTY_PATH.get(_kind(converter), []):
            urls.append(_build(rule, arguments | {name: value}))
    return urls


def _build(rule, arguments: dict) -> str:
    path = rule.rule
    for name in rule.arguments:
        value = arguments[name]
        path = re.sub(rf"<[^>]*:?{name}>", value if "%" in value else quote(value, safe=""), path)
    return path


class Fuzzer:
    """Sends the requests as each user in turn, and keeps every 500 and every error page that is not the Persian one."""

    def __init__(self, client, db, users):
        self.client, self.db, self.users = client, db, itertools.cycle(users)
        self.problems, self.statuses = [], Counter()

    def send(self, method: str, url: str, **kwargs):
        # A fresh login each time: a request may have logged out or switched the UI to English.
        with self.client.session_transaction() as session:
            session.clear()
        user = next(self.users)
        use_login(self.client, user, start_login(self.db, user=user))
        try:
            response = self.client.open(url, method=method, **kwargs)
        except Exception as error:  # noqa: BLE001 - a 500: noted with where it happened, to fix at its root
            self.problems.append(f"{method} {url[:120]} -> {type(error).__name__}: {str(error)[:160]} "
                                 f"({_where(error)})")
            return None
        self.statuses[response.status_code] += 1
        if response.status_code >= 500:
            self.problems.append(f"{method} {url[:120]} -> {response.status_code}")
        elif response.status_code in (400, 403, 404, 405, 413, 429) and not _persian_error_page(response, **kwargs):
            self.problems.append(f"{method} {url[:120]} -> {response.status_code} without the Persian error page")
        return response


def _where(error: Exception) -> str:
    """The last line of the app's own code the exception passed through."""
    frames, where = [], error.__traceback__
    while where:
        frames.append(where)
        where = where.tb_next
    ours = [f for f in frames if "/tracker/" in f.tb_frame.f_code.co_filename] or frames
    return f"{ours[-1].tb_frame.f_code.co_filename.split('/tracker/')[-1]}:{ours[-1].tb_lineno}"


def _persian_error_page(response, headers=None, **_request) -> bool:
    """The error's Persian message, in the layout (only the fragment, for htmx), or as JSON (the API)."""
    if response.mimetype == "application/json":
        messages = ((response.get_json(silent=True) or {}).get("errors") or {}).values()
        return bool(messages) and all(PERSIAN_LETTER.search(message) for message in messages)
    text = response.get_data(as_text=True)
    in_layout = (headers or {}).get("HX-Request") == "true" or '<html lang="fa"' in text
    return 'class="notice notice-error"' in text and bool(PERSIAN_LETTER.search(text)) and in_layout


def _rules(app):
    # Rules that delete go last, so that the records they remove were there for every other rule.
    return sorted(app.url_map.iter_rules(), key=lambda rule: ("delete" in rule.endpoint, rule.rule))


@pytest.fixture
def cheap_passwords(monkeypatch):
    """Password hashes of one round: the logins and password forms are tried a hundred times, not for their hashing."""
    monkeypatch.setattr(accounts, "generate_password_hash", partial(generate_password_hash, method="pbkdf2:sha256:1"))
    monkeypatch.setattr(accounts, "_DUMMY_HASH", generate_password_hash("x", method="pbkdf2:sha256:1"))


def test_no_url_of_the_app_answers_500_to_nasty_input(app, client, db, make, records, cheap_passwords):
    # Each request goes as the next of an administrator and a Fars director: both meet every rule and kind of value.
    fuzzer = Fuzzer(client, db, [make.admin, make.user(role=Role.director)])
    field_names: set[str] = set()
    posts = []
    for rule in _rules(app):
        urls = _urls(rule, records)
        names = set()  # the fields of the rule's own form, read from the page that shows it
        if "GET" in rule.methods:
            # The lists read filters; a record's page reads few, so it gets the worst of them only.
            queries = [urlencode(dict.fromkeys(FILTERS, v)) for v in NASTY_QUERY[:None if not rule.arguments else 3]]
            for url in urls + [f"{urls[0]}?{query}" for query in queries]:
                response = fuzzer.send("GET", url)
                if response is not None and response.status_code == 200 and response.mimetype == "text/html":
                    shown = set(FIELD_NAME.findall(response.get_data(as_text=True))) - {"csrf_token"}
                    field_names |= shown
                    names |= shown if url is urls[0] else set()
        if "POST" in rule.methods:
            posts.append((urls, names))
    # A form posted without a page of its own (an inline check, a cell) gets every field name seen anywhere.
    for urls, names in posts:
        names = sorted(names or field_names)
        for url in urls[1:]:
            fuzzer.send("POST", url, data=dict.fromkeys(names, "1"))
        for number, value in enumerate(NASTY_FORM):  # every other one as htmx sends it, for the fragments
            fuzzer.send("POST", urls[0], data=dict.fromkeys(names, value), headers=htmx() if number % 2 else {})

    assert not fuzzer.problems, "\n".join(dict.fromkeys(fuzzer.problems))
    # It reached the pages and the forms' checks, not only the login page or the 404s.
    assert {"location_accuracy_m", "position", "amount", "due_date", "owner"} <= field_names
    assert fuzzer.statuses[200] > 200 and fuzzer.statuses[422] > 100 and fuzzer.statuses[404] > 100

"""Authorization proved by one table over the app's URL map: every rule × every role × the place of its record.

The rules (DESIGN.md, accounts/permissions.py): a user sees the records of their province, a county head those of
their county and the province-wide ones; a record outside that is, to the user, not there (404), even where the
role would be refused too; within it, a refused action is 403. Reads are GETs, actions POSTs (CSRF off here: the
CSRF table is tests/test_csrf.py). A rule of the URL map missing from TABLE fails the test.
"""
from dataclasses import dataclass
from datetime import date

import pytest
from flask import url_for
from sqlmodel import select

from tests.helpers import jpeg, use_login
from tests.imports.conftest import workbook
from tracker.accounts import services as account_services
from tracker.accounts.models import LoginSession, Role
from tracker.briefs import services as brief_services
from tracker.core.storage import storage_for
from tracker.deadlines import services as deadlines
from tracker.deadlines.models import DeadlineKind
from tracker.decisions.models import Decision
from tracker.decisions.services import DecisionData
from tracker.imports.models import ImportKind, Upload
from tracker.meetings.services import AgendaData
from tracker.milestones import services as milestones
from tracker.places import services as place_services
from tracker.projects import services as project_services
from tracker.reminders import services as reminder_services
from tracker.reminders.models import Delivery, Notice, Reminder
from tracker.visits.models import Photo
from tracker.visits.services import PhotoUpload

# Who acts: one of each role, the county head being a director of Kazerun only; "anonymous" is not logged in.
ADMIN, DIRECTOR, HEAD, BUDGET, STAFF, VIEWER = "admin", "director", "county head", "budget officer", "staff", "viewer"
ANONYMOUS = "anonymous"
PERSONAS = (ADMIN, DIRECTOR, HEAD, BUDGET, STAFF, VIEWER)
EVERYONE = frozenset(PERSONAS)
EDITORS = frozenset({ADMIN, DIRECTOR, HEAD, STAFF})
# Who corrects a visit or meeting someone else recorded: a director or an administrator (its author may too, for a
# day: tests/visits). Here every one of them was recorded by the administrator.
CORRECTORS = frozenset({ADMIN, DIRECTOR, HEAD})
BUDGETERS = frozenset({ADMIN, BUDGET})
IMPORTERS = EDITORS | BUDGETERS  # each imports what their role may add: projects (editors), budget figures
ADMINS = frozenset({ADMIN})
# Who puts a project in the public open data: an administrator or a director of the whole province.
PUBLISHERS = frozenset({ADMIN, DIRECTOR})
PUBLIC = "public"  # answers without a login, to anyone

# Where the record is, seen from the Fars users: their own county (Kazerun), another county of Fars (Shiraz),
# another province (Zanjan). Who sees a record there:
OWN, OTHER_COUNTY, OTHER_PROVINCE = "own county", "other county", "other province"
PLACES = (OWN, OTHER_COUNTY, OTHER_PROVINCE)
SEES = {
    ADMIN: {OWN, OTHER_COUNTY, OTHER_PROVINCE},
    DIRECTOR: {OWN, OTHER_COUNTY}, BUDGET: {OWN, OTHER_COUNTY}, STAFF: {OWN, OTHER_COUNTY},
    VIEWER: {OWN, OTHER_COUNTY},
    HEAD: {OWN},
}


@dataclass(frozen=True)
class Row:
    """What a URL rule names and who may read it (GET) and act on it (POST); None where it has no such method."""

    record: str | None  # the kind of record its URL names (its place decides 404), or None
    read: frozenset | str | None
    act: frozenset | str | None = None


# ---------------------------------------------------------------------------------------------------------------
# THE TABLE: every rule of the URL map.
#   record: what the URL names; its place decides who sees it (404 to the others). Kinds marked PROVINCE_WIDE
#   below have no county (a county head sees those of their province); "own" records (notices) are personal.
# ---------------------------------------------------------------------------------------------------------------
TABLE: dict[str, Row] = {
    "/": Row(None, PUBLIC),  # a redirect to the project list, which asks for the login
    "/healthz": Row(None, PUBLIC),
    "/static/<path:filename>": Row(None, PUBLIC),
    "/manifest.webmanifest": Row(None, PUBLIC),  # the shell: nobody's data (tests/core/test_shell.py)
    "/sw.js": Row(None, PUBLIC),
    "/offline": Row(None, PUBLIC),
    "/login": Row(None, PUBLIC, PUBLIC),
    "/logout": Row(None, None, PUBLIC),
    "/language/<code>": Row(None, None, PUBLIC),
    "/password/forgot": Row(None, PUBLIC, PUBLIC),
    "/password/reset/<token>": Row(None, PUBLIC, PUBLIC),
    "/calendar/<token>.ics": Row(None, PUBLIC),
    "/users/": Row(None, ADMINS),
    "/users/new": Row(None, ADMINS, ADMINS),
    "/users/<int:user_id>/password": Row("user", ADMINS, ADMINS),
    # projects, partners, facilities, agencies
    "/projects/": Row(None, EVERYONE),
    "/projects/counties": Row(None, EVERYONE),
    "/projects/new": Row(None, EDITORS, EDITORS),
    "/projects/check": Row(None, None, EVERYONE),
    "/projects/<ref>": Row("project", EVERYONE),
    "/projects/<int:project_id>": Row("project", EVERYONE),  # the short address: on to the page by its slug
    "/projects/<ref>/edit": Row("project", EDITORS, EDITORS),
    "/projects/<ref>/public": Row("project", None, PUBLISHERS),
    "/projects/partners/check": Row(None, None, EVERYONE),
    "/projects/<ref>/partners/new": Row("project", EDITORS, EDITORS),
    "/projects/<ref>/partners/<int:partner_id>/edit": Row("partner", EDITORS, EDITORS),
    "/projects/<ref>/partners/<int:partner_id>/delete": Row("partner", None, EDITORS),
    "/facilities/": Row(None, EVERYONE),
    "/facilities/new": Row(None, EDITORS, EDITORS),
    "/facilities/check": Row(None, None, EVERYONE),
    "/facilities/<int:facility_id>/edit": Row("facility", EDITORS, EDITORS),
    "/agencies/": Row(None, EVERYONE),
    "/agencies/new": Row(None, EDITORS, EDITORS),
    "/agencies/check": Row(None, None, EVERYONE),
    "/agencies/<int:agency_id>/edit": Row("agency", EDITORS, EDITORS),
    # milestones
    "/projects/milestones/check": Row(None, None, EVERYONE),
    "/projects/<ref>/milestones/new": Row("project", EDITORS, EDITORS),
    "/projects/<ref>/milestones/template": Row("project", EDITORS, EDITORS),
    "/projects/<ref>/milestones/<int:milestone_id>/edit": Row("milestone", EDITORS, EDITORS),
    "/projects/<ref>/milestones/<int:milestone_id>/met": Row("milestone", EDITORS, EDITORS),
    "/projects/<ref>/milestones/<int:milestone_id>/delete": Row("milestone", None, EDITORS),
    # budgets
    "/budgets/": Row(None, EVERYONE),
    "/budgets/export.<any(csv, xlsx):fmt>": Row(None, EVERYONE),
    "/budgets/cells/<int:project_id>/<int:year>/<int:source_id>": Row("cell", EVERYONE, BUDGETERS),
    "/budgets/lines/<int:line_id>/history": Row("line", EVERYONE),
    "/budgets/projects/<ref>/budget.<any(csv, xlsx):fmt>": Row("project", EVERYONE),
    "/budgets/sources/": Row(None, ADMINS),
    "/budgets/sources/new": Row(None, ADMINS, ADMINS),
    "/budgets/sources/<int:source_id>/edit": Row("source", ADMINS, ADMINS),
    # visits and their photos
    "/visits/new/<ref>": Row("project", EDITORS, EDITORS),
    "/visits/<uuid:visit_id>": Row("visit", EVERYONE),
    "/visits/<uuid:visit_id>/edit": Row("visit", CORRECTORS, CORRECTORS),
    "/visits/<uuid:visit_id>/delete": Row("visit", None, CORRECTORS),
    # a photo sent on its own by the tablet's outbox: the visit's author for a day, a director or administrator always
    "/visits/<uuid:visit_id>/photos/<string(length=64):sha256>": Row("visit", None, CORRECTORS),
    "/visits/photos/<uuid:photo_id>/<variant>": Row("photo", EVERYONE),
    "/visits/outbox": Row(None, EVERYONE),
    # decisions and meetings
    "/decisions/": Row(None, EVERYONE),
    "/decisions/<uuid:decision_id>": Row("decision", EVERYONE),
    "/decisions/<uuid:decision_id>/state": Row("decision", EDITORS, EDITORS),
    "/meetings/": Row(None, EVERYONE),
    "/meetings/new": Row(None, EDITORS, EDITORS),
    "/meetings/<uuid:meeting_id>": Row("meeting", EVERYONE),
    "/meetings/<uuid:meeting_id>/edit": Row("meeting", CORRECTORS, CORRECTORS),
    "/meetings/<uuid:meeting_id>/delete": Row("meeting", None, CORRECTORS),
    # briefs
    "/briefs/": Row(None, EVERYONE),
    "/briefs/logo": Row(None, EVERYONE),
    "/briefs/brief.css": Row(None, EVERYONE),  # the previews' stylesheet
    "/briefs/projects/<ref>/preview": Row("project", EVERYONE),
    "/briefs/projects/<ref>": Row("project", None, EDITORS),
    "/briefs/letters/<province>": Row("province", PUBLISHERS, PUBLISHERS),  # who speaks for the directorate
    "/briefs/constituencies/<int:constituency_id>": Row("constituency", EVERYONE, EDITORS),
    "/briefs/constituencies/<int:constituency_id>/preview": Row("constituency", EVERYONE),
    "/briefs/<int:brief_id>/download": Row("brief", EVERYONE),
    # open data: the packages of what the user sees, and the public ones (projects marked public, no login)
    "/opendata/oc4ids.json": Row(None, EVERYONE),
    "/opendata/oc4ids/<province>.json": Row("province", EVERYONE),
    "/public/oc4ids.json": Row(None, PUBLIC),
    "/public/oc4ids/<province>.json": Row("province", PUBLIC),
    # reminders: one's own notices and settings; the administrator's settings, holidays and outbox
    "/notices/": Row(None, EVERYONE),
    "/notices/bell": Row(None, EVERYONE),
    "/notices/read-all": Row(None, None, EVERYONE),
    "/notices/<int:notice_id>/open": Row("notice", EVERYONE),
    "/notices/<int:notice_id>/read": Row("notice", None, EVERYONE),
    "/account/notifications": Row(None, EVERYONE, EVERYONE),
    "/account/sessions": Row(None, EVERYONE),
    # a fresh CSRF token for the outbox, and who is logged in (nobody: null), so anyone may ask
    "/account/form-token": Row(None, PUBLIC),
    "/account/sessions/end-others": Row(None, None, EVERYONE),
    "/account/sessions/<int:login_id>/end": Row("login", None, EVERYONE),
    "/reminders/": Row(None, EVERYONE),
    "/reminders/settings": Row(None, ADMINS, ADMINS),
    "/reminders/holidays": Row(None, None, ADMINS),
    "/reminders/holidays/<int:holiday_id>/delete": Row("holiday", None, ADMINS),
    "/reminders/outbox": Row(None, ADMINS),
    "/reminders/outbox/<int:delivery_id>": Row("delivery", ADMINS),
    # API tokens: one's own (another's is not there: tests/accounts/test_api_tokens.py)
    "/account/tokens": Row(None, EVERYONE, EVERYONE),
    "/account/tokens/<int:token_id>/revoke": Row("token", None, EVERYONE),
    # the read-only JSON API, read here with the browser's login (with a token: tests/api); its document is public
    "/api/openapi.json": Row(None, PUBLIC),
    "/api/projects": Row(None, EVERYONE),
    "/api/projects/<ref>": Row("project", EVERYONE),
    "/api/projects/<ref>/budget": Row("project", EVERYONE),
    "/api/projects/<ref>/visits": Row("project", EVERYONE),
    "/api/projects/<ref>/milestones": Row("project", EVERYONE),
    "/api/budget-lines/<int:line_id>/entries": Row("line", EVERYONE),
    "/api/visits/<uuid:visit_id>": Row("visit", EVERYONE),
    "/api/photos/<uuid:photo_id>/<any(display, thumb):variant>": Row("photo", EVERYONE),
    "/api/decisions": Row(None, EVERYONE),
    "/api/decisions/<uuid:decision_id>": Row("decision", EVERYONE),
    # imports: each user's own uploads (here of projects, so a budget officer's own is refused: 403)
    "/imports/": Row(None, IMPORTERS, IMPORTERS),
    "/imports/templates/<any(projects, budget):kind>.xlsx": Row(None, EDITORS),
    "/imports/<int:import_id>/sheet": Row("import", EDITORS, EDITORS),
    "/imports/<int:import_id>/columns": Row("import", EDITORS, EDITORS),
    "/imports/<int:import_id>": Row("import", EDITORS),
    "/imports/<int:import_id>/import": Row("import", None, EDITORS),
}
# Records of a province with no county: a county head sees those of their province.
PROVINCE_WIDE = {"agency", "province"}
# Records that belong to no place (reference data, users) or to the user alone (their notices, the feed's token).
UNPLACED = {"user", "source", "holiday", "delivery", "notice", "login", "token", "import"}
# URL arguments that name no record.
FIXED_ARGS = {"filename": "app.css", "code": "en", "fmt": "csv", "variant": "thumb", "sha256": "0" * 64,
              "kind": "projects"}
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
# Records each user has of their own, by persona: their notices, login sessions, API tokens and uploads to import.
OWN_RECORDS = {"notice", "login", "token", "import"}
# The key of each persona's login session secret among the tokens build_world returns.
LOGINS = "logins"


def expected(persona: str, allowed, record: str | None, place: str) -> str:
    """The answer the rules give: ok, 404, 403, or login (a redirect to the login page)."""
    if allowed == PUBLIC:
        return "ok"
    if persona == ANONYMOUS:
        return "login"
    if record is not None and record not in UNPLACED:
        seen = SEES[persona] | ({OTHER_COUNTY} if record in PROVINCE_WIDE and OWN in SEES[persona] else set())
        if place not in seen:
            return "404"
    return "ok" if persona in allowed else "403"


def answered(response) -> str:
    """A response as the table names it."""
    if response.status_code in (403, 404):
        return str(response.status_code)
    if response.status_code in (301, 302, 303) and "/login?next=" in response.headers.get("Location", ""):
        return "login"
    if response.status_code == 401:  # the JSON API's answer to no login and no token
        return "login"
    return "500" if response.status_code >= 500 else "ok"


# ---------------------------------------------------------------------------------------------------------------
# The world: one record of every kind in each place, and one user of each role.
# ---------------------------------------------------------------------------------------------------------------
PLACE_NAMES = {OWN: ("Fars", "کازرون"), OTHER_COUNTY: ("Fars", "شیراز"), OTHER_PROVINCE: ("Zanjan", "ابهر")}


def build_world(app, make, tmp_path) -> tuple[dict, dict, dict]:
    """One record of every kind in each place (their URL arguments by kind), the users by persona, and the tokens
    of the token URLs by the start of their path."""
    db = make.session
    users = {
        ADMIN: make.admin,
        DIRECTOR: make.user(role=Role.director),
        HEAD: make.user(role=Role.director, county="کازرون"),
        BUDGET: make.user(role=Role.budget_officer),
        STAFF: make.user(role=Role.staff),
        VIEWER: make.user(role=Role.viewer),
    }
    app.config["BRIEFS_DIR"] = str(tmp_path / "briefs")
    settings = brief_services.BriefSettings.from_config(app.config)
    source = make.source("national")
    holiday = deadlines.add_holiday(db, actor=make.admin, year=1405, month=11, day=1, name="تعطیل آزمایشی")
    places = {}
    for place, (province, county_name) in PLACE_NAMES.items():
        county = make.county(county_name, province)
        constituency = place_services.ensure_constituency(db, province_id=county.province_id,
                                                          name=f"حوزه انتخابیه {county_name}")
        county.constituency_id = constituency.id
        project = make.project(county=county_name, province=province)
        project_services.set_public(db, actor=make.admin, project=project, public=True)
        agency = make.agency(province=province)
        partner = make.partner(project, agency)
        line = make.budget(project, 1405, source, approved=1_000_000)
        milestone = milestones.add_milestone(db, actor=make.admin, project=project, data=milestones.MilestoneData(
            title="تحویل زمین", due_date=date(2026, 12, 21)))
        visit = make.visit(project, photos=(PhotoUpload(jpeg(), "نما", "a.jpg"),),
                           decisions=(DecisionData("تأمین اعتبار", owner_agency_id=agency.id,
                                                   due_date=date(2026, 12, 20)),))
        photo = db.exec(select(Photo).where(Photo.visit_id == visit.id)).one()
        decision = db.exec(select(Decision).where(Decision.visit_id == visit.id)).one()
        meeting = make.meeting(province_id=county.province_id, county_id=county.id,
                               agenda=(AgendaData("بهسازی استخر", project.id),),
                               decisions=(DecisionData("پیگیری", owner_agency_id=agency.id,
                                                       due_date=date(2026, 12, 20), agenda_index=0),))
        with app.app_context():
            brief = brief_services.issue_project_brief(db, actor=make.admin, project=project, for_whom="دفتر نماینده",
                                                       settings=settings)
        deadline = deadlines.find_deadline(db, DeadlineKind.milestone, str(milestone.id))
        reminder = Reminder(deadline_id=deadline.id, offset_days=7, occurs_on=date(2026, 12, 14),
                            planned_on=date(2026, 12, 14))
        db.add(reminder)
        db.flush()
        notices = {}
        for persona, user in users.items():
            notice = Notice(user_id=user.id, reminder_id=reminder.id)
            db.add(notice)
            db.flush()
            notices[persona] = notice.id
        delivery = Delivery(reminder_id=reminder.id, user_id=users[STAFF].id, channel="email",
                            address="staff@example.org", message_id=f"<r{reminder.id}@example.org>", subject="یادآوری",
                            body_text="یادآوری")
        db.add(delivery)
        db.flush()
        places[place] = {
            "project": {"ref": project.slug, "project_id": project.id},
            "province": {"province": make.province(province).code},
            "partner": {"ref": project.slug, "partner_id": partner.id},
            "facility": {"facility_id": project.facility_id},
            "agency": {"agency_id": agency.id},
            "milestone": {"ref": project.slug, "milestone_id": milestone.id},
            "cell": {"project_id": project.id, "year": 1405, "source_id": source.id},
            "line": {"line_id": line.id},
            "visit": {"visit_id": visit.id},
            "photo": {"photo_id": photo.id},
            "decision": {"decision_id": decision.id},
            "meeting": {"meeting_id": meeting.id},
            "constituency": {"constituency_id": constituency.id},
            "brief": {"brief_id": brief.id},
            "notice": notices,  # each persona's own
            "delivery": {"delivery_id": delivery.id},
            "holiday": {"holiday_id": holiday.id},
            "user": {"user_id": users[STAFF].id},
            "source": {"source_id": source.id},
        }
    secrets = {"/password": account_services.reset_token(users[STAFF], app.config["SECRET_KEY"]),
               "/calendar": reminder_services.new_calendar_token(db, user=users[STAFF]),
               LOGINS: {persona: account_services.start_login(db, user=user) for persona, user in users.items()}}
    own_logins = {persona: db.exec(select(LoginSession.id).where(
        LoginSession.secret_hash == account_services.login_secret_hash(secret))).one()
        for persona, secret in secrets[LOGINS].items()}
    own_tokens = {persona: account_services.create_token(db, user=user, name="آزمون")[0].id
                  for persona, user in users.items()}
    uploads = {persona: own_upload(app, db, user) for persona, user in users.items()}
    for records in places.values():
        records["login"] = own_logins  # each persona's own
        records["token"] = own_tokens
        records["import"] = uploads
    return places, users, secrets



def own_upload(app, db, user) -> int:
    """A workbook of projects the user uploaded, its sheet chosen (made directly: a viewer may not upload one)."""
    data = workbook(["نام پروژه", "شهرستان", "مجموعه"], ["بهسازی استخر", "کازرون", "استخر"])
    upload = Upload(user_id=user.id, kind=ImportKind.projects, filename="a.xlsx", sha256="0" * 64, size=len(data),
                    file_key=f"imports/{user.id}/a.xlsx", sheet="پروژه‌ها", rows=1)
    storage_for(app.config, "uploads").put(upload.file_key, data)
    db.add(upload)
    db.flush()
    return upload.id


def rules(app):
    """The URL map's rules by their path, with the methods each path answers (HEAD and OPTIONS aside)."""
    found: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        found.setdefault(rule.rule, set()).update(rule.methods - {"HEAD", "OPTIONS"})
    return found


def test_every_rule_of_the_url_map_is_in_the_table(app):
    """A new route fails here until TABLE says who may read and act on it."""
    listed = {path: {m for m, who in (("GET", row.read), ("POST", row.act)) if who is not None}
              for path, row in TABLE.items()}
    assert rules(app) == listed


def url_args(path: str, record: str | None, place_records: dict, persona: str, secrets: dict) -> dict:
    """The arguments of a rule's URL for this record (a notice: the persona's own)."""
    args = {name: value for name, value in FIXED_ARGS.items() if f":{name}>" in path or f"<{name}>" in path}
    if "<token>" in path:
        args["token"] = next(token for start, token in secrets.items() if path.startswith(start))
    if record in OWN_RECORDS:
        return args | {f"{record}_id": place_records[record][STAFF if persona == ANONYMOUS else persona]}
    if record is not None:
        args |= place_records[record]
    return args


@pytest.mark.parametrize("persona", [*PERSONAS, ANONYMOUS])
def test_each_role_gets_the_answer_the_table_gives_everywhere(app, make, login, connection, tmp_path, persona):
    """Every rule read (GET) and acted on (POST), for a record in each place: the answer is the table's."""
    app.config["SMTP_HOST"] = "127.0.0.1"  # the password reset pages exist only with email
    app.config["BRIEF_LOGO"] = str(tmp_path / "logo.jpg")
    (tmp_path / "logo.jpg").write_bytes(jpeg())
    places, users, secrets = build_world(app, make, tmp_path)
    make.session.flush()
    client = app.test_client()
    mismatches = []
    for path, row in TABLE.items():
        for method, allowed in (("GET", row.read), ("POST", row.act)):
            if allowed is None:
                continue
            endpoint = next(r.endpoint for r in app.url_map.iter_rules() if r.rule == path and method in r.methods)
            for place in PLACES if row.record else (OWN,):
                with app.test_request_context():
                    url = url_for(endpoint, **url_args(path, row.record, places[place], persona, secrets))
                if persona == ANONYMOUS:
                    with client.session_transaction() as session:
                        session.clear()
                else:
                    use_login(client, users[persona], secrets[LOGINS][persona])
                savepoint = connection.begin_nested()
                try:
                    response = client.open(url, method=method, data={})
                finally:
                    savepoint.rollback()
                got = answered(response)
                want = expected(persona, allowed, row.record, place)
                if got != want:
                    mismatches.append(f"{method} {url} ({place}): expected {want}, got {got} "
                                      f"[{response.status_code}]")
    assert not mismatches, f"{persona}:\n" + "\n".join(mismatches)

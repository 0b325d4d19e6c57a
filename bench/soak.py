"""A soak: 16 users at once mixing reads and writes against gunicorn for a minute, then a check that every
write that got a success answer is in the database.

Seeds a throwaway database (PostgreSQL if reachable) with 300 projects, a dozen of Fars's carrying budget lines
and decisions, and 16 users of Fars, each logged in through the form: 8 directors, 5 staff, 3 budget officers
(three, so that cells meet conflicts too); gunicorn runs 4 workers (`--soak-workers`).
Each user then loops, with no pause, over what their role does, through the app's real forms (GET the form,
read its CSRF token and hidden fields, POST as htmx does):

- every user reads the project list and a project's page;
- directors and staff log a visit with a small camera JPEG (multipart, its own client-made visit and photo
  ids, now and then a decision row; a tenth of them sent twice at once, as a tablet that gave up waiting does), and
  change a decision's state (with the version the state form gives);
- budget officers load the grid and save a cell's spent credit (with the version the cell's editor gives).

A 409 (someone changed the record since the form was loaded) is counted as a conflict, not an error; the user
then saves again from the 409 form, as its message invites. Anything 5xx, a network error or an answer the
form should not give is an error. Every write answered with success is recorded, and afterwards looked for:
each cell save is its ledger entry (version, amount, actor) and the cell ends at its last save's amount; each
visit, its photo (whose original the app serves back byte for byte) and its decision exist; each decision
change is its audit event (version, actor) and the decision ends in its last change's state.

    bench: soak requests=… errors=0 lost_writes=0 p95_ms=… conflicts=… users=16 seconds=60 db=… p50_ms=… rps=…
           reads=… form_loads=… cell_saves=… visit_saves=… visit_resends=… decision_changes=… conflicts_cell=…
           conflicts_decision=… workers=4

(one line). It raises when errors > 0 or lost_writes > 0, after printing the line and the first errors.
"""
import asyncio
import hashlib
import io
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import httpx
from PIL import Image
from sqlalchemy import Engine, select
from werkzeug.security import generate_password_hash

from bench import budgets, database, load, seed, server
from bench.forms import Form, read_form
from tracker import create_app
from tracker.accounts.models import Role, User
from tracker.budgets.models import BudgetEntry, BudgetLine, FundingSource
from tracker.core import clock
from tracker.core.audit import AuditEvent
from tracker.core.db import make_engine
from tracker.core.persian import format_number
from tracker.decisions.models import Decision
from tracker.decisions.services import DecisionData
from tracker.projects.models import Project
from tracker.visits import services as visits
from tracker.visits.models import Photo, Visit

USERS = ((Role.director, 8), (Role.staff, 5), (Role.budget_officer, 3))
PASSWORD = "soak-password-1404"
PROJECTS = 300
HOT_PROJECTS = 12  # Fars projects the writes go to, so that users meet on the same records
LINED_PROJECTS = 10  # of them with budget lines; the cells of the other two are created by their first save
CELL_SOURCES = 2  # funding sources per hot project whose spent credit is edited
DECISION_VISITS = 6  # seeded visits, with two decisions each
YEAR = budgets.YEAR
FIGURE = "spent"  # the one figure with no ceiling: any amount is a valid save, so a refusal is a real error
# What each role does, and how often.
WEIGHTS = {
    Role.director: {"list": 20, "project": 25, "visit": 20, "decision": 35},
    Role.staff: {"list": 20, "project": 25, "visit": 20, "decision": 35},
    Role.budget_officer: {"list": 10, "project": 15, "grid": 20, "cell": 55},
}
RESEND_SHARE = 0.1
DECISION_ROW_SHARE = 0.3
HTMX = {"HX-Request": "true"}
MAX_SHOWN_ERRORS = 10
# More workers than the other benches' two: more transactions overlap (two sync workers allow only two at once).
WORKERS = 4


# ---- the seed ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """A soak user: who logs in, with which role."""

    id: int
    username: str
    role: Role


@dataclass(frozen=True)
class Cell:
    """A cell of the grid that budget officers edit."""

    project_id: int
    source_id: int


@dataclass
class SoakSeed:
    """What the users work on."""

    people: list[Person]
    slugs: list[str]  # the hot projects' slugs
    cells: list[Cell]
    decisions: dict[uuid.UUID, int]  # id → version before the soak


def _people(engine: Engine, province_id: int) -> list[Person]:
    """The 16 users of Fars, one password (hashed once: the hash is slow on purpose)."""
    password_hash = generate_password_hash(PASSWORD)
    rows = [{"username": f"soak-{role.value}-{n + 1:02}", "full_name": f"کاربر آزمون {role.value} {n + 1}",
             "email": f"soak-{role.value}-{n + 1}@example.org", "password_hash": password_hash, "role": role,
             "province_id": province_id, "county_id": None, "active": True, "created_at": seed.NOW}
            for role, count in USERS for n in range(count)]
    with engine.begin() as conn:
        ids = seed._insert(conn, User, rows)
    return [Person(user_id, row["username"], row["role"]) for user_id, row in zip(ids, rows, strict=True)]


def _decisions(db_url: str, people: list[Person], project_ids: list[int], agency_id: int) -> dict[uuid.UUID, int]:
    """Visits with two decisions each, stored through the visits service (so each is a tracked deadline)."""
    app = create_app({"DATABASE_URL": db_url, "TESTING": False})
    director = next(p for p in people if p.role == Role.director)
    with app.app_context(), app.extensions["session_factory"]() as session:
        actor = session.get(User, director.id)
        for n, project_id in enumerate(project_ids):
            decisions = tuple(DecisionData(text=f"مصوبه آزمون {n + 1}-{k + 1}: پیگیری تأمین اعتبار",
                                           owner_agency_id=agency_id, due_date=clock.today() + timedelta(days=30))
                              for k in range(2))
            visits.create_visit(session, actor=actor, project=session.get(Project, project_id), storage=None,
                                data=visits.VisitData(id=uuid.uuid4(), visited_on=clock.today(),
                                                      notes="بازدید پیش از آزمون", decisions=decisions))
        session.commit()
        found = dict(session.execute(select(Decision.id, Decision.version)).all())
    app.extensions["engine"].dispose()
    return found


def seed_soak(engine: Engine, db_url: str) -> SoakSeed:
    """Projects, budget lines, decisions and the users."""
    seeded = seed.seed_places(engine)
    home = [p for p in seeded.places if p.province_id == seeded.user_province_id]
    # A quarter of the projects in Fars, as in the budgets bench.
    places = seeded.places + home * round(len(seeded.places) / (3 * len(home)))
    project_ids = seed.add_projects(engine, seeded, PROJECTS, places=places)
    with engine.connect() as conn:
        hot = conn.execute(select(Project.id, Project.slug).where(
            Project.id.in_(project_ids), Project.province_id == seeded.user_province_id)
            .order_by(Project.id).limit(HOT_PROJECTS)).all()
        source_ids = list(conn.execute(select(FundingSource.id).order_by(FundingSource.position)).scalars())
    people = _people(engine, seeded.user_province_id)
    officer = next(p for p in people if p.role == Role.budget_officer)
    budget = budgets.BudgetSeed(officer.id, seeded.user_province_id, source_ids, places)
    budgets.add_lines(engine, budget, [row.id for row in hot[:LINED_PROJECTS]])
    cells = [Cell(row.id, source_id) for row in hot for source_id in source_ids[:CELL_SOURCES]]
    decisions = _decisions(db_url, people, [row.id for row in hot[:DECISION_VISITS]],
                           seeded.agencies_by_province[seeded.user_province_id][0])
    return SoakSeed(people, [row.slug for row in hot], cells, decisions)


# ---- what the users record --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CellSave:
    cell: Cell
    version: int  # the version the save was made against: it made version + 1
    amount: int
    actor_id: int


@dataclass(frozen=True)
class VisitSave:
    visit_id: uuid.UUID
    slug: str
    notes: str
    photo_id: uuid.UUID
    sha256: str
    decision_id: uuid.UUID | None


@dataclass(frozen=True)
class StateChange:
    decision_id: uuid.UUID
    version: int
    state: str
    actor_id: int


@dataclass
class Record:
    """Every request's time and kind, the errors and conflicts, and the writes answered with success."""

    latencies: list[float] = field(default_factory=list)
    requests: Counter = field(default_factory=Counter)
    conflicts: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    cells: list[CellSave] = field(default_factory=list)
    visits: list[VisitSave] = field(default_factory=list)
    changes: list[StateChange] = field(default_factory=list)

    def error(self, what: str) -> None:
        self.errors.append(what)


class Refused(Exception):
    """An answer the form should not give: the action is counted as an error and the user goes on."""


def camera_jpeg(rng: random.Random) -> bytes:
    """A small real photo (640×480 JPEG of noise over a gradient), different every time."""
    noise = Image.effect_noise((640, 480), rng.randint(20, 60)).convert("RGB")
    tint = Image.new("RGB", (640, 480), (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    buffer = io.BytesIO()
    Image.blend(noise, tint, 0.5).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


class SoakUser:
    """One logged-in user with a client of their own, doing what their role does until the deadline."""

    def __init__(self, person: Person, base_url: str, cookies: dict, soak: SoakSeed, record: Record) -> None:
        self.person, self.soak, self.record = person, soak, record
        self.rng = random.Random(person.id)
        self.client = httpx.AsyncClient(base_url=base_url, cookies=cookies, timeout=load.TIMEOUT_S,
                                        headers={"User-Agent": load.USER_AGENT})

    async def send(self, kind: str, method: str, path: str, **kwargs) -> httpx.Response:
        """One request, timed; a network error or a 5xx is an error (raised as Refused)."""
        started = time.perf_counter()
        try:
            response = await self.client.request(method, path, **kwargs)
        except httpx.HTTPError as error:
            raise Refused(f"{method} {path}: {type(error).__name__} {error}") from None
        self.record.latencies.append(time.perf_counter() - started)
        self.record.requests[kind] += 1
        if response.status_code >= 500:
            raise Refused(f"{method} {path} answered {response.status_code}: {response.text[:200]!r}")
        return response

    async def page(self, kind: str, path: str, headers: dict | None = None) -> str:
        """A GET that must answer 200."""
        response = await self.send(kind, "GET", path, headers=headers)
        if response.status_code != 200:
            raise Refused(f"GET {path} answered {response.status_code}")
        return response.text

    async def post(self, kind: str, form: Form, files=None) -> httpx.Response:
        """POST a form as htmx does: its fields, the CSRF token in the header too."""
        headers = HTMX | {"X-CSRFToken": form.value("csrf_token") or ""}
        return await self.send(kind, "POST", form.action, data=dict_of(form), files=files, headers=headers)

    # -- the reads --

    async def project_list(self) -> None:
        query = self.rng.choice(["", "?" + urlencode({"q": "کارگران"}), "?" + urlencode({"status": "in_progress"})])
        html = await self.page("read", "/projects/" + query)
        if '<table class="projects">' not in html:
            raise Refused(f"GET /projects/{query} has no project table")

    async def project_page(self) -> None:
        await self.page("read", f"/projects/{self.rng.choice(self.soak.slugs)}")

    async def grid(self) -> None:
        html = await self.page("read", "/budgets/?" + urlencode({"year": YEAR, "figure": FIGURE}))
        if '<table class="budget-grid">' not in html:
            raise Refused("the budget grid page has no grid")

    # -- the writes --

    async def save_knowingly(self, kind: str, form: Form, fill) -> tuple[httpx.Response, int] | None:
        """POST the filled form, after a 409 once more from the 409's form; the answer and the version it sent."""
        # The 409's form carries the record's new version: saving it replaces the other change knowingly. A second
        # conflict gives up (None).
        for attempt in range(2):
            fill(form)
            version = int(form.value("version"))
            answer = await self.post(kind, form)
            if answer.status_code != 409:
                return answer, version
            self.record.conflicts[kind] += 1
            if not attempt:
                form = read_form(answer.text)
        return None

    async def cell(self) -> None:
        cell = self.rng.choice(self.soak.cells)
        path = f"/budgets/cells/{cell.project_id}/{YEAR}/{cell.source_id}?" + urlencode({"figure": FIGURE, "edit": 1})
        amount = self.rng.randrange(1, 10**6) * 10_000

        def fill(form: Form) -> None:
            form.set("amount", format_number(amount, "fa"))  # typed as the grid shows amounts: Persian digits
            # The change context above the grid, which the cell's form includes (hx-include).
            for name, value in (("unit", "rial"), ("reason", "گزارش هزینه‌کرد پیمانکار"), ("letter_number", ""),
                                ("letter_date", "")):
                form.set(name, value)

        saved = await self.save_knowingly("cell_save", read_form(await self.page("read_form", path, HTMX)), fill)
        if saved is None:
            return
        answer, version = saved
        if answer.status_code != 200 or budgets.SAVED_MARK not in answer.content:
            raise Refused(f"cell save {path} answered {answer.status_code}: {answer.text[:300]!r}")
        self.record.cells.append(CellSave(cell, version, amount, self.person.id))

    async def visit(self) -> None:
        slug = self.rng.choice(self.soak.slugs)
        form = read_form(await self.page("read_form", f"/visits/new/{slug}"), "visit-form")
        visit_id = uuid.UUID(form.value("visit_id"))
        notes = f"بازدید آزمون بار {visit_id}"
        form.set("notes", notes)
        form.set("observed_progress", str(self.rng.randint(0, 100)))
        if str(self.person.id) in form.checkboxes.get("visitor_users", []):
            form.fields.append(("visitor_users", str(self.person.id)))
        decision_id = None
        if self.rng.random() < DECISION_ROW_SHARE:
            owners = [value for value in form.options.get("decisions-0-owner", []) if value]
            decision_id = uuid.UUID(form.value("decisions-0-id"))
            form.set("decisions-0-text", "پیگیری تجهیز رختکن تا پایان ماه")
            form.set("decisions-0-owner", owners[0])
            form.set("decisions-0-due_date", form.value("visited_on"))
        photo = camera_jpeg(self.rng)
        photo_id = uuid.uuid4()
        form.set("photo_caption", "نمای کلی کارگاه")
        form.set("photo_id", str(photo_id))
        files = [("photos", (f"IMG_{self.rng.randrange(10**4):04}.jpg", photo, "image/jpeg"))]
        # A tablet that got no answer in time sends the visit again while the first send is still being stored.
        kinds = ["visit_save", "visit_resend"][:2 if self.rng.random() < RESEND_SHARE else 1]
        for answer in await asyncio.gather(*(self.post(kind, form, files) for kind in kinds)):
            if answer.status_code != 204 or f"#visit-{visit_id}" not in answer.headers.get("HX-Redirect", ""):
                raise Refused(f"visit save {form.action} answered {answer.status_code}: {answer.text[:300]!r}")
        self.record.visits.append(VisitSave(visit_id, slug, notes, photo_id, hashlib.sha256(photo).hexdigest(),
                                            decision_id))

    async def decision(self) -> None:
        decision_id = self.rng.choice(list(self.soak.decisions))
        path = f"/decisions/{decision_id}/state"
        chosen = {}

        def fill(form: Form) -> None:
            # One of the buttons the form offers for the state it shows (done or dropped, or open again).
            name, chosen["state"] = self.rng.choice(form.buttons)
            form.set(name, chosen["state"])
            form.set("note", {"done": "انجام شد", "dropped": "منتفی شد؛ با مصوبه بعدی جایگزین شد"}.get(
                chosen["state"], ""))

        saved = await self.save_knowingly("decision_change", read_form(await self.page("read_form", path, HTMX)),
                                          fill)
        if saved is None:
            return
        answer, version = saved
        # The answer is the decision's row again, no longer its form.
        if answer.status_code != 200 or f'id="decision-{decision_id}"' not in answer.text or "editing" in answer.text:
            raise Refused(f"decision change {path} answered {answer.status_code}: {answer.text[:300]!r}")
        self.record.changes.append(StateChange(decision_id, version, chosen["state"], self.person.id))

    async def run(self, deadline: float) -> None:
        weights = WEIGHTS[self.person.role]
        actions = {"list": self.project_list, "project": self.project_page, "grid": self.grid, "cell": self.cell,
                   "visit": self.visit, "decision": self.decision}
        try:
            while time.monotonic() < deadline:
                [name] = self.rng.choices(list(weights), weights=list(weights.values()))
                try:
                    await actions[name]()
                except Refused as refusal:
                    self.record.error(f"{self.person.username}: {refusal}")
                except (ValueError, KeyError, IndexError, TypeError) as error:  # a form without what it should have
                    self.record.error(f"{self.person.username} {name}: {type(error).__name__} {error}")
        finally:
            await self.client.aclose()


def dict_of(form: Form) -> dict[str, list[str]]:
    """The form's fields as httpx takes them next to files: each name with its values in order."""
    fields: dict[str, list[str]] = defaultdict(list)
    for name, value in form.fields:
        fields[name].append(value)
    return dict(fields)


async def _soak(users: list[SoakUser], seconds: float) -> float:
    started = time.monotonic()
    await asyncio.gather(*(user.run(started + seconds) for user in users))
    return time.monotonic() - started


# ---- the check ------------------------------------------------------------------------------------------


def _lost_cells(engine: Engine, saves: list[CellSave]) -> list[str]:
    """Each save is its ledger entry; each cell holds its last save's amount at the version after it."""
    lost = []
    by_cell: dict[Cell, list[CellSave]] = defaultdict(list)
    for save in saves:
        by_cell[save.cell].append(save)
    with engine.connect() as conn:
        for cell, cell_saves in by_cell.items():
            line = conn.execute(select(BudgetLine).where(
                BudgetLine.project_id == cell.project_id, BudgetLine.fiscal_year == YEAR,
                BudgetLine.source_id == cell.source_id)).one_or_none()
            if line is None:
                lost += [f"cell {cell}: no line for {len(cell_saves)} saves"]
                continue
            entries = {row.version: row for row in conn.execute(select(BudgetEntry).where(
                BudgetEntry.line_id == line.id))}
            for save in cell_saves:
                entry = entries.get(save.version + 1)
                if entry is None or (entry.figure.value, entry.to_amount, entry.actor_id) != (
                        FIGURE, save.amount, save.actor_id):
                    lost.append(f"cell {cell}: save of {save.amount} on version {save.version} is not in the ledger")
            last = max(cell_saves, key=lambda s: s.version)
            if (line.spent, line.version) != (last.amount, last.version + 1):
                lost.append(f"cell {cell}: holds {line.spent} at version {line.version}, the last save was "
                            f"{last.amount} making version {last.version + 1}")
    return lost


def _lost_visits(engine: Engine, saves: list[VisitSave], client: httpx.Client) -> list[str]:
    """Each visit is stored on its project with its notes, its photo (the same bytes served back) and decision."""
    lost = []
    with engine.connect() as conn:
        stored = {row.id: row for row in conn.execute(
            select(Visit.id, Visit.notes, Project.slug).join(Project, Project.id == Visit.project_id)
            .where(Visit.id.in_([s.visit_id for s in saves])))}
        photos = {row.id: row for row in conn.execute(
            select(Photo.id, Photo.visit_id, Photo.sha256).where(Photo.id.in_([s.photo_id for s in saves])))}
        decisions = {row.id: row for row in conn.execute(select(Decision.id, Decision.visit_id).where(
            Decision.id.in_([s.decision_id for s in saves if s.decision_id])))}
    for save in saves:
        visit, photo = stored.get(save.visit_id), photos.get(save.photo_id)
        if visit is None or (visit.notes, visit.slug) != (save.notes, save.slug):
            lost.append(f"visit {save.visit_id}: {'missing' if visit is None else 'stored other values'}")
            continue
        if photo is None or (photo.visit_id, photo.sha256) != (save.visit_id, save.sha256):
            lost.append(f"visit {save.visit_id}: photo {save.photo_id} missing or not the one sent")
            continue
        original = client.get(f"/visits/photos/{save.photo_id}/original")
        if original.status_code != 200 or hashlib.sha256(original.content).hexdigest() != save.sha256:
            lost.append(f"visit {save.visit_id}: photo {save.photo_id} served {original.status_code}, not the file")
        if save.decision_id and getattr(decisions.get(save.decision_id), "visit_id", None) != save.visit_id:
            lost.append(f"visit {save.visit_id}: decision {save.decision_id} missing")
    return lost


def _lost_progress(engine: Engine, saves: list[VisitSave]) -> list[str]:
    """Each project visited shows the progress of its latest visit that observed one, as the visit service promises."""
    lost = []
    with engine.connect() as conn:
        for slug in sorted({save.slug for save in saves}):
            project = conn.execute(select(Project.id, Project.physical_progress, Project.progress_visit_id)
                                   .where(Project.slug == slug)).one()
            latest = conn.execute(
                select(Visit.id, Visit.observed_progress)
                .where(Visit.project_id == project.id, Visit.observed_progress.is_not(None))
                .order_by(Visit.visited_on.desc(), Visit.created_at.desc()).limit(1)).one()
            if (project.physical_progress, project.progress_visit_id) != (latest.observed_progress, latest.id):
                lost.append(f"project {slug}: shows {project.physical_progress}% of visit {project.progress_visit_id}, "
                            f"its latest visit {latest.id} saw {latest.observed_progress}%")
    return lost


def _lost_changes(engine: Engine, changes: list[StateChange], before: dict[uuid.UUID, int]) -> list[str]:
    """Each change is its audit event (the version it made, by its user); each decision ends in its last state."""
    lost = []
    by_decision: dict[uuid.UUID, list[StateChange]] = defaultdict(list)
    for change in changes:
        by_decision[change.decision_id].append(change)
    with engine.connect() as conn:
        for decision_id, decision_changes in by_decision.items():
            decision = conn.execute(select(Decision.state, Decision.version).where(
                Decision.id == decision_id)).one()
            events = {}
            for event in conn.execute(select(AuditEvent.actor_id, AuditEvent.after).where(
                    AuditEvent.entity == "decisions", AuditEvent.entity_uuid == decision_id,
                    AuditEvent.action == "update")):
                events[(event.after or {}).get("version")] = event
            for change in decision_changes:
                event = events.get(change.version + 1)
                if event is None or event.actor_id != change.actor_id or \
                        event.after.get("state", change.state) != change.state:
                    lost.append(f"decision {decision_id}: change to {change.state} on version {change.version} "
                                f"is not in the audit trail")
            last = max(decision_changes, key=lambda c: c.version)
            if (decision.state.value, decision.version) != (last.state, last.version + 1):
                lost.append(f"decision {decision_id}: is {decision.state.value} at version {decision.version}, the "
                            f"last change was to {last.state} making version {last.version + 1}")
            if decision.version - before[decision_id] != len(decision_changes):
                lost.append(f"decision {decision_id}: {len(decision_changes)} changes answered with success, "
                            f"{decision.version - before[decision_id]} stored")
    return lost


# ---- the run ----------------------------------------------------------------------------------------------


def run(args, secret_key: str) -> None:
    """Seed, serve, soak, check; print the soak line; raise if a request failed or a write was lost."""
    upload_dir = Path(tempfile.mkdtemp(prefix="pishraft-soak-"))
    try:
        with database.throwaway() as db:
            engine = make_engine(db.url)
            try:
                soak = seed_soak(engine, db.url)
                log = upload_dir / "gunicorn.log"
                with server.gunicorn(db.url, secret_key, env={"TRACKER_UPLOAD_DIR": str(upload_dir / "uploads")},
                                     log_path=log, workers=args.soak_workers) as base_url:
                    record = Record()
                    users = [SoakUser(person, base_url, load.login(base_url, person.username, PASSWORD,
                                                                   "/projects/"), soak, record)
                             for person in soak.people]
                    elapsed = asyncio.run(_soak(users, args.soak_seconds))
                    with httpx.Client(base_url=base_url, timeout=load.TIMEOUT_S, cookies=users[0].client.cookies,
                                      headers={"User-Agent": load.USER_AGENT}) as client:
                        lost = (_lost_cells(engine, record.cells) + _lost_visits(engine, record.visits, client)
                                + _lost_progress(engine, record.visits)
                                + _lost_changes(engine, record.changes, soak.decisions))
                _report(record, lost, elapsed, args, db.kind, log.read_text())
            finally:
                engine.dispose()
    finally:
        shutil.rmtree(upload_dir, ignore_errors=True)


def _report(record: Record, lost: list[str], elapsed: float, args, db_kind: str, log: str) -> None:
    """Print the soak line, then the first problems; raise if there were any."""
    cuts = statistics.quantiles(record.latencies, n=100, method="inclusive")
    requests = sum(record.requests.values())
    figures = {
        "requests": requests, "errors": len(record.errors), "lost_writes": len(lost),
        "p95_ms": f"{cuts[94] * 1000:.1f}", "conflicts": sum(record.conflicts.values()),
        "users": sum(count for _role, count in USERS), "seconds": f"{args.soak_seconds:g}", "db": db_kind,
        "p50_ms": f"{cuts[49] * 1000:.1f}", "rps": f"{requests / elapsed:.1f}",
        "reads": record.requests["read"], "form_loads": record.requests["read_form"], "cell_saves": len(record.cells),
        "visit_saves": len(record.visits), "visit_resends": record.requests["visit_resend"],
        "decision_changes": len(record.changes), "conflicts_cell": record.conflicts["cell_save"],
        "conflicts_decision": record.conflicts["decision_change"], "workers": args.soak_workers,
    }
    print("bench: soak " + " ".join(f"{key}={value}" for key, value in figures.items()), flush=True)
    for problem in record.errors[:MAX_SHOWN_ERRORS] + lost[:MAX_SHOWN_ERRORS]:
        print(f"bench: soak problem: {problem}", file=sys.stderr)
    if record.errors:
        print(f"bench: gunicorn log (its end)\n{log[-6000:]}", file=sys.stderr)
    if record.errors or lost:
        raise RuntimeError(f"the soak saw {len(record.errors)} errors and {len(lost)} lost writes")

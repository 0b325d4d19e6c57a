"""Writes of the imports area: an upload, its sheet and columns, and its rows run through the forms' own services.

Every row becomes records through the same service a form calls (projects.create_project, budgets.change_figure),
so every rule, audit entry and ledger entry is the same as typing it in. A preview of budget figures runs the whole
file inside a savepoint and rolls it back, so that it says exactly what the service would say, rows that depend on
earlier rows of the file included (notified, then allocated); a preview of projects, whose rows depend on each other
only by name (checked here), asks the service's own check of each row and writes nothing.
Importing runs the file inside a savepoint and keeps it only if no row failed.
"""
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from sqlmodel import Session, select

from tracker.accounts import permissions
from tracker.accounts.models import User
from tracker.accounts.permissions import Action
from tracker.budgets import queries as budgets_queries
from tracker.budgets.models import FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR
from tracker.budgets.services import FigureChange, change_figure
from tracker.core import clock
from tracker.core.audit import record_change, snapshot
from tracker.core.errors import Forbidden, InvalidInput, NotFound
from tracker.core.i18n import lazy_gettext as _l
from tracker.core.jalali import number_in_locale
from tracker.core.storage import Storage
from tracker.imports import cells
from tracker.imports.cells import CellError, fold
from tracker.imports.columns import FIGURES, STATUSES, ImportField, fields_of
from tracker.imports.models import ImportKind, ImportState, SavedMapping, Upload
from tracker.imports.workbook import Sheet, WorkbookError, check_xlsx, read_sheet, sheet_names
from tracker.places import queries as places
from tracker.places.models import County, Province
from tracker.projects import queries as projects_queries
from tracker.projects.models import ProjectStatus
from tracker.projects.services import ProjectData, check_new_project, create_project

ACTIONS = {ImportKind.projects: Action.edit, ImportKind.budget: Action.edit_budget}
REQUIRED = _l("This field is required.")
# What a service calls a field, as the import's columns call it.
SERVICE_FIELDS = {"facility_id": "facility", "source_id": "source", "project_id": "project"}


def _require(actor: User, upload: Upload | None = None, kind: ImportKind | None = None) -> None:
    """Only its uploader works on an upload (another's is not there: NotFound), and only with the kind's role."""
    if upload is not None and upload.user_id != actor.id:
        raise NotFound
    permissions.require(actor, ACTIONS[upload.kind if upload is not None else kind])


def stored_file(storage: Storage, upload: Upload) -> bytes:
    """The uploaded file's bytes."""
    try:
        return storage.get(upload.file_key)
    except FileNotFoundError:
        raise InvalidInput({"file": _l("The uploaded file is no longer stored; upload it again.")}) from None


def upload_workbook(session: Session, *, actor: User, kind: ImportKind, filename: str, data: bytes,
                    storage: Storage) -> Upload:
    """Check an uploaded file is a real workbook, keep it, and record the upload (its only sheet chosen already)."""
    _require(actor, kind=kind)
    try:
        check_xlsx(data)
        sheets = sheet_names(data)
    except WorkbookError as error:
        raise InvalidInput({"file": error.message}) from None
    if not sheets:
        raise InvalidInput({"file": _l("This workbook has no sheets.")})
    sha256 = hashlib.sha256(data).hexdigest()
    name = PurePosixPath(filename.replace("\\", "/")).name.strip()[:255] or "workbook.xlsx"
    upload = Upload(user_id=actor.id, kind=kind, filename=name, sha256=sha256, size=len(data),
                    file_key=f"imports/{actor.id}/{sha256}.xlsx")
    if len(sheets) == 1:
        _set_sheet(upload, data, sheets[0])  # a refused sheet (too many rows) keeps nothing, not even the file
    storage.put(upload.file_key, data)
    session.add(upload)
    session.flush()
    record_change(session, actor_id=actor.id, action="create", record=upload, before=None,
                  summary=f"{upload.filename} {sha256}")
    return upload


def _set_sheet(upload: Upload, data: bytes, sheet: str) -> None:
    try:
        rows = read_sheet(data, sheet).rows
    except WorkbookError as error:
        raise InvalidInput({"sheet": error.message}) from None
    upload.sheet, upload.rows, upload.mapping, upload.state = sheet, len(rows), None, ImportState.uploaded


def choose_sheet(session: Session, *, actor: User, upload: Upload, sheet: str, storage: Storage) -> Upload:
    """Read the upload from one of its sheets (the headers in its first row); the columns are chosen next."""
    _require(actor, upload)
    _not_imported(upload)
    data = stored_file(storage, upload)
    if sheet not in sheet_names(data):
        raise InvalidInput({"sheet": _l("The workbook has no sheet of this name.")})
    before = snapshot(upload)
    _set_sheet(upload, data, sheet)
    session.add(upload)
    session.flush()
    record_change(session, actor_id=actor.id, action="update", record=upload, before=before, summary=upload.filename)
    return upload


def _not_imported(upload: Upload) -> None:
    if upload.state == ImportState.imported:
        raise InvalidInput({"file": _l("This file has been imported already.")})


def headers(upload: Upload, storage: Storage) -> list[str]:
    """The headers of the upload's chosen sheet."""
    try:
        return read_sheet(stored_file(storage, upload), upload.sheet).headers
    except WorkbookError as error:
        raise InvalidInput({"sheet": error.message}) from None


def map_columns(session: Session, *, actor: User, upload: Upload, columns: dict[str, int | None],
                headers: list[str]) -> Upload:
    """Say which column each field is read from (every required field, no column twice); remembered for the user's
    next file of this kind."""
    _require(actor, upload)
    _not_imported(upload)
    errors = {}
    used: dict[int, str] = {}
    for item in fields_of(upload.kind):
        column = columns.get(item.key)
        if column is None:
            if item.required:
                errors[item.key] = _l("Choose the column this field is in.")
        elif not 0 <= column < len(headers):
            errors[item.key] = _l("Choose one of the listed options.")
        elif column in used:
            errors[item.key] = _l("This column is already chosen for another field.")
        else:
            used[column] = item.key
    if not upload.sheet:
        errors["sheet"] = _l("Choose a sheet first.")
    if errors:
        raise InvalidInput(errors)
    before = snapshot(upload)
    upload.mapping = {key: column for column, key in used.items()}
    upload.state = ImportState.mapped
    session.add(upload)
    remembered = {key: headers[column] for column, key in used.items()}
    saved = session.exec(select(SavedMapping).where(SavedMapping.user_id == actor.id,
                                                    SavedMapping.kind == upload.kind)).first()
    saved_before = snapshot(saved) if saved else None
    saved = saved or SavedMapping(user_id=actor.id, kind=upload.kind, mapping={})
    saved.mapping, saved.updated_at = remembered, clock.now()
    session.add(saved)
    session.flush()
    record_change(session, actor_id=actor.id, action="update", record=upload, before=before, summary=upload.filename)
    record_change(session, actor_id=actor.id, action="update" if saved_before else "create", record=saved,
                  before=saved_before, summary=upload.kind.value)
    return upload


@dataclass
class RowResult:
    """One row of the sheet: its number, its cells as text by field, and the errors by field ("row": the whole)."""

    number: int
    cells: dict[str, str]
    errors: dict[str, object] = field(default_factory=dict)


@dataclass
class Outcome:
    """What running a file gave: every row with its errors; imported when it was kept."""

    rows: list[RowResult]
    imported: bool = False

    @property
    def failed(self) -> int:
        """How many rows have an error."""
        return sum(1 for row in self.rows if row.errors)

    @property
    def ok(self) -> bool:
        """Whether every row would be imported."""
        return bool(self.rows) and not self.failed


def preview(session: Session, *, actor: User, upload: Upload, storage: Storage) -> Outcome:
    """Every row as the services would take it, nothing kept (the run is rolled back)."""
    return _run(session, actor, upload, storage, keep=False)


def import_rows(session: Session, *, actor: User, upload: Upload, storage: Storage) -> Outcome:
    """Import every row, or none when any row fails (the outcome says which and why); audited with the file's name
    and SHA-256."""
    outcome = _run(session, actor, upload, storage, keep=True)
    if outcome.imported:
        before = snapshot(upload)
        upload.state, upload.imported, upload.imported_at = ImportState.imported, len(outcome.rows), clock.now()
        session.add(upload)
        session.flush()
        record_change(session, actor_id=actor.id, action="update", record=upload, before=before,
                      summary=f"{upload.filename} {upload.sha256}")
    return outcome


def _run(session: Session, actor: User, upload: Upload, storage: Storage, *, keep: bool) -> Outcome:
    _require(actor, upload)
    _not_imported(upload)
    if upload.state != ImportState.mapped or not upload.mapping:
        raise InvalidInput({"file": _l("Choose the sheet and its columns first.")})
    try:
        sheet = read_sheet(stored_file(storage, upload), upload.sheet)
    except WorkbookError as error:
        raise InvalidInput({"file": error.message}) from None
    columns = {key: int(column) for key, column in upload.mapping.items()}
    savepoint = session.begin_nested()
    try:
        rows = ROWS[upload.kind](session, actor, sheet, columns, keep)
    except BaseException:
        savepoint.rollback()
        raise
    outcome = Outcome(rows)
    if keep and outcome.ok:
        savepoint.commit()
        outcome.imported = True
    else:
        savepoint.rollback()
    return outcome


class _Row:
    """One row being read: its cells by field, and the errors found so far."""

    def __init__(self, number: int, values: tuple, columns: dict[str, int], fields: tuple[ImportField, ...]):
        self.values = {key: values[column] if column < len(values) else None for key, column in columns.items()}
        self.result = RowResult(number, {key: cells.text(value) for key, value in self.values.items()})
        self.required = {item.key for item in fields if item.required}

    @property
    def errors(self) -> dict:
        return self.result.errors

    def read(self, key: str, reader: Callable = cells.text, *args, **kwargs):
        """The field's value read by reader, or None (and the error noted) when the cell cannot be it."""
        value = self.values.get(key)
        if value in (None, "") or (isinstance(value, str) and not value.strip()):
            if key in self.required:
                self.errors[key] = REQUIRED
            return None
        try:
            return reader(value, *args, **kwargs)
        except CellError as error:
            self.errors[key] = error.message
            return None

    def text(self, key: str, limit: int) -> str:
        value = self.read(key) or ""
        if len(value) > limit:
            self.errors[key] = _l("At most %(max)s characters.", max=number_in_locale(limit))
        return value

    def refused(self, refusal: InvalidInput) -> None:
        """A service's refusal, put on the cells it names."""
        for key, message in refusal.errors.items():
            key = SERVICE_FIELDS.get(key, key)
            self.errors[key if key in self.values else "row"] = message


class _Places:
    """Provinces, counties and facilities by name as a sheet writes them, looked up once per file."""

    def __init__(self, session: Session, actor: User):
        self.session, self.actor = session, actor
        self.provinces = {name: p for p in places.provinces(session)
                          for name in (fold(p.name_fa), fold(p.name_en), p.code)}
        self.counties: dict[str, list[County]] = {}
        for county in places.counties(session):
            for name in {fold(county.name_fa), fold(county.name_en)} - {""}:
                self.counties.setdefault(name, []).append(county)
        self.facilities: dict[int, dict[str, object]] = {}

    def province(self, value) -> Province:
        try:
            return self.provinces[cells.key(value)]
        except KeyError:
            raise CellError(_l("There is no province of this name.")) from None

    def county(self, value, province: Province | None) -> County:
        """The county of this name (in the province when given, else the user's own); refused when the user may not
        add projects there."""
        found = self.counties.get(cells.key(value), [])
        if province is not None:
            found = [county for county in found if county.province_id == province.id]
        if not found:
            raise CellError(_l("There is no county of this name.") if province is None
                            else _l("The province %(province)s has no county of this name.", province=province.name_fa))
        own = [county for county in found if permissions.sees(self.actor, county.province_id, county.id)]
        if not own:
            other = self.session.get(Province, found[0].province_id)
            raise CellError(_l("The county is in %(province)s, where you may not add projects.",
                               province=other.name_fa))
        if len(own) > 1:
            raise CellError(_l("Several provinces have a county of this name: add a province column."))
        county = own[0]
        if not permissions.may(self.actor, Action.edit, county.province_id, county.id):
            raise CellError(_l("You may not add projects in this county."))
        return county

    def facility(self, value, county: County):
        if county.id not in self.facilities:
            self.facilities[county.id] = {fold(f.name): f
                                          for f in projects_queries.facilities_of(self.session, county.id)}
        try:
            return self.facilities[county.id][cells.key(value)]
        except KeyError:
            raise CellError(_l("The county %(county)s has no facility of this name; add the facility first.",
                               county=county.name_fa)) from None


PROGRESS_MESSAGE = _l("Physical progress must be between 0 and 100 percent.")
STATUS_MESSAGE = _l("Unknown status: write planned, in progress, suspended, completed or cancelled.")
FIGURE_MESSAGE = _l("Unknown figure: write approved, notified, allocated or spent.")


def _project_rows(session: Session, actor: User, sheet: Sheet, columns: dict[str, int], keep: bool
                  ) -> list[RowResult]:
    """Each row as a new project, created through the projects service (when kept), else checked by it."""
    found = _Places(session, actor)
    existing = {fold(name) for name in projects_queries.names(session)}
    in_file: dict[str, int] = {}
    fields = fields_of(ImportKind.projects)
    results = []
    for number, values in sheet.rows:
        row = _Row(number, values, columns, fields)
        results.append(row.result)
        name = row.text("name", 200)
        folded = fold(name)
        if folded in in_file:
            row.errors["name"] = _l("The same project is on row %(row)s of this file.",
                                    row=number_in_locale(in_file[folded]))
        elif folded in existing:
            row.errors["name"] = _l("A project with this name already exists.")
        elif folded:
            in_file[folded] = number
        province = row.read("province", found.province)
        county = None if "province" in row.errors else row.read("county", found.county, province)
        facility = row.read("facility", found.facility, county) if county else None
        if county is None and "county" not in row.errors and "province" not in row.errors:
            row.errors["county"] = REQUIRED
        status = row.read("status", cells.choice, STATUSES, STATUS_MESSAGE)
        start, target = row.read("start_date", cells.jalali_date), row.read("target_date", cells.jalali_date)
        progress = row.read("physical_progress", cells.whole_number, smallest=0, largest=100,
                            message=PROGRESS_MESSAGE)
        agreement, description = row.text("agreement", 2000), row.text("description", 4000)
        if row.errors:
            continue
        data = ProjectData(name=name, facility_id=facility.id, status=status or ProjectStatus.planned,
                           start_date=start, target_date=target, physical_progress=progress, agreement=agreement,
                           description=description)
        try:
            (create_project if keep else check_new_project)(session, actor=actor, data=data)
        except InvalidInput as refusal:
            row.refused(refusal)
        except (NotFound, Forbidden):
            row.errors["county"] = _l("You may not add projects in this county.")
    return results


def _budget_rows(session: Session, actor: User, sheet: Sheet, columns: dict[str, int], _keep: bool
                 ) -> list[RowResult]:
    """Each row as one figure of a budget line, changed through the budgets service (a ledger entry)."""
    projects: dict[str, int] = {}
    for project_id, name, slug in projects_queries.seen_names(session, actor):
        projects[fold(name)] = projects[slug] = project_id
    sources = {}
    for source in budgets_queries.sources(session):
        for name in {source.code, fold(source.name_fa), fold(source.name_en)} - {""}:
            sources[name] = source.id
            # Sheets say «استانی» or «اعتبار استانی» for «اعتبارات استانی», "Provincial" for "Provincial credits".
            short = name.removeprefix("اعتبارات").removesuffix("credits")
            sources.setdefault(short, source.id)
            sources.setdefault(f"اعتبار{short}", source.id)
    fields = fields_of(ImportKind.budget)
    results = []
    for number, values in sheet.rows:
        row = _Row(number, values, columns, fields)
        results.append(row.result)
        project_id = row.read("project", cells.choice, projects, _l("You have no project of this name."))
        year = row.read("fiscal_year", cells.whole_number, smallest=FIRST_FISCAL_YEAR, largest=LAST_FISCAL_YEAR,
                        message=_l("The fiscal year must be between 1390 and 1420."))
        source_id = row.read("source", cells.choice, sources, _l("There is no such funding source."))
        figure = row.read("figure", cells.choice, FIGURES, FIGURE_MESSAGE)
        amount = row.read("amount", cells.rials)
        reason, letter = row.text("reason", 500), row.text("letter_number", 60)
        letter_date = row.read("letter_date", cells.jalali_date)
        if row.errors:
            continue
        line = budgets_queries.find_line(session, project_id, year, source_id)
        change = FigureChange(project_id=project_id, fiscal_year=year, source_id=source_id, figure=figure,
                              amount=amount, expected_version=line.version if line else 0, reason=reason,
                              letter_number=letter, letter_date=letter_date)
        try:
            change_figure(session, actor=actor, change=change)
        except InvalidInput as refusal:
            row.refused(refusal)
        except (NotFound, Forbidden):
            row.errors["project"] = _l("You may not change this project's budget.")
    return results


ROWS = {ImportKind.projects: _project_rows, ImportKind.budget: _budget_rows}

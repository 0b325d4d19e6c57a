"""The imports area's writes, without HTTP: both kinds imported through the forms' services, every cell error in
Persian, all or nothing, unsafe and oversized files refused, the mapping guessed and remembered."""
import datetime
import io
import zipfile

import pytest
from flask_babel import force_locale
from openpyxl import Workbook
from sqlmodel import col, select

from tests.helpers import count
from tests.imports.conftest import BUDGET_HEADERS, PROJECT_HEADERS, workbook
from tracker.accounts.models import Role
from tracker.budgets import queries as budget_queries
from tracker.budgets.models import BudgetEntry, Figure
from tracker.core.audit import AuditEvent
from tracker.core.errors import InvalidInput, NotFound
from tracker.imports import services
from tracker.imports.columns import guess
from tracker.imports.models import ImportKind, ImportState, Upload
from tracker.imports.workbook import MAX_ROWS
from tracker.projects.models import Project, ProjectStatus

POOL = "استخر کارگران کازرون"


def persian(app, messages: dict) -> dict:
    """A row's errors as the Persian interface shows them."""
    with app.test_request_context(), force_locale("fa"):
        return {key: str(message) for key, message in messages.items()}


def refusal(app, call) -> dict:
    with pytest.raises(InvalidInput) as refused:
        call()
    return persian(app, refused.value.errors)


@pytest.fixture
def pool(make):
    return make.facility(name=POOL)


@pytest.fixture
def officer(make):
    return make.user(role=Role.budget_officer)


def test_projects_are_created_through_the_projects_service_with_the_file_in_the_audit(app, db, make, pool, prepare,
                                                                                       storage, fars_director):
    data = workbook(PROJECT_HEADERS,
                    ["بهسازی استخر كارگران كازرون", "کازرون", "استخر  كارگران كازرون", "در حال اجرا", "۱۴۰۴/۰۶/۲۵",
                     14050631, "۱۰"],
                    ["بازسازی رختکن", "كازرون", POOL, "", datetime.datetime(2026, 3, 21), "1405-12-29", None])
    upload = prepare(fars_director, ImportKind.projects, data, filename="پروژه‌های فارس.xlsx")

    outcome = services.import_rows(db, actor=fars_director, upload=upload, storage=storage)

    assert outcome.imported and outcome.failed == 0
    first, second = db.exec(select(Project).order_by(col(Project.id))).all()[-2:]
    assert (first.name, first.facility_id, first.status, first.physical_progress) == (
        "بهسازی استخر كارگران كازرون", pool.id, ProjectStatus.in_progress, 10)
    assert (first.start_date, first.target_date) == (datetime.date(2025, 9, 16), datetime.date(2026, 9, 22))
    assert (second.status, second.start_date) == (ProjectStatus.planned, datetime.date(2026, 3, 21))
    created = db.exec(select(AuditEvent).where(AuditEvent.entity == "projects", AuditEvent.action == "create",
                                               AuditEvent.actor_id == fars_director.id)).all()
    assert {event.project_id for event in created} == {first.id, second.id}
    db.refresh(upload)
    assert (upload.state, upload.imported) == (ImportState.imported, 2)
    final = db.exec(select(AuditEvent).where(AuditEvent.entity == "imports", AuditEvent.entity_id == upload.id)
                    .order_by(col(AuditEvent.id).desc())).first()
    assert final.summary == f"پروژه‌های فارس.xlsx {upload.sha256}"
    assert (final.after["state"], final.after["imported"]) == ("imported", 2)
    assert len(upload.sha256) == 64 and storage.exists(upload.file_key)


def test_budget_figures_become_ledger_entries_in_order_within_one_file(app, db, make, prepare, storage, officer):
    project = make.project(name="بهسازی استخر کارگران کازرون")
    data = workbook(BUDGET_HEADERS,
                    ["بهسازي استخر كارگران كازرون", "۱۴۰۵", "استانی", "مصوب", "8,000,000,000", "مصوبه کارگروه", "۱۲/ص"],
                    [project.slug, 1405, "provincial", "ابلاغ‌شده", 5_000_000_000.0, "ابلاغ اعتبار", ""],
                    ["بهسازی استخر کارگران کازرون", "1405", "اعتبار استانی", "تخصیص", "۲٬۰۰۰٬۰۰۰٬۰۰۰", "تخصیص", ""])
    upload = prepare(officer, ImportKind.budget, data)

    outcome = services.import_rows(db, actor=officer, upload=upload, storage=storage)

    assert outcome.imported, [persian(app, row.errors) for row in outcome.rows]
    line = budget_queries.find_line(db, project.id, 1405, make.source("provincial").id)
    assert (line.approved, line.notified, line.allocated, line.version) == (8 * 10**9, 5 * 10**9, 2 * 10**9, 3)
    ledger = db.exec(select(BudgetEntry).where(BudgetEntry.line_id == line.id).order_by(BudgetEntry.version)).all()
    assert [(e.figure, e.to_amount, e.reason, e.letter_number, e.actor_id) for e in ledger] == [
        (Figure.approved, 8 * 10**9, "مصوبه کارگروه", "۱۲/ص", officer.id),
        (Figure.notified, 5 * 10**9, "ابلاغ اعتبار", "", officer.id),
        (Figure.allocated, 2 * 10**9, "تخصیص", "", officer.id)]
    assert count(db, AuditEvent) > 0 and db.exec(select(AuditEvent).where(
        AuditEvent.entity == "budget_entries", AuditEvent.project_id == project.id)).all()


def test_every_cell_error_is_marked_in_persian_and_nothing_is_imported(app, db, make, pool, prepare, storage,
                                                                       fars_director):
    make.project(name="بهسازی استخر کارگران کازرون", facility=pool)
    make.county("ابهر", "Zanjan")
    before = count(db, Project)
    data = workbook(PROJECT_HEADERS,
                    ["پروژه درست", "کازرون", POOL, "", "", "", ""],
                    ["پروژه الف", "ناکجاآباد", POOL, "", "", "", ""],
                    ["پروژه ب", "کازرون", "مجموعه ناشناخته", "", "", "", ""],
                    ["پروژه ج", "کازرون", POOL, "", "1404/12/30", "1405/13/01", "پنجاه"],
                    ["بهسازي استخر\u200cكارگران كازرون", "کازرون", POOL, "", "", "", ""],
                    ["پروژه درست", "کازرون", POOL, "", "", "", ""],
                    ["پروژه د", "ابهر", POOL, "", "", "", ""],
                    ["پروژه ه", "کازرون", POOL, "", "1405/06/01", "1405/01/01", ""])
    upload = prepare(fars_director, ImportKind.projects, data)

    outcome = services.import_rows(db, actor=fars_director, upload=upload, storage=storage)

    assert not outcome.imported and outcome.failed == 7
    errors = {row.number: persian(app, row.errors) for row in outcome.rows}
    assert errors[2] == {}
    assert errors[3] == {"county": "شهرستانی با این نام نیست."}
    assert errors[4] == {"facility": "شهرستان کازرون مجموعه‌ای با این نام ندارد؛ نخست مجموعه را ثبت کنید."}
    assert errors[5]["start_date"] == "اسفند سال ۱۴۰۴ فقط ۲۹ روز دارد؛ سال ۱۴۰۴ کبیسه نیست."
    assert errors[5]["target_date"] == "ماه ۱۳ وجود ندارد؛ شماره ماه باید از ۱ تا ۱۲ باشد."
    assert errors[5]["physical_progress"] == "پیشرفت فیزیکی باید عددی از ۰ تا ۱۰۰ درصد باشد."
    assert errors[6] == {"name": "پروژه‌ای با این نام قبلاً ثبت شده است."}  # ي/ی, ك/ک, ZWNJ folded
    assert errors[7] == {"name": "همین پروژه در ردیف ۲ این فایل هم آمده است."}
    assert errors[8] == {"county": "این شهرستان در استان زنجان است و شما نمی‌توانید در آن پروژه ثبت کنید."}
    assert errors[9] == {"target_date": "موعد اتمام نمی‌تواند پیش از تاریخ شروع باشد."}  # the service's own rule
    assert count(db, Project) == before
    db.refresh(upload)
    assert upload.state == ImportState.mapped


def test_amounts_that_are_not_numbers_and_an_allocation_above_the_notified_credit(app, db, make, prepare, storage,
                                                                                  officer):
    project = make.project(name="بهسازی استخر کارگران کازرون")
    make.budget(project, 1405, "provincial", approved=8 * 10**9, notified=1 * 10**9)
    other = make.project(province="Zanjan", county="ابهر", name="پروژه زنجان")
    entries = count(db, BudgetEntry)
    data = workbook(BUDGET_HEADERS,
                    [project.name, 1405, "استانی", "تخصیص", "دو میلیارد", "تخصیص", ""],
                    [project.name, 1405, "استانی", "تخصیص", 1.5, "تخصیص", ""],
                    [project.name, 1405, "استانی", "ابلاغ", "۲٬۰۰۰٬۰۰۰٬۰۰۰", "ابلاغ", ""],
                    [project.name, 1405, "استانی", "تخصیص", "3,000,000,000", "تخصیص", ""],
                    [other.name, 1405, "استانی", "مصوب", 1, "مصوب", ""],
                    [project.name, 1405, "منبع ناشناخته", "سود", 1, "", ""])
    upload = prepare(officer, ImportKind.budget, data)

    outcome = services.import_rows(db, actor=officer, upload=upload, storage=storage)

    errors = {row.number: persian(app, row.errors) for row in outcome.rows}
    assert errors[2] == {"amount": "مبلغ را به ریال و فقط با رقم (بدون اعشار و حروف) وارد کنید."}
    assert errors[3] == {"amount": "مبلغ را به ریال و فقط با رقم (بدون اعشار و حروف) وارد کنید."}
    assert errors[4] == {}  # notified raised to 2 billion first: the next row is checked against it
    assert errors[5]["amount"].startswith("اعتبار تخصیص نمی‌تواند از اعتبار ابلاغ‌شده همین ردیف")
    assert errors[6] == {"project": "پروژه‌ای با این نام در دسترس شما نیست."}  # another province's: not there
    assert set(errors[7]) == {"source", "figure", "reason"}
    assert not outcome.imported and count(db, BudgetEntry) == entries


def test_a_sheet_of_another_provinces_projects_is_refused_row_by_row(app, db, make, prepare, storage, fars_director):
    make.facility(name="استخر ابهر", county="ابهر", province="Zanjan")
    data = workbook(["نام پروژه", "استان", "شهرستان", "مجموعه"],
                    ["بهسازی استخر ابهر", "زنجان", "ابهر", "استخر ابهر"],
                    ["بهسازی دوم", "Zanjan", "ابهر", "استخر ابهر"])
    upload = prepare(fars_director, ImportKind.projects, data)

    outcome = services.import_rows(db, actor=fars_director, upload=upload, storage=storage)

    assert not outcome.imported and outcome.failed == 2
    assert {persian(app, row.errors)["county"] for row in outcome.rows} == {
        "این شهرستان در استان زنجان است و شما نمی‌توانید در آن پروژه ثبت کنید."}
    assert db.exec(select(Project).where(Project.name == "بهسازی استخر ابهر")).first() is None


def test_the_preview_says_what_the_import_would_and_keeps_nothing(app, db, make, pool, prepare, storage,
                                                                  fars_director):
    upload = prepare(fars_director, ImportKind.projects, workbook(PROJECT_HEADERS, ["پروژه تازه", "کازرون", POOL]))
    before = (count(db, Project), count(db, AuditEvent))

    outcome = services.preview(db, actor=fars_director, upload=upload, storage=storage)

    assert outcome.ok and not outcome.imported
    assert (count(db, Project), count(db, AuditEvent)) == before
    assert services.import_rows(db, actor=fars_director, upload=upload, storage=storage).imported
    assert refusal(app, lambda: services.import_rows(db, actor=fars_director, upload=upload, storage=storage)) == {
        "file": "این فایل پیش‌تر وارد شده است."}


def test_the_mapping_is_guessed_from_persian_or_english_headers_and_remembered(db, make, prepare, storage,
                                                                               fars_director):
    english = ["Project name", "County", "Facility", "Target date", "Notes"]
    assert guess(ImportKind.projects, english) == {"name": 0, "county": 1, "facility": 2, "target_date": 3}
    assert guess(ImportKind.projects, ["نام\u200cپروژه", "شهرستان ", "مجموعه"]) == {"name": 0, "county": 1,
                                                                                  "facility": 2}
    data = workbook(["عنوان", "شهر", "محل", "ملاحظات"], ["پروژه", "کازرون", POOL, ""])
    upload = services.upload_workbook(db, actor=fars_director, kind=ImportKind.projects, filename="a.xlsx", data=data,
                                      storage=storage)
    headers = services.headers(upload, storage)
    services.map_columns(db, actor=fars_director, upload=upload, columns={"name": 0, "county": 1, "facility": 2},
                         headers=headers)

    from tracker.imports import queries
    remembered = queries.remembered_mapping(db, fars_director, ImportKind.projects)
    assert remembered == {"name": "عنوان", "county": "شهر", "facility": "محل"}
    assert guess(ImportKind.projects, ["محل", "عنوان", "شهر"], remembered) == {"name": 1, "county": 2, "facility": 0}
    assert queries.remembered_mapping(db, make.user(), ImportKind.projects) is None


def test_a_column_must_be_chosen_for_each_required_field_and_only_once(app, db, storage, fars_director):
    upload = services.upload_workbook(db, actor=fars_director, kind=ImportKind.projects, filename="a.xlsx",
                                      data=workbook(["الف", "ب"], ["1", "2"]), storage=storage)
    errors = refusal(app, lambda: services.map_columns(db, actor=fars_director, upload=upload,
                                                       columns={"name": 0, "county": 0}, headers=["الف", "ب"]))
    assert errors == {"county": "این ستون برای فیلد دیگری انتخاب شده است.",
                      "facility": "ستونی را که این فیلد در آن است انتخاب کنید."}


def _zip(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


XLSX_MEMBERS = {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}


@pytest.mark.parametrize(("data", "message"), [
    (b"%PDF-1.7 not a workbook", "فایل اکسل (.xlsx) نیست."),
    (_zip({"word/document.xml": b"<w/>", "[Content_Types].xml": b"<Types/>"}), "فایل اکسل (.xlsx) نیست."),
    (workbook(["a"], ["b"])[:-200], "فایل اکسل (.xlsx) نیست."),
    (_zip({**XLSX_MEMBERS, "xl/worksheets/sheet1.xml": b"<worksheet>" + b"garbage" * 10}), "آسیب دیده"),
    (_zip({**XLSX_MEMBERS, "xl/worksheets/sheet1.xml": b"\0" * (8 * 1024 * 1024)}), "بمب فشرده"),
])
def test_unsafe_or_corrupt_files_are_refused_before_anything_is_kept(app, db, storage, fars_director, data, message):
    errors = refusal(app, lambda: services.upload_workbook(db, actor=fars_director, kind=ImportKind.projects,
                                                           filename="x.xlsx", data=data, storage=storage))
    assert message in errors["file"]
    assert count(db, Upload) == 0 and not list(storage.keys("imports"))


def test_a_zip_bomb_is_refused_from_its_sizes_without_unpacking(app, db, storage, fars_director):
    bomb = _zip({**XLSX_MEMBERS, "xl/worksheets/sheet1.xml": b"<row/>" * (50 * 1024 * 1024 // 6)})
    assert len(bomb) < 200_000
    errors = refusal(app, lambda: services.upload_workbook(db, actor=fars_director, kind=ImportKind.projects,
                                                           filename="bomb.xlsx", data=bomb, storage=storage))
    assert "بمب فشرده" in errors["file"]


def test_more_rows_than_allowed_are_refused_with_a_clear_message(app, db, storage, fars_director, monkeypatch):
    monkeypatch.setattr("tracker.imports.workbook.MAX_ROWS", 5)
    data = workbook(PROJECT_HEADERS, *[[f"پروژه {n}", "کازرون", POOL] for n in range(6)])
    errors = refusal(app, lambda: services.upload_workbook(db, actor=fars_director, kind=ImportKind.projects,
                                                           filename="big.xlsx", data=data, storage=storage))
    assert errors == {"sheet": "این برگه بیش از ۵ ردیف دارد؛ آن را به فایل‌هایی با حداکثر ۵ ردیف تقسیم کنید."}
    assert count(db, Upload) == 0 and not list(storage.keys("imports"))
    assert MAX_ROWS == 20_000


def test_the_full_cap_of_twenty_thousand_rows(app, db, storage, fars_director):
    """A 20,001-row file made small: one short cell a row."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("big")
    sheet.append(["نام پروژه"])
    for number in range(MAX_ROWS + 1):
        sheet.append([number])
    buffer = io.BytesIO()
    book.save(buffer)
    errors = refusal(app, lambda: services.upload_workbook(db, actor=fars_director, kind=ImportKind.projects,
                                                           filename="big.xlsx", data=buffer.getvalue(),
                                                           storage=storage))
    assert "۲۰٬۰۰۰" in errors["sheet"]


def _with_formulas(cached: bool) -> bytes:
    """A workbook whose C2 is a formula, with or without the value Excel would have saved."""
    data = workbook(["نام پروژه", "پیشرفت", "جمع"], ["پروژه", 10, "=B2*2"])
    archive = zipfile.ZipFile(io.BytesIO(data))
    members = {name: archive.read(name) for name in archive.namelist()}
    sheet = members["xl/worksheets/sheet1.xml"].decode()
    if cached:
        sheet = sheet.replace("<v></v>", "").replace("<f>B2*2</f>", "<f>B2*2</f><v>20</v>")
    members["xl/worksheets/sheet1.xml"] = sheet.encode()
    return _zip(members)


def test_formulas_are_read_as_their_saved_values_or_refused_never_calculated(app, db, storage, fars_director):
    errors = refusal(app, lambda: services.upload_workbook(db, actor=fars_director, kind=ImportKind.projects,
                                                           filename="f.xlsx", data=_with_formulas(False),
                                                           storage=storage))
    assert "C2" in errors["sheet"] and "فرمول" in errors["sheet"]
    upload = services.upload_workbook(db, actor=fars_director, kind=ImportKind.projects, filename="f.xlsx",
                                      data=_with_formulas(True), storage=storage)
    from tracker.imports.workbook import read_sheet
    assert read_sheet(storage.get(upload.file_key), upload.sheet).rows == [(2, ("پروژه", 10, 20))]


def test_only_the_uploader_with_the_kinds_role_works_on_an_upload(app, db, make, storage, fars_director, officer):
    data = workbook(PROJECT_HEADERS, ["پروژه", "کازرون", POOL])
    with pytest.raises(Exception) as refused:
        services.upload_workbook(db, actor=officer, kind=ImportKind.projects, filename="a.xlsx", data=data,
                                 storage=storage)
    assert type(refused.value).__name__ == "Forbidden"
    upload = services.upload_workbook(db, actor=fars_director, kind=ImportKind.projects, filename="a.xlsx", data=data,
                                      storage=storage)
    with pytest.raises(NotFound):
        services.preview(db, actor=make.user(role=Role.director), upload=upload, storage=storage)

"""Workbooks made in memory, and an upload taken to its preview in one call."""
import io

import pytest
from openpyxl import Workbook

from tracker.imports import services
from tracker.imports.columns import guess
from tracker.imports.models import ImportKind

PROJECT_HEADERS = ["نام پروژه", "شهرستان", "مجموعه", "وضعیت", "تاریخ شروع", "تاریخ هدف", "پیشرفت فیزیکی"]
BUDGET_HEADERS = ["پروژه", "سال مالی", "منبع اعتبار", "نوع اعتبار", "مبلغ (ریال)", "علت", "شماره نامه"]


def workbook(*rows, title: str = "پروژه‌ها", more_sheets: tuple[str, ...] = ()) -> bytes:
    """An .xlsx of one sheet (and empty others) holding the rows, the first being the headers."""
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    for name in more_sheets:
        book.create_sheet(name)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def storage(photo_storage):
    """The uploads store of the test (the app's UPLOAD_DIR)."""
    return photo_storage.files


@pytest.fixture
def prepare(db, storage):
    """Upload a workbook and map its columns as guessed: the upload, ready for its preview."""
    def prepare(actor, kind: ImportKind, data: bytes, filename: str = "kazerun.xlsx"):
        upload = services.upload_workbook(db, actor=actor, kind=kind, filename=filename, data=data, storage=storage)
        headers = services.headers(upload, storage)
        return services.map_columns(db, actor=actor, upload=upload, columns=guess(kind, headers), headers=headers)
    return prepare

"""Reading an uploaded workbook safely, and writing the templates to download.

An upload is checked as a zip before openpyxl sees it (members, total uncompressed size, compression ratio), then
parsed with defusedxml (openpyxl uses it when installed), read-only and values-only, links and formulas never
followed or evaluated: a formula is read as the value Excel saved with it, or refused when it has none.
"""
import io
import re
import zipfile
from dataclasses import dataclass

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from tracker.core.i18n import lazy_gettext as _l
from tracker.core.jalali import number_in_locale

MB = 1024 * 1024
MAX_FILE_BYTES = 10 * MB
MAX_MEMBERS = 500
MAX_UNCOMPRESSED_BYTES = 200 * MB
MAX_RATIO = 100  # a sheet's XML compresses about tenfold; a thousandfold is a bomb
RATIO_CHECKED_FROM = MB  # small members (styles, an empty sheet) may compress far better; they cannot hurt
MAX_ROWS = 20_000
MAX_COLUMNS = 60
REQUIRED_MEMBERS = ("[Content_Types].xml", "xl/workbook.xml")
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class WorkbookError(ValueError):
    """A file that cannot be read as an import, with a message that says why."""

    def __init__(self, message) -> None:
        super().__init__(message)
        self.message = message


NOT_XLSX = _l("This file is not an Excel workbook (.xlsx). Save it in Excel as “Excel Workbook (.xlsx)” and upload it "
              "again.")


def check_xlsx(data: bytes) -> None:
    """Refuse anything that is not a real, reasonably sized .xlsx, before any XML of it is parsed."""
    if len(data) > MAX_FILE_BYTES:
        raise WorkbookError(_l("The file is too large: at most %(mb)s MB.", mb=number_in_locale(MAX_FILE_BYTES // MB)))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise WorkbookError(NOT_XLSX) from None
    names = {member.filename for member in members}
    if not set(REQUIRED_MEMBERS) <= names or not any(n.startswith("xl/worksheets/") for n in names):
        raise WorkbookError(NOT_XLSX)
    too_big = _l("This file unpacks to far more than a workbook of its size holds (a “zip bomb”); it was not read.")
    if len(members) > MAX_MEMBERS or sum(member.file_size for member in members) > MAX_UNCOMPRESSED_BYTES:
        raise WorkbookError(too_big)
    for member in members:
        if member.file_size >= RATIO_CHECKED_FROM and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise WorkbookError(too_big)


def _has_formulas(data: bytes) -> bool:
    """Whether any sheet holds a formula (read as bytes, never parsed: the sizes were checked)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return any(_FORMULA.search(archive.read(name)) for name in archive.namelist()
                       if name.startswith("xl/worksheets/") and name.endswith(".xml"))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise WorkbookError(NOT_XLSX) from None


def _open(data: bytes, *, formulas: bool = False):
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=not formulas, keep_links=False)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds of error on a damaged file; each means "corrupt"
        raise WorkbookError(_l("This workbook is damaged and cannot be read. Open it in Excel, save it again and "
                               "upload it.")) from None


def sheet_names(data: bytes) -> list[str]:
    """The names of the workbook's worksheets, in their order."""
    workbook = _open(data)
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()


@dataclass(frozen=True)
class Sheet:
    """A sheet's first row (the headers) and the rows below it that hold anything, by their row number."""

    headers: list[str]
    rows: list[tuple[int, tuple]]


def _rows(data: bytes, name: str, *, formulas: bool = False):
    """(row number, values) of every row of a sheet that holds anything, at most MAX_ROWS + 2 of them."""
    workbook = _open(data, formulas=formulas)
    try:
        if name not in workbook.sheetnames:
            raise WorkbookError(_l("The workbook has no sheet of this name."))
        found = []
        try:
            for number, values in enumerate(workbook[name].iter_rows(max_col=MAX_COLUMNS, values_only=True), 1):
                filled = [index for index, value in enumerate(values) if value not in (None, "")]
                if filled:
                    found.append((number, values[:filled[-1] + 1]))  # read-only rows are padded to max_col
                    if len(found) > MAX_ROWS + 1:  # the headers and one row too many: enough to refuse
                        break
        except WorkbookError:
            raise
        except Exception:  # noqa: BLE001 - a damaged sheet
            raise WorkbookError(_l("This workbook is damaged and cannot be read. Open it in Excel, save it again "
                                   "and upload it.")) from None
        return found
    finally:
        workbook.close()


def read_sheet(data: bytes, name: str) -> Sheet:
    """The sheet's headers and rows; refused when it has too many rows or formulas without a saved value."""
    rows = _rows(data, name)
    if not rows:
        raise WorkbookError(_l("This sheet is empty."))
    if len(rows) > MAX_ROWS + 1:
        raise WorkbookError(_l("The sheet has more than %(rows)s rows; split it into files of at most %(rows)s rows.",
                               rows=number_in_locale(MAX_ROWS, grouped=True)))
    if _has_formulas(data):
        _refuse_formulas_without_values(data, name, rows)
    (_, header_values), *body = rows
    headers = [_header(value) for value in header_values]
    return Sheet(headers, body)


def _header(value) -> str:
    return "" if value is None else " ".join(str(value).split())


def _refuse_formulas_without_values(data: bytes, name: str, rows: list[tuple[int, tuple]]) -> None:
    """Formulas are never evaluated: one whose value Excel did not save (made by a program, not Excel) is refused."""
    values = dict(rows)
    missing = []
    for number, formulas in _rows(data, name, formulas=True):
        saved = values.get(number, ())
        for column, formula in enumerate(formulas):
            if isinstance(formula, str) and formula.startswith("=") and (
                    column >= len(saved) or saved[column] in (None, "")):
                missing.append(f"{get_column_letter(column + 1)}{number}")
    if missing:
        raise WorkbookError(_l("Cells %(cells)s hold formulas whose values were not saved, and formulas are not "
                               "calculated here. Open the file in Excel, save it, and upload it again (or paste the "
                               "values instead of the formulas).", cells="، ".join(missing[:10])))


def template(headers: list[str], example: list, sheet_title: str) -> bytes:
    """A workbook of one sheet, right to left: the headers in bold and one example row."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    sheet.sheet_view.rightToLeft = True
    sheet.append(headers)
    sheet.append(example)
    for index, header in enumerate(headers, 1):
        sheet.cell(row=1, column=index).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(index)].width = max(14, len(header) + 4)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

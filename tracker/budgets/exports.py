"""Exports of the budgets area: a fiscal year's grid and a project's budget, as CSV and XLSX bytes."""
# Pure functions: they take what `queries` returns and give the file's bytes. Header labels go through
# gettext in the current UI language (Persian outside a request): a route calls them inside its request,
# a test inside force_locale. Amounts stay whole rials (ints), fiscal years Jalali years, dates Jalali
# YYYY/MM/DD, all in Latin digits so that spreadsheets read them as numbers.
import csv
import io
import re
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from tracker.budgets.forms import FIGURE_LABELS
from tracker.budgets.models import Figure
from tracker.budgets.queries import GridFilters, GridPage, ProjectBudget, absorption
from tracker.core.i18n import current_language, gettext
from tracker.core.jalali import format_jalali

CSV_MIMETYPE = "text/csv; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A page size no grid reaches: exports ask `queries.grid` for every filtered project at once.
EXPORT_PAGE_SIZE = 1_000_000

AMOUNT_FORMAT = "#,##0"
PERCENT_FORMAT = "0.0"
# Text a spreadsheet would run as a formula (CSV injection): such cells get a leading apostrophe in CSV.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

Value = str | int | float | None


def figure_labels() -> dict[Figure, str]:
    """The figures' column labels in the UI language (the same messages as the cell form)."""
    return {figure: str(label) for figure, label in FIGURE_LABELS.items()}


@dataclass
class Table:
    """A sheet's content: header, rows of plain values, and which columns and rows to show how."""

    title: str
    header: list[str]
    rows: list[list[Value]]
    amount_columns: frozenset[int]
    percent_columns: frozenset[int] = frozenset()
    total_rows: frozenset[int] = frozenset()
    flagged_cells: frozenset[tuple[int, int]] = frozenset()
    frozen_columns: int = 0


def grid_table(page: GridPage, filters: GridFilters) -> Table:
    """The grid as a table: project, county, one column per source, row total; a last row of column totals."""
    if page.pages > 1:
        raise ValueError("export a grid fetched as one page: queries.grid(..., page_size=EXPORT_PAGE_SIZE)")
    language = current_language()
    header = [gettext("Project"), gettext("County"), *(s.name(language) for s in page.sources),
              gettext("Total")]
    rows: list[list[Value]] = []
    flagged = set()
    for row_index, project in enumerate(page.projects):
        cells = [page.cell(project.id, source.id) for source in page.sources]
        rows.append([project.name, project.county_name, *(cell.amount for cell in cells),
                     sum(cell.amount for cell in cells)])
        if filters.figure in (Figure.allocated, Figure.spent):  # spent above allocated is flagged
            flagged.update((row_index, 2 + i) for i, cell in enumerate(cells) if cell.over_allocated)
    column_sums = [sum(row[2 + i] for row in rows) for i in range(len(page.sources))]
    rows.append([gettext("Total"), "", *column_sums, sum(column_sums)])
    return Table(
        title=f"{filters.fiscal_year} {figure_labels()[filters.figure]}",
        header=header, rows=rows,
        amount_columns=frozenset(range(2, len(header))),
        total_rows=frozenset({len(rows) - 1}), flagged_cells=frozenset(flagged), frozen_columns=2,
    )


def project_budget_table(project_name: str, budget: ProjectBudget) -> Table:
    """A project's budget as a table: a row per fiscal year and source, each year's total, then all years'."""
    language = current_language()
    labels = figure_labels()
    header = [gettext("Fiscal year"), gettext("Funding source"), *(labels[figure] for figure in Figure),
              gettext("Absorption"), gettext("Last change")]
    rows: list[list[Value]] = []
    totals = set()
    for year in budget.years:
        for item in year.lines:
            line = item.line
            rows.append([year.fiscal_year, item.source.name(language),
                         *(getattr(line, figure.value) for figure in Figure), item.absorption,
                         format_jalali(line.updated_at, locale="en")])
        totals.add(len(rows))
        rows.append([year.fiscal_year, gettext("Total of %(year)s", year=year.fiscal_year),
                     *(year.total(figure) for figure in Figure), year.absorption, ""])
    totals.add(len(rows))
    rows.append(["", gettext("All years"), *(budget.total(figure) for figure in Figure),
                 absorption(budget.total(Figure.spent), budget.total(Figure.allocated)), ""])
    figures = len(Figure)
    return Table(
        title=project_name, header=header, rows=rows,
        amount_columns=frozenset(range(2, 2 + figures)), percent_columns=frozenset({2 + figures}),
        total_rows=frozenset(totals), frozen_columns=2,
    )


def grid_csv(page: GridPage, filters: GridFilters) -> bytes:
    """The grid of one fiscal year and figure as CSV."""
    return table_csv(grid_table(page, filters))


def grid_xlsx(page: GridPage, filters: GridFilters) -> bytes:
    """The grid of one fiscal year and figure as an XLSX workbook."""
    return table_xlsx(grid_table(page, filters))


def project_budget_csv(project_name: str, budget: ProjectBudget) -> bytes:
    """A project's budget as CSV."""
    return table_csv(project_budget_table(project_name, budget))


def project_budget_xlsx(project_name: str, budget: ProjectBudget) -> bytes:
    """A project's budget as an XLSX workbook."""
    return table_xlsx(project_budget_table(project_name, budget))


def grid_filename(filters: GridFilters, extension: str) -> str:
    """The download name of a grid export, e.g. budget-1404-allocated.xlsx."""
    return f"budget-{filters.fiscal_year}-{filters.figure.value}.{extension}"


def project_budget_filename(slug: str, extension: str) -> str:
    """The download name of a project's budget export, e.g. budget-kazerun-pool.csv."""
    return f"budget-{slug}.{extension}"


def _csv_text(value: Value) -> Value:
    """A user's text that a spreadsheet would run as a formula, made inert with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def table_csv(table: Table) -> bytes:
    """A table as comma-separated UTF-8 with a BOM, so that Excel opens Persian text correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(_csv_text(label) for label in table.header)
    writer.writerows([_csv_text(value) for value in row] for row in table.rows)
    return buffer.getvalue().encode("utf-8-sig")


_BOLD = Font(bold=True)
_TOTAL_FILL = PatternFill("solid", fgColor="EEEEEE")
_FLAG_FILL = PatternFill("solid", fgColor="FCE4D6")


def _sheet_title(title: str) -> str:
    """A sheet name Excel accepts: no []:*?/\\, at most 31 characters."""
    return _SHEET_TITLE_FORBIDDEN.sub(" ", ILLEGAL_CHARACTERS_RE.sub("", title)).strip()[:31] or "Sheet"


def _width(value: Value, number_format: str | None) -> int:
    """The characters a value takes in its column, as shown."""
    if value is None:
        return 0
    if isinstance(value, int) and number_format == AMOUNT_FORMAT:
        return len(f"{value:,}")
    return len(str(value))


def table_xlsx(table: Table) -> bytes:
    """A table as one XLSX sheet: right-to-left in Persian, bold frozen header, amounts as #,##0 numbers."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(table.title)
    sheet.sheet_view.rightToLeft = current_language() == "fa"
    formats = {column: AMOUNT_FORMAT for column in table.amount_columns}
    formats |= {column: PERCENT_FORMAT for column in table.percent_columns}
    widths = [len(label) for label in table.header]
    for column, label in enumerate(table.header, start=1):
        cell = sheet.cell(row=1, column=column, value=ILLEGAL_CHARACTERS_RE.sub("", label))
        cell.font = _BOLD
        cell.data_type = "s"
    for row_index, row in enumerate(table.rows):
        total = row_index in table.total_rows
        for column_index, value in enumerate(row):
            cell = sheet.cell(row=row_index + 2, column=column_index + 1)
            if isinstance(value, str):
                cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
                cell.data_type = "s"  # a name starting with "=" stays text, never a formula
            else:
                cell.value = value
                if column_index in formats:
                    cell.number_format = formats[column_index]
            if total:
                cell.font = _BOLD
                cell.fill = _TOTAL_FILL
            elif (row_index, column_index) in table.flagged_cells:
                cell.fill = _FLAG_FILL
            widths[column_index] = max(widths[column_index], _width(value, formats.get(column_index)))
    for column_index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column_index)].width = min(max(width + 3, 10), 60)
    sheet.freeze_panes = sheet.cell(row=2, column=table.frozen_columns + 1).coordinate
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

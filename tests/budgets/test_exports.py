"""Exports of the grid and of a project's budget: CSV and XLSX bytes from plain query results, no database."""
import csv
import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from tracker.budgets import exports
from tracker.budgets.models import BudgetLine, Figure, FundingSource
from tracker.budgets.queries import Cell, GridFilters, GridPage, GridProject, ProjectBudget, SourceLine, YearBudget
from tracker.core.i18n import gettext

NATIONAL = FundingSource(id=1, code="national", name_fa="اعتبارات ملی", name_en="National credits", position=0)
PROVINCIAL = FundingSource(id=2, code="provincial", name_fa="اعتبارات استانی", name_en="Provincial credits",
                           position=1)
# A name a user typed that a spreadsheet would otherwise run as a formula.
TRICKY = FundingSource(id=3, code="other", name_fa="=HYPERLINK(\"http://x\")", name_en="=1+1", position=2)
SOURCES = [NATIONAL, PROVINCIAL, TRICKY]


def grid_page() -> GridPage:
    projects = [GridProject(10, "pool", "استخر کارگران کازرون", "کازرون", False),
                GridProject(11, "gym", "مجموعه ورزشی شیراز", "شیراز", True),
                GridProject(12, "inn", "=cmd|' /C calc'!A0", "مرودشت", False)]
    cells = {
        (10, 1): Cell(1_250_000_000, 3, False),
        (10, 2): Cell(400_000_000, 1, True),
        (11, 1): Cell(999_999_999_999_999, 7, False),
        (12, 3): Cell(5, 1, False),
    }
    column_totals = {1: 1_250_000_000 + 999_999_999_999_999, 2: 400_000_000, 3: 5}
    return GridPage(projects, SOURCES, cells, column_totals, total_projects=3, page=1, page_size=50)


FILTERS = GridFilters(fiscal_year=1404, figure=Figure.spent)
EXPECTED_ROWS = [
    [1_250_000_000, 400_000_000, 0, 1_650_000_000],
    [999_999_999_999_999, 0, 0, 999_999_999_999_999],
    [0, 0, 5, 5],
]
EXPECTED_TOTALS = [1_250_000_000 + 999_999_999_999_999, 400_000_000, 5, 1_250_000_000 + 999_999_999_999_999
                   + 400_000_000 + 5]


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "Excel needs the UTF-8 BOM to read Persian"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_grid_csv_has_a_bom_a_persian_header_a_row_per_project_and_the_totals(in_language):
    in_language("fa")
    rows = read_csv(exports.grid_csv(grid_page(), FILTERS))
    header, *projects, totals = rows
    assert header == ["پروژه", "شهرستان", "اعتبارات ملی", "اعتبارات استانی", "'=HYPERLINK(\"http://x\")",
                      gettext("Total")]
    assert [row[:2] for row in projects] == [["استخر کارگران کازرون", "کازرون"], ["مجموعه ورزشی شیراز", "شیراز"],
                                             ["'=cmd|' /C calc'!A0", "مرودشت"]]
    assert [[int(value) for value in row[2:]] for row in projects] == EXPECTED_ROWS
    assert totals[:2] == [gettext("Total"), ""]
    assert [int(value) for value in totals[2:]] == EXPECTED_TOTALS
    # Plain digits, no separators: a spreadsheet reads them as numbers.
    assert projects[1][2] == "999999999999999"


def test_grid_csv_in_english_uses_english_source_names(in_language):
    in_language("en")
    header = read_csv(exports.grid_csv(grid_page(), FILTERS))[0]
    assert header == ["Project", "County", "National credits", "Provincial credits", "'=1+1", "Total"]


def test_grid_xlsx_is_right_to_left_with_bold_frozen_header_and_formatted_integer_amounts(in_language):
    in_language("fa")
    sheet = load_workbook(io.BytesIO(exports.grid_xlsx(grid_page(), FILTERS))).active
    assert sheet.sheet_view.rightToLeft is True
    assert sheet.freeze_panes == "C2"
    assert sheet.title.startswith("1404 ")
    header = [cell.value for cell in sheet[1]]
    assert header[:2] == ["پروژه", "شهرستان"] and header[4] == "=HYPERLINK(\"http://x\")"
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.cell(1, 5).data_type == "s", "a source named like a formula stays text"
    assert sheet.cell(4, 1).value == "=cmd|' /C calc'!A0" and sheet.cell(4, 1).data_type == "s"
    body = [[cell.value for cell in row[2:]] for row in sheet.iter_rows(min_row=2, max_row=4)]
    assert body == EXPECTED_ROWS
    for row in sheet.iter_rows(min_row=2, min_col=3):
        for cell in row:
            assert type(cell.value) is int and cell.number_format == "#,##0"
    totals = [cell.value for cell in sheet[5]]
    assert totals[0] == gettext("Total") and totals[2:] == EXPECTED_TOTALS
    assert all(cell.font.bold for cell in sheet[5])
    assert sheet.max_row == 5
    # Spent above allocated is flagged, as in the grid.
    assert sheet.cell(2, 4).fill.fgColor.rgb.endswith("FCE4D6")
    assert sheet.cell(2, 3).fill.fill_type is None
    assert sheet.column_dimensions["C"].width >= len("999,999,999,999,999")


def test_grid_xlsx_in_english_is_left_to_right(in_language):
    in_language("en")
    sheet = load_workbook(io.BytesIO(exports.grid_xlsx(grid_page(), FILTERS))).active
    assert not sheet.sheet_view.rightToLeft
    assert [cell.value for cell in sheet[1]][:3] == ["Project", "County", "National credits"]


def test_a_grid_with_several_pages_is_refused():
    page = grid_page()
    page = GridPage(page.projects[:2], page.sources, page.cells, page.column_totals, total_projects=3, page=1,
                    page_size=2)
    with pytest.raises(ValueError, match="EXPORT_PAGE_SIZE"):
        exports.grid_csv(page, FILTERS)


def test_an_empty_grid_has_a_header_and_a_zero_totals_row(in_language):
    in_language("fa")
    page = GridPage([], SOURCES, {}, {}, total_projects=0, page=1, page_size=50)
    header, totals = read_csv(exports.grid_csv(page, FILTERS))
    assert len(header) == 6 and totals[2:] == ["0", "0", "0", "0"]


def line(year: int, source: FundingSource, approved: int, notified: int, allocated: int, spent: int,
         updated_at: datetime) -> SourceLine:
    return SourceLine(BudgetLine(id=source.id * 10000 + year, project_id=10, fiscal_year=year, source_id=source.id,
                                 approved=approved, notified=notified, allocated=allocated, spent=spent,
                                 version=4, updated_at=updated_at), source)


def project_budget() -> ProjectBudget:
    return ProjectBudget([
        YearBudget(1404, [
            # 2025-09-16 12:00 UTC is 1404/06/25 in Tehran; 2025-09-16 21:00 UTC is already 1404/06/26 there.
            line(1404, NATIONAL, 2_000_000_000, 1_500_000_000, 1_000_000_000, 453_000_000,
                 datetime(2025, 9, 16, 12, tzinfo=UTC)),
            line(1404, PROVINCIAL, 300_000_000, 0, 0, 0, datetime(2025, 9, 16, 21, tzinfo=UTC)),
        ]),
        YearBudget(1403, [
            line(1403, NATIONAL, 900_000_000, 900_000_000, 800_000_000, 1_000_000_000,
                 datetime(2024, 3, 1, 8, tzinfo=UTC)),
        ]),
    ])


FIGURE_COLUMNS = slice(2, 6)


def test_project_budget_csv_has_a_row_per_year_and_source_and_the_totals(in_language):
    in_language("fa")
    header, *rows = read_csv(exports.project_budget_csv("استخر کارگران کازرون", project_budget()))
    assert header[:2] == [gettext("Fiscal year"), gettext("Funding source")]
    assert len(header) == 2 + 4 + 2
    assert rows[0] == ["1404", "اعتبارات ملی", "2000000000", "1500000000", "1000000000", "453000000", "45.3",
                       "1404/06/25"]
    assert rows[1] == ["1404", "اعتبارات استانی", "300000000", "0", "0", "0", "", "1404/06/26"]
    assert rows[2] == ["1404", gettext("Total of %(year)s", year=1404), "2300000000", "1500000000", "1000000000",
                       "453000000", "45.3", ""]
    assert rows[3] == ["1403", "اعتبارات ملی", "900000000", "900000000", "800000000", "1000000000", "125.0",
                       "1402/12/11"]
    assert rows[4][:2] == ["1403", gettext("Total of %(year)s", year=1403)]
    assert rows[5] == ["", gettext("All years"), "3200000000", "2400000000", "1800000000", "1453000000", "80.7", ""]
    assert len(rows) == 6


def test_project_budget_xlsx_keeps_numbers_as_numbers(in_language):
    in_language("fa")
    sheet = load_workbook(io.BytesIO(exports.project_budget_xlsx("استخر کارگران کازرون", project_budget()))).active
    assert sheet.sheet_view.rightToLeft is True
    assert sheet.title == "استخر کارگران کازرون"
    assert sheet.freeze_panes == "C2"
    assert all(cell.font.bold for cell in sheet[1])
    first = [cell.value for cell in sheet[2]]
    assert first == [1404, "اعتبارات ملی", 2_000_000_000, 1_500_000_000, 1_000_000_000, 453_000_000, 45.3,
                     "1404/06/25"]
    for cell in sheet[2][FIGURE_COLUMNS]:
        assert type(cell.value) is int and cell.number_format == "#,##0"
    assert sheet.cell(2, 7).number_format == "0.0"
    assert sheet.cell(3, 7).value is None, "no absorption while nothing is allocated"
    totals = [cell.value for cell in sheet[sheet.max_row]]
    assert totals[1] == gettext("All years") and totals[2:6] == [3_200_000_000, 2_400_000_000, 1_800_000_000,
                                                                  1_453_000_000]
    assert all(cell.font.bold for cell in sheet[4]) and all(cell.font.bold for cell in sheet[sheet.max_row])
    assert not sheet.cell(2, 1).font.bold


def test_an_empty_project_budget_has_the_all_years_row_only(in_language):
    in_language("en")
    header, *rows = read_csv(exports.project_budget_csv("Pool", ProjectBudget([])))
    assert header[0] == "Fiscal year"
    assert rows == [["", "All years", "0", "0", "0", "0", "", ""]]


def test_sheet_titles_lose_what_excel_refuses():
    assert exports._sheet_title("a/b:c*d?[e]\\f" + "x" * 40) == ("a b c d  e  f" + "x" * 40)[:31]
    assert exports._sheet_title("///") == "Sheet"


def test_download_names():
    assert exports.grid_filename(FILTERS, "xlsx") == "budget-1404-spent.xlsx"
    assert exports.project_budget_filename("استخر-کازرون", "csv") == "budget-استخر-کازرون.csv"

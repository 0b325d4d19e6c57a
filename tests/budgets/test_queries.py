"""Reading budgets: the grid of a fiscal year (cells, totals, pages, filters, scope, a fixed number of
statements) and a project's budget by year and source, with its absorption rate."""
import pytest
from sqlalchemy import event

from tracker.accounts.models import Role
from tracker.budgets import queries, services
from tracker.budgets.models import Figure
from tracker.budgets.queries import GridFilters
from tracker.projects.models import ProjectStatus


def count_statements(db, read) -> int:
    """How many SQL statements a read sends."""
    db.flush()
    bind = db.get_bind()
    sent = []

    def count(*_args):
        sent.append(1)

    event.listen(bind, "before_cursor_execute", count)
    try:
        read()
    finally:
        event.remove(bind, "before_cursor_execute", count)
    return len(sent)


def row_ids(page) -> list[int]:
    return [project.id for project in page.projects]


@pytest.fixture
def officer(make):
    return make.user(role=Role.budget_officer)


@pytest.fixture
def sheet(make):
    """Three Fars projects and a Zanjan one, with allocated credit in 1405 (and one line in 1404)."""
    alef = make.project(name="بهسازی الف", status=ProjectStatus.in_progress)
    be = make.project(name="بهسازی ب")
    pe = make.project(name="بهسازی پ", county="شیراز")
    zanjan = make.project(name="بهسازی زنجان", county="زنجان", province="Zanjan")
    make.budget(alef, source="national", approved=300, notified=200, allocated=100, spent=30)
    make.budget(alef, source="provincial", approved=40, notified=40, allocated=40, spent=55)
    make.budget(be, source="national", approved=10, notified=10, allocated=10)
    make.budget(pe, source="provincial", approved=5, notified=5, allocated=5)
    make.budget(pe, year=1404, source="national", approved=999, notified=999, allocated=999)
    make.budget(zanjan, source="national", approved=7_777, notified=7_777, allocated=7_777)
    return alef, be, pe, zanjan


def test_grid_cells_show_the_chosen_figure_with_the_version_to_edit_against(db, make, officer, sheet):
    alef, be, pe, _ = sheet
    national, provincial = make.source("national"), make.source("provincial")

    allocated = queries.grid(db, officer, GridFilters(fiscal_year=1405))
    approved = queries.grid(db, officer, GridFilters(fiscal_year=1405, figure=Figure.approved))

    assert row_ids(allocated) == [pe.id, alef.id, be.id]  # by county (شیراز before کازرون), then name
    assert allocated.cell(alef.id, national.id) == queries.Cell(100, 4, over_allocated=False)
    assert allocated.cell(alef.id, provincial.id) == queries.Cell(40, 4, over_allocated=True)
    assert allocated.cell(be.id, provincial.id) == queries.Cell(0, 0, over_allocated=False)  # no line yet
    assert allocated.cell(pe.id, national.id).amount == 0  # its national line is in 1404
    assert approved.cell(alef.id, national.id).amount == 300
    assert [source.code for source in allocated.sources][:2] == ["national", "provincial"]


def test_grid_rows_follow_the_persian_order_of_county_then_name(db, make, officer, sheet):
    alef, be, pe, _ = sheet
    page = queries.grid(db, officer, GridFilters(fiscal_year=1405))
    assert [(row.county_name, row.name) for row in page.projects] == [
        ("شیراز", "بهسازی پ"), ("کازرون", "بهسازی الف"), ("کازرون", "بهسازی ب")]
    assert row_ids(page) == [pe.id, alef.id, be.id]


def test_grid_totals_cover_every_filtered_project_not_just_the_page(db, make, officer, sheet):
    alef, be, pe, _ = sheet
    national, provincial = make.source("national"), make.source("provincial")

    first = queries.grid(db, officer, GridFilters(fiscal_year=1405), page_size=2)
    second = queries.grid(db, officer, GridFilters(fiscal_year=1405, page=2), page_size=2)

    assert (row_ids(first), row_ids(second)) == ([pe.id, alef.id], [be.id])
    assert (first.total_projects, first.pages, second.page) == (3, 2, 2)
    for page in (first, second):
        assert page.column_totals[national.id] == 110  # 100 + 10; not 1404's 999, not Zanjan's 7,777
        assert page.column_totals[provincial.id] == 45
        assert page.grand_total == 155
    assert (first.row_total(alef.id), first.row_total(pe.id), second.row_total(be.id)) == (140, 5, 10)


@pytest.mark.parametrize(("asked", "shown"), [(0, 1), (-3, 1), (2, 2), (99, 2)])
def test_grid_page_number_is_kept_within_the_pages(db, officer, sheet, asked, shown):
    page = queries.grid(db, officer, GridFilters(fiscal_year=1405, page=asked), page_size=2)
    assert page.page == shown


def test_grid_of_a_year_without_credit_has_rows_and_zero_totals(db, officer, sheet):
    page = queries.grid(db, officer, GridFilters(fiscal_year=1399))
    assert page.total_projects == 3 and page.cells == {} and page.grand_total == 0


def test_source_filter_limits_the_columns(db, make, officer, sheet):
    alef, be, pe, _ = sheet
    provincial = make.source("provincial")

    page = queries.grid(db, officer, GridFilters(fiscal_year=1405, source_id=provincial.id))

    assert [source.id for source in page.sources] == [provincial.id]
    assert {source_id for _, source_id in page.cells} == {provincial.id}
    assert (page.row_total(alef.id), page.row_total(be.id), page.row_total(pe.id)) == (40, 0, 5)
    assert page.grand_total == 45


def test_an_inactive_source_is_not_a_column(db, make, officer, sheet):
    make.source("mp").active = False
    db.flush()
    page = queries.grid(db, officer, GridFilters(fiscal_year=1405))
    assert "mp" not in {source.code for source in page.sources}
    assert "national" in {source.code for source in page.sources}


def test_county_and_status_filters_narrow_rows_and_totals(db, make, officer, sheet):
    alef, be, pe, _ = sheet
    kazerun = make.county("کازرون")

    in_kazerun = queries.grid(db, officer, GridFilters(fiscal_year=1405, county_id=kazerun.id))
    in_progress = queries.grid(db, officer, GridFilters(fiscal_year=1405, status=ProjectStatus.in_progress))

    assert row_ids(in_kazerun) == [alef.id, be.id] and in_kazerun.grand_total == 150
    assert row_ids(in_progress) == [alef.id] and in_progress.grand_total == 140


def test_a_fars_user_never_sees_a_zanjan_row(db, make, officer, sheet):
    *fars, zanjan = sheet
    national = make.source("national")

    for page_number in (1, 2, 3):
        page = queries.grid(db, officer, GridFilters(fiscal_year=1405, page=page_number), page_size=1)
        assert zanjan.id not in row_ids(page)
        assert page.column_totals[national.id] == 110
    zanjan_officer = make.user(role=Role.budget_officer, province="Zanjan")
    assert row_ids(queries.grid(db, zanjan_officer, GridFilters(fiscal_year=1405))) == [zanjan.id]
    everything = queries.grid(db, make.admin, GridFilters(fiscal_year=1405))
    assert set(row_ids(everything)) == {project.id for project in fars} | {zanjan.id}
    assert everything.column_totals[national.id] == 110 + 7_777


def test_a_county_head_sees_only_the_county(db, make, sheet):
    alef, be, _, _ = sheet
    head = make.user(role=Role.viewer, county="کازرون")
    page = queries.grid(db, head, GridFilters(fiscal_year=1405))
    assert row_ids(page) == [alef.id, be.id] and page.grand_total == 150


def test_grid_statement_count_does_not_grow_with_the_projects(db, make, officer):
    def seed(how_many):
        for _ in range(how_many):
            project = make.project()
            make.budget(project, source="national", approved=100, notified=90, allocated=80, spent=85)
            make.budget(project, source="cooperative", approved=10)

    def grid():
        return queries.grid(db, officer, GridFilters(fiscal_year=1405))

    seed(3)
    small = count_statements(db, grid)
    seed(27)
    large = count_statements(db, grid)

    assert (len(grid().projects), len(grid().cells)) == (30, 60)
    assert small == large
    assert 0 < large <= 6


def test_cell_totals_agree_with_the_grid_after_a_change(db, make, officer, sheet):
    alef, _, _, _ = sheet
    national = make.source("national")
    filters = GridFilters(fiscal_year=1405)
    version = queries.grid(db, officer, filters).cell(alef.id, national.id).version
    services.change_figure(db, actor=officer, change=services.FigureChange(
        project_id=alef.id, fiscal_year=1405, source_id=national.id, figure=Figure.allocated, amount=150,
        expected_version=version, reason="تخصیص دوم"))

    totals = queries.cell_totals(db, officer, filters, alef.id, national.id)
    page = queries.grid(db, officer, filters)

    assert totals == queries.CellTotals(row=page.row_total(alef.id), column=page.column_totals[national.id],
                                        grand=page.grand_total)
    assert totals == queries.CellTotals(row=190, column=160, grand=205)


# --- A project's budget ------------------------------------------------------------------------------


def test_project_budget_by_year_newest_first_with_totals_and_absorption(db, make):
    project = make.project()
    make.budget(project, year=1404, source="provincial", approved=500, notified=400, allocated=300, spent=300)
    make.budget(project, year=1405, source="provincial", approved=90, notified=60, allocated=30, spent=10)
    make.budget(project, year=1405, source="national", approved=900, notified=700, allocated=570, spent=600)
    make.budget(project, year=1403, source="mp", approved=1_000)
    make.budget(make.project(), year=1405, source="national", approved=5, notified=5, allocated=5, spent=5)

    budget = queries.project_budget(db, project)

    assert [year.fiscal_year for year in budget.years] == [1405, 1404, 1403]
    newest = budget.years[0]
    assert [item.source.code for item in newest.lines] == ["national", "provincial"]  # in the sources' order
    assert [newest.total(figure) for figure in Figure] == [990, 760, 600, 610]
    assert [item.absorption for item in newest.lines] == [105.3, 33.3]  # 600 ÷ 570, 10 ÷ 30
    assert newest.absorption == 101.7  # 610 ÷ 600
    assert budget.years[1].absorption == 100.0
    assert budget.years[2].absorption is None  # nothing allocated: no rate, not 0 %
    assert [budget.total(figure) for figure in Figure] == [2_490, 1_160, 900, 910]
    assert budget.absorption == 101.1  # 910 ÷ 900


def test_project_budget_sums_each_source_over_the_years(db, make):
    project = make.project()
    make.budget(project, year=1404, source="provincial", approved=500, notified=400, allocated=300, spent=250)
    make.budget(project, year=1405, source="provincial", approved=90, notified=60, allocated=30, spent=10)
    make.budget(project, year=1405, source="national", approved=900)

    by_source = queries.project_budget(db, project).by_source()

    assert [(source.code, sums) for source, sums in by_source] == [
        ("national", {Figure.approved: 900, Figure.notified: 0, Figure.allocated: 0, Figure.spent: 0}),
        ("provincial", {Figure.approved: 590, Figure.notified: 460, Figure.allocated: 330, Figure.spent: 260}),
    ]


def test_a_project_without_credit_has_an_empty_budget(db, make):
    budget = queries.project_budget(db, make.project())
    assert budget.years == [] and budget.total(Figure.approved) == 0 and budget.absorption is None
    assert budget.by_source() == []


@pytest.mark.parametrize(("spent", "allocated", "rate"), [
    (0, 0, None), (5, 0, None), (0, 10, 0.0), (1, 3, 33.3), (2, 3, 66.7), (3, 2, 150.0),
    (10**15, 10**15, 100.0),
])
def test_absorption_is_spent_over_allocated_in_percent(spent, allocated, rate):
    assert queries.absorption(spent, allocated) == rate

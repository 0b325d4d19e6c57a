"""Reads of the budgets area: the grid of a fiscal year, a project's budget and each line's history."""
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, col, select

from tracker.accounts import permissions
from tracker.accounts.models import User
from tracker.budgets.models import BudgetEntry, BudgetLine, Figure, FundingSource
from tracker.core.db import PERSIAN
from tracker.core.errors import NotFound
from tracker.core.paging import clamp_page, page_count
from tracker.places.models import County
from tracker.projects import queries as projects
from tracker.projects.models import Project, ProjectStatus


def sources(session: Session, include_inactive: bool = False) -> list[FundingSource]:
    """The funding sources in their set order."""
    query = select(FundingSource).order_by(col(FundingSource.position), col(FundingSource.id))
    if not include_inactive:
        query = query.where(FundingSource.active)
    return list(session.exec(query).all())


def get_source(session: Session, source_id: int) -> FundingSource | None:
    """A funding source by id."""
    return session.get(FundingSource, source_id)


def get_line(session: Session, user: User, line_id: int) -> BudgetLine:
    """A budget line of a project the user may see, else NotFound."""
    line = session.get(BudgetLine, line_id)
    if line is None:
        raise NotFound
    projects.get_project(session, user, line.project_id)
    return line


def find_line(session: Session, project_id: int, fiscal_year: int, source_id: int) -> BudgetLine | None:
    """The budget line of a project, year and source, if any credit was ever recorded on it."""
    return session.exec(
        select(BudgetLine).where(
            BudgetLine.project_id == project_id, BudgetLine.fiscal_year == fiscal_year,
            BudgetLine.source_id == source_id)
    ).first()


@dataclass
class GridFilters:
    """What the budget grid shows: one fiscal year, one figure, optionally narrowed."""

    fiscal_year: int
    figure: Figure = Figure.allocated
    county_id: int | None = None
    status: ProjectStatus | None = None
    source_id: int | None = None
    page: int = 1

    def as_args(self, **changes) -> dict:
        """The query-string arguments that reproduce this grid."""
        values = {
            "year": self.fiscal_year, "figure": self.figure.value, "county": self.county_id,
            "status": self.status.value if self.status else None, "source": self.source_id, "page": self.page,
        } | changes
        return {key: value for key, value in values.items() if value not in (None, "", 1)}


@dataclass(frozen=True)
class GridProject:
    """A row of the grid."""

    id: int
    slug: str
    name: str
    county_name: str
    is_sample: bool


@dataclass(frozen=True)
class Cell:
    """One figure of one line, with what an edit of it needs."""

    amount: int
    version: int
    over_allocated: bool


@dataclass
class GridPage:
    """A page of the grid: its projects, their cells, and the totals of every filtered project."""

    projects: list[GridProject]
    sources: list[FundingSource]
    cells: dict[tuple[int, int], Cell]
    column_totals: dict[int, int]
    total_projects: int
    page: int
    page_size: int
    pages: int = field(init=False)

    def __post_init__(self):
        self.pages = page_count(self.total_projects, self.page_size)

    def cell(self, project_id: int, source_id: int) -> Cell:
        """The cell of a project and source; an empty one where nothing was recorded."""
        return self.cells.get((project_id, source_id), Cell(0, 0, False))

    def row_total(self, project_id: int) -> int:
        """The row's sum over the sources shown."""
        return sum(self.cell(project_id, source.id).amount for source in self.sources)

    @property
    def grand_total(self) -> int:
        """The sum of every filtered project over the sources shown."""
        return sum(self.column_totals.get(source.id, 0) for source in self.sources)


def _grid_clauses(user: User, filters: GridFilters) -> list:
    clauses = permissions.scope(user, Project.province_id, Project.county_id)
    if filters.county_id:
        clauses.append(Project.county_id == filters.county_id)
    if filters.status:
        clauses.append(Project.status == filters.status)
    return clauses


def opening_figure(session: Session, user: User, fiscal_year: int, remembered: Figure | None) -> Figure:
    """The figure the grid opens on when none is asked for: approved for a year with no lines yet among the user's
    projects (any other first entry is refused: allocated may not exceed notified, which is still 0); else the one
    the user last chose (remembered), else the figure of their last change in that year, else approved."""
    lines_of_year = (select(BudgetLine.id).join(Project, col(Project.id) == BudgetLine.project_id)
                     .where(BudgetLine.fiscal_year == fiscal_year,
                            *permissions.scope(user, Project.province_id, Project.county_id)).limit(1))
    if session.exec(lines_of_year).first() is None:
        return Figure.approved
    if remembered is not None:
        return remembered
    last_change = session.exec(
        select(BudgetEntry.figure).join(BudgetLine, col(BudgetLine.id) == BudgetEntry.line_id)
        .where(BudgetLine.fiscal_year == fiscal_year, BudgetEntry.actor_id == user.id)
        .order_by(col(BudgetEntry.at).desc(), col(BudgetEntry.id).desc()).limit(1)
    ).first()
    return last_change or Figure.approved


def grid(session: Session, user: User, filters: GridFilters, page_size: int = 50) -> GridPage:
    """One page of projects by funding source, for one year and figure, in a fixed number of queries."""
    shown_sources = [s for s in sources(session) if not filters.source_id or s.id == filters.source_id]
    source_ids = [s.id for s in shown_sources]
    clauses = _grid_clauses(user, filters)
    total = session.exec(select(func.count()).select_from(Project).where(*clauses)).one()
    page = clamp_page(filters.page, total, page_size)
    rows = session.exec(
        select(Project.id, Project.slug, Project.name, County.name_fa, Project.is_sample)
        .join(County, County.id == Project.county_id)
        .where(*clauses)
        .order_by(col(County.name_fa).collate(PERSIAN), col(Project.name).collate(PERSIAN), col(Project.id))
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    grid_projects = [GridProject(*row) for row in rows]
    amount = getattr(BudgetLine, filters.figure.value)
    cells = {}
    if grid_projects:
        for project_id, source_id, value, version, spent, allocated in session.exec(
            select(BudgetLine.project_id, BudgetLine.source_id, amount, BudgetLine.version,
                   BudgetLine.spent, BudgetLine.allocated)
            .where(BudgetLine.fiscal_year == filters.fiscal_year,
                   col(BudgetLine.project_id).in_([p.id for p in grid_projects]),
                   col(BudgetLine.source_id).in_(source_ids))
        ).all():
            cells[(project_id, source_id)] = Cell(value, version, spent > allocated)
    filtered = select(Project.id).where(*clauses)
    column_totals = dict(session.exec(
        select(BudgetLine.source_id, func.sum(amount))
        .where(BudgetLine.fiscal_year == filters.fiscal_year, col(BudgetLine.project_id).in_(filtered))
        .group_by(BudgetLine.source_id)
    ).all())
    return GridPage(grid_projects, shown_sources, cells, {k: int(v or 0) for k, v in column_totals.items()},
                    total, page, page_size)


@dataclass(frozen=True)
class SourceLine:
    """A line of a project's budget with its source's name."""

    line: BudgetLine
    source: FundingSource

    @property
    def absorption(self) -> float | None:
        """Spent as a percentage of allocated; None while nothing is allocated."""
        return absorption(self.line.spent, self.line.allocated)


def absorption(spent: int, allocated: int) -> float | None:
    """Spent ÷ allocated, in percent (درصد جذب)."""
    return round(100 * spent / allocated, 1) if allocated else None


@dataclass
class YearBudget:
    """A project's lines for one fiscal year, with their totals."""

    fiscal_year: int
    lines: list[SourceLine]

    def total(self, figure: Figure) -> int:
        """The year's sum of one figure."""
        return sum(getattr(item.line, figure.value) for item in self.lines)

    @property
    def absorption(self) -> float | None:
        return absorption(self.total(Figure.spent), self.total(Figure.allocated))


@dataclass
class ProjectBudget:
    """A project's whole budget, year by year, newest first."""

    years: list[YearBudget]

    def total(self, figure: Figure) -> int:
        """The sum of one figure over every year."""
        return sum(year.total(figure) for year in self.years)

    @property
    def absorption(self) -> float | None:
        return absorption(self.total(Figure.spent), self.total(Figure.allocated))

    def by_source(self) -> list[tuple[FundingSource, dict[Figure, int]]]:
        """Each source's totals over every year, for the chart."""
        totals: dict[int, tuple[FundingSource, dict[Figure, int]]] = {}
        for year in self.years:
            for item in year.lines:
                source, sums = totals.setdefault(item.source.id, (item.source, dict.fromkeys(Figure, 0)))
                for figure in Figure:
                    sums[figure] += getattr(item.line, figure.value)
        return sorted(totals.values(), key=lambda pair: pair[0].position)


def project_budget(session: Session, project: Project) -> ProjectBudget:
    """Every budget line of a project, grouped by fiscal year."""
    years: dict[int, YearBudget] = {}
    for line, source in session.exec(
        select(BudgetLine, FundingSource)
        .join(FundingSource, FundingSource.id == BudgetLine.source_id)
        .where(BudgetLine.project_id == project.id)
        .order_by(col(BudgetLine.fiscal_year).desc(), col(FundingSource.position))
    ).all():
        years.setdefault(line.fiscal_year, YearBudget(line.fiscal_year, [])).lines.append(SourceLine(line, source))
    return ProjectBudget(list(years.values()))


def lines_of(session: Session, project_ids: list[int]) -> dict[int, list[SourceLine]]:
    """The budget lines of several projects with their sources, by project, oldest year first."""
    found: dict[int, list[SourceLine]] = {}
    for line, source in session.exec(
        select(BudgetLine, FundingSource)
        .join(FundingSource, FundingSource.id == BudgetLine.source_id)
        .where(col(BudgetLine.project_id).in_(project_ids))
        .order_by(col(BudgetLine.fiscal_year), col(FundingSource.position), col(FundingSource.id))
    ).all():
        found.setdefault(line.project_id, []).append(SourceLine(line, source))
    return found


@dataclass(frozen=True)
class HistoryRow:
    """One ledger entry with the name of who made it."""

    entry: BudgetEntry
    actor_name: str


def line_history(session: Session, line_id: int, figure: Figure | None = None) -> list[HistoryRow]:
    """The ledger of a line (optionally of one figure), newest first."""
    query = (
        select(BudgetEntry, User.full_name, User.username)
        .join(User, User.id == BudgetEntry.actor_id)
        .where(BudgetEntry.line_id == line_id)
        .order_by(col(BudgetEntry.version).desc())
    )
    if figure:
        query = query.where(BudgetEntry.figure == figure)
    return [HistoryRow(entry, full_name or username) for entry, full_name, username in session.exec(query).all()]


@dataclass(frozen=True)
class CellTotals:
    """The totals a saved cell changes: its row, its column and the grid's."""

    row: int
    column: int
    grand: int


def cell_totals(session: Session, user: User, filters: GridFilters, project_id: int, source_id: int) -> CellTotals:
    """The grid's totals around one cell, recomputed after it changed."""
    amount = getattr(BudgetLine, filters.figure.value)
    source_ids = [s.id for s in sources(session) if not filters.source_id or s.id == filters.source_id]
    in_year = [BudgetLine.fiscal_year == filters.fiscal_year, col(BudgetLine.source_id).in_(source_ids)]
    filtered = select(Project.id).where(*_grid_clauses(user, filters))
    row = session.exec(select(func.sum(amount)).where(BudgetLine.project_id == project_id, *in_year)).one()
    column, grand = session.exec(
        select(func.sum(amount).filter(BudgetLine.source_id == source_id), func.sum(amount))
        .where(col(BudgetLine.project_id).in_(filtered), *in_year)
    ).one()
    return CellTotals(int(row or 0), int(column or 0), int(grand or 0))

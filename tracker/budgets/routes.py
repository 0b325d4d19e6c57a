"""URL rules and thin views of the budgets area."""
import io
from dataclasses import replace

from flask import Blueprint, request, send_file, url_for
from flask import session as browser_session
from flask_login import current_user, login_required

from tracker.accounts import permissions
from tracker.accounts.permissions import Action
from tracker.budgets import exports, queries, services
from tracker.budgets.chart import budget_chart_svg
from tracker.budgets.forms import FIGURE_LABELS, UNIT_LABELS, CellForm, SourceForm
from tracker.budgets.models import FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR, Figure
from tracker.core import clock
from tracker.core.db import get_session
from tracker.core.errors import Conflict, NotFound
from tracker.core.htmx import form_view, int_arg, render
from tracker.core.jalali import jalali_year
from tracker.projects import queries as projects
from tracker.projects import sections
from tracker.projects.models import ProjectStatus

bp = Blueprint("budgets", __name__)


@bp.before_request
@login_required
def require_login():
    """Every page of this area needs a logged-in user."""


@bp.app_context_processor
def labels():
    """The translated names of the budget figures, for every template."""
    return {"figure_labels": FIGURE_LABELS, "unit_labels": UNIT_LABELS, "figures": list(Figure)}


# The figure this user last chose in the grid, kept in the login session (the cookie) so that the grid opens on it.
FIGURE_KEY = "budget_figure"


def _figure(year: int) -> Figure:
    """The figure asked for (and remembered for this login session), or the one the grid opens on."""
    asked = request.values.get("figure", "")
    if asked in Figure.__members__:
        browser_session[FIGURE_KEY] = asked
        return Figure(asked)
    remembered = browser_session.get(FIGURE_KEY)
    return queries.opening_figure(get_session(), current_user, year,
                                  Figure(remembered) if remembered in Figure.__members__ else None)


def _grid_filters() -> queries.GridFilters:
    """The grid's year, figure and filters from the query string (or the form an edit posts)."""
    year = int_arg("year")
    if year is None or not FIRST_FISCAL_YEAR <= year <= LAST_FISCAL_YEAR:
        year = jalali_year(clock.today())
    status = request.values.get("status", "")
    return queries.GridFilters(
        fiscal_year=year,
        figure=_figure(year),
        county_id=int_arg("county"),
        status=ProjectStatus(status) if status in ProjectStatus.__members__ else None,
        source_id=int_arg("source"),
        page=int_arg("page") or 1,
    )


@bp.get("/")
def grid():
    """The budget officer's grid: projects by funding source for one fiscal year and figure."""
    session = get_session()
    filters = _grid_filters()
    return render(
        "budgets/index.html", "budgets/_grid.html", filters=filters,
        page=queries.grid(session, current_user, filters),
        sources=queries.sources(session), counties=permissions.visible_counties(session, current_user),
        years=range(LAST_FISCAL_YEAR, FIRST_FISCAL_YEAR - 1, -1),
        may_edit=permissions.may(current_user, Action.edit_budget),
    )


def _cell_context(project_id: int, year: int, source_id: int) -> dict:
    session = get_session()
    project = projects.get_project(session, current_user, project_id)
    source = queries.get_source(session, source_id)
    if source is None:
        raise NotFound
    line = queries.find_line(session, project.id, year, source.id)
    filters = _grid_filters()
    filters.fiscal_year = year
    return {"project": project, "source": source, "line": line, "filters": filters,
            "project_id": project.id, "source_id": source.id,
            "may_edit": permissions.may(current_user, Action.edit_budget)}


def _cell_view(context: dict, status: int = 200, **extra):
    line, figure = context["line"], context["filters"].figure
    cell = queries.Cell(getattr(line, figure.value), line.version, line.spent > line.allocated) if line else \
        queries.Cell(0, 0, False)
    # refocus: after Enter or Escape the keyboard stays on the cell, so Tab goes on to the next one.
    return render("budgets/cell.html", "budgets/_cell.html", status=status, cell=cell, refocus=True, **context,
                  **extra)


@bp.get("/cells/<int:project_id>/<int:year>/<int:source_id>")
def cell(project_id: int, year: int, source_id: int):
    """One cell: its figure, or (with ?edit=1) the form that changes it."""
    context = _cell_context(project_id, year, source_id)
    if request.args.get("edit") and permissions.may(current_user, Action.edit_budget):
        line = context["line"]
        form = CellForm(formdata=None, data={"version": line.version if line else 0})
        return render("budgets/cell.html", "budgets/_cell_form.html", form=form, **context)
    return _cell_view(context)


@bp.post("/cells/<int:project_id>/<int:year>/<int:source_id>")
def save_cell(project_id: int, year: int, source_id: int):
    """Save a new figure: the cell and the totals it changes, a 422 with the reason, or a 409 conflict."""
    session = get_session()
    context = _cell_context(project_id, year, source_id)  # a project the user does not see is 404, before 403
    project = context["project"]
    permissions.require(current_user, Action.edit_budget, project.province_id, project.county_id)
    filters = context["filters"]

    def save(form):
        services.change_figure(session, actor=current_user,
                               change=form.to_change(project_id, year, source_id, filters.figure))

    def done(_saved):
        context["line"] = queries.find_line(session, project_id, year, source_id)
        return _cell_view(context, totals=queries.cell_totals(session, current_user, filters, project_id, source_id))

    def conflict(form, changed: Conflict):
        context["line"] = changed.current
        changed_by = queries.line_history(session, changed.current.id)[:1]
        # The user's own amount stays in the box: saving again replaces the figure knowingly.
        again = CellForm(formdata=None, data={"version": changed.current.version, "amount": form.amount.data,
                                              "reason": form.reason.data, "letter_number": form.letter_number.data})
        return render("budgets/cell.html", "budgets/_cell_form.html", status=409, form=again,
                      conflict=changed_by[0] if changed_by else None,
                      current=getattr(changed.current, filters.figure.value), **context)

    return form_view(CellForm(), save, "budgets/cell.html", "budgets/_cell_form.html", done=done, conflict=conflict,
                     **context)


@bp.get("/sources/")
def source_list():
    """The funding sources, retired ones included, for an administrator to edit."""
    permissions.require(current_user, Action.administer)
    return render("budgets/sources.html", sources=queries.sources(get_session(), include_inactive=True))


@bp.route("/sources/new", methods=["GET", "POST"])
@bp.route("/sources/<int:source_id>/edit", methods=["GET", "POST"])
def source_form(source_id: int | None = None):
    """Create or edit a funding source."""
    session = get_session()
    permissions.require(current_user, Action.administer)
    source = queries.get_source(session, source_id) if source_id else None
    if source_id and source is None:
        raise NotFound

    def save(form):
        services.save_source(session, actor=current_user, data=form.to_data(), source=source)
        return url_for("budgets.source_list")

    return form_view(SourceForm(obj=source), save, "budgets/source_form.html", "budgets/_source_form.html",
                     source=source)


@bp.get("/lines/<int:line_id>/history")
def history(line_id: int):
    """A line's ledger: every change of its figures, newest first."""
    session = get_session()
    line = queries.get_line(session, current_user, line_id)
    figure = request.args.get("figure", "")
    rows = queries.line_history(session, line.id, Figure(figure) if figure in Figure.__members__ else None)
    return render("budgets/history.html", "budgets/_history.html", line=line, rows=rows)


EXPORTS = {
    "csv": (exports.grid_csv, exports.project_budget_csv, exports.CSV_MIMETYPE),
    "xlsx": (exports.grid_xlsx, exports.project_budget_xlsx, exports.XLSX_MIMETYPE),
}


def _download(data: bytes, fmt: str, filename: str):
    return send_file(io.BytesIO(data), mimetype=EXPORTS[fmt][2], as_attachment=True, download_name=filename)


@bp.get("/export.<any(csv, xlsx):fmt>")
def grid_export(fmt: str):
    """The grid of every filtered project (not just one page) as a spreadsheet."""
    filters = replace(_grid_filters(), page=1)
    page = queries.grid(get_session(), current_user, filters, page_size=exports.EXPORT_PAGE_SIZE)
    return _download(EXPORTS[fmt][0](page, filters), fmt, exports.grid_filename(filters, fmt))


@bp.get("/projects/<ref>/budget.<any(csv, xlsx):fmt>")
def project_export(ref: str, fmt: str):
    """A project's budget, every year and source, as a spreadsheet."""
    session = get_session()
    project = projects.get_project(session, current_user, ref)
    data = EXPORTS[fmt][1](project.name, queries.project_budget(session, project))
    return _download(data, fmt, exports.project_budget_filename(project.slug, fmt))


def _section_context(session, _user, project) -> dict:
    """The credit of a project's page: by year and source, with its chart."""
    budget = queries.project_budget(session, project)
    return {"budget": budget, "budget_chart": budget_chart_svg(budget.by_source())}


sections.register_section(sections.Section("budget", "budgets/_project_budget.html", 30, _section_context))

"""URL rules and thin views of the milestones area: the section of the project page and its forms."""
from datetime import timedelta

from flask import Blueprint, make_response, render_template, request, url_for
from flask_login import current_user, login_required

from tracker.accounts import permissions
from tracker.accounts.permissions import Action
from tracker.core import clock
from tracker.core.db import get_session
from tracker.core.forms import field_errors
from tracker.core.htmx import form_view, is_htmx, on_its_own_page, quiet, redirect_to, render
from tracker.core.submissions import once
from tracker.milestones import queries, services
from tracker.milestones.forms import STATE_LABELS, MetForm, MilestoneForm, NewMilestoneForm, TemplateForm
from tracker.projects import queries as projects
from tracker.projects import sections

bp = Blueprint("milestones", __name__)


@bp.before_request
@login_required
def require_login():
    """Every page of this area needs a logged-in user."""


@bp.app_context_processor
def labels():
    """The names of the milestone states, for every template."""
    return {"milestone_state_labels": STATE_LABELS}


def _project_page(project) -> str:
    return url_for("projects.show", ref=project.slug) + "#milestones"


def _section(project):
    """After a save: the milestones section in place (htmx), or the project page (also for the form opened as a page
    of its own, which has no section to swap)."""
    if not is_htmx() or on_its_own_page():
        return redirect_to(_project_page(project))
    context = _section_context(get_session(), current_user, project)
    response = make_response(render("milestones/_section.html", project=project, **context).get_data())
    response.headers["HX-Retarget"] = "#milestones"
    response.headers["HX-Reswap"] = "innerHTML"
    return response


def _editable(ref: str):
    session = get_session()
    project = projects.get_project(session, current_user, ref)
    permissions.require(current_user, Action.edit, project.province_id, project.county_id)
    return session, project


def _milestone_form(session, project, obj=None) -> MilestoneForm:
    form = MilestoneForm(obj=obj) if obj is not None else NewMilestoneForm()
    form.responsible.set_choices(queries.responsible_choices(session, project))
    if obj is not None and request.method == "GET":
        data = services.milestone_data(obj)
        form.responsible.data = data.responsible.value if data.responsible else ""
        form.remind_before.data = data.remind_before
        form.remind_overdue_every.data = data.remind_overdue_every
        form.escalate_after.data = data.escalate_after
    return form


@bp.route("/<ref>/milestones/new", methods=["GET", "POST"])
def add(ref: str):
    """Add a milestone to a project."""
    session, project = _editable(ref)
    form = _milestone_form(session, project)

    def add_it() -> str:
        services.add_milestone(session, actor=current_user, project=project, data=form.to_data())
        return _project_page(project)

    def save(form):
        return once(session, token=form.submission.token, user_id=current_user.id, create=add_it)

    return form_view(form, save, "milestones/form.html", "milestones/_form.html",
                     done=lambda _saved: _section(project), project=project, milestone=None)


@bp.route("/<ref>/milestones/<int:milestone_id>/edit", methods=["GET", "POST"])
def edit(ref: str, milestone_id: int):
    """Edit a milestone in place."""
    session, project = _editable(ref)
    milestone = queries.get_milestone(session, project, milestone_id)
    form = _milestone_form(session, project, obj=milestone)

    def save(form):
        services.update_milestone(session, actor=current_user, project=project, milestone=milestone,
                                  data=form.to_data(), expected_version=form.version.data)

    return form_view(form, save, "milestones/form.html", "milestones/_form.html",
                     done=lambda _saved: _section(project), project=project, milestone=milestone)


@bp.route("/<ref>/milestones/<int:milestone_id>/met", methods=["GET", "POST"])
def met(ref: str, milestone_id: int):
    """Record the day a milestone was met."""
    session, project = _editable(ref)
    milestone = queries.get_milestone(session, project, milestone_id)
    form = MetForm(data={"met_on": milestone.met_on or clock.today(), "version": milestone.version})

    def save(form):
        services.mark_met(session, actor=current_user, project=project, milestone=milestone, met_on=form.met_on.data,
                          expected_version=form.version.data)

    return form_view(form, save, "milestones/met.html", "milestones/_met_form.html",
                     done=lambda _saved: _section(project), project=project, milestone=milestone)


@bp.post("/<ref>/milestones/<int:milestone_id>/delete")
def remove(ref: str, milestone_id: int):
    """Delete a milestone."""
    session, project = _editable(ref)
    milestone = queries.get_milestone(session, project, milestone_id)
    services.remove_milestone(session, actor=current_user, project=project, milestone=milestone)
    return _section(project)


def _template_dates(project) -> dict:
    """Suggested dates: spread evenly from the start (or today) to the target date, which the last phase takes."""
    if not project.target_date:
        return {}
    start = project.start_date or clock.today()
    count = len(services.TEMPLATE_PHASES)
    span = max((project.target_date - start).days, 0)
    return {f"due_{n}": start + timedelta(days=span * (n + 1) // count) for n in range(count)}


@bp.route("/<ref>/milestones/template", methods=["GET", "POST"])
def template(ref: str):
    """Start from the usual renovation phases, with editable titles and dates."""
    session, project = _editable(ref)
    form = TemplateForm(data=_template_dates(project))
    form.responsible.set_choices(queries.responsible_choices(session, project))

    def save(form):
        services.start_from_template(session, actor=current_user, project=project, rows=form.rows(),
                                     responsible=form.responsible.responsible())

    return form_view(form, save, "milestones/template.html", "milestones/_template_form.html",
                     done=lambda _saved: _section(project), project=project)


@bp.post("/milestones/check")
@quiet
def check_field():
    """Inline validation of one milestone field (the date against the project's start is checked on save)."""
    form = MilestoneForm()
    form.responsible.choices = []
    name, errors = field_errors(form)
    if name == "responsible":
        errors = []  # the choices depend on the project; checked on save
    return render_template("_field_errors.html", name=name, errors=errors)


def _section_context(session, _user, project) -> dict:
    """What the milestones section of a project's page shows."""
    return {"milestone_rows": queries.project_milestones(session, project.id)}


sections.register_section(sections.Section("milestones", "milestones/_section.html", 20, _section_context))

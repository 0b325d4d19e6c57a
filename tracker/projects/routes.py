"""URL rules and thin views of the projects area."""

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from tracker.accounts import permissions
from tracker.accounts.permissions import Action
from tracker.core.db import get_session
from tracker.core.forms import field_errors
from tracker.core.htmx import form_view, int_arg, is_htmx, quiet, redirect_to, render
from tracker.core.submissions import once
from tracker.places.names import place_name
from tracker.projects import forms, queries, sections, services
from tracker.projects.forms import (
    AgencyForm,
    FacilityForm,
    NewPartnerForm,
    NewProjectForm,
    PartnerForm,
    ProjectForm,
)
from tracker.projects.models import ProjectStatus

bp = Blueprint("projects", __name__)


@bp.before_request
@login_required
def require_login():
    """Every page of this area needs a logged-in user."""


@bp.app_context_processor
def labels():
    """The translated names of this area's choices, for every template."""
    return {
        "status_labels": forms.STATUS_LABELS, "strategy_labels": forms.STRATEGY_LABELS,
        "facility_kind_labels": forms.FACILITY_KIND_LABELS, "agency_kind_labels": forms.AGENCY_KIND_LABELS,
        "partner_role_labels": forms.PARTNER_ROLE_LABELS, "commitment_labels": forms.COMMITMENT_STATE_LABELS,
    }


def _filters() -> queries.ProjectFilters:
    status = request.args.get("status", "")
    return queries.ProjectFilters(
        q=request.args.get("q", "").strip(),
        province_id=int_arg("province"),
        county_id=int_arg("county"),
        status=ProjectStatus(status) if status in ProjectStatus.__members__ else None,
        agency_id=int_arg("agency"),
        page=int_arg("page") or 1,
    )


@bp.get("/")
def index():
    """The project list, with live search, filters and pages."""
    session = get_session()
    filters = _filters()
    page = queries.search_projects(session, current_user, filters, current_app.config["PAGE_SIZE"])
    return render(
        "projects/index.html", "projects/_results.html", filters=filters, page=page,
        # Only an administrator chooses among provinces; everyone else has one.
        provinces=permissions.visible_provinces(session, current_user) if current_user.is_admin else [],
        counties=permissions.visible_counties(session, current_user, filters.province_id),
        agencies=queries.agencies(session, current_user),
    )


@bp.get("/counties")
def county_options():
    """The county choices of a province, for the dependent filter."""
    counties = permissions.visible_counties(get_session(), current_user, int_arg("province"))
    return render_template("projects/_county_options.html", counties=counties, selected=None)


def _project_form(obj=None) -> ProjectForm:
    form = ProjectForm(obj=obj) if obj is not None else NewProjectForm()
    form.facility_id.choices = [
        (row.facility.id, f"{row.facility.name} — {place_name(row.county_name)}")
        for row in queries.facilities(get_session(), current_user)
    ]
    return form


def _field_check(form):
    name, errors = field_errors(form)
    return render_template("_field_errors.html", name=name, errors=errors)


@bp.route("/new", methods=["GET", "POST"])
def create():
    """Create a project."""
    permissions.require(current_user, Action.edit)

    def create_it() -> str:
        project = services.create_project(get_session(), actor=current_user, data=form.to_data())
        return url_for("projects.show", ref=project.slug)

    def save(form):
        return once(get_session(), token=form.submission.token, user_id=current_user.id, create=create_it)

    form = _project_form()
    return form_view(form, save, "projects/new.html", "projects/_form.html", project=None)


@bp.post("/check")
@quiet
def check_project_field():
    """Inline validation of one project field."""
    return _field_check(_project_form())


@bp.get("/<int:project_id>")
def short_link(project_id: int):
    """A project's short address, for emails and QR codes: on to its page under its slug (302: a slug may change)."""
    project = queries.get_project(get_session(), current_user, project_id)
    return redirect(url_for("projects.show", ref=project.slug))


@bp.get("/<ref>")
def show(ref: str):
    """A project's page: its facts, the sections other areas register, and its activity."""
    session = get_session()
    project = queries.get_project(session, current_user, ref)
    return render("projects/show.html", detail=queries.project_detail(session, project),
                  may_publish=services.may_publish(current_user, project),
                  **sections.page_context(session, current_user, project))


@bp.post("/<ref>/public")
def set_public(ref: str):
    """Put a project in the public open data, or take it out (public=1 or 0); htmx gets the control back."""
    session = get_session()
    project = queries.get_project(session, current_user, ref)
    services.set_public(session, actor=current_user, project=project, public=request.form.get("public") == "1")
    if is_htmx():
        return render_template("projects/_public.html", project=project, may_publish=True)
    return redirect_to(url_for("projects.show", ref=project.slug))


@bp.route("/<ref>/edit", methods=["GET", "POST"])
def edit(ref: str):
    """Edit a project in place (htmx) or on its own page."""
    session = get_session()
    project = queries.get_project(session, current_user, ref)
    permissions.require(current_user, Action.edit, project.province_id, project.county_id)

    def save(form):
        services.update_project(session, actor=current_user, project=project,
                                data=form.to_data(is_sample=project.is_sample), expected_version=form.version.data)
        return url_for("projects.show", ref=project.slug)

    return form_view(_project_form(obj=project), save, "projects/edit.html", "projects/_form.html",
                     project=project)


def _partner_form(obj=None) -> PartnerForm:
    form = PartnerForm(obj=obj) if obj is not None else NewPartnerForm()
    form.agency_id.choices = [(a.id, a.name) for a in queries.agencies(get_session(), current_user)]
    return form


def _partner_view(ref: str, partner_id: int | None):
    session = get_session()
    project = queries.get_project(session, current_user, ref)
    permissions.require(current_user, Action.edit, project.province_id, project.county_id)
    partner = queries.get_partner(session, project, partner_id) if partner_id else None

    back = url_for("projects.show", ref=project.slug) + "#partners"

    def add_it() -> str:
        services.add_partner(session, actor=current_user, project=project, data=form.to_data())
        return back

    def save(form):
        if partner is None:
            return once(session, token=form.submission.token, user_id=current_user.id, create=add_it)
        services.update_partner(session, actor=current_user, project=project, partner=partner,
                                data=form.to_data(), expected_version=form.version.data)
        return back

    form = _partner_form(obj=partner)
    return form_view(form, save, "projects/partner.html", "projects/_partner_form.html",
                     project=project, partner=partner)


@bp.route("/<ref>/partners/new", methods=["GET", "POST"])
def add_partner(ref: str):
    """Add a partner to a project."""
    return _partner_view(ref, None)


@bp.route("/<ref>/partners/<int:partner_id>/edit", methods=["GET", "POST"])
def edit_partner(ref: str, partner_id: int):
    """Edit a partner's role, commitment, due date or state."""
    return _partner_view(ref, partner_id)


@bp.post("/<ref>/partners/<int:partner_id>/delete")
def remove_partner(ref: str, partner_id: int):
    """Take a partner off a project."""
    session = get_session()
    project = queries.get_project(session, current_user, ref)
    partner = queries.get_partner(session, project, partner_id)
    services.remove_partner(session, actor=current_user, project=project, partner=partner)
    return redirect_to(url_for("projects.show", ref=project.slug) + "#partners")


@bp.post("/partners/check")
@quiet
def check_partner_field():
    """Inline validation of one partner field."""
    return _field_check(_partner_form())


facilities_bp = Blueprint("facilities", __name__)
facilities_bp.before_request(require_login)


def _facility_form(obj=None) -> FacilityForm:
    form = FacilityForm(obj=obj)
    form.county_id.choices = [(c.id, place_name(c)) for c in permissions.visible_counties(get_session(), current_user)]
    return form


@facilities_bp.get("/")
def facility_list():
    """The facilities in the user's scope."""
    return render("facilities/index.html", rows=queries.facilities(get_session(), current_user))


@facilities_bp.route("/new", methods=["GET", "POST"])
@facilities_bp.route("/<int:facility_id>/edit", methods=["GET", "POST"])
def facility_form(facility_id: int | None = None):
    """Create or edit a facility."""
    session = get_session()
    facility = queries.get_facility(session, current_user, facility_id) if facility_id else None
    permissions.require(current_user, Action.edit)  # after the read: a facility the user does not see is 404

    def save(form):
        if facility is None:
            services.create_facility(session, actor=current_user, data=form.to_data())
        else:
            services.update_facility(session, actor=current_user, facility=facility, data=form.to_data())
        return url_for("facilities.facility_list")

    return form_view(_facility_form(obj=facility), save, "facilities/form.html", "facilities/_form.html",
                     facility=facility)


@facilities_bp.post("/check")
@quiet
def check_facility_field():
    """Inline validation of one facility field."""
    return _field_check(_facility_form())


agencies_bp = Blueprint("agencies", __name__)
agencies_bp.before_request(require_login)


def _agency_form(obj=None) -> AgencyForm:
    form = AgencyForm(obj=obj)
    provinces = permissions.visible_provinces(get_session(), current_user)
    form.province_id.choices = [(p.id, place_name(p)) for p in provinces]
    return form


@agencies_bp.get("/")
def agency_list():
    """The agencies the user may see."""
    return render("agencies/index.html", agencies=queries.agencies(get_session(), current_user))


@agencies_bp.route("/new", methods=["GET", "POST"])
@agencies_bp.route("/<int:agency_id>/edit", methods=["GET", "POST"])
def agency_form(agency_id: int | None = None):
    """Create or edit an agency."""
    session = get_session()
    agency = queries.get_agency(session, current_user, agency_id) if agency_id else None
    permissions.require(current_user, Action.edit)  # after the read: an agency the user does not see is 404

    def save(form):
        if agency is None:
            services.create_agency(session, actor=current_user, data=form.to_data())
        else:
            services.update_agency(session, actor=current_user, agency=agency, data=form.to_data())
        return url_for("agencies.agency_list")

    return form_view(_agency_form(obj=agency), save, "agencies/form.html", "agencies/_form.html", agency=agency)


@agencies_bp.post("/check")
@quiet
def check_agency_field():
    """Inline validation of one agency field."""
    return _field_check(_agency_form())


sections.register_section(sections.Section("partners", "projects/_partners.html", 40, lambda *_: {}))

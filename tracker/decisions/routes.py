"""URL rules and thin views of the decisions area: the province-wide list and a decision's state, changed in place."""
import uuid

from flask import Blueprint, current_app, request, url_for
from flask_login import current_user, login_required

from tracker.accounts import permissions
from tracker.accounts.permissions import Action
from tracker.core.db import get_session
from tracker.core.htmx import form_view, int_arg, is_htmx, is_post, redirect_to, render
from tracker.decisions import queries, services
from tracker.decisions.forms import DECISION_STATE_LABELS, DecisionStateForm
from tracker.decisions.models import DecisionState
from tracker.projects import queries as projects

bp = Blueprint("decisions", __name__)


@bp.before_request
@login_required
def require_login():
    """Every page of this area needs a logged-in user."""


@bp.app_context_processor
def labels():
    """The translated names of decision states, for every template."""
    return {"decision_state_labels": DECISION_STATE_LABELS}



def _decision_filters() -> queries.DecisionFilters:
    state = request.args.get("state", "")
    return queries.DecisionFilters(
        province_id=int_arg("province") if current_user.is_admin else None,
        owner=request.args.get("owner", "").strip(),
        project_id=int_arg("project"),
        overdue=request.args.get("overdue") == "1",
        state=None if state == "all" else DecisionState(state) if state in DecisionState.__members__
        else DecisionState.open,
        page=int_arg("page") or 1,
    )


@bp.get("/")
def decision_list():
    """All decisions across the user's province, open ones by default, with filters and pages."""
    session = get_session()
    filters = _decision_filters()
    page = queries.search_decisions(session, current_user, filters, current_app.config["PAGE_SIZE"])
    province_id = filters.province_id or current_user.province_id
    owners = projects.people(session, province_id).owner_choices() if province_id else []
    return render(
        "decisions/index.html", "decisions/_results.html", filters=filters, page=page, owners=owners,
        provinces=permissions.visible_provinces(session, current_user) if current_user.is_admin else [],
        project_choices=queries.decision_projects(session, current_user, filters.province_id),
        may_write=permissions.may(current_user, Action.edit),
    )


@bp.get("/<uuid:decision_id>")
def show_decision(decision_id: uuid.UUID):
    """One decision as a row of the list (what the state form's cancel puts back)."""
    session = get_session()
    decision = queries.get_decision(session, current_user, decision_id)
    return render("decisions/show.html", "decisions/_row.html", row=queries.decision_row(session, decision),
                  may_write=permissions.may(current_user, Action.edit))


@bp.route("/<uuid:decision_id>/state", methods=["GET", "POST"])
def decision_state(decision_id: uuid.UUID):
    """Change a decision's state in place: the row turns into a small form, then back into the row."""
    session = get_session()
    decision = queries.get_decision(session, current_user, decision_id)
    permissions.require(current_user, Action.edit, decision.province_id, decision.county_id)
    form = DecisionStateForm() if is_post() else DecisionStateForm(formdata=None, data={"version": decision.version})

    def save(form):
        services.set_decision_state(session, actor=current_user, decision=decision, state=form.state.data,
                                    note=form.note.data or "", expected_version=form.version.data)

    def done(_saved):
        if not is_htmx():
            return redirect_to(url_for("decisions.decision_list"))
        return render("decisions/show.html", "decisions/_row.html", row=queries.decision_row(session, decision),
                      may_write=True)

    return form_view(form, save, "decisions/state.html", "decisions/_state_form.html", done=done,
                     row=queries.decision_row(session, decision))

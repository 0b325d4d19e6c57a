"""The read-only JSON API: a token (or the browser's login) decides who reads, the areas' queries decide what."""
from typing import TypeVar

from flask import Blueprint, Response, current_app, g, jsonify, request
from flask_login import current_user
from pydantic import BaseModel, ValidationError

from tracker.accounts import queries as accounts
from tracker.accounts import services as account_services
from tracker.accounts.models import User
from tracker.api import answers, openapi, schemas
from tracker.api.openapi import operation
from tracker.budgets import queries as budgets
from tracker.core.db import get_session
from tracker.core.errors import InvalidInput
from tracker.core.htmx import json_errors
from tracker.core.i18n import gettext as _
from tracker.decisions import queries as decisions
from tracker.milestones import queries as milestones
from tracker.projects import queries as projects
from tracker.visits import photos as photo_files
from tracker.visits import queries as visits
from tracker.visits.services import PhotoStorage

bp = Blueprint("api", __name__)


def _refuse(message: str) -> Response:
    response = json_errors({"request": message}, 401)
    response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@bp.before_request
def authenticate() -> Response | None:
    """Who reads: the token's user (only here: a token opens no page and logs no browser in), else the browser's
    login; a request with neither, or with an unknown or revoked token, is refused."""
    if request.endpoint == "api.openapi_document":
        return None
    header = request.headers.get("Authorization")
    if header is None:
        if current_user.is_authenticated:
            g.api_user = current_user._get_current_object()
            return None
        return _refuse(_("Send an API token in the Authorization header: Bearer, a space, then the token."))
    scheme, _space, secret = header.partition(" ")
    found = accounts.live_token(get_session(), account_services.login_secret_hash(secret.strip())) \
        if scheme.lower() == "bearer" and secret.strip() else None
    if found is None:
        return _refuse(_("This API token is not valid or has been revoked."))
    token, g.api_user = found
    if account_services.token_stale(token):
        # Its own short transaction, so that a read stays a read; once a minute at most.
        with current_app.extensions["session_factory"]() as own:
            account_services.touch_token(own, token.id)
            own.commit()
    return None


@bp.errorhandler(InvalidInput)
def _invalid(refusal: InvalidInput) -> Response:
    return json_errors(refusal.errors, 422)


def _user() -> User:
    return g.api_user


Q = TypeVar("Q", bound=BaseModel)


def _query(model: type[Q]) -> Q:
    """The query string read into its model; a value it refuses is a 422 naming the parameter."""
    try:
        return model.model_validate(request.args.to_dict())
    except ValidationError as error:
        raise InvalidInput({str(problem["loc"][0]): _("This value is not valid for this parameter.")
                            for problem in error.errors()}) from error


def _answer(model: BaseModel) -> Response:
    return current_app.response_class(model.model_dump_json(), mimetype="application/json")


@bp.get("/openapi.json")
def openapi_document() -> Response:
    """The OpenAPI 3.1 document of this API."""
    return jsonify(openapi.document(current_app, bp.name))


@bp.get("/projects")
@operation("Projects the user sees, filtered and paged", schemas.ProjectList, schemas.ProjectQuery)
def project_list() -> Response:
    query = _query(schemas.ProjectQuery)
    filters = projects.ProjectFilters(q=query.q, province_id=query.province, county_id=query.county,
                                      status=query.status, page=query.page)
    return _answer(answers.project_list(projects.search_projects(get_session(), _user(), filters, query.per_page)))


@bp.get("/projects/<ref>")
@operation("A project, by id or slug", schemas.ProjectDetail)
def project(ref: str) -> Response:
    session = get_session()
    return _answer(answers.project_detail(projects.project_detail(session, projects.get_project(session, _user(), ref),
                                                                  activity_limit=0)))


@bp.get("/projects/<ref>/budget")
@operation("A project's budget lines with their current figures", schemas.ProjectBudget)
def project_budget(ref: str) -> Response:
    session = get_session()
    found = projects.get_project(session, _user(), ref)
    return _answer(answers.project_budget(found, budgets.project_budget(session, found)))


@bp.get("/budget-lines/<int:line_id>/entries")
@operation("The ledger of a budget line", schemas.Ledger)
def ledger(line_id: int) -> Response:
    session = get_session()
    line = budgets.get_line(session, _user(), line_id)
    return _answer(answers.ledger(line.id, budgets.line_history(session, line.id)))


@bp.get("/projects/<ref>/visits")
@operation("A project's site visits", schemas.VisitList)
def project_visits(ref: str) -> Response:
    session = get_session()
    found = projects.get_project(session, _user(), ref)
    return _answer(answers.visit_list(found, visits.project_visits(session, found)))


@bp.get("/visits/<uuid:visit_id>")
@operation("A site visit: facts, who came, photos (never originals), decisions", schemas.VisitDetail)
def visit(visit_id) -> Response:
    session = get_session()
    return _answer(answers.visit_detail(visits.visit_detail(session, visits.get_visit(session, _user(), visit_id))))


@bp.get("/photos/<uuid:photo_id>/<any(display, thumb):variant>")
@operation("A photo's display copy or thumbnail (JPEG); never the original", media="image/jpeg")
def photo(photo_id, variant: str) -> Response:
    found = visits.get_photo(get_session(), _user(), photo_id)
    return photo_files.send_photo(PhotoStorage.from_config(current_app.config).files, found, variant)


@bp.get("/projects/<ref>/milestones")
@operation("A project's milestones", schemas.MilestoneList)
def project_milestones(ref: str) -> Response:
    session = get_session()
    found = projects.get_project(session, _user(), ref)
    return _answer(answers.milestone_list(found, milestones.project_milestones(session, found.id)))


@bp.get("/decisions")
@operation("Decisions the user sees, filtered and paged", schemas.DecisionList, schemas.DecisionQuery)
def decision_list() -> Response:
    query = _query(schemas.DecisionQuery)
    filters = decisions.DecisionFilters(province_id=query.province, project_id=query.project, state=query.state,
                                        overdue=query.overdue, page=query.page)
    return _answer(answers.decision_list(decisions.search_decisions(get_session(), _user(), filters, query.per_page)))


@bp.get("/decisions/<uuid:decision_id>")
@operation("A decision", schemas.Decision)
def decision(decision_id) -> Response:
    session = get_session()
    return _answer(answers.decision(decisions.decision_row(session,
                                                           decisions.get_decision(session, _user(), decision_id))))

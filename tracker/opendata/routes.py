"""URL rules of the open data: OC4IDS packages for logged-in users (what they see) and for the public (the projects
marked public). A refusal is JSON for a client that asks for JSON, the Persian error page for a browser."""
from flask import Blueprint, Response, current_app, make_response, render_template, request, url_for
from flask_babel import force_locale
from flask_login import current_user, login_required

from tracker.core.db import get_session
from tracker.core.htmx import json_errors, wants_json
from tracker.core.i18n import gettext as _
from tracker.opendata import queries

bp = Blueprint("opendata", __name__)


def _package(endpoint: str, user, province_ref: str | None) -> Response:
    """The package as JSON (an attachment named after it when the page's download link asks); a 404 for a province
    the reader does not see, and for a package that would hold no project (a package holds at least one)."""
    session = get_session()
    province = queries.get_province(session, user, province_ref) if province_ref is not None else None
    base = current_app.config["BASE_URL"].rstrip("/")
    path = url_for(endpoint, province=province.code) if province else url_for(endpoint)
    # The published data is in Persian whatever the reader's interface language, like the briefs.
    with force_locale("fa"):
        package = queries.build_package(
            session, user=user, province=province, uri=base + path,
            settings=queries.PackageSettings.from_config(current_app.config),
            document_url=lambda brief: base + url_for("briefs.download", brief_id=brief.id))
    if package is None:
        message = _("No project is published here yet.")
        if wants_json():
            return json_errors({"request": message}, 404)
        return make_response(render_template("error.html", status=404, message=message), 404)
    response = Response(package.to_json().encode(), mimetype="application/json")
    if request.args.get("download") == "1":
        name = f"oc4ids-{province.code if province else 'all'}.json"
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/opendata/oc4ids.json")
@login_required
def package():
    """Every project the user sees, as one OC4IDS package."""
    return _package("opendata.package", current_user, None)


@bp.get("/opendata/oc4ids/<province>.json")
@login_required
def province_package(province: str):
    """The projects the user sees in a province (by code or id), as one OC4IDS package."""
    return _package("opendata.province_package", current_user, province)


@bp.get("/public/oc4ids.json")
def public_package():
    """The projects marked public, for anyone: no briefs and no person's name."""
    return _package("opendata.public_package", None, None)


@bp.get("/public/oc4ids/<province>.json")
def public_province_package(province: str):
    """The projects of a province marked public, for anyone."""
    return _package("opendata.public_province_package", None, province)

"""The app: create_app wires settings, extensions, blueprints, commands, error pages, filters and /healthz."""
from pathlib import Path

from flask import Flask, current_app, jsonify, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import text
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.middleware.proxy_fix import ProxyFix

from tracker.accounts import permissions
from tracker.accounts.cli import users_cli
from tracker.accounts.permissions import Action
from tracker.accounts.routes import bp as accounts_bp
from tracker.api.routes import bp as api_bp
from tracker.briefs.cli import brief_cli
from tracker.briefs.routes import bp as briefs_bp
from tracker.budgets.routes import bp as budgets_bp
from tracker.core import assets, db, i18n, logs, shell
from tracker.core.backup import backup_command, restore_command
from tracker.core.cli import db_cli
from tracker.core.config import PROJECT_ROOT, load_settings
from tracker.core.db import get_session, reset_session
from tracker.core.errors import Forbidden, NotFound
from tracker.core.htmx import announce_save, json_errors, wants_json
from tracker.core.i18n import current_language
from tracker.core.i18n import gettext as _
from tracker.core.i18n import lazy_gettext as _l
from tracker.core.input import refuse_nul_bytes
from tracker.core.numbers import IdConverter
from tracker.core.persian import format_number
from tracker.core.security import csrf, limiter, login_manager, security_headers
from tracker.decisions.routes import bp as decisions_bp
from tracker.demo import data as demo_data
from tracker.demo.cli import demo_cli
from tracker.imports.routes import bp as imports_bp
from tracker.meetings.routes import bp as meetings_bp
from tracker.milestones.routes import bp as milestones_bp
from tracker.opendata.routes import bp as opendata_bp
from tracker.places.names import place_name
from tracker.projects.routes import agencies_bp, facilities_bp
from tracker.projects.routes import bp as projects_bp
from tracker.reminders.cli import reminders_cli, scheduler
from tracker.reminders.routes import bp as reminders_bp
from tracker.reminders.routes import calendar_bp
from tracker.reminders.services import queue_email
from tracker.visits.photos import MB, request_limit_bytes
from tracker.visits.routes import bp as visits_bp

# What each HTTP error says; the messages of 413, 429 and an expired form (a 400) are their own handlers'.
ERROR_MESSAGES = {
    400: _l("The request could not be understood. Go back and try again."),
    403: _l("You may not do this."),
    404: _l("This page does not exist."),
    405: _l("This address does not take this kind of request."),
    500: _l("Something went wrong on our side and it was recorded. Try again in a moment."),
}


def _error_page(status: int, message: str):
    """The error in the layout, or only its fragment for htmx, or JSON for the outbox; never Werkzeug's English page."""
    if wants_json():
        return json_errors({"request": message}, status)
    template = "_error.html" if request.headers.get("HX-Request") == "true" else "error.html"
    response = make_response(render_template(template, status=status, message=message), status)
    response.vary.add("HX-Request")
    return response


def _http_error(error: HTTPException):
    """Any HTTP error (a bad request, a missing page, a wrong method...) as a Persian page, keeping its headers."""
    if error.code is None or error.code < 400:
        return error
    response = _error_page(error.code, str(ERROR_MESSAGES.get(error.code, ERROR_MESSAGES[400])))
    # 405 says which methods the address takes (Allow); the page replaces only Werkzeug's body.
    response.headers.extend((name, value) for name, value in error.get_headers() if name != "Content-Type")
    return response


def _server_error(_error: InternalServerError):
    """An unhandled exception, which Flask has logged with its traceback: the Persian 500 page, no stack trace."""
    reset_session()  # the failed statement's transaction would fail the layout's own reads too
    try:
        return _error_page(500, str(ERROR_MESSAGES[500]))
    except Exception:  # noqa: BLE001 - the layout itself failed: still no traceback, still Persian
        current_app.logger.exception("the error page could not be rendered")
        return make_response(render_template("_error.html", status=500, message=ERROR_MESSAGES[500]), 500)


def _too_large(_error):
    """413: the request was over MAX_CONTENT_LENGTH; say both limits in the user's digits."""
    language = current_language()
    message = _("The upload is too large: at most %(total)s MB at once, each photo up to %(each)s MB. "
                "Send fewer or smaller photos at a time.",
                total=format_number(current_app.config["MAX_CONTENT_LENGTH"] // MB, language),
                each=format_number(current_app.config["MAX_PHOTO_MB"], language))
    return _error_page(413, message)


def healthz():
    """Whether the app and its database answer."""
    try:
        get_session().execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means "down"
        return jsonify(status="error", database="down"), 503
    return jsonify(status="ok", database="ok")


def create_app(config: dict | None = None) -> Flask:
    """Build the web application; `config` overrides settings read from the environment."""
    app = Flask(
        "tracker",
        instance_path=str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    app.config.update(load_settings(Path(app.instance_path)))
    app.config.update(config or {})
    db.init_app(app)
    i18n.init_app(app)
    app.jinja_env.filters["place"] = place_name
    _wire(app)
    return app


def _wire(app: Flask) -> None:
    """Register extensions, blueprints, error handlers and commands."""
    logs.init_app(app)  # first, so that every later hook logs with the request's id

    # A request may carry several photos, each checked against MAX_PHOTO_MB by the visit form.
    if app.config.get("MAX_CONTENT_LENGTH") is None:
        app.config["MAX_CONTENT_LENGTH"] = request_limit_bytes(app.config["MAX_PHOTO_MB"])
    if proxies := app.config["PROXY_COUNT"]:
        # Only the proxies we run may say who the client is; the rate limits then count real addresses.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    # Areas above accounts hand it what it shows and sends: the demo's logins, the outbox for reset links.
    app.extensions["demo_logins"] = demo_data.LOGINS
    app.extensions["queue_email"] = queue_email
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None
    app.after_request(security_headers)
    assets.init_app(app)  # fingerprinted, minified and compressed static files
    app.after_request(announce_save)

    app.url_map.converters["int"] = IdConverter  # before the blueprints: their rules read it when registered
    app.before_request(refuse_nul_bytes)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(projects_bp, url_prefix="/projects")
    app.register_blueprint(facilities_bp, url_prefix="/facilities")
    app.register_blueprint(agencies_bp, url_prefix="/agencies")
    app.register_blueprint(budgets_bp, url_prefix="/budgets")
    app.register_blueprint(briefs_bp, url_prefix="/briefs")
    app.register_blueprint(milestones_bp, url_prefix="/projects")
    app.register_blueprint(reminders_bp)
    app.register_blueprint(calendar_bp)
    app.register_blueprint(visits_bp, url_prefix="/visits")
    app.register_blueprint(decisions_bp, url_prefix="/decisions")
    app.register_blueprint(meetings_bp, url_prefix="/meetings")
    app.register_blueprint(opendata_bp)
    app.register_blueprint(api_bp, url_prefix="/api")
    app.register_blueprint(imports_bp, url_prefix="/imports")
    shell.init_app(app)  # the manifest, the service worker and the offline page
    app.add_url_rule("/healthz", "healthz", healthz)
    app.add_url_rule("/", "home", lambda: redirect(url_for("projects.index")))
    for group in (db_cli, demo_cli, users_cli, brief_cli, reminders_cli, scheduler, backup_command, restore_command):
        app.cli.add_command(group)

    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(InternalServerError, _server_error)
    app.register_error_handler(NotFound, lambda _e: _error_page(404, str(ERROR_MESSAGES[404])))
    app.register_error_handler(Forbidden, lambda _e: _error_page(403, str(ERROR_MESSAGES[403])))
    app.register_error_handler(
        CSRFError, lambda _e: _error_page(400, _("The form has expired. Reload the page and try again."))
    )
    app.register_error_handler(413, _too_large)
    app.register_error_handler(
        429, lambda _e: _error_page(429, _("Too many attempts. Wait a minute and try again."))
    )

    @app.context_processor
    def inject_user():
        return {"user": current_user}

    @app.template_global()
    def may(action: str, province_id: int | None = None, county_id: int | None = None) -> bool:
        """Whether the logged-in user may do this (to a record of that place): the guard, asked by a page."""
        return permissions.may(current_user, Action(action), province_id, county_id)


def metadata():
    """The metadata of every table, with each area's models imported."""
    from sqlmodel import SQLModel

    import tracker.accounts.models  # noqa: F401
    import tracker.briefs.models  # noqa: F401
    import tracker.budgets.models  # noqa: F401
    import tracker.core.audit  # noqa: F401
    import tracker.core.submissions  # noqa: F401
    import tracker.deadlines.models  # noqa: F401
    import tracker.decisions.models  # noqa: F401
    import tracker.imports.models  # noqa: F401
    import tracker.meetings.models  # noqa: F401
    import tracker.milestones.models  # noqa: F401
    import tracker.places.models  # noqa: F401
    import tracker.projects.models  # noqa: F401
    import tracker.reminders.models  # noqa: F401
    import tracker.visits.models  # noqa: F401

    return SQLModel.metadata

"""Logging in and out, and choosing the UI language."""
from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_user, logout_user

from tracker.accounts import services
from tracker.accounts.forms import LoginForm
from tracker.core.db import get_session
from tracker.core.security import limiter

bp = Blueprint("accounts", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site paths may be a post-login destination."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("projects.index")


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    """The login page."""
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(get_session(), form.username.data, form.password.data)
        if user is not None:
            session.clear()
            login_user(user)
            return redirect(_safe_next(request.args.get("next")), code=303)
        form.form_errors.append(_("The username or password is wrong."))
    status = 422 if form.errors else 200
    return render_template("accounts/login.html", form=form), status


@bp.post("/logout")
def logout():
    """End the session."""
    language = session.get("lang")
    logout_user()
    session.clear()
    if language:
        session["lang"] = language
    return redirect(url_for("accounts.login"), code=303)


@bp.post("/language/<code>")
def set_language(code: str):
    """Switch the UI language for this browser."""
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    return redirect(_safe_next(request.form.get("next")), code=303)

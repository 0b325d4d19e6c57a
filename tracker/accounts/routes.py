"""Logging in and out, and choosing the UI language."""
from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from tracker.accounts import queries, services
from tracker.accounts.forms import ROLE_LABELS, LoginForm, NewPasswordForm, UserForm
from tracker.core.db import get_session
from tracker.core.htmx import form_view, render
from tracker.core.i18n import gettext as _
from tracker.core.security import limiter
from tracker.demo import data as demo_data
from tracker.projects import queries as places

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
    demo_users = demo_data.USERS if current_app.config["DEMO"] else []
    return render_template("accounts/login.html", form=form, demo_users=demo_users,
                           demo_password=demo_data.DEMO_PASSWORD, role_labels=ROLE_LABELS), status


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


@bp.get("/users/")
@login_required
def user_list():
    """The users, for an administrator."""
    return render("accounts/users.html", users=queries.list_users(get_session(), current_user),
                  role_labels=ROLE_LABELS)


@bp.route("/users/new", methods=["GET", "POST"])
@login_required
def create_user():
    """An administrator creates a user."""
    session_ = get_session()
    queries.list_users(session_, current_user)  # refuses anyone but an administrator
    form = UserForm()
    form.province.choices = [(p.name_en, p.name_fa) for p in places.provinces(session_, current_user)]

    def save(form):
        services.create_user(
            session_, username=form.username.data, password=form.password.data, role=form.role.data,
            province=form.province.data, county=form.county.data or None, full_name=form.full_name.data or "",
            email=form.email.data or "", actor_id=current_user.id)
        return url_for("accounts.user_list")

    return form_view(form, save, "accounts/user_form.html", "accounts/_user_form.html", target=None)


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
@login_required
def set_password(user_id: int):
    """An administrator sets a new password for a user."""
    session_ = get_session()
    target = queries.get_user_for_admin(session_, current_user, user_id)

    def save(form):
        services.set_password(session_, user=target, password=form.password.data, actor_id=current_user.id)
        return url_for("accounts.user_list")

    return form_view(NewPasswordForm(), save, "accounts/user_form.html", "accounts/_user_form.html", target=target)

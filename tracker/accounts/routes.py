"""Logging in and out, resetting a password, choosing the UI language; users for an administrator."""
import smtplib
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from tracker.accounts import permissions, queries, services
from tracker.accounts.forms import (
    ROLE_LABELS,
    ForgotPasswordForm,
    LoginForm,
    NewPasswordForm,
    ResetPasswordForm,
    UserForm,
)
from tracker.core.db import get_session
from tracker.core.htmx import form_view, render
from tracker.core.i18n import gettext as _
from tracker.core.mail import MailSettings
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
    # The demo area (above this one) hands the app its users and password to list here, in demo mode only.
    demo = current_app.extensions.get("demo_logins") if current_app.config["DEMO"] else None
    return render_template("accounts/login.html", form=form, demo_users=demo.users if demo else [],
                           demo_password=demo.password if demo else "", role_labels=ROLE_LABELS,
                           reset_by_email=bool(current_app.config["SMTP_HOST"])), status


def _require_email() -> None:
    # Reset links exist only where email does: without an SMTP server an administrator sets passwords.
    if not current_app.config["SMTP_HOST"]:
        abort(404)


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def forgot_password():
    """Ask for a link to set a new password, sent to the account's email address."""
    _require_email()
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        try:
            services.send_reset_link(get_session(), login=form.login.data,
                                     mail=MailSettings.from_config(current_app.config),
                                     secret_key=current_app.config["SECRET_KEY"])
        except (OSError, smtplib.SMTPException):
            current_app.logger.exception("the password reset email could not be sent")
            form.form_errors.append(_("The email could not be sent just now. Try again later."))
        else:
            return render_template("accounts/forgot_password.html", form=form, sent=True)
    return render_template("accounts/forgot_password.html", form=form, sent=False), 422 if form.errors else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def reset_password(token: str):
    """Choose a new password through a reset link; the link works once, for an hour."""
    _require_email()
    session_ = get_session()
    target = services.user_for_reset_token(session_, token, current_app.config["SECRET_KEY"])
    if target is None:
        return render_template("accounts/reset_password.html", form=None), 410
    form = ResetPasswordForm()

    def save(form):
        services.set_password(session_, user=target, password=form.password.data, actor_id=target.id)
        return url_for("accounts.login", reset="done")

    return form_view(form, save, "accounts/reset_password.html", "accounts/reset_password.html")


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
    form.province.choices = [(p.name_en, p.name_fa) for p in permissions.visible_provinces(session_, current_user)]

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

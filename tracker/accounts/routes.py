"""Logging in and out, login sessions, resetting a password, choosing the UI language; users for an administrator."""
from datetime import timedelta
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, g, jsonify, redirect, render_template, request, session, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_url, login_user, logout_user
from flask_wtf.csrf import generate_csrf

from tracker.accounts import permissions, queries, services
from tracker.accounts.forms import (
    ROLE_LABELS,
    ForgotPasswordForm,
    LoginForm,
    NewPasswordForm,
    ResetPasswordForm,
    TokenForm,
    UserForm,
)
from tracker.accounts.models import User
from tracker.core import clock
from tracker.core.db import get_session, write_after_response
from tracker.core.htmx import form_view, is_htmx, quiet, redirect_to, render
from tracker.core.i18n import gettext as _
from tracker.core.mail import MailSettings
from tracker.core.security import limiter, login_manager
from tracker.places.names import place_name

bp = Blueprint("accounts", __name__)
# The cookie's key for the login session's secret; Flask-Login keeps the user's id beside it.
LOGIN_KEY = "login"
# How stale a login session's last use may get before a request notes it: one write a minute, not one a request.
TOUCH_AFTER = timedelta(minutes=1)


def _idle() -> timedelta:
    return timedelta(hours=current_app.config["SESSION_IDLE_HOURS"])


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The user of this browser's open login session; None once it ended, sat idle too long, or is someone else's."""
    secret = session.get(LOGIN_KEY)
    if not isinstance(secret, str):
        return None
    found = queries.current_login(get_session(), services.login_secret_hash(secret))
    if found is None or str(found[1].id) != user_id:
        return None
    login_session, user = found
    unused = clock.now() - clock.utc(login_session.last_seen_at)
    if unused > TOUCH_AFTER:
        # Its own short transaction, so a page that only reads never turns its transaction into a write.
        with current_app.extensions["session_factory"]() as own:
            (services.end_idle_login if unused > _idle() else services.touch_login)(own, login_session.id)
            own.commit()
        if unused > _idle():
            return None
    g.login_session = login_session
    return user


@login_manager.unauthorized_handler
def unauthorized():
    """To the login page and back; an htmx request (a login ended while the page was open) moves the whole window
    there, rather than following the redirect and swapping the login form into a cell of the page."""
    if not is_htmx():
        return redirect(login_url("accounts.login", request.url))
    page = urlsplit(request.headers.get("HX-Current-URL", ""))
    back = page.path + (f"?{page.query}" if page.query else "") if page.path else request.path
    return "", 401, {"HX-Redirect": login_url("accounts.login", back)}


def _safe_next(target: str | None) -> str:
    """Only same-site paths may be a post-login destination."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("projects.index")


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _account_key() -> str:
    return "account:" + request.form.get("username", "").strip().lower()


def _refused(response) -> bool:
    return response.status_code == 422


@bp.route("/login", methods=["GET", "POST"])
# Failed logins count against the address and against the account; a successful one costs nothing, so a whole
# directorate behind one address is not locked out by its own colleagues.
@limiter.limit(_login_limit, methods=["POST"], key_func=get_remote_address, deduct_when=_refused)
@limiter.limit(_login_limit, methods=["POST"], key_func=_account_key, deduct_when=_refused)
@quiet
def login():
    """The login page."""
    form = LoginForm()
    if form.validate_on_submit():
        session_ = get_session()
        user = services.authenticate(session_, form.username.data, form.password.data)
        if user is not None:
            language = session.get("lang")
            session.clear()
            if language:
                session["lang"] = language
            session[LOGIN_KEY] = services.start_login(
                session_, user=user, user_agent=request.user_agent.string, address=request.remote_addr or "")
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
@quiet
def forgot_password():
    """Ask for a link to set a new password, sent to the account's email address."""
    _require_email()
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        mail = MailSettings.from_config(current_app.config)
        found = services.reset_email(get_session(), login=form.login.data, mail=mail,
                                     secret_key=current_app.config["SECRET_KEY"])
        if found is not None:
            # Queued once the answer is out: the outbox belongs to an area above this one, handed over by the app.
            queue, message_id = current_app.extensions["queue_email"], services.reset_message_id(mail)
            write_after_response(lambda session_: queue(session_, *found, message_id))
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
@quiet
def logout():
    """End this device's login session for good: a copy of its cookie no longer opens anything."""
    language = session.get("lang")
    if isinstance(secret := session.get(LOGIN_KEY), str):
        services.end_login(get_session(), secret=secret)
    logout_user()
    session.clear()
    if language:
        session["lang"] = language
    response = redirect(url_for("accounts.login"), code=303)
    # The tablet forgets the user's kept pages (and, later, the offline outbox: it asks before logout). Not
    # "cookies": the session ended on the server, and the cookie keeps the chosen language for the login page.
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


@bp.get("/account/form-token")
def form_token():
    """A fresh CSRF token and who is logged in: the tablet's outbox asks before it sends what it kept, perhaps for
    hours offline, since the token in a kept page may have expired and the login may have ended."""
    user = str(current_user.id) if current_user.is_authenticated else None
    response = jsonify(token=generate_csrf(), user=user)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/account/sessions")
@login_required
def login_sessions():
    """The user's open login sessions, each with when it ends if left unused."""
    idle, hours = _idle(), current_app.config["SESSION_IDLE_HOURS"]
    return render("accounts/sessions.html", logins=queries.open_logins(get_session(), current_user, idle),
                  current_id=g.login_session.id, idle=idle, idle_hours=int(hours) if hours == int(hours) else hours)


@bp.post("/account/sessions/<int:login_id>/end")
@login_required
def end_login_session(login_id: int):
    """End one of the user's other login sessions, say on a tablet left behind."""
    services.end_own_login(get_session(), user=current_user, login_id=login_id)
    return redirect_to(url_for("accounts.login_sessions"))


@bp.post("/account/sessions/end-others")
@login_required
def end_other_login_sessions():
    """End every login session of the user but this one."""
    services.end_other_logins(get_session(), user=current_user, current_id=g.login_session.id)
    return redirect_to(url_for("accounts.login_sessions"))


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def api_tokens():
    """The user's API tokens; a new one's secret is shown once, in this answer only."""
    session_ = get_session()
    created = {}

    def save(form):
        created["token"], created["secret"] = services.create_token(session_, user=current_user, name=form.name.data)

    def done(_saved):
        # The page itself, not a redirect: the secret is never kept in a URL, a history entry or a cache.
        response = render("accounts/tokens.html", form=TokenForm(formdata=None),
                          tokens=queries.tokens_of(session_, current_user), **created)
        response.headers["Cache-Control"] = "no-store"
        return response

    return form_view(TokenForm(), save, "accounts/tokens.html", done=done,
                     tokens=queries.tokens_of(session_, current_user))


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_api_token(token_id: int):
    """Revoke one of the user's tokens (an administrator: anyone's); requests with it are refused from now on."""
    services.revoke_token(get_session(), actor=current_user, token_id=token_id)
    return redirect_to(url_for("accounts.api_tokens"))


@bp.post("/language/<code>")
@quiet
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
    form.province.choices = [(p.name_en, place_name(p)) for p in permissions.visible_provinces(session_, current_user)]

    def save(form):
        services.create_user(
            session_, username=form.username.data, password=form.password.data, role=form.role.data,
            province=form.province.data, county=form.county.data or None, full_name=form.full_name.data or "",
            email=form.email.data or "", post=form.post.data or "", actor_id=current_user.id)
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

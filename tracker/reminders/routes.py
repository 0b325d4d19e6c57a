"""URL rules and thin views of the reminders area: notices, the deadlines dashboard, settings, the outbox,
each user's notification choices and calendar feed."""
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, redirect, request, url_for
from flask_login import current_user, login_required

from tracker.accounts import permissions
from tracker.accounts import services as account_services
from tracker.accounts.forms import PostForm
from tracker.accounts.permissions import Action
from tracker.core import clock
from tracker.core.db import get_session
from tracker.core.htmx import form_view, quiet, redirect_to, render
from tracker.core.i18n import gettext as _
from tracker.core.mail import MailSettings
from tracker.deadlines import queries as deadline_queries
from tracker.deadlines import services as deadlines
from tracker.deadlines.forms import KIND_LABELS, WEEKDAY_LABELS, HolidayForm, SettingsForm
from tracker.reminders import ical, queries, services
from tracker.reminders.labels import DELIVERY_STATE_LABELS
from tracker.reminders.models import DeliveryState

bp = Blueprint("reminders", __name__)


@bp.before_request
@login_required
def require_login():
    """Every page of this area but the calendar feed needs a logged-in user."""


@bp.app_context_processor
def labels():
    """The names of deadline kinds and delivery states, for every template."""
    return {"kind_labels": KIND_LABELS, "delivery_state_labels": DELIVERY_STATE_LABELS}


@bp.app_template_global()
def unread_notices() -> int:
    """The bell's count for the logged-in user."""
    if not current_user.is_authenticated:
        return 0
    return queries.unread_count(get_session(), current_user)


@bp.get("/notices/")
def notices():
    """The user's notices, with links to their items."""
    rows = queries.notices(get_session(), current_user)
    return render("reminders/notices.html", "reminders/_notices.html", rows=rows)


@bp.get("/notices/bell")
def bell():
    """The bell with the unread count (htmx polls it)."""
    return render("reminders/_bell.html")


@bp.post("/notices/<int:notice_id>/read")
@quiet
def read_notice(notice_id: int):
    """Mark one notice read."""
    session = get_session()
    queries.get_notice(session, current_user, notice_id)
    services.mark_read(session, user=current_user, notice_id=notice_id)
    return _after_read()


@bp.post("/notices/read-all")
@quiet
def read_all():
    """Mark every notice read."""
    services.mark_read(get_session(), user=current_user)
    return _after_read()


def _after_read():
    rows = queries.notices(get_session(), current_user)
    response = render("reminders/notices.html", "reminders/_notices.html", rows=rows)
    response.headers["HX-Trigger"] = "notices-read"  # the bell refreshes itself
    return response


@bp.get("/notices/<int:notice_id>/open")
def open_notice(notice_id: int):
    """Mark a notice read and go to its item."""
    session = get_session()
    row = queries.get_notice(session, current_user, notice_id)
    services.mark_read(session, user=current_user, notice_id=notice_id)
    return redirect(row.deadline.path, code=303)


@bp.get("/reminders/")
def dashboard():
    """Deadlines due this week, overdue, and by county, in the user's scope."""
    return render("reminders/dashboard.html", board=queries.dashboard(get_session(), current_user, clock.today()))


def _settings_form(session, **kwargs) -> SettingsForm:
    row = deadlines.settings(session)
    return SettingsForm(data={"before_days": tuple(int(d) for d in row.before_days.split(",")),
                              "overdue_every": row.overdue_every, "escalate_after": row.escalate_after,
                              "days_off": [int(d) for d in row.days_off.split(",") if d]}, **kwargs)


def _settings_page(session) -> dict:
    """What the settings page shows besides its two forms."""
    return {"holidays": deadline_queries.holidays(session), "weekday_labels": WEEKDAY_LABELS}


@bp.route("/reminders/settings", methods=["GET", "POST"])
def settings():
    """The administrator's default reminder rule, weekdays off and public holidays."""
    session = get_session()
    permissions.require(current_user, Action.administer)

    def save(form):
        deadlines.update_settings(session, actor=current_user, data=form.to_data())
        return url_for("reminders.settings")

    return form_view(_settings_form(session), save, "reminders/settings.html",
                     holiday_form=HolidayForm(formdata=None), **_settings_page(session))


@bp.post("/reminders/holidays")
def add_holiday():
    """Add a public holiday."""
    session = get_session()
    permissions.require(current_user, Action.administer)

    def save(form):
        deadlines.add_holiday(session, actor=current_user, year=form.year.data or 0, month=form.month.data,
                              day=form.day.data, name=form.name.data or "")
        return url_for("reminders.settings") + "#holidays"

    form = HolidayForm()
    # The page's "form" is the settings form, as stored; the holiday form is shown again under its own name.
    return form_view(form, save, "reminders/settings.html", holiday_form=form,
                     form=_settings_form(session, formdata=None), **_settings_page(session))


@bp.post("/reminders/holidays/<int:holiday_id>/delete")
def remove_holiday(holiday_id: int):
    """Take a day off the holidays."""
    deadlines.remove_holiday(get_session(), actor=current_user, holiday_id=holiday_id)
    return redirect_to(url_for("reminders.settings") + "#holidays")


@bp.get("/reminders/outbox")
def outbox():
    """Emails sent, waiting and failed (with attempts and the last error), for an administrator."""
    state = request.args.get("state", "")
    chosen = DeliveryState(state) if state in DeliveryState.__members__ else None
    rows = queries.outbox(get_session(), current_user, chosen)
    mail = MailSettings.from_config(current_app.config)
    return render("reminders/outbox.html", rows=rows, state=chosen, mail=mail)


@bp.get("/reminders/outbox/<int:delivery_id>")
def email(delivery_id: int):
    """One email as it was (or will be) sent."""
    return render("reminders/email.html", delivery=queries.get_delivery(get_session(), current_user, delivery_id))


@bp.route("/account/notifications", methods=["GET", "POST"])
def notifications():
    """The user's choices: email reminders on or off; their secret calendar address; their post for briefs."""
    session = get_session()
    if request.method == "POST":
        action = request.form.get("action")
        if action == "email":
            services.set_email_opt_out(session, user=current_user, opt_out=request.form.get("email_on") != "1")
        elif action == "calendar":
            services.new_calendar_token(session, user=current_user)
        elif action == "post":
            form = PostForm()
            if not form.validate():
                return _notifications_page(post_form=form, status=422)
            account_services.set_post(session, actor=current_user, user=current_user, post=form.post.data or "")
        return redirect_to(url_for("reminders.notifications"))
    return _notifications_page(post_form=PostForm(obj=current_user))


def _notifications_page(post_form: PostForm, status: int = 200):
    mail = MailSettings.from_config(current_app.config)
    feed_url = (mail.base_url.rstrip("/") + url_for("calendar.feed", token=current_user.calendar_token)
                if current_user.calendar_token else None)
    return render("reminders/notifications.html", mail=mail, feed_url=feed_url, post_form=post_form, status=status)


calendar_bp = Blueprint("calendar", __name__)


@calendar_bp.get("/calendar/<token>.ics")
def feed(token: str):
    """A user's deadlines as an iCalendar feed, at an address only they know (no login: calendar apps poll it)."""
    session = get_session()
    user = queries.user_by_calendar_token(session, token)
    mail = MailSettings.from_config(current_app.config)
    body = ical.feed(
        queries.calendar_deadlines(session, user), name=_("Pishraft deadlines"), link=mail.link,
        domain=urlsplit(mail.base_url).hostname or "pishraft.local", stamp=clock.now(),
        summary=lambda d: f"{KIND_LABELS[d.kind]}: {d.title}", kind_label=lambda kind: str(KIND_LABELS[kind]),
    )
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = 'inline; filename="pishraft.ics"'
    response.headers["Cache-Control"] = "private, no-cache"
    return response

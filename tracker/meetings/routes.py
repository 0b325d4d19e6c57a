"""URL rules and thin views of the meetings area: the list, a meeting's page, and its form."""
import uuid

from flask import Blueprint, url_for
from flask_login import current_user, login_required

from tracker.accounts import permissions
from tracker.accounts.permissions import Action
from tracker.core import clock
from tracker.core.db import get_session
from tracker.core.errors import Forbidden
from tracker.core.htmx import form_view, int_arg, is_post, redirect_to, render
from tracker.meetings import queries, services
from tracker.meetings.forms import BODY_SUGGESTIONS, AgendaForm, MeetingDecisionForm, MeetingForm
from tracker.places.names import place_name
from tracker.projects import queries as projects
from tracker.visits import services as visit_services
from tracker.visits.routes import decision_rows_data, fill_choices, new_row, people_data, row_prototypes

bp = Blueprint("meetings", __name__)


@bp.before_request
@login_required
def require_login():
    """Every page of this area needs a logged-in user."""



@bp.get("/")
def meeting_list():
    """The meetings in the user's scope, newest first."""
    return render("meetings/index.html", rows=queries.meetings(get_session(), current_user),
                  may_write=permissions.may(current_user, Action.edit))


def _meeting_province(form: MeetingForm, meeting=None) -> int | None:
    if not current_user.is_admin:
        return current_user.province_id
    return form.province_id.data or (meeting.province_id if meeting else None)


def _row_prototypes(people: projects.People, agenda_projects: list[tuple[int, str]]) -> dict:
    """Empty rows for visits.js to copy: a guest, a decision (on an agenda item) and an agenda item."""
    rows = row_prototypes(people, MeetingDecisionForm)
    rows["decision_row"].agenda_row.choices = []
    agenda = AgendaForm(prefix="agenda-__index__-")
    agenda.project_id.choices = agenda_projects
    return rows | {"agenda_row": agenda}


def _meeting_view(form: MeetingForm, save, meeting=None):
    """Show the meeting form, or save it: a redirect when saved, the form again with its errors (422) when not."""
    session = get_session()
    province_id = _meeting_province(form, meeting)
    people = projects.people(session, province_id) if province_id else projects.People([], [])
    agenda_projects = queries.agenda_projects(session, current_user, province_id)
    fill_choices(form, people)
    for entry in form.agenda:
        entry.form.project_id.choices = agenda_projects
    rows = [(entry.form.id.data, entry.form.title.data or "—") for entry in form.agenda if entry.form.id.data]
    for entry in form.decisions:
        entry.form.agenda_row.choices = rows
    form.province_id.choices = [(p.id, place_name(p)) for p in permissions.visible_provinces(session, current_user)]
    counties = permissions.visible_counties(session, current_user, province_id)
    form.county_id.choices = [(c.id, place_name(c)) for c in counties]

    def check(form):
        services.check_meeting(session, actor=current_user, data=form.to_data(meeting.id if meeting else None))

    # Items on another county's project are not the user's to change: the form names them only, and saving keeps them.
    hidden_agenda = [row for row in queries.agenda_of(session, meeting, current_user) if row.hidden] if meeting else []
    return form_view(form, save, "meetings/form.html", "meetings/_form.html", check=check, meeting=meeting,
                     hidden_agenda=hidden_agenda,
                     people=people, body_suggestions=BODY_SUGGESTIONS, **_row_prototypes(people, agenda_projects))


@bp.route("/new", methods=["GET", "POST"])
def new_meeting():
    """Record a meeting: a county's employment working group, a council."""
    session = get_session()
    permissions.require(current_user, Action.edit, current_user.province_id, current_user.county_id)
    # An administrator picks the province first (the select reloads the form with ?province_id=).
    form = MeetingForm() if is_post() else MeetingForm(formdata=None, data={
        "meeting_id": str(uuid.uuid4()), "held_on": clock.today(), "county_id": current_user.county_id,
        "province_id": int_arg("province_id") or current_user.province_id, "agenda": new_row(),
        "decisions": new_row()})

    def save(form):
        meeting = services.create_meeting(session, actor=current_user, data=form.to_data())
        return url_for("meetings.show_meeting", meeting_id=meeting.id)

    return _meeting_view(form, save)


@bp.get("/<uuid:meeting_id>")
def show_meeting(meeting_id: uuid.UUID):
    """A meeting's page: when, which body, who came, the agenda and the decisions."""
    session = get_session()
    meeting = queries.get_meeting(session, current_user, meeting_id)
    return render("meetings/show.html", detail=queries.meeting_detail(session, meeting, current_user),
                  may_edit=visit_services.may_edit(current_user, meeting, meeting.province_id, meeting.county_id),
                  may_write=permissions.may(current_user, Action.edit))


@bp.route("/<uuid:meeting_id>/edit", methods=["GET", "POST"])
def edit_meeting(meeting_id: uuid.UUID):
    """Correct a meeting (its author for a day, a director or an administrator later)."""
    session = get_session()
    meeting = queries.get_meeting(session, current_user, meeting_id)
    if not visit_services.may_edit(current_user, meeting, meeting.province_id, meeting.county_id):
        raise Forbidden
    if is_post():
        form = MeetingForm()
    else:
        detail = queries.meeting_detail(session, meeting, current_user)
        form = MeetingForm(formdata=None, data={
            "meeting_id": str(meeting.id), "version": meeting.version, "held_on": meeting.held_on, "body": meeting.body,
            "province_id": meeting.province_id, "county_id": meeting.county_id, "notes": meeting.notes,
            **people_data(detail.attendees),
            "agenda": [{"id": str(r.item.id), "title": r.item.title, "project_id": r.item.project_id}
                       for r in detail.agenda if not r.hidden] + new_row(),
            "decisions": decision_rows_data(detail.decisions),
        })

    def save(form):
        services.update_meeting(session, actor=current_user, meeting=meeting, data=form.to_data(meeting.id),
                                expected_version=form.version.data)
        return url_for("meetings.show_meeting", meeting_id=meeting.id)

    return _meeting_view(form, save, meeting)


@bp.post("/<uuid:meeting_id>/delete")
def delete_meeting(meeting_id: uuid.UUID):
    """Remove a meeting."""
    session = get_session()
    meeting = queries.get_meeting(session, current_user, meeting_id)
    services.delete_meeting(session, actor=current_user, meeting=meeting)
    return redirect_to(url_for("meetings.meeting_list"))

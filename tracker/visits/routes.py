"""URL rules and thin views of the visits area: visits, their photos, decisions and meetings."""
import uuid

from flask import Blueprint, current_app, request, url_for
from flask_login import current_user, login_required

from tracker.accounts import permissions
from tracker.core import clock
from tracker.core.db import get_session
from tracker.core.errors import Forbidden, InvalidInput, NotFound
from tracker.core.htmx import is_htmx, redirect_to, render
from tracker.projects import queries as projects
from tracker.projects.models import Project
from tracker.visits import photos, queries, services
from tracker.visits.forms import (
    BODY_SUGGESTIONS,
    DECISION_STATE_LABELS,
    AgendaForm,
    DecisionForm,
    DecisionStateForm,
    GuestForm,
    MeetingDecisionForm,
    MeetingForm,
    VisitForm,
    owner_value,
    parse_uuid,
    show_row_errors,
)
from tracker.visits.models import DecisionState

bp = Blueprint("visits", __name__)
decisions_bp = Blueprint("decisions", __name__)
meetings_bp = Blueprint("meetings", __name__)


@login_required
def require_login():
    """Every page of this area needs a logged-in user."""


for blueprint in (bp, decisions_bp, meetings_bp):
    blueprint.before_request(require_login)


@bp.app_context_processor
def labels():
    """The translated names of decision states, for every template."""
    return {"decision_state_labels": DECISION_STATE_LABELS}


@bp.app_template_global()
def visit_timeline(project: Project) -> list[queries.TimelineEntry]:
    """The project's visits and meetings, for the timeline on its page."""
    return queries.project_timeline(get_session(), project)


@bp.app_template_global()
def progress_visit_of(project: Project):
    """The visit that set the project's physical progress, if one did."""
    return queries.progress_visit(get_session(), project)


def _storage() -> services.PhotoStorage:
    return services.PhotoStorage.from_config(current_app.config)


def _is_post() -> bool:
    return request.method == "POST"


# ---- the rows that repeat: guests, decisions, agenda items ---------------------------------------------


def _fill_choices(form, people: queries.People, agenda_projects=None) -> None:
    """Give every select of the form (repeated rows and the rows JS adds) its choices."""
    agencies = [(a.id, a.name) for a in people.agencies]
    form.visitor_users.choices = [(u.id, u.full_name or u.username) for u in people.users]
    form.visitor_agencies.choices = agencies
    for entry in form.guests:
        entry.form.agency_id.choices = agencies
    for entry in form.decisions:
        entry.form.owner.choices = people.owner_choices()
    if agenda_projects is not None:
        for entry in form.agenda:
            entry.form.project_id.choices = agenda_projects
        rows = [(entry.form.id.data, entry.form.title.data or "—") for entry in form.agenda if entry.form.id.data]
        for entry in form.decisions:
            entry.form.agenda_row.choices = rows


def _prototypes(people: queries.People, agenda_projects=None) -> dict:
    """Empty rows for visits.js to copy when the user adds a guest, a decision or an agenda item."""
    guest = GuestForm(prefix="guests-__index__-")
    guest.agency_id.choices = [(a.id, a.name) for a in people.agencies]
    decision = (MeetingDecisionForm if agenda_projects is not None else DecisionForm)(prefix="decisions-__index__-")
    decision.owner.choices = people.owner_choices()
    rows = {"guest_row": guest, "decision_row": decision}
    if agenda_projects is not None:
        decision.agenda_row.choices = []
        agenda = AgendaForm(prefix="agenda-__index__-")
        agenda.project_id.choices = agenda_projects
        rows["agenda_row"] = agenda
    return rows


def _people_data(attendee_rows: list[queries.AttendeeRow]) -> dict:
    """The form's initial visitors from the stored attendees."""
    kinds = {"user": [], "agency": [], "guest": []}
    for row in attendee_rows:
        kinds[row.kind].append(row.attendee)
    return {
        "visitor_users": [a.user_id for a in kinds["user"]],
        "visitor_agencies": [a.agency_id for a in kinds["agency"]],
        "guests": [{"name": a.guest_name, "title": a.guest_title, "agency_id": a.agency_id} for a in kinds["guest"]],
    }


def _decision_data(rows: list[queries.DecisionRow]) -> list[dict]:
    """The form's decision rows from the stored decisions, and an empty one (with its id) to add another."""
    return [{"id": str(r.decision.id), "text": r.decision.text, "due_date": r.decision.due_date,
             "owner": owner_value(r.decision.owner_user_id, r.decision.owner_agency_id),
             "agenda_row": str(r.decision.agenda_item_id) if r.decision.agenda_item_id else None}
            for r in rows] + _new_row()


def _new_row() -> list[dict]:
    return [{"id": str(uuid.uuid4())}]


# ---- visits ---------------------------------------------------------------------------------------------


def _uploads() -> list[services.PhotoUpload]:
    """The photos of the request with their captions and client-made ids, in the order they were chosen."""
    files = [f for f in request.files.getlist("photos") if f.filename]
    captions = request.form.getlist("photo_caption")
    ids = request.form.getlist("photo_id")
    return [
        services.PhotoUpload(data=file.read(), caption=captions[i] if i < len(captions) else "",
                             filename=file.filename, id=parse_uuid(ids[i]) if i < len(ids) else None)
        for i, file in enumerate(files)
    ]


def _kept_photos() -> dict[uuid.UUID, str]:
    kept = {}
    for value in request.form.getlist("keep_photo"):
        if photo_id := parse_uuid(value):
            kept[photo_id] = request.form.get(f"caption-{photo_id}", "")
    return kept


def _attempt(form, save, check) -> tuple[str | None, list[str]]:
    """Validate and save a posted form; on failure put every problem next to its field (the form's and the rules').

    Returns the URL to go to when saved, else None, and the messages about photos (the photos are no form field).
    """
    refusal = None
    if form.validate():
        try:
            return save(), []
        except InvalidInput as error:
            refusal = error
    else:
        try:
            check()  # the rules the form could not check by itself, so that all problems show at once
        except InvalidInput as error:
            refusal = error
    errors = refusal.errors if refusal else {}
    show_row_errors(form, {k: m for k, m in errors.items() if not k.startswith("photos")}, only_new=True)
    return None, [str(m) for k, m in errors.items() if k.startswith("photos")]


def _visit_view(project, people: queries.People, form: VisitForm, save, check, visit=None, stored_photos=()):
    """Show the visit form, or save it: a redirect when saved, the form again with its errors (422) when not."""
    _fill_choices(form, people)
    photo_errors = []
    if _is_post():
        done_url, photo_errors = _attempt(form, save, check)
        if done_url:
            return redirect_to(done_url)
    status = 422 if _is_post() else 200
    return render("visits/form.html", "visits/_form.html", status=status, form=form, project=project, visit=visit,
                  people=people, photo_errors=photo_errors, stored_photos=stored_photos,
                  max_photo_mb=current_app.config["MAX_PHOTO_MB"], **_prototypes(people))


@bp.route("/new/<ref>", methods=["GET", "POST"])
def new_visit(ref: str):
    """Log a site visit to a project."""
    session = get_session()
    project = projects.get_project(session, current_user, ref)
    services.require_writer(current_user, project.province_id, project.county_id)
    people = queries.people(session, project.province_id)
    if _is_post():
        form = VisitForm()
    else:
        form = VisitForm(formdata=None, data={"visit_id": str(uuid.uuid4()), "visited_on": clock.today(),
                                              "decisions": _new_row()})

    def save():
        visit = services.create_visit(session, actor=current_user, project=project, storage=_storage(),
                                      data=form.to_data(photos=_uploads()))
        return url_for("projects.show", ref=project.slug) + f"#visit-{visit.id}"

    def check():
        services.check_visit(session, actor=current_user, project=project, storage=_storage(),
                             data=form.to_data(photos=_uploads()))

    return _visit_view(project, people, form, save, check)


@bp.get("/<uuid:visit_id>")
def show_visit(visit_id: uuid.UUID):
    """A visit's page: its facts, visitors, photos large, decisions with their state."""
    session = get_session()
    visit = queries.get_visit(session, current_user, visit_id)
    detail = queries.visit_detail(session, visit)
    project = detail.project
    return render("visits/show.html", detail=detail, project=project,
                  may_edit=services.may_edit(current_user, visit, project.province_id, project.county_id),
                  may_write=current_user.may_edit_projects() and current_user.covers(project.province_id,
                                                                                     project.county_id))


@bp.route("/<uuid:visit_id>/edit", methods=["GET", "POST"])
def edit_visit(visit_id: uuid.UUID):
    """Correct a visit (its author for a day, a director or an administrator later)."""
    session = get_session()
    visit = queries.get_visit(session, current_user, visit_id)
    detail = queries.visit_detail(session, visit)
    project = detail.project
    services.require_writer(current_user, project.province_id, project.county_id)
    if not services.may_edit(current_user, visit, project.province_id, project.county_id):
        raise Forbidden
    if _is_post():
        form = VisitForm()
    else:
        form = VisitForm(formdata=None, data={
            "visit_id": str(visit.id), "visited_on": visit.visited_on, "observed_progress": visit.observed_progress,
            "notes": visit.notes, "problems": visit.problems, "latitude": visit.latitude,
            "longitude": visit.longitude, "location_accuracy_m": visit.location_accuracy_m,
            **_people_data(detail.attendees), "decisions": _decision_data(detail.decisions),
        })

    def data():
        return form.to_data(photos=_uploads(), kept_photos=_kept_photos(), visit_id=visit.id)

    def save():
        services.update_visit(session, actor=current_user, visit=visit, storage=_storage(), data=data())
        return url_for("visits.show_visit", visit_id=visit.id)

    def check():
        services.check_visit(session, actor=current_user, project=project, storage=_storage(), data=data())

    return _visit_view(project, queries.people(session, project.province_id), form, save, check, visit=visit,
                       stored_photos=detail.photos)


@bp.post("/<uuid:visit_id>/delete")
def delete_visit(visit_id: uuid.UUID):
    """Remove a visit."""
    session = get_session()
    visit = queries.get_visit(session, current_user, visit_id)
    project = session.get(Project, visit.project_id)
    services.delete_visit(session, actor=current_user, visit=visit)
    return redirect_to(url_for("projects.show", ref=project.slug) + "#timeline")


@bp.get("/photos/<uuid:photo_id>/<variant>")
def photo(photo_id: uuid.UUID, variant: str):
    """A photo's thumbnail, display copy or original, for users who may see its project."""
    if variant not in photos.VARIANTS:
        raise NotFound
    found = queries.get_photo(get_session(), current_user, photo_id)
    return photos.send_photo(_storage().upload_dir, found, variant)


# ---- decisions ------------------------------------------------------------------------------------------


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


def _decision_filters() -> queries.DecisionFilters:
    state = request.args.get("state", "")
    return queries.DecisionFilters(
        province_id=_int_arg("province") if current_user.is_admin else None,
        owner=request.args.get("owner", "").strip(),
        project_id=_int_arg("project"),
        overdue=request.args.get("overdue") == "1",
        state=None if state == "all" else DecisionState(state) if state in DecisionState.__members__
        else DecisionState.open,
        page=_int_arg("page") or 1,
    )


@decisions_bp.get("/")
def decision_list():
    """All decisions across the user's province, open ones by default, with filters and pages."""
    session = get_session()
    filters = _decision_filters()
    page = queries.search_decisions(session, current_user, filters, current_app.config["PAGE_SIZE"])
    province_id = filters.province_id or current_user.province_id
    owners = queries.people(session, province_id).owner_choices() if province_id else []
    return render(
        "decisions/index.html", "decisions/_results.html", filters=filters, page=page, owners=owners,
        provinces=permissions.visible_provinces(session, current_user) if current_user.is_admin else [],
        project_choices=queries.decision_projects(session, current_user, filters.province_id),
        may_write=current_user.may_edit_projects(),
    )


@decisions_bp.get("/<uuid:decision_id>")
def show_decision(decision_id: uuid.UUID):
    """One decision as a row of the list (what the state form's cancel puts back)."""
    session = get_session()
    decision = queries.get_decision(session, current_user, decision_id)
    return render("decisions/show.html", "decisions/_row.html", row=queries.decision_row(session, decision),
                  may_write=current_user.may_edit_projects())


@decisions_bp.route("/<uuid:decision_id>/state", methods=["GET", "POST"])
def decision_state(decision_id: uuid.UUID):
    """Change a decision's state in place: the row turns into a small form, then back into the row."""
    session = get_session()
    decision = queries.get_decision(session, current_user, decision_id)
    services.require_writer(current_user, decision.province_id, decision.county_id)
    form = DecisionStateForm() if _is_post() else DecisionStateForm(formdata=None)
    refused = _is_post() and not form.validate()
    if _is_post() and not refused:
        try:
            services.set_decision_state(session, actor=current_user, decision=decision, state=form.state.data,
                                        note=form.note.data or "")
        except InvalidInput as error:
            refused = True
            show_row_errors(form, error.errors)
        else:
            if not is_htmx():
                return redirect_to(url_for("decisions.decision_list"))
            return render("decisions/show.html", "decisions/_row.html", row=queries.decision_row(session, decision),
                          may_write=True)
    return render("decisions/state.html", "decisions/_state_form.html", status=422 if refused else 200,
                  form=form, row=queries.decision_row(session, decision))


# ---- meetings -------------------------------------------------------------------------------------------


@meetings_bp.get("/")
def meeting_list():
    """The meetings in the user's scope, newest first."""
    return render("meetings/index.html", rows=queries.meetings(get_session(), current_user),
                  may_write=current_user.may_edit_projects())


def _meeting_province(form: MeetingForm, meeting=None) -> int | None:
    if not current_user.is_admin:
        return current_user.province_id
    return form.province_id.data or (meeting.province_id if meeting else None)


def _meeting_view(form: MeetingForm, save, meeting=None):
    """Show the meeting form, or save it: a redirect when saved, the form again with its errors (422) when not."""
    session = get_session()
    province_id = _meeting_province(form, meeting)
    people = queries.people(session, province_id) if province_id else queries.People([], [])
    agenda_projects = queries.agenda_projects(session, current_user, province_id)
    _fill_choices(form, people, agenda_projects)
    form.province_id.choices = [(p.id, p.name_fa) for p in permissions.visible_provinces(session, current_user)]
    counties = permissions.visible_counties(session, current_user, province_id)
    form.county_id.choices = [(c.id, c.name_fa) for c in counties]
    if _is_post():
        done_url, _photo_errors = _attempt(form, save, lambda: services.check_meeting(
            session, actor=current_user, data=form.to_data(meeting.id if meeting else None)))
        if done_url:
            return redirect_to(done_url)
    status = 422 if _is_post() else 200
    return render("meetings/form.html", "meetings/_form.html", status=status, form=form, meeting=meeting,
                  people=people, body_suggestions=BODY_SUGGESTIONS, **_prototypes(people, agenda_projects))


@meetings_bp.route("/new", methods=["GET", "POST"])
def new_meeting():
    """Record a meeting: a county's employment working group, a council."""
    session = get_session()
    services.require_writer(current_user, current_user.province_id, current_user.county_id)
    # An administrator picks the province first (the select reloads the form with ?province_id=).
    form = MeetingForm() if _is_post() else MeetingForm(formdata=None, data={
        "meeting_id": str(uuid.uuid4()), "held_on": clock.today(), "county_id": current_user.county_id,
        "province_id": _int_arg("province_id") or current_user.province_id, "agenda": _new_row(),
        "decisions": _new_row()})

    def save():
        meeting = services.create_meeting(session, actor=current_user, data=form.to_data())
        return url_for("meetings.show_meeting", meeting_id=meeting.id)

    return _meeting_view(form, save)


@meetings_bp.get("/<uuid:meeting_id>")
def show_meeting(meeting_id: uuid.UUID):
    """A meeting's page: when, which body, who came, the agenda and the decisions."""
    session = get_session()
    meeting = queries.get_meeting(session, current_user, meeting_id)
    return render("meetings/show.html", detail=queries.meeting_detail(session, meeting),
                  may_edit=services.may_edit(current_user, meeting, meeting.province_id, meeting.county_id),
                  may_write=current_user.may_edit_projects())


@meetings_bp.route("/<uuid:meeting_id>/edit", methods=["GET", "POST"])
def edit_meeting(meeting_id: uuid.UUID):
    """Correct a meeting (its author for a day, a director or an administrator later)."""
    session = get_session()
    meeting = queries.get_meeting(session, current_user, meeting_id)
    if not services.may_edit(current_user, meeting, meeting.province_id, meeting.county_id):
        raise Forbidden
    if _is_post():
        form = MeetingForm()
    else:
        detail = queries.meeting_detail(session, meeting)
        form = MeetingForm(formdata=None, data={
            "meeting_id": str(meeting.id), "held_on": meeting.held_on, "body": meeting.body,
            "province_id": meeting.province_id, "county_id": meeting.county_id, "notes": meeting.notes,
            **_people_data(detail.attendees),
            "agenda": [{"id": str(r.item.id), "title": r.item.title, "project_id": r.item.project_id}
                       for r in detail.agenda] + _new_row(),
            "decisions": _decision_data(detail.decisions),
        })

    def save():
        services.update_meeting(session, actor=current_user, meeting=meeting, data=form.to_data(meeting.id))
        return url_for("meetings.show_meeting", meeting_id=meeting.id)

    return _meeting_view(form, save, meeting)


@meetings_bp.post("/<uuid:meeting_id>/delete")
def delete_meeting(meeting_id: uuid.UUID):
    """Remove a meeting."""
    session = get_session()
    meeting = queries.get_meeting(session, current_user, meeting_id)
    services.delete_meeting(session, actor=current_user, meeting=meeting)
    return redirect_to(url_for("meetings.meeting_list"))

"""URL rules and thin views of the visits area: visits and their photos, and the form parts meetings share."""
import uuid

from flask import Blueprint, current_app, jsonify, request, url_for
from flask_login import current_user, login_required

from tracker.accounts import permissions
from tracker.accounts.permissions import Action
from tracker.core import clock
from tracker.core.db import get_session
from tracker.core.errors import Forbidden, InvalidInput, NotFound
from tracker.core.forms import parse_uuid, show_errors
from tracker.core.htmx import form_view, is_post, json_errors, redirect_to, render, wants_json
from tracker.decisions.forms import DecisionForm, owner_value
from tracker.decisions.queries import DecisionRow
from tracker.projects import queries as projects
from tracker.projects import sections
from tracker.projects.models import Project
from tracker.visits import photos, queries, services
from tracker.visits.forms import GuestForm, VisitForm

bp = Blueprint("visits", __name__)


@bp.before_request
@login_required
def require_login():
    """Every page of this area needs a logged-in user."""


def _storage() -> services.PhotoStorage:
    return services.PhotoStorage.from_config(current_app.config)


# ---- what a visit shares with a meeting: who came, decision rows ------------------------------------


def fill_choices(form, people: projects.People) -> None:
    """Give every select of who came and of the decision rows (those JS adds too) its choices."""
    agencies = [(a.id, a.name) for a in people.agencies]
    form.visitor_users.choices = [(u.id, u.full_name or u.username) for u in people.users]
    form.visitor_agencies.choices = agencies
    for entry in form.guests:
        entry.form.agency_id.choices = agencies
    for entry in form.decisions:
        entry.form.owner.choices = people.owner_choices()


def row_prototypes(people: projects.People, decision_form=DecisionForm) -> dict:
    """Empty rows for visits.js to copy when the user adds a guest or a decision."""
    guest = GuestForm(prefix="guests-__index__-")
    guest.agency_id.choices = [(a.id, a.name) for a in people.agencies]
    decision = decision_form(prefix="decisions-__index__-")
    decision.owner.choices = people.owner_choices()
    return {"guest_row": guest, "decision_row": decision}


def people_data(attendee_rows: list[queries.AttendeeRow]) -> dict:
    """The form's initial visitors from the stored attendees."""
    kinds = {"user": [], "agency": [], "guest": []}
    for row in attendee_rows:
        kinds[row.kind].append(row.attendee)
    return {
        "visitor_users": [a.user_id for a in kinds["user"]],
        "visitor_agencies": [a.agency_id for a in kinds["agency"]],
        "guests": [{"name": a.guest_name, "title": a.guest_title, "agency_id": a.agency_id} for a in kinds["guest"]],
    }


def decision_rows_data(rows: list[DecisionRow]) -> list[dict]:
    """The form's decision rows from the stored decisions, and an empty one (with its id) to add another."""
    return [{"id": str(r.decision.id), "text": r.decision.text, "due_date": r.decision.due_date,
             "owner": owner_value(r.decision.owner_user_id, r.decision.owner_agency_id),
             "agenda_row": str(r.decision.agenda_item_id) if r.decision.agenda_item_id else None}
            for r in rows] + new_row()


def new_row() -> list[dict]:
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


def _visit_answer(visit, status: int = 200, next_url: str | None = None):
    """A stored visit as the outbox reads it: its id, its page, the SHA-256 of every photo it holds, and where the
    form goes once the visit and its photos are all there (the visit's page unless the form says otherwise)."""
    url = url_for("visits.show_visit", visit_id=visit.id)
    response = jsonify(visit=str(visit.id), url=url, next=next_url or url,
                       photos=[photo.sha256 for photo in queries.visit_photos(get_session(), visit.id)])
    response.status_code = status
    return response


def _saved(to_url):
    """What a saved visit answers: the visit in JSON for the outbox, else a redirect to to_url(visit)."""
    return lambda visit: _visit_answer(visit, next_url=to_url(visit)) if wants_json() else redirect_to(to_url(visit))


def _visit_view(project, people: projects.People, form: VisitForm, save, check, done, visit=None, stored_photos=()):
    """Show the visit form, or save it: done(visit) when saved, the form again with its errors (422) when not."""
    fill_choices(form, people)
    photo_errors = []

    def show(form, errors: dict) -> None:
        # The photos are no form field: their messages go by the photo input.
        photo_errors.extend(str(m) for k, m in errors.items() if k.startswith("photos"))
        show_errors(form, {k: m for k, m in errors.items() if not k.startswith("photos")})

    return form_view(form, save, "visits/form.html", "visits/_form.html", done=done, check=check, show=show,
                     project=project, visit=visit, people=people, photo_errors=photo_errors,
                     stored_photos=stored_photos, max_photo_mb=current_app.config["MAX_PHOTO_MB"],
                     **row_prototypes(people))


@bp.route("/new/<ref>", methods=["GET", "POST"])
def new_visit(ref: str):
    """Log a site visit to a project."""
    session = get_session()
    project = projects.get_project(session, current_user, ref)
    permissions.require(current_user, Action.edit, project.province_id, project.county_id)
    people = projects.people(session, project.province_id)
    if is_post():
        form = VisitForm()
    else:
        form = VisitForm(formdata=None, data={"visit_id": str(uuid.uuid4()), "visited_on": clock.today(),
                                              "decisions": new_row()})

    def save(form):
        return services.create_visit(session, actor=current_user, project=project, storage=_storage(),
                                     data=form.to_data(photos=_uploads()))

    def check(form):
        services.check_visit(session, actor=current_user, project=project, storage=_storage(),
                             data=form.to_data(photos=_uploads()))

    return _visit_view(project, people, form, save, check,
                       _saved(lambda visit: url_for("projects.show", ref=project.slug) + f"#visit-{visit.id}"))


@bp.get("/outbox")
def outbox():
    """The visits waiting on this tablet to be sent: drawn by outbox.js from the tablet's own storage."""
    return render("visits/outbox.html")


@bp.get("/<uuid:visit_id>")
def show_visit(visit_id: uuid.UUID):
    """A visit's page: its facts, visitors, photos large, decisions with their state."""
    session = get_session()
    visit = queries.get_visit(session, current_user, visit_id)
    detail = queries.visit_detail(session, visit)
    project = detail.project
    return render("visits/show.html", detail=detail, project=project,
                  may_edit=services.may_edit(current_user, visit, project.province_id, project.county_id),
                  may_write=permissions.may(current_user, Action.edit, project.province_id, project.county_id))


@bp.route("/<uuid:visit_id>/edit", methods=["GET", "POST"])
def edit_visit(visit_id: uuid.UUID):
    """Correct a visit (its author for a day, a director or an administrator later)."""
    session = get_session()
    visit = queries.get_visit(session, current_user, visit_id)
    detail = queries.visit_detail(session, visit)
    project = detail.project
    permissions.require(current_user, Action.edit, project.province_id, project.county_id)
    if not services.may_edit(current_user, visit, project.province_id, project.county_id):
        raise Forbidden
    if is_post():
        form = VisitForm()
    else:
        form = VisitForm(formdata=None, data={
            "visit_id": str(visit.id), "version": visit.version, "visited_on": visit.visited_on,
            "observed_progress": visit.observed_progress,
            "notes": visit.notes, "problems": visit.problems, "latitude": visit.latitude,
            "longitude": visit.longitude, "location_accuracy_m": visit.location_accuracy_m,
            **people_data(detail.attendees), "decisions": decision_rows_data(detail.decisions),
        })

    def data(form):
        return form.to_data(photos=_uploads(), kept_photos=_kept_photos(), visit_id=visit.id)

    def save(form):
        return services.update_visit(session, actor=current_user, visit=visit, storage=_storage(), data=data(form),
                                     expected_version=form.version.data)

    def check(form):
        services.check_visit(session, actor=current_user, project=project, storage=_storage(), data=data(form))

    return _visit_view(project, projects.people(session, project.province_id), form, save, check,
                       _saved(lambda visit: url_for("visits.show_visit", visit_id=visit.id)), visit=visit,
                       stored_photos=detail.photos)


@bp.post("/<uuid:visit_id>/photos/<string(length=64):sha256>")
def send_photo(visit_id: uuid.UUID, sha256: str):
    """Receive one photo of a stored visit from the tablet's outbox (multipart: photo, caption, photo_id), stored
    once whatever the retries: 201 when this send stored it, 200 when it was stored before; answered in JSON."""
    session = get_session()
    visit = queries.get_visit(session, current_user, visit_id)
    file = request.files.get("photo")
    upload = services.PhotoUpload(data=file.read() if file else b"", caption=request.form.get("caption", ""),
                                  filename=file.filename if file else "", id=parse_uuid(request.form.get("photo_id")))
    try:
        _photo, created = services.send_photo(session, actor=current_user, visit=visit, sha256=sha256,
                                              upload=upload, storage=_storage())
    except InvalidInput as refusal:
        return json_errors(refusal.errors, 422)
    return _visit_answer(visit, 201 if created else 200)


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
    return photos.send_photo(_storage().files, found, variant)


sections.register_section(sections.Section(
    "timeline", "visits/_timeline.html", 10,
    lambda session, _user, project: {"timeline": queries.project_timeline(session, project),
                                     "progress_visit": queries.progress_visit(session, project)}))

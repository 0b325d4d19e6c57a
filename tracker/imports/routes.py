"""URL rules and thin views of the imports area: upload, choose the sheet, map the columns, preview, import."""
from flask import Blueprint, current_app, make_response, request, url_for
from flask_login import current_user, login_required

from tracker.accounts import permissions
from tracker.accounts.permissions import Action
from tracker.core.db import get_session
from tracker.core.errors import Forbidden, InvalidInput
from tracker.core.htmx import form_view, redirect_to, render
from tracker.core.storage import Storage, storage_for
from tracker.imports import queries, services
from tracker.imports.columns import FIELDS, KIND_LABELS, fields_of, guess
from tracker.imports.forms import SheetForm, UploadForm, columns_form
from tracker.imports.models import ImportKind, ImportState
from tracker.imports.workbook import MAX_FILE_BYTES, XLSX_MIMETYPE, sheet_names, template

bp = Blueprint("imports", __name__)


@bp.before_request
@login_required
def require_login():
    """Every page of this area needs a logged-in user who may add projects or budget figures."""
    if not (permissions.may(current_user, Action.edit) or permissions.may(current_user, Action.edit_budget)):
        raise Forbidden


@bp.app_context_processor
def labels():
    """The names of the kinds of import, for every template."""
    return {"import_kind_labels": KIND_LABELS}


def _storage() -> Storage:
    return storage_for(current_app.config, "uploads")


def _kinds() -> list[tuple[ImportKind, object]]:
    """The kinds of import the user may do."""
    return [(kind, label) for kind, label in KIND_LABELS.items()
            if permissions.may(current_user, services.ACTIONS[kind])]


@bp.route("/", methods=["GET", "POST"])
def index():
    """The user's uploads, the templates, and the form to upload a workbook."""
    session = get_session()
    form = UploadForm()
    form.kind.choices = _kinds()

    def save(form):
        file = form.file.data
        data = file.read(MAX_FILE_BYTES + 1)  # one byte more than allowed is enough to refuse the file
        return services.upload_workbook(session, actor=current_user, kind=form.kind.data, filename=file.filename,
                                        data=data, storage=_storage())

    return form_view(form, save, "imports/index.html", done=lambda upload: redirect_to(_next_step(upload)),
                     uploads=queries.uploads(session, current_user), kinds=_kinds())


def _next_step(upload) -> str:
    if upload.state == ImportState.uploaded and not upload.sheet:
        return url_for("imports.sheet", import_id=upload.id)
    if upload.state == ImportState.uploaded:
        return url_for("imports.columns", import_id=upload.id)
    return url_for("imports.show", import_id=upload.id)


@bp.route("/templates/<any(projects, budget):kind>.xlsx")
def download_template(kind: str):
    """An empty workbook of one kind: its columns with Persian headers and an example row (the Kazerun case)."""
    kind = ImportKind(kind)
    permissions.require(current_user, services.ACTIONS[kind])
    fields = FIELDS[kind]
    data = template([item.header for item in fields], [item.example for item in fields], "ورود")
    response = make_response(data)
    response.mimetype = XLSX_MIMETYPE
    response.headers["Content-Disposition"] = f"attachment; filename=pishraft-{kind.value}.xlsx"
    return response


def _upload(import_id: int):
    session = get_session()
    upload = queries.get_upload(session, current_user, import_id)
    permissions.require(current_user, services.ACTIONS[upload.kind])
    return session, upload


@bp.route("/<int:import_id>/sheet", methods=["GET", "POST"])
def sheet(import_id: int):
    """Choose the sheet the rows are on."""
    session, upload = _upload(import_id)
    form = SheetForm(data={"sheet": upload.sheet or None} if request.method == "GET" else None)
    try:
        names = sheet_names(services.stored_file(_storage(), upload))
    except (InvalidInput, ValueError):
        names = []
    form.sheet.choices = [(name, name) for name in names]

    def save(form):
        return services.choose_sheet(session, actor=current_user, upload=upload, sheet=form.sheet.data,
                                     storage=_storage())

    return form_view(form, save, "imports/sheet.html", done=lambda saved: redirect_to(_next_step(saved)),
                     upload=upload)


@bp.route("/<int:import_id>/columns", methods=["GET", "POST"])
def columns(import_id: int):
    """Say which column each field is in: guessed from the headers, the user's last choice first."""
    session, upload = _upload(import_id)
    if not upload.sheet:
        return redirect_to(url_for("imports.sheet", import_id=upload.id))
    fields = fields_of(upload.kind)
    try:
        headers = services.headers(upload, _storage())
    except InvalidInput:
        headers = []
    chosen = upload.mapping or guess(upload.kind, headers, queries.remembered_mapping(session, current_user,
                                                                                        upload.kind))
    form = columns_form(fields, headers, {key: int(column) for key, column in chosen.items()})

    def save(form):
        return services.map_columns(session, actor=current_user, upload=upload, headers=headers,
                                    columns={item.key: form[item.key].data for item in fields})

    return form_view(form, save, "imports/columns.html", done=lambda saved: redirect_to(_next_step(saved)),
                     upload=upload, fields=fields)


@bp.route("/<int:import_id>")
def show(import_id: int):
    """Every row as it would be imported, its errors marked on their cells; or what was imported."""
    session, upload = _upload(import_id)
    if upload.state != ImportState.mapped:
        if upload.state != ImportState.imported:
            return redirect_to(_next_step(upload))
        return render("imports/show.html", upload=upload, outcome=None, fields=_mapped_fields(upload))
    try:
        outcome = services.preview(session, actor=current_user, upload=upload, storage=_storage())
    except InvalidInput as refusal:
        return render("imports/show.html", status=422, upload=upload, outcome=None, refusal=refusal.errors,
                      fields=_mapped_fields(upload))
    return render("imports/show.html", upload=upload, outcome=outcome, fields=_mapped_fields(upload))


def _mapped_fields(upload):
    return [item for item in fields_of(upload.kind) if upload.mapping and item.key in upload.mapping]


@bp.route("/<int:import_id>/import", methods=["POST"])
def confirm(import_id: int):
    """Import every row, or none when any fails (the preview comes back, 422, saying why)."""
    session, upload = _upload(import_id)
    try:
        outcome = services.import_rows(session, actor=current_user, upload=upload, storage=_storage())
    except InvalidInput as refusal:
        return render("imports/show.html", status=422, upload=upload, outcome=None, refusal=refusal.errors,
                      fields=_mapped_fields(upload))
    if not outcome.imported:
        return render("imports/show.html", status=422, upload=upload, outcome=outcome, fields=_mapped_fields(upload))
    return redirect_to(url_for("imports.show", import_id=upload.id))

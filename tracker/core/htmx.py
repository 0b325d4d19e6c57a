"""Rendering a page or just its fragment, depending on who asked; the one form view; «saved» after every save."""
import json
from urllib.parse import unquote, urlsplit

from flask import current_app, flash, jsonify, make_response, render_template, request
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms.fields import FieldList, FormField

from tracker.core.errors import Conflict, InvalidInput
from tracker.core.forms import show_errors
from tracker.core.i18n import lazy_gettext as _l
from tracker.core.numbers import whole_number


def is_htmx() -> bool:
    """Whether htmx sent this request (and so wants a fragment)."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"


# The JSON API's addresses (tracker.api) answer in JSON whatever the client accepts, their errors too.
API_PREFIX = "/api/"


def wants_json() -> bool:
    """Whether the client asked for a machine-readable answer (the tablet's outbox, the API) rather than a page."""
    return (request.path.startswith(API_PREFIX)
            or request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json")


def json_errors(errors: dict, status: int) -> Response:
    """A refusal as the outbox reads it: {"errors": {field: message}} with its 4xx status."""
    response = jsonify(errors={key: str(message) for key, message in errors.items()})
    response.status_code = status
    return response


def error_messages(form) -> dict[str, str]:
    """A validated form's errors by field name (a row's too: decisions-0-owner), the first of each; "form" for the
    errors of no field."""
    found = {}

    def walk(field) -> None:
        if isinstance(field, FieldList | FormField):
            for sub in field:
                walk(sub)
        elif field.errors:
            found[field.name] = str(field.errors[0])

    for field in form:
        walk(field)
    if form.form_errors:
        found["form"] = str(form.form_errors[0])
    return found


def is_post() -> bool:
    """Whether the request sends a form (rather than asking for one)."""
    return request.method == "POST"


CHANGED_MEANWHILE = _l("Someone changed this record after you opened the form, so your changes were not saved.")


def render(page: str, fragment: str | None = None, /, status: int = 200, **context) -> Response:
    """Render the full page, or only the fragment the page itself includes for an htmx request."""
    template = fragment if fragment and is_htmx() else page
    response = make_response(render_template(template, **context), status)
    if fragment:
        response.vary.add("HX-Request")
    return response


def on_its_own_page() -> bool:
    """Whether htmx sent this from the page at this same address (a form opened as a page of its own), where a
    fragment meant for another page has nowhere to go."""
    return is_htmx() and unquote(urlsplit(request.headers.get("HX-Current-URL", "")).path) == request.path


def redirect_to(url: str) -> Response:
    """Send the browser to a URL: an HX-Redirect for htmx, a 303 otherwise."""
    if is_htmx():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = url
        return response
    response = make_response("", 303)
    response.headers["Location"] = url
    return response


def form_view(form, save, page: str, fragment: str | None = None, /, *, done=redirect_to, check=None,
              show=show_errors, conflict=None, **context) -> Response:
    """Show a form, or save it and answer done(save(form)); else the form again with every problem and a 422."""
    refused: dict = {}
    if is_post():
        valid = form.validate()
        try:
            if valid:
                saved = save(form)
            elif check:
                check(form)  # the rules the form cannot check by itself, so that every problem shows at once
        except InvalidInput as refusal:
            if wants_json():
                refused = refusal.errors  # by the service's own keys (photos-0), not moved onto the fields
            else:
                show(form, refusal.errors)
        except Conflict as changed:  # the record changed since the user loaded it
            if wants_json():
                return json_errors({"version": CHANGED_MEANWHILE}, 409)
            if conflict is not None:
                return conflict(form, changed)
            if not hasattr(form, "version"):
                raise
            return resave(form, changed, page, fragment, **context)
        else:
            if valid:
                return done(saved)
    if is_post() and wants_json():
        return json_errors({**refused, **error_messages(form)}, 422)
    # On a page of two forms the context names the other one "form", and the posted one by its own name.
    return render(page, fragment, status=422 if is_post() else 200, **{"form": form, **context})


def resave(form, changed: Conflict, page: str, fragment: str | None = None, /, **context) -> Response:
    """A 409: the form as the user typed it, saying who changed the record meanwhile and what it holds now; it
    carries the new version, so that saving it again replaces their change knowingly."""
    form.version.data = changed.current.version
    form.conflict = changed  # form_errors in _fields.html shows it above the fields
    return render(page, fragment, status=409, **{"form": form, **context})


def int_arg(name: str) -> int | None:
    """A whole number from the query string (or the posted form), or None when it is missing or not an id-sized one."""
    return whole_number(request.values.get(name, ""))


SAVED = _l("Saved")
# The category of a flashed confirmation; _confirmations.html shows it as the same short notice htmx saves get.
SAVED_CATEGORY = "saved"


def quiet(view):
    """Mark a view whose successful POST is not a save (logging in, an inline check, marking a notice read), so no
    «saved» follows it."""
    view.quiet = True
    return view


def announce_save(response: Response) -> Response:
    """After every successful save, the one place that says so: an htmx answer carries HX-Trigger «saved» (app.js
    shows it where the user is looking), a redirect flashes it for the page it leads to. The JSON API and the
    outbox say it their own way."""
    # Logged out, a form's post is refused with a redirect to the login page: nothing was saved.
    if request.method in ("GET", "HEAD", "OPTIONS") or response.status_code >= 400 or wants_json() \
            or not current_user.is_authenticated:
        return response
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "quiet", False):
        return response
    if response.status_code in (301, 302, 303) or "HX-Redirect" in response.headers:
        flash(str(SAVED), SAVED_CATEGORY)
    elif is_htmx() and response.status_code < 300:
        response.headers["HX-Trigger"] = _with_saved(response.headers.get("HX-Trigger"))
    return response


def _with_saved(trigger: str | None) -> str:
    """The HX-Trigger header with «saved» added to the events a view already triggers (a name, names or JSON)."""
    events: dict = {}
    if trigger:
        try:
            events = json.loads(trigger)
        except ValueError:
            events = None
        if not isinstance(events, dict):
            events = {name.strip(): None for name in trigger.split(",") if name.strip()}
    return json.dumps({**events, SAVED_CATEGORY: str(SAVED)}, ensure_ascii=True)

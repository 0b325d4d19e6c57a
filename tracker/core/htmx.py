"""Rendering a page or just its fragment, depending on who asked; the one form view."""
from flask import make_response, render_template, request
from werkzeug.wrappers import Response

from tracker.core.errors import Conflict, InvalidInput
from tracker.core.forms import show_errors
from tracker.core.numbers import whole_number


def is_htmx() -> bool:
    """Whether htmx sent this request (and so wants a fragment)."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"


def is_post() -> bool:
    """Whether the request sends a form (rather than asking for one)."""
    return request.method == "POST"


def render(page: str, fragment: str | None = None, /, status: int = 200, **context) -> Response:
    """Render the full page, or only the fragment the page itself includes for an htmx request."""
    template = fragment if fragment and is_htmx() else page
    response = make_response(render_template(template, **context), status)
    if fragment:
        response.vary.add("HX-Request")
    return response


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
    if is_post():
        valid = form.validate()
        try:
            if valid:
                saved = save(form)
            elif check:
                check(form)  # the rules the form cannot check by itself, so that every problem shows at once
        except InvalidInput as refusal:
            show(form, refusal.errors)
        except Conflict as changed:  # the record changed since the user loaded it
            if conflict is not None:
                return conflict(form, changed)
            if not hasattr(form, "version"):
                raise
            return resave(form, changed, page, fragment, **context)
        else:
            if valid:
                return done(saved)
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

"""Rendering a page or just its fragment, depending on who asked."""
from flask import make_response, render_template, request
from werkzeug.wrappers import Response

from tracker.core.errors import InvalidInput
from tracker.core.forms import show_errors


def is_htmx() -> bool:
    """Whether htmx sent this request (and so wants a fragment)."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"


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


def form_view(form, save, page: str, fragment: str, /, **context) -> Response:
    """Validate and save a posted form, or show it (again, with its errors and a 422)."""
    if request.method == "POST" and form.validate():
        try:
            done_url = save(form)
        except InvalidInput as error:
            show_errors(form, error.errors)
        else:
            return redirect_to(done_url)
    return render(page, fragment, status=422 if form.errors else 200, form=form, **context)


def is_post() -> bool:
    """Whether the request sends a form (rather than asking for one)."""
    return request.method == "POST"


def int_arg(name: str) -> int | None:
    """A whole number from the query string (or the posted form), or None when it is missing or not a number."""
    value = request.values.get(name, "")
    return int(value) if value.isdigit() else None

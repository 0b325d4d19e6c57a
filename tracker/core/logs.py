"""Logs: one JSON object a line on stderr (or plain text for development), each request's id on every line written
while it runs, and one line per request with its user, route, status and duration."""
import contextvars
import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, Response, current_app, g, request
from flask.logging import default_handler

REQUEST_ID_HEADER = "X-Request-Id"
# What an id from our own proxy may look like (nginx's $request_id is 32 hex digits); anything else is replaced.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
# The attributes every LogRecord has: anything else on a record was passed in `extra` and goes into the JSON.
_RECORD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "request_id"}

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
requests_log = logging.getLogger("tracker.requests")


def current_request_id() -> str | None:
    """The id of the request being answered, or None outside a request."""
    return _request_id.get()


class RequestIdFilter(logging.Filter):
    """Stamp each record with the id of the request it was written during (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """A record as one line of JSON: time (UTC), level, logger, message, the request id, what `extra` carried, and
    the traceback of an exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if request_id := getattr(record, "request_id", None) or _request_id.get():
            entry["request_id"] = request_id
        entry.update({key: value for key, value in vars(record).items() if key not in _RECORD_ATTRIBUTES})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class StderrHandler(logging.StreamHandler):
    """Write to whatever sys.stderr is when a record comes (gunicorn and pytest replace it after start-up)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass


def configure(log_format: str = "json", level: int = logging.INFO) -> None:
    """Send every logger's records to stderr in this format; called again, it replaces its own handler only."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, StderrHandler)]:
        root.removeHandler(handler)
    handler = StderrHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT))
    root.addHandler(handler)
    root.setLevel(level)


def init_app(app: Flask) -> None:
    """Log in the configured format, give each request an id (and send it back), and log each request once."""
    configure(app.config["LOG_FORMAT"])
    # Flask's own handler would write each of the app's lines a second time, unformatted.
    logging.getLogger(app.name).removeHandler(default_handler)
    # First of the before_request functions, so that theirs log with the id too.
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    app.after_request(_finish)
    app.teardown_request(_forget)
    app.jinja_env.globals["request_id"] = current_request_id


def _incoming_id() -> str | None:
    # Only a proxy we run may name the request (TRACKER_PROXY_COUNT); a client could forge one to muddle the logs.
    if not current_app.config["PROXY_COUNT"]:
        return None
    value = request.headers.get(REQUEST_ID_HEADER, "")
    return value if SANE_REQUEST_ID.fullmatch(value) else None


def _start() -> None:
    _request_id.set(_incoming_id() or uuid.uuid4().hex)
    # A duration, not a moment: the monotonic counter, not the clock.
    g.request_started = time.perf_counter()


def _user_id() -> int | None:
    # Only a user this request already loaded: asking Flask-Login here would cost static files a query.
    user = g.get("_login_user")
    return user.id if user is not None and user.is_authenticated else None


def _finish(response: Response) -> Response:
    request_id = _request_id.get()
    if request_id is None:  # a request that failed before _start ran still gets an id to quote
        request_id = uuid.uuid4().hex
        _request_id.set(request_id)
    response.headers[REQUEST_ID_HEADER] = request_id
    started = g.get("request_started")
    duration_ms = round((time.perf_counter() - started) * 1000, 1) if started is not None else None
    route = request.url_rule.rule if request.url_rule is not None else None
    requests_log.info("%s %s %s", request.method, request.path, response.status_code, extra={
        "user_id": _user_id(), "method": request.method, "route": route, "path": request.path,
        "status": response.status_code, "duration_ms": duration_ms,
    })
    return response


def _forget(_error) -> None:
    _request_id.set(None)

"""Structured logs: one JSON line per record on stderr, each request logged once with its id, user, route, status and
duration; the id sent back in X-Request-Id, shown on the 500 page and on the traceback's line."""
import json
import logging
import os
import re
import signal
import subprocess
import sys
import time
from contextlib import suppress

import pytest
from alembic import command

from tests.conftest import htmx
from tests.helpers import fa
from tracker import create_app
from tracker.core import logs
from tracker.core.cli import alembic_config
from tracker.core.config import PROJECT_ROOT

ERROR_ID = re.compile(r'<p class="error-id">([^<]*)<bdi dir="ltr">([^<]*)</bdi></p>')


def json_lines(text: str) -> list[dict]:
    """The JSON objects of a log (every line must be one)."""
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def request_line(lines: list[dict], request_id: str) -> dict:
    """The one line that logged the request with this id."""
    [line] = [line for line in lines if line["logger"] == "tracker.requests" and line["request_id"] == request_id]
    return line


def test_a_request_is_logged_once_with_its_id_user_route_status_and_duration(client, director, make, capsys):
    project = make.project(name="بهسازی استخر کارگران کازرون")
    capsys.readouterr()

    response = client.get(f"/projects/{project.slug}")

    assert response.status_code == 200
    request_id = response.headers["X-Request-Id"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    line = request_line(json_lines(capsys.readouterr().err), request_id)
    assert line["level"] == "INFO" and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", line["time"])
    assert line["user_id"] == director.id
    assert line["method"] == "GET" and line["status"] == 200
    assert line["route"] == "/projects/<ref>" and line["path"] == f"/projects/{project.slug}"
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert project.slug in line["message"]


def test_an_anonymous_request_has_no_user_and_a_refused_one_its_status(client, capsys):
    response = client.get("/projects/")

    line = request_line(json_lines(capsys.readouterr().err), response.headers["X-Request-Id"])
    assert line["user_id"] is None and line["status"] == 302 and line["route"] == "/projects/"


def test_every_response_sends_its_own_request_id(client, director):
    responses = [client.get("/projects/"), client.get("/projects/", headers=htmx()), client.get("/no-such-page"),
                 client.get("/static/app.css"), client.get("/healthz"), client.post("/projects/", data={})]
    ids = [response.headers.get("X-Request-Id") for response in responses]
    assert all(ids) and len(set(ids)) == len(ids)


def test_a_forged_request_id_is_ignored_without_a_proxy(client, capsys):
    response = client.get("/healthz", headers={"X-Request-Id": "forged-by-the-client"})

    assert response.headers["X-Request-Id"] != "forged-by-the-client"
    lines = json_lines(capsys.readouterr().err)
    assert "forged-by-the-client" not in json.dumps(lines)
    assert request_line(lines, response.headers["X-Request-Id"])["route"] == "/healthz"


def test_behind_a_proxy_its_request_id_is_kept_if_it_looks_sane(app, client, capsys):
    app.config["PROXY_COUNT"] = 1
    nginx_id = "0123456789abcdef0123456789abcdef"

    kept = client.get("/healthz", headers={"X-Request-Id": nginx_id})
    replaced = [client.get("/healthz", headers={"X-Request-Id": bad}).headers["X-Request-Id"]
                for bad in ("a b", "x" * 129, '"}{"level": "CRITICAL', "")]

    assert kept.headers["X-Request-Id"] == nginx_id
    assert request_line(json_lines(capsys.readouterr().err), nginx_id)["status"] == 200
    assert all(re.fullmatch(r"[0-9a-f]{32}", made) for made in replaced)


@pytest.fixture
def failing_app(app):
    """The app as in production (exceptions not propagated), with a view that logs a warning and then fails."""
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def fails():
        logging.getLogger("tracker.visits").warning("about to fail")
        raise RuntimeError("secret detail of the failure")

    app.add_url_rule("/fails", "fails", fails)
    return app


@pytest.mark.parametrize("headers", [{}, htmx()], ids=["page", "htmx fragment"])
def test_the_500_page_shows_the_id_of_the_logged_traceback(failing_app, capsys, headers):
    response = failing_app.test_client().get("/fails", headers=headers)

    assert response.status_code == 500
    request_id = response.headers["X-Request-Id"]
    label, shown = ERROR_ID.search(response.text).groups()
    assert label.strip() == fa(failing_app, "Error id:") == "شناسه خطا:"
    assert shown == request_id
    lines = json_lines(capsys.readouterr().err)
    [traceback] = [line for line in lines if "exception" in line]
    assert traceback["level"] == "ERROR" and traceback["request_id"] == request_id
    assert "RuntimeError: secret detail of the failure" in traceback["exception"]
    assert "secret detail" not in response.text
    # Every line written during the request carries its id: the view's own, the traceback and the request's.
    during = [line for line in lines if line.get("request_id") == request_id]
    assert {line["logger"] for line in during} >= {"tracker.visits", "tracker", "tracker.requests"}
    assert request_line(lines, request_id)["status"] == 500


def test_pages_other_than_500_show_no_error_id(client, director):
    assert "error-id" not in client.get("/no-such-page").text


def test_lines_outside_a_request_have_no_request_id(app, client, capsys):
    client.get("/healthz")
    capsys.readouterr()

    logging.getLogger("tracker.reminders").info("scan: %s", "nothing due", extra={"sent": 0})

    [line] = json_lines(capsys.readouterr().err)
    assert line["message"] == "scan: nothing due" and line["sent"] == 0 and "request_id" not in line


def test_text_logs_for_a_terminal(database, session_factory, capsys):
    text_app = create_app({"TESTING": True, "DATABASE_URL": database.url.render_as_string(hide_password=False),
                           "SECRET_KEY": "test-secret", "LOG_FORMAT": "text"})
    text_app.extensions["session_factory"] = session_factory
    try:
        response = text_app.test_client().get("/healthz")
        err = capsys.readouterr().err
    finally:
        logs.configure("json")
    assert f"INFO tracker.requests [{response.headers['X-Request-Id']}] GET /healthz 200" in err
    assert not err.lstrip().startswith("{")


def test_the_scheduler_process_logs_json(tmp_path):
    url = f"sqlite:///{tmp_path / 'scheduler.sqlite3'}"
    command.upgrade(alembic_config(url), "head")
    env = {key: value for key, value in os.environ.items() if not key.startswith("TRACKER_")}
    env |= {"TRACKER_DATABASE_URL": url, "TRACKER_SECRET_KEY": "scheduler-test"}
    process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "tracker", "scheduler"], cwd=PROJECT_ROOT,
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any(line["message"].startswith("scan: ") for line in lines):
            raw = process.stderr.readline()
            if not raw:
                break
            lines.append(json.loads(raw))
    finally:
        process.send_signal(signal.SIGTERM)
        with suppress(subprocess.TimeoutExpired):
            process.communicate(timeout=20)
        if process.poll() is None:
            process.kill()
            process.wait()
    [scan] = [line for line in lines if line["message"].startswith("scan: ")]
    assert scan["logger"] == "tracker.reminders" and scan["level"] == "INFO"

"""The deployment samples in docs/deploy: gunicorn can load its config file and serves the app with it (JSON logs,
the proxy's request id), and nginx's sample accepts exactly the largest request the app takes."""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from contextlib import suppress

import httpx
import pytest
from alembic import command
from gunicorn.app.base import Application

from tracker.core.cli import alembic_config
from tracker.core.config import PROJECT_ROOT
from tracker.visits.photos import MB, request_limit_bytes

DEPLOY = PROJECT_ROOT / "docs" / "deploy"
GUNICORN_CONF = DEPLOY / "gunicorn.conf.py"
DEFAULT_MAX_PHOTO_MB = 20  # TRACKER_MAX_PHOTO_MB's default


class ConfigOnly(Application):
    """gunicorn's own loading of a config file, without its command line or an app."""

    def __init__(self, path):
        self.path = str(path)
        super().__init__()

    def load_config(self):
        self.load_config_from_file(self.path)

    def load(self):
        raise AssertionError("only the configuration is loaded")


def test_gunicorn_loads_the_config_file():
    cfg = ConfigOnly(GUNICORN_CONF).cfg

    assert cfg.bind == ["127.0.0.1:8000"]
    assert cfg.workers == (int(os.environ.get("WEB_CONCURRENCY", 0)) or (os.cpu_count() or 1) * 2 + 1)
    assert cfg.timeout >= 60 and 0 < cfg.graceful_timeout <= cfg.timeout
    assert cfg.max_requests > 0 and 0 < cfg.max_requests_jitter < cfg.max_requests
    assert cfg.forwarded_allow_ips == ["127.0.0.1"]
    assert cfg.accesslog is None and not cfg.preload_app
    assert cfg.logconfig_dict["formatters"]["json"]["()"] == "tracker.core.logs.JsonFormatter"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorn_with_the_config_logs_json_and_keeps_the_proxys_request_id(tmp_path):
    url = f"sqlite:///{tmp_path / 'deploy.sqlite3'}"
    command.upgrade(alembic_config(url), "head")
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("TRACKER_")}
    env |= {"TRACKER_DATABASE_URL": url, "TRACKER_SECRET_KEY": "deploy-test", "TRACKER_PROXY_COUNT": "1"}
    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF), "--workers", "1",
                                    "--bind", f"127.0.0.1:{port}", "wsgi:app"], cwd=PROJECT_ROOT, env=env,
                                   stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        response = None
        deadline = time.monotonic() + 60
        while response is None and time.monotonic() < deadline and process.poll() is None:
            with suppress(httpx.TransportError):
                response = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2,
                                     headers={"X-Request-Id": "0123456789abcdef0123456789abcdef"})
            time.sleep(0.2)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    output = log.read_text()
    assert response is not None, output
    assert response.status_code == 200 and response.headers["X-Request-Id"] == "0123456789abcdef0123456789abcdef"
    lines = [json.loads(line) for line in output.splitlines() if line.strip()]  # every line is JSON
    assert any(line["logger"] == "gunicorn.error" and "Booting worker" in line["message"] for line in lines)
    # One line a request; a loaded machine may need a second try after the client's 2 s timeout.
    served = [line for line in lines if line["logger"] == "tracker.requests"]
    assert served and all((line["request_id"], line["route"], line["status"])
                          == ("0123456789abcdef0123456789abcdef", "/healthz", 200) for line in served), served


def test_nginx_takes_the_largest_request_the_app_takes():
    sample = (DEPLOY / "nginx.conf").read_text()

    sizes = re.findall(r"^\s*client_max_body_size\s+(\d+)([kKmM]?);", sample, re.M)

    assert sizes, "the sample sets no client_max_body_size"
    factor = {"": 1, "k": 1024, "m": MB}
    assert {int(number) * factor[unit.lower()] for number, unit in sizes} == {request_limit_bytes(DEFAULT_MAX_PHOTO_MB)}


@pytest.mark.parametrize("unit", ["pishraft-web.service", "pishraft-scheduler.service"])
def test_the_systemd_units_run_from_the_checkout_with_the_environment_file(unit):
    text = (DEPLOY / unit).read_text()

    assert re.search(r"^EnvironmentFile=/etc/pishraft/pishraft\.env$", text, re.M)
    assert re.search(r"^WorkingDirectory=/srv/pishraft$", text, re.M)
    [start] = re.findall(r"^ExecStart=(.*)$", text, re.M)
    assert start.startswith("/srv/pishraft/.venv/bin/")

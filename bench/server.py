"""The app under gunicorn as a subprocess on a free loopback port, stopped on exit."""
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2
START_TIMEOUT_S = 30


def _free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_healthy(process: subprocess.Popen, base_url: str) -> None:
    """Poll /healthz until it answers 200; fail if gunicorn dies or takes too long."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode} before answering")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer /healthz within {START_TIMEOUT_S} s")


def _stop(process: subprocess.Popen) -> None:
    """Ask gunicorn's master to shut down, then kill its process group if it lingers."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextmanager
def gunicorn(database_url: str, secret_key: str, env: dict | None = None, log_path: Path | None = None,
             workers: int = WORKERS) -> Iterator[str]:
    """Serve wsgi:app on the bench database (with `env` added) and yield its base URL; keep its log at log_path."""
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = os.environ | {
        "TRACKER_DATABASE_URL": database_url,
        "TRACKER_SECRET_KEY": secret_key,
        "TRACKER_LOGIN_RATE_LIMIT": "100000 per minute",
    } | (env or {})
    command = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
               "--log-level", "warning", "wsgi:app"]
    with (open(log_path, "w+") if log_path else tempfile.TemporaryFile(mode="w+")) as log:
        # A session of its own, so that the whole group can be killed if the master hangs.
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        try:
            _wait_until_healthy(process, base_url)
            yield base_url
        except Exception:
            _stop(process)
            log.seek(0)
            print(f"bench: gunicorn log follows\n{log.read()[-4000:]}", file=sys.stderr)
            raise
        finally:
            _stop(process)

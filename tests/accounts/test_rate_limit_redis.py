"""The login limit on Redis (TRACKER_RATELIMIT_STORAGE=redis://…) counts across app instances in separate processes,
as it must for several gunicorn workers; with the default memory store each process counts alone. Redis must run
(127.0.0.1:6379, or TRACKER_TEST_REDIS_URL): without it the Redis leg fails, it is never skipped."""
import json
import os
import subprocess
import sys
import uuid

import pytest
import redis
from alembic import command

from tracker import create_app
from tracker.core.cli import alembic_config
from tracker.core.config import PROJECT_ROOT

REDIS_URL = os.environ.get("TRACKER_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
LIMIT = 3
# The other process: an app of its own on the same settings, failing to log in LIMIT - 1 times.
OTHER_INSTANCE = """
import json, sys
from tracker import create_app
app = create_app(json.loads(sys.argv[1]))
client = app.test_client()
print(json.dumps([client.post("/login", data={"username": sys.argv[2], "password": "wrong"}).status_code
                  for _ in range(int(sys.argv[3]))]))
"""


@pytest.fixture(scope="module")
def database_url(tmp_path_factory):
    """A migrated SQLite database both instances read (the login only looks a user up)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('ratelimit') / 'db.sqlite3'}"
    command.upgrade(alembic_config(url), "head")
    return url


def redis_or_fail() -> redis.Redis:
    """The test Redis; the test fails loudly when none answers."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.fail(f"Redis NOT RUNNING at {REDIS_URL} ({error}): the shared rate-limit test needs it", pytrace=False)
    return client


@pytest.mark.parametrize(("storage", "fourth_attempt"), [("redis", 429), ("memory", 422)])
def test_failed_logins_count_across_instances_only_on_a_shared_store(database_url, storage, fourth_attempt):
    prefix = f"pishraft-test-{uuid.uuid4().hex}"
    config = {"DATABASE_URL": database_url, "SECRET_KEY": "rate-limit-test", "WTF_CSRF_ENABLED": False,
              "LOGIN_RATE_LIMIT": f"{LIMIT} per minute", "RATELIMIT_KEY_PREFIX": prefix,
              "RATELIMIT_STORAGE_URI": REDIS_URL if storage == "redis" else "memory://"}
    shared = redis_or_fail() if storage == "redis" else None
    username = f"nobody-{prefix}"
    try:
        other = subprocess.run([sys.executable, "-c", OTHER_INSTANCE, json.dumps(config), username, str(LIMIT - 1)],
                               cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120, check=True)
        assert json.loads(other.stdout.splitlines()[-1]) == [422] * (LIMIT - 1)

        client = create_app(config).test_client()
        last_allowed = client.post("/login", data={"username": username, "password": "wrong"})
        fourth = client.post("/login", data={"username": username, "password": "wrong"})
    finally:
        if shared is not None:
            keys = list(shared.scan_iter(f"*{prefix}*"))
            if keys:
                shared.delete(*keys)
    assert last_allowed.status_code == 422
    assert fourth.status_code == fourth_attempt
    if storage == "redis":
        assert shared is not None and keys, "the limit's counters were not kept in Redis"

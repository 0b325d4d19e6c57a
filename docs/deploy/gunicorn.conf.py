"""gunicorn's settings for Pishraft, run from the checkout: `gunicorn -c docs/deploy/gunicorn.conf.py wsgi:app`.

Command-line options override these (`--bind`, `--workers`); WEB_CONCURRENCY sets the number of workers.
"""
import multiprocessing
import os

# nginx on the same machine proxies to this address; nothing else should reach it.
bind = "127.0.0.1:8000"
# Sync workers behind nginx (which buffers slow uploads and downloads): gunicorn's rule of 2 per CPU + 1.
# A WeasyPrint worker grows to a few hundred MB: lower it on a small machine.
workers = int(os.environ.get("WEB_CONCURRENCY", 0)) or multiprocessing.cpu_count() * 2 + 1
worker_class = "sync"
# A request may carry a visit's twelve photos, each decoded and resized, or a constituency's brief of 30 projects:
# allow two minutes before a worker is killed; on a stop or restart, let running requests finish for 30 s.
timeout = 120
graceful_timeout = 30
keepalive = 5
# Restart each worker after about a thousand requests (WeasyPrint's memory grows render by render); the jitter
# keeps the workers from restarting all at once.
max_requests = 1000
max_requests_jitter = 100
# Each worker builds its own app and database engine after the fork (no connections shared across processes).
preload_app = False
# Only nginx on this machine may say the request came over HTTPS (X-Forwarded-Proto); the app's own ProxyFix
# (TRACKER_PROXY_COUNT=1) reads the client's address and host the same way.
forwarded_allow_ips = "127.0.0.1"

# No access log: the app writes one JSON line per request (request id, user, route, status, duration).
accesslog = None
errorlog = "-"
loglevel = "info"
# gunicorn's own lines (start, worker restarts, timeouts) in the app's format, on stderr; the app replaces the
# handler with its own when a worker starts, so nothing is written twice.
_format = os.environ.get("TRACKER_LOG_FORMAT", "json")
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"level": "INFO", "handlers": ["stderr"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
        "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": True},
    },
    "handlers": {"stderr": {"class": "tracker.core.logs.StderrHandler", "formatter": _format}},
    "formatters": {
        "json": {"()": "tracker.core.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
}

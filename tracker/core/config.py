"""Settings from TRACKER_* environment variables, with overrides for tests."""
import os
import secrets
from pathlib import Path

# The version of Pishraft, written into every backup's manifest.
VERSION = "0.12.0"
# The checkout: templates/, migrations/ and instance/ are found from here.
PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent


def database_url(url: str) -> str:
    """Map a plain postgresql:// URL to the installed psycopg 3 driver."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(instance_path: Path) -> str:
    """The secret key from the environment, else one generated once into instance/."""
    if key := os.environ.get("TRACKER_SECRET_KEY"):
        return key
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def load_settings(instance_path: Path) -> dict:
    """Read every setting the app knows from the environment."""
    instance_path.mkdir(parents=True, exist_ok=True)
    default_db = f"sqlite:///{instance_path / 'pishraft.sqlite3'}"
    secure = _flag("TRACKER_SECURE_COOKIES")
    return {
        "DATABASE_URL": database_url(os.environ.get("TRACKER_DATABASE_URL", default_db)),
        "SECRET_KEY": _secret_key(instance_path),
        "BASE_URL": os.environ.get("TRACKER_BASE_URL", "http://127.0.0.1:5000"),
        "UPLOAD_DIR": os.environ.get("TRACKER_UPLOAD_DIR", str(instance_path / "uploads")),
        "MAX_PHOTO_MB": int(os.environ.get("TRACKER_MAX_PHOTO_MB", "20")),
        # Status briefs: where issued PDFs are archived, and the letterhead. {province} is the Persian name of
        # the brief's province, so one installation serves every province's directorate.
        "BRIEFS_DIR": os.environ.get("TRACKER_BRIEFS_DIR", str(instance_path / "briefs")),
        # Where photos and briefs are kept: the two folders above (local), or an S3-compatible bucket (s3) that
        # several web servers share, each store under <prefix>/uploads/ and <prefix>/briefs/. Credentials: these
        # two settings, else boto3's own (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, ~/.aws, an instance role).
        "STORAGE": os.environ.get("TRACKER_STORAGE", "local").strip().lower(),
        "S3_BUCKET": os.environ.get("TRACKER_S3_BUCKET", ""),
        "S3_PREFIX": os.environ.get("TRACKER_S3_PREFIX", ""),
        "S3_ENDPOINT_URL": os.environ.get("TRACKER_S3_ENDPOINT_URL", ""),
        "S3_REGION": os.environ.get("TRACKER_S3_REGION", ""),
        "S3_ACCESS_KEY_ID": os.environ.get("TRACKER_S3_ACCESS_KEY_ID", ""),
        "S3_SECRET_ACCESS_KEY": os.environ.get("TRACKER_S3_SECRET_ACCESS_KEY", ""),
        "BRIEF_DIRECTORATE": os.environ.get("TRACKER_BRIEF_DIRECTORATE",
                                            "اداره‌کل تعاون، کار و رفاه اجتماعی استان {province}"),
        "BRIEF_LOGO": os.environ.get("TRACKER_BRIEF_LOGO", ""),
        # {year}: Jalali year of issue, {seq}: the brief's sequence in its province and year, {province}: the
        # province's code, {kind}: p (project) or c (constituency). Python format syntax: {seq:04d} pads.
        "BRIEF_NUMBER_FORMAT": os.environ.get("TRACKER_BRIEF_NUMBER_FORMAT", "{year}/{seq}/گ"),
        "BRIEF_CLASSIFICATION": os.environ.get("TRACKER_BRIEF_CLASSIFICATION", ""),
        # Open data (OC4IDS): the prefix of every project's id (register one: oc4ids-xxxxxx-), and who publishes
        # the package of the whole country (a province's package is published by its directorate, as above).
        "OC4IDS_PREFIX": os.environ.get("TRACKER_OC4IDS_PREFIX", "oc4ids-pishraft-"),
        "OC4IDS_PUBLISHER": os.environ.get("TRACKER_OC4IDS_PUBLISHER", "وزارت تعاون، کار و رفاه اجتماعی"),
        "DEMO": _flag("TRACKER_DEMO"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure,
        # A login session ends after this many hours unused (and always on logout or a new password).
        "SESSION_IDLE_HOURS": float(os.environ.get("TRACKER_SESSION_IDLE_HOURS", "8")),
        # How many proxies (nginx, a load balancer) stand in front and set X-Forwarded-For; 0 trusts none.
        "PROXY_COUNT": int(os.environ.get("TRACKER_PROXY_COUNT", "0")),
        "RATELIMIT_STORAGE_URI": os.environ.get("TRACKER_RATELIMIT_STORAGE", "memory://"),
        # Failed logins allowed per address and, separately, per account; a refusal says when to try again.
        "LOGIN_RATE_LIMIT": os.environ.get("TRACKER_LOGIN_RATE_LIMIT", "10 per minute"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "SMTP_HOST": os.environ.get("TRACKER_SMTP_HOST", ""),
        "SMTP_PORT": int(os.environ.get("TRACKER_SMTP_PORT", "25")),
        "SMTP_USER": os.environ.get("TRACKER_SMTP_USER", ""),
        "SMTP_PASSWORD": os.environ.get("TRACKER_SMTP_PASSWORD", ""),
        "SMTP_TLS": _flag("TRACKER_SMTP_TLS"),
        "MAIL_FROM": os.environ.get("TRACKER_MAIL_FROM", "pishraft@example.org"),
        # Reminders: how often `flask scheduler` scans, and how long a claimed email is held before a retry.
        "REMINDER_INTERVAL_MINUTES": int(os.environ.get("TRACKER_REMINDER_INTERVAL_MINUTES", "5")),
        "REMINDER_LEASE_SECONDS": int(os.environ.get("TRACKER_REMINDER_LEASE_SECONDS", "300")),
        # json: one object a line on stderr, for journald and log collectors; text: for reading in a terminal.
        "LOG_FORMAT": os.environ.get("TRACKER_LOG_FORMAT", "json"),
        "BABEL_DEFAULT_LOCALE": "fa",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Tehran",
        "LANGUAGES": ("fa", "en"),
        "PAGE_SIZE": 25,
    }

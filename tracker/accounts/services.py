"""Writes of users: creation, passwords, reset links and logging in."""
import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from flask import render_template
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlmodel import Session
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.accounts import queries
from tracker.accounts.models import Role, User
from tracker.core.audit import record_change, snapshot
from tracker.core.errors import InvalidInput
from tracker.core.i18n import lazy_gettext as _l
from tracker.core.mail import Email, MailSettings, SmtpTransport, compose
from tracker.places import queries as places

MIN_PASSWORD_LENGTH = 8
# Compared against when the username is unknown, so both paths cost one scrypt hash.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def _validate_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput({"password": _l("The password must have at least 8 characters.")})


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: Role,
    province: str | None = None,
    county: str | None = None,
    full_name: str = "",
    email: str = "",
    actor_id: int | None = None,
) -> User:
    """Create a user; everyone but an admin belongs to a province, a county head also to a county."""
    username = username.strip().lower()
    errors = {}
    if not username:
        errors["username"] = _l("Enter a username.")
    elif queries.find_by_username(session, username):
        errors["username"] = _l("This username is already taken.")
    if len(password) < MIN_PASSWORD_LENGTH:
        errors["password"] = _l("The password must have at least 8 characters.")
    province_id = county_id = None
    if role != Role.admin:
        found = places.find_province(session, province) if province else None
        if not province:
            errors["province"] = _l("Choose the user's province.")
        elif found is None:
            errors["province"] = _l("There is no province with this name.")
        else:
            province_id = found.id
        if found is not None and county:
            found_county = places.find_county(session, province_id, county)
            if found_county is None:
                errors["county"] = _l("This province has no county with this name.")
            else:
                county_id = found_county.id
    if errors:
        raise InvalidInput(errors)
    user = User(
        username=username,
        password_hash=generate_password_hash(password),
        role=role,
        province_id=province_id,
        county_id=county_id,
        full_name=full_name.strip(),
        email=email.strip(),
    )
    session.add(user)
    session.flush()
    record_change(session, actor_id=actor_id, action="create", record=user, before=None,
                  summary=f"user {username}")
    return user


def set_password(session: Session, *, user: User, password: str, actor_id: int | None) -> None:
    """Give a user a new password (an admin's reset, or the CLI)."""
    _validate_password(password)
    before = snapshot(user, exclude=("password_hash",))
    user.password_hash = generate_password_hash(password)
    session.add(user)
    session.flush()
    record_change(session, actor_id=actor_id, action="update", record=user, before=before,
                  summary=f"password of {user.username}")


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with these credentials, or None."""
    user = queries.find_by_username(session, username)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not user.active or not check_password_hash(user.password_hash, password):
        return None
    return user


RESET_LINK_SECONDS = 3600


def _reset_serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="password-reset")


def _password_fingerprint(user: User) -> str:
    # Part of the token: once the password changes, every link made before stops working.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def reset_token(user: User, secret_key: str) -> str:
    """A signed token that lets this user set a new password once, for an hour."""
    return _reset_serializer(secret_key).dumps({"user": user.id, "password": _password_fingerprint(user)})


def user_for_reset_token(session: Session, token: str, secret_key: str,
                         max_age: int = RESET_LINK_SECONDS) -> User | None:
    """The active user a reset token was made for, or None when it is forged, expired or already used."""
    try:
        claims = _reset_serializer(secret_key).loads(token, max_age=max_age)
    except BadSignature:  # SignatureExpired is a BadSignature too
        return None
    user = queries.get_user(session, claims.get("user", 0)) if isinstance(claims, dict) else None
    if user is None or not user.active:
        return None
    return user if hmac.compare_digest(claims.get("password", ""), _password_fingerprint(user)) else None


def send_reset_link(session: Session, *, login: str, mail: MailSettings, secret_key: str) -> bool:
    """Email a reset link to the user with this username or address; False when there is no one to send it to.

    The caller says the same thing either way, so that the form does not tell who has an account.
    """
    user = queries.find_for_reset(session, login)
    if user is None or not user.email or not mail.host:
        return False
    context = {"user": user, "link": mail.link(f"/password/reset/{reset_token(user, secret_key)}"),
               "minutes": RESET_LINK_SECONDS // 60}
    email = Email(" ".join(render_template("accounts/_reset_email_subject.txt", **context).split()),
                  render_template("accounts/_reset_email_text.txt", **context).strip() + "\n",
                  render_template("accounts/_reset_email.html", **context))
    domain = urlsplit(mail.base_url).hostname or "pishraft.local"
    transport = SmtpTransport(mail)
    try:
        transport.send(compose(user.email, email, f"<reset.{secrets.token_hex(8)}@{domain}>", mail))
    finally:
        transport.close()
    return True

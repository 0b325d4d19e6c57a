"""Writes of users: creation, passwords, reset links and logging in."""
import hashlib
import hmac
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from flask import render_template
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import update
from sqlmodel import Session, col
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.accounts import queries
from tracker.accounts.models import ApiToken, LoginSession, Role, User
from tracker.core import clock
from tracker.core.audit import record_change, snapshot
from tracker.core.errors import Forbidden, InvalidInput, NotFound
from tracker.core.i18n import lazy_gettext as _l
from tracker.core.mail import Email, MailSettings
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
    post: str = "",
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
        post=" ".join(post.split()),
    )
    session.add(user)
    session.flush()
    record_change(session, actor_id=actor_id, action="create", record=user, before=None,
                  summary=f"user {username}")
    return user


def set_post(session: Session, *, actor: User, user: User, post: str) -> User:
    """Set a user's post (a brief's signature prints it): their own, or anyone's for an administrator."""
    if actor.id != user.id and not actor.is_admin:
        raise Forbidden
    before = snapshot(user)
    user.post = " ".join(post.split())
    session.add(user)
    session.flush()
    record_change(session, actor_id=actor.id, action="update", record=user, before=before,
                  summary=f"post of {user.username}")
    return user


def set_password(session: Session, *, user: User, password: str, actor_id: int | None) -> None:
    """Give a user a new password (an admin's, a reset link's, or the CLI's); every device of theirs logs out."""
    _validate_password(password)
    before = snapshot(user, exclude=("password_hash",))
    user.password_hash = generate_password_hash(password)
    session.add(user)
    session.flush()
    end_logins(session, user_id=user.id, reason="password")
    record_change(session, actor_id=actor_id, action="update", record=user, before=before,
                  summary=f"password of {user.username}")


def login_secret_hash(secret: str) -> str:
    """What is stored of a login session's secret: its SHA-256."""
    return hashlib.sha256(secret.encode()).hexdigest()


def start_login(session: Session, *, user: User, user_agent: str = "", address: str = "") -> str:
    """Open a login session for one device; returns the secret that its cookie keeps."""
    secret = secrets.token_urlsafe(32)
    session.add(LoginSession(secret_hash=login_secret_hash(secret), user_id=user.id,
                             user_agent=user_agent[:300], address=address[:64]))
    session.flush()
    return secret


def end_login(session: Session, *, secret: str, reason: str = "logout") -> None:
    """End the login session whose cookie holds this secret (logging out)."""
    session.exec(update(LoginSession)
                 .where(LoginSession.secret_hash == login_secret_hash(secret), col(LoginSession.ended_at).is_(None))
                 .values(ended_at=clock.now(), end_reason=reason))


def end_logins(session: Session, *, user_id: int, reason: str, keep: int | None = None) -> int:
    """End every open login session of a user but `keep`; returns how many ended."""
    query = update(LoginSession).where(LoginSession.user_id == user_id, col(LoginSession.ended_at).is_(None))
    if keep is not None:
        query = query.where(LoginSession.id != keep)
    return session.exec(query.values(ended_at=clock.now(), end_reason=reason)).rowcount


def end_own_login(session: Session, *, user: User, login_id: int) -> None:
    """A user ends one of their own login sessions, say on a tablet left behind."""
    if not _end_logins_where(session, user, LoginSession.id == login_id):
        raise NotFound


def end_other_logins(session: Session, *, user: User, current_id: int) -> int:
    """A user ends every login session of theirs but the one they are using; returns how many ended."""
    return _end_logins_where(session, user, LoginSession.id != current_id)


def _end_logins_where(session: Session, user: User, condition) -> int:
    # Audited on the user: ending a session is what someone does after losing a tablet.
    ended = session.exec(
        update(LoginSession)
        .where(LoginSession.user_id == user.id, col(LoginSession.ended_at).is_(None), condition)
        .values(ended_at=clock.now(), end_reason="ended")).rowcount
    if ended:
        record_change(session, actor_id=user.id, action="update", record=user, before=None,
                      summary=f"{ended} login sessions of {user.username} ended")
    return ended


def touch_login(session: Session, login_id: int) -> None:
    """Note that a login session was just used, which moves its idle end later."""
    session.exec(update(LoginSession).where(LoginSession.id == login_id).values(last_seen_at=clock.now()))


def end_idle_login(session: Session, login_id: int) -> None:
    """Record that a login session ended by sitting unused too long: it cannot come back, whatever the clock says."""
    session.exec(update(LoginSession).where(LoginSession.id == login_id, col(LoginSession.ended_at).is_(None))
                 .values(ended_at=clock.now(), end_reason="idle"))


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


def reset_email(session: Session, *, login: str, mail: MailSettings, secret_key: str) -> tuple[User, Email] | None:
    """The user with this username or address and the reset link to email them; None when there is no one.

    The email is rendered either way, so that both answers cost the same; the caller queues it (never sends it
    while the user waits) and says the same thing whether or not the account exists or the mail server is up.
    """
    user = queries.find_for_reset(session, login)
    found = user is not None and bool(user.email)
    someone = user if found else User(username="", password_hash="", role=Role.viewer)
    context = {"user": someone, "link": mail.link(f"/password/reset/{reset_token(someone, secret_key)}"),
               "minutes": RESET_LINK_SECONDS // 60}
    email = Email(" ".join(render_template("accounts/_reset_email_subject.txt", **context).split()),
                  render_template("accounts/_reset_email_text.txt", **context).strip() + "\n",
                  render_template("accounts/_reset_email.html", **context))
    return (user, email) if found else None


def reset_message_id(mail: MailSettings) -> str:
    """A fresh Message-ID for a reset link."""
    return f"<reset.{secrets.token_hex(8)}@{urlsplit(mail.base_url).hostname or 'pishraft.local'}>"


# A token's secret: a fixed mark (so a leaked one is easy to recognise and scan for) and 32 random bytes.
TOKEN_MARK = "pst_"
TOKEN_PREFIX_LENGTH = len(TOKEN_MARK) + 6
TOKEN_NAME_LENGTH = 80
# How stale a token's last use may get before a request notes it: one write a minute, not one a request.
TOKEN_TOUCH_AFTER = timedelta(minutes=1)


def create_token(session: Session, *, user: User, name: str) -> tuple[ApiToken, str]:
    """A new API token of the user, and its secret: shown once, only its SHA-256 is kept."""
    name = " ".join(name.split())
    if not name:
        raise InvalidInput({"name": _l("Name the token, say after the system that will use it.")})
    if len(name) > TOKEN_NAME_LENGTH:
        raise InvalidInput({"name": _l("The name may have at most 80 characters.")})
    secret = TOKEN_MARK + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, secret_hash=login_secret_hash(secret),
                     prefix=secret[:TOKEN_PREFIX_LENGTH])
    session.add(token)
    session.flush()
    record_change(session, actor_id=user.id, action="create", record=token, before=None,
                  summary=f"API token {token.prefix}… of {user.username}")
    return token, secret


def revoke_token(session: Session, *, actor: User, token_id: int) -> ApiToken:
    """Revoke a token for good: its owner or an administrator may; to anyone else it is not there."""
    token = session.get(ApiToken, token_id)
    if token is None or not (token.user_id == actor.id or actor.is_admin):
        raise NotFound
    if token.revoked_at is not None:
        return token
    before = snapshot(token)
    token.revoked_at = clock.now()
    session.add(token)
    session.flush()
    record_change(session, actor_id=actor.id, action="update", record=token, before=before,
                  summary=f"API token {token.prefix}… revoked")
    return token


def token_stale(token: ApiToken) -> bool:
    """Whether the token's last use is old enough to note this one."""
    return token.last_used_at is None or clock.now() - clock.utc(token.last_used_at) > TOKEN_TOUCH_AFTER


def touch_token(session: Session, token_id: int) -> None:
    """Note that a token was just used."""
    session.exec(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=clock.now()))

"""Writes of users: creation, passwords and logging in."""
from sqlmodel import Session
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.accounts import queries
from tracker.accounts.models import Role, User
from tracker.core.audit import record_change, snapshot
from tracker.core.errors import InvalidInput
from tracker.core.i18n import lazy_gettext as _l
from tracker.projects import queries as places

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

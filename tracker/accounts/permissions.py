"""Who may see and do what: the one guard and the one scope every area, page, command and import uses.

A user sees the records of their province (an administrator sees every province); a county head sees those of
their county and the province-wide ones (a record with no county). A record outside that is, to the user, not
there: 404. Within it, the role decides what the user may do; a refused action is 403. A county head changes
visits and meetings of their county only (owns): a province-wide meeting is read-only to them.
"""
from enum import StrEnum

from sqlalchemy import ColumnElement, or_
from sqlmodel import Session

from tracker.accounts import queries
from tracker.accounts.models import Role, User
from tracker.core.db import Versioned
from tracker.core.errors import Conflict, Forbidden, NotFound
from tracker.places import queries as places
from tracker.places.models import County, Province


class Action(StrEnum):
    """What a user may want to do to a record within their scope."""

    read = "read"
    edit = "edit"  # projects, facilities, agencies, partners, milestones, visits, meetings, decisions
    edit_budget = "edit_budget"  # credit figures
    issue_brief = "issue_brief"  # number and archive a status brief
    administer = "administer"  # users, reference data, reminder settings, the outbox


ROLES_ALLOWED: dict[Action, frozenset[Role]] = {
    Action.read: frozenset(Role),
    Action.edit: frozenset({Role.admin, Role.director, Role.staff}),
    Action.edit_budget: frozenset({Role.admin, Role.budget_officer}),
    Action.issue_brief: frozenset({Role.admin, Role.director, Role.staff}),
    Action.administer: frozenset({Role.admin}),
}


def sees(user: User, province_id: int | None, county_id: int | None = None) -> bool:
    """Whether a record of this province (and county; None: province-wide) is within the user's scope."""
    if user.is_admin:
        return True
    if province_id != user.province_id:
        return False
    return user.county_id is None or county_id is None or county_id == user.county_id


def owns(user: User, province_id: int | None, county_id: int | None = None) -> bool:
    """Whether a record is of the user's own place, so that they may change it: what they see, except that a county
    head only reads the province-wide records (they belong to the whole province, not to the county)."""
    return sees(user, province_id, county_id) and not (user.county_id and county_id is None and not user.is_admin)


def may(user: User, action: Action, province_id: int | None = None, county_id: int | None = None) -> bool:
    """Whether the user may do this; with a place, also whether the record there is within their scope."""
    if province_id is not None and not sees(user, province_id, county_id):
        return False
    return user.role in ROLES_ALLOWED[action]


def require(user: User, action: Action, province_id: int | None = None, county_id: int | None = None) -> None:
    """Refuse a record outside the user's scope (404), then an action the role may not do (403)."""
    if province_id is not None and not sees(user, province_id, county_id):
        raise NotFound
    if user.role not in ROLES_ALLOWED[action]:
        raise Forbidden


def speaks_for(user: User, province_id: int) -> bool:
    """Whether the user speaks for the province's directorate (how its letters read): an administrator, or a
    director of the whole province (a county head is not: the letters are the directorate's)."""
    return user.is_admin or (user.role == Role.director and user.county_id is None
                             and user.province_id == province_id)


def require_directorate(user: User, province_id: int) -> None:
    """Refuse a province outside the user's scope (404), then anyone who does not speak for its directorate (403)."""
    if not sees(user, province_id):
        raise NotFound
    if not speaks_for(user, province_id):
        raise Forbidden


def require_current(session: Session, record: Versioned, expected_version: int | None) -> None:
    """Refuse a save made from a form loaded before someone else changed the record (a Conflict naming who
    changed what); None (a client that sends no version) is not checked. Call it before changing the record."""
    # Locked until the save commits, so that two saves of one version take turns and the second is refused.
    session.refresh(record, with_for_update=True)
    if expected_version is not None and record.version != expected_version:
        raise Conflict(record, queries.changes_since(session, record, expected_version))


def get_seen(session: Session, user: User, model, record_id):
    """A record with a province_id and county_id, by id, when the user sees it; else NotFound."""
    record = session.get(model, record_id)
    if record is None or not sees(user, record.province_id, record.county_id):
        raise NotFound
    return record


def scope(user: User, province_column, county_column=None, *, national: bool = False) -> list[ColumnElement[bool]]:
    """The conditions that narrow a query to the records the user sees (none for an administrator).

    national: records with no province (national agencies) are seen in every province.
    """
    if user.is_admin:
        return []
    own = province_column == user.province_id
    clauses = [or_(province_column.is_(None), own) if national else own]
    if user.county_id and county_column is not None:
        clauses.append(or_(county_column.is_(None), county_column == user.county_id))
    return clauses


def visible_provinces(session: Session, user: User) -> list[Province]:
    """The provinces the user sees: their own, or every one for an administrator."""
    return places.provinces(session, scope(user, Province.id))


def visible_counties(session: Session, user: User, province_id: int | None = None) -> list[County]:
    """The counties the user sees (a county head: their own), optionally of one province."""
    return places.counties(session, scope(user, County.province_id, County.id), province_id)

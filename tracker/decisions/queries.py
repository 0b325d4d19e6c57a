"""Reads of the decisions area: a visit's or meeting's decisions, and the province-wide list."""
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from tracker.accounts import permissions
from tracker.accounts.models import User
from tracker.core import clock
from tracker.core.db import PERSIAN
from tracker.core.paging import Page, clamp_page
from tracker.core.party import Party
from tracker.decisions.models import Decision, DecisionState
from tracker.projects.models import Agency, Project


@dataclass(frozen=True)
class Occasion:
    """Where a decision was taken, as its row names it: the day, and the body that met (none for a visit)."""

    day: date
    body: str = ""


# How each area that takes decisions names its occasions, by the Decision column that points at them
# ("visit_id", "meeting_id"): ids in, Occasions out, one query per page of rows. The visits and meetings
# areas fill it, since this area sits below them.
OCCASIONS: dict[str, Callable[[Session, set[uuid.UUID]], dict[uuid.UUID, Occasion]]] = {}


def get_decision(session: Session, user: User, decision_id: uuid.UUID) -> Decision:
    """A decision in the user's scope, else NotFound."""
    return permissions.get_seen(session, user, Decision, decision_id)


@dataclass(frozen=True)
class DecisionRow:
    """A decision with its owner's and project's names and where it was taken."""

    decision: Decision
    owner_name: str
    project_name: str
    project_slug: str
    occasion: Occasion | None
    today: date

    @property
    def overdue(self) -> bool:
        """Open past its due date."""
        return self.decision.state == DecisionState.open and self.decision.due_date < self.today


def _decision_query():
    owner_user, owner_agency = aliased(User), aliased(Agency)
    return (
        select(Decision, owner_user.full_name, owner_user.username, owner_agency.name, Project.name, Project.slug)
        .outerjoin(owner_user, owner_user.id == Decision.owner_user_id)
        .outerjoin(owner_agency, owner_agency.id == Decision.owner_agency_id)
        .outerjoin(Project, Project.id == Decision.project_id)
    )


def _occasions(session: Session, decisions: list[Decision]) -> dict[uuid.UUID, Occasion]:
    """The occasion of each decision (by its id), asked of the area that owns it."""
    found = {}
    for column, name in OCCASIONS.items():
        ids = {getattr(decision, column) for decision in decisions} - {None}
        if ids:
            named = name(session, ids)
            found |= {d.id: named[getattr(d, column)] for d in decisions if getattr(d, column) in named}
    return found


def _decision_rows(session: Session, query) -> list[DecisionRow]:
    day = clock.today()
    rows = session.exec(query).all()
    occasions = _occasions(session, [row[0] for row in rows])
    return [
        DecisionRow(decision, full_name or username or agency or "", project_name or "", slug or "",
                    occasions.get(decision.id), day)
        for decision, full_name, username, agency, project_name, slug in rows
    ]


def decisions_of(session: Session, **occasion: uuid.UUID) -> list[DecisionRow]:
    """The decisions of one visit or meeting, in the order they were taken."""
    (key, value), = occasion.items()
    query = _decision_query().where(getattr(Decision, key) == value).order_by(col(Decision.created_at),
                                                                               col(Decision.due_date))
    return _decision_rows(session, query)


def decision_row(session: Session, decision: Decision) -> DecisionRow:
    """One decision as a row of the list."""
    return _decision_rows(session, _decision_query().where(Decision.id == decision.id))[0]


@dataclass
class DecisionFilters:
    """What the decision list is narrowed to; by default the open ones."""

    province_id: int | None = None
    owner: str = ""  # a Party value, "user:5" or "agency:3"; anything else: every owner
    project_id: int | None = None
    overdue: bool = False
    state: DecisionState | None = DecisionState.open  # None: every state
    page: int = 1

    def as_args(self, **changes) -> dict:
        """The query-string arguments that reproduce these filters."""
        values = {
            "province": self.province_id, "owner": self.owner, "project": self.project_id,
            "overdue": "1" if self.overdue else None, "state": self.state.value if self.state else "all",
            "page": self.page,
        } | changes
        if values["state"] == DecisionState.open.value:
            values["state"] = None  # the default
        return {key: value for key, value in values.items() if value not in (None, "", 1)}


def search_decisions(session: Session, user: User, filters: DecisionFilters, page_size: int) -> Page[DecisionRow]:
    """The decisions the user may see that match the filters, the soonest due first."""
    clauses = permissions.scope(user, Decision.province_id, Decision.county_id)
    if filters.province_id:
        clauses.append(Decision.province_id == filters.province_id)
    if owner := Party.parse(filters.owner):
        clauses.append((Decision.owner_user_id == owner.user_id) if owner.user_id is not None
                       else (Decision.owner_agency_id == owner.agency_id))
    if filters.project_id:
        clauses.append(Decision.project_id == filters.project_id)
    if filters.overdue:
        clauses += [Decision.state == DecisionState.open, Decision.due_date < clock.today()]
    elif filters.state:
        clauses.append(Decision.state == filters.state)
    total = session.exec(select(func.count()).select_from(Decision).where(*clauses)).one()
    page = clamp_page(filters.page, total, page_size)
    query = (
        _decision_query().where(*clauses)
        .order_by(col(Decision.due_date), col(Decision.created_at), col(Decision.id))
        .offset((page - 1) * page_size).limit(page_size)
    )
    return Page(_decision_rows(session, query), total, page, page_size)


def decision_projects(session: Session, user: User, province_id: int | None = None) -> list[tuple[int, str]]:
    """The projects that have decisions the user may see, for the list's project filter."""
    clauses = permissions.scope(user, Decision.province_id, Decision.county_id)
    if province_id:
        clauses.append(Decision.province_id == province_id)
    with_decisions = select(Decision.project_id).where(*clauses)
    query = (select(Project.id, Project.name).where(col(Project.id).in_(with_decisions))
             .order_by(col(Project.name).collate(PERSIAN)))
    return [(project_id, name) for project_id, name in session.exec(query).all()]

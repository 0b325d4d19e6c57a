"""Writes of the budgets area: a figure changes only by appending a ledger entry, checked and audited."""
from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from tracker.accounts import permissions
from tracker.accounts.models import User
from tracker.accounts.permissions import Action
from tracker.budgets import queries
from tracker.budgets.models import (
    FIRST_FISCAL_YEAR,
    LAST_FISCAL_YEAR,
    BudgetEntry,
    BudgetLine,
    Figure,
    FundingSource,
)
from tracker.core import clock
from tracker.core.audit import record_change, snapshot
from tracker.core.errors import Conflict, InvalidInput
from tracker.core.i18n import lazy_gettext as _l
from tracker.core.jalali import number_in_locale
from tracker.core.money import MAX_RIALS
from tracker.core.persian import normalize_search
from tracker.projects import queries as projects

# A figure may not exceed the one before it on the same line: (figure, its ceiling).
CEILINGS = ((Figure.notified, Figure.approved), (Figure.allocated, Figure.notified))
CEILING_MESSAGES = {
    Figure.notified: _l("Notified credit cannot exceed approved credit (%(ceiling)s rials) on the same line."),
    Figure.allocated: _l("Allocated credit cannot exceed notified credit (%(ceiling)s rials) on the same line."),
}
FLOOR_MESSAGES = {
    Figure.approved: _l("Approved credit cannot be less than the notified credit (%(floor)s rials) on the line."),
    Figure.notified: _l("Notified credit cannot be less than the allocated credit (%(floor)s rials) on the line."),
}


@dataclass(frozen=True)
class FigureChange:
    """A new value for one figure of one line, and the line version the user saw."""

    project_id: int
    fiscal_year: int
    source_id: int
    figure: Figure
    amount: int
    expected_version: int
    reason: str
    letter_number: str = ""
    letter_date: date | None = None


def _check(session: Session, change: FigureChange, line: BudgetLine) -> None:
    errors = {}
    if not change.reason.strip():
        errors["reason"] = _l("Say why the figure changes.")
    for name, limit in (("reason", 500), ("letter_number", 60)):
        if len(getattr(change, name).strip()) > limit:
            errors[name] = _l("At most %(max)s characters.", max=number_in_locale(limit))
    if not FIRST_FISCAL_YEAR <= change.fiscal_year <= LAST_FISCAL_YEAR:
        errors["fiscal_year"] = _l("The fiscal year must be between 1390 and 1420.")
    source = queries.get_source(session, change.source_id)
    # A retired source takes no new lines, but its existing lines can still be corrected.
    if source is None or (not source.active and line.id is None):
        errors["source_id"] = _l("There is no such funding source.")
    if not 0 <= change.amount <= MAX_RIALS:
        errors["amount"] = _l("The amount must be between 0 and 10^15 rials.")
    if errors:
        raise InvalidInput(errors)


def _check_order(line: BudgetLine, change: FigureChange) -> None:
    """Allocated ≤ notified ≤ approved on one line; spent may exceed allocated (it is flagged, not refused)."""
    values = {figure: getattr(line, figure.value) for figure in Figure} | {change.figure: change.amount}
    for figure, ceiling in CEILINGS:
        if values[figure] > values[ceiling]:
            if change.figure == figure:
                message = CEILING_MESSAGES[figure] % {"ceiling": _amount(values[ceiling])}
            else:
                message = FLOOR_MESSAGES[change.figure] % {"floor": _amount(values[figure])}
            raise InvalidInput({"amount": message})


def _amount(value: int):
    return number_in_locale(value, grouped=True)


def _line(session: Session, change: FigureChange) -> BudgetLine:
    """The line to change, created empty (version 0) on its first figure."""
    line = queries.find_line(session, change.project_id, change.fiscal_year, change.source_id)
    if line is not None:
        return line
    try:
        with session.begin_nested():
            line = BudgetLine(project_id=change.project_id, fiscal_year=change.fiscal_year,
                              source_id=change.source_id)
            session.add(line)
    except IntegrityError:
        # Someone created the same line a moment ago: theirs is the line, and the version check decides.
        line = queries.find_line(session, change.project_id, change.fiscal_year, change.source_id)
    return line


def change_figure(session: Session, *, actor: User, change: FigureChange) -> BudgetEntry:
    """Append a ledger entry setting one figure; a stale version is a Conflict, nothing is overwritten."""
    project = projects.get_project(session, actor, change.project_id)
    permissions.require(actor, Action.edit_budget)
    # Check against the line as it stands (before its first figure, an empty one never stored), so that a
    # refused change leaves nothing behind, not even an empty line.
    line = queries.find_line(session, change.project_id, change.fiscal_year, change.source_id) or BudgetLine(
        project_id=change.project_id, fiscal_year=change.fiscal_year, source_id=change.source_id)
    _check(session, change, line)
    if line.version != change.expected_version:
        raise Conflict(line)
    _check_order(line, change)
    if line.id is None:
        line = _line(session, change)
    before = getattr(line, change.figure.value)
    # The version in the WHERE clause makes concurrent edits of one line take turns: the second waits for
    # the first to commit, then matches no row and becomes a conflict.
    updated = session.execute(
        update(BudgetLine)
        .where(BudgetLine.id == line.id, BudgetLine.version == change.expected_version)
        .values({change.figure.value: change.amount, "version": change.expected_version + 1,
                 "updated_at": clock.now(), "updated_by": actor.id})
        .execution_options(synchronize_session=False)
    )
    session.expire(line)
    if updated.rowcount != 1:
        raise Conflict(line)
    entry = BudgetEntry(
        line_id=line.id, version=change.expected_version + 1, figure=change.figure, from_amount=before,
        to_amount=change.amount, reason=change.reason.strip(), letter_number=change.letter_number.strip(),
        letter_date=change.letter_date, actor_id=actor.id,
    )
    session.add(entry)
    session.flush()
    record_change(session, actor_id=actor.id, action="create", record=entry, before=None, project_id=project.id,
                  summary=str(change.fiscal_year))  # the activity words the change from the entry itself
    return entry


@dataclass(frozen=True)
class SourceData:
    """The fields of a funding source an administrator edits."""

    code: str
    name_fa: str
    name_en: str = ""
    position: int = 0
    active: bool = True


def _check_source(session: Session, data: SourceData, source_id: int | None) -> None:
    errors = {}
    for other in queries.sources(session, include_inactive=True):
        if other.id == source_id:
            continue
        if other.code == data.code.strip():
            errors["code"] = _l("Another funding source has this code.")
        if normalize_search(other.name_fa) == normalize_search(data.name_fa):
            errors["name_fa"] = _l("Another funding source has this name.")
    if errors:
        raise InvalidInput(errors)


def save_source(session: Session, *, actor: User, data: SourceData, source: FundingSource | None = None
                ) -> FundingSource:
    """Create or change a funding source (reference data: administrators only); retire it with active=False."""
    permissions.require(actor, Action.administer)
    _check_source(session, data, source.id if source else None)
    before = snapshot(source) if source else None
    source = source or FundingSource(code="", name_fa="", name_en="")
    for key, value in asdict(data).items():
        setattr(source, key, value.strip() if type(value) is str else value)
    session.add(source)
    session.flush()
    record_change(session, actor_id=actor.id, action="update" if before else "create", record=source,
                  before=before, summary=source.name_fa)
    return source

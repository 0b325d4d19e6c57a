"""The budgets area's writes, without HTTP: the append-only ledger, the order of the figures, roles,
scope, bad input, stale versions, and (on PostgreSQL) twenty edits of one line at once."""
import threading
from datetime import date
from types import SimpleNamespace

import pytest
from alembic import command
from flask_babel import force_locale
from sqlalchemy import func, text
from sqlmodel import Session, col, select

from tests.factories import Factories
from tests.helpers import count, run_together
from tracker.accounts.models import Role, User
from tracker.budgets import queries, services
from tracker.budgets.models import BudgetEntry, BudgetLine, Figure
from tracker.core.audit import AuditEvent
from tracker.core.cli import alembic_config
from tracker.core.db import make_engine
from tracker.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from tracker.core.money import MAX_RIALS

REASON = "ابلاغیه سازمان مدیریت و برنامه‌ریزی"
NATIONAL = 1  # the id of national credits, the first source the budgets migration seeds


def change(project, figure: Figure | str = Figure.approved, amount: int = 1_000_000, version: int = 0,
           source=None, year: int = 1405, reason: str = REASON, **fields) -> services.FigureChange:
    """A change of one figure of the project's line (national credits, 1405 unless told)."""
    return services.FigureChange(project_id=project.id, fiscal_year=year, source_id=source.id if source else NATIONAL,
                                 figure=Figure(figure), amount=amount, expected_version=version, reason=reason,
                                 **fields)


def entries(db) -> list[BudgetEntry]:
    return list(db.exec(select(BudgetEntry).order_by(col(BudgetEntry.id))).all())


def line_state(db, line) -> tuple:
    db.refresh(line)
    return line.approved, line.notified, line.allocated, line.spent, line.version


@pytest.fixture
def officer(make):
    return make.user(role=Role.budget_officer, full_name="مریم کارشناس")


def test_a_change_appends_an_entry_and_the_line_shows_it(db, make, officer):
    project = make.project()
    source = make.source("provincial")

    entry = services.change_figure(db, actor=officer, change=change(
        project, amount=2_500_000_000, source=source, reason="  مصوبه کارگروه  ",
        letter_number=" ۱۲۳/ص/۴۵ ", letter_date=date(2026, 11, 1)))

    line = queries.find_line(db, project.id, 1405, source.id)
    assert (entry.line_id, entry.version, entry.figure) == (line.id, 1, Figure.approved)
    assert (entry.from_amount, entry.to_amount) == (0, 2_500_000_000)
    assert (entry.reason, entry.letter_number, entry.letter_date) == ("مصوبه کارگروه", "۱۲۳/ص/۴۵", date(2026, 11, 1))
    assert entry.actor_id == officer.id and entry.at is not None
    assert (line.approved, line.version, line.updated_by) == (2_500_000_000, 1, officer.id)


def test_each_change_increments_the_version_and_starts_from_the_figure_before(db, make, officer):
    project = make.project()
    first = services.change_figure(db, actor=officer, change=change(project, amount=100))
    second = services.change_figure(db, actor=officer, change=change(project, amount=250, version=1))
    third = services.change_figure(db, actor=officer, change=change(project, Figure.notified, 80, version=2))

    assert [(e.version, e.figure, e.from_amount, e.to_amount) for e in (first, second, third)] == [
        (1, Figure.approved, 0, 100), (2, Figure.approved, 100, 250), (3, Figure.notified, 0, 80)]
    line = db.get(BudgetLine, first.line_id)
    assert line_state(db, line) == (250, 80, 0, 0, 3)


def test_every_figure_is_the_last_entry_of_that_figure(db, make):
    project = make.project()
    assert make.source("national").id == NATIONAL
    line = make.budget(project, approved=900, notified=700, allocated=500, spent=300)
    line = make.budget(project, approved=1_200, allocated=650, spent=720)

    assert line.version == 7
    for figure in Figure:
        latest = queries.line_history(db, line.id, figure)[0].entry
        assert getattr(line, figure.value) == latest.to_amount
    assert line_state(db, line) == (1_200, 700, 650, 720, 7)


@pytest.mark.parametrize(("figure", "amount", "ceiling"), [
    (Figure.allocated, 80_000_001, "۸۰٬۰۰۰٬۰۰۰"),  # above notified
    (Figure.notified, 100_000_001, "۱۰۰٬۰۰۰٬۰۰۰"),  # above approved
    (Figure.approved, 79_999_999, "۸۰٬۰۰۰٬۰۰۰"),  # below notified
    (Figure.notified, 49_999_999, "۵۰٬۰۰۰٬۰۰۰"),  # below allocated
])
def test_credit_cannot_run_ahead_of_the_figure_before_it(app, db, make, officer, figure, amount, ceiling):
    project = make.project()
    line = make.budget(project, approved=100_000_000, notified=80_000_000, allocated=50_000_000)
    before, stored = line_state(db, line), len(entries(db))

    with pytest.raises(InvalidInput) as error, app.test_request_context(), force_locale("fa"):
        services.change_figure(db, actor=officer, change=change(project, figure, amount, version=3))

    assert set(error.value.errors) == {"amount"}
    assert ceiling in str(error.value.errors["amount"])  # the limit, as the Persian UI writes numbers
    assert len(entries(db)) == stored
    assert line_state(db, line) == before


@pytest.mark.parametrize(("figure", "amount"), [
    (Figure.allocated, 80_000_000), (Figure.notified, 100_000_000), (Figure.approved, 80_000_000),
    (Figure.notified, 50_000_000), (Figure.allocated, 0),
])
def test_figures_may_reach_the_one_before_them(db, make, officer, figure, amount):
    project = make.project()
    line = make.budget(project, approved=100_000_000, notified=80_000_000, allocated=50_000_000)

    services.change_figure(db, actor=officer, change=change(project, figure, amount, version=3))

    assert line_state(db, line)[-1] == 4
    assert getattr(line, figure.value) == amount


def test_spent_above_allocated_is_accepted_and_flagged(db, make, officer):
    project = make.project()
    line = make.budget(project, approved=100, notified=100, allocated=60)

    services.change_figure(db, actor=officer, change=change(project, Figure.spent, 75, version=3))

    assert line_state(db, line) == (100, 100, 60, 75, 4)
    grid = queries.grid(db, officer, queries.GridFilters(fiscal_year=1405, figure=Figure.spent))
    assert grid.cell(project.id, line.source_id) == queries.Cell(75, 4, over_allocated=True)


def test_a_first_figure_out_of_order_leaves_no_line_behind(db, make, officer):
    project = make.project()

    with pytest.raises(InvalidInput):
        services.change_figure(db, actor=officer, change=change(project, Figure.allocated, 5))

    assert queries.find_line(db, project.id, 1405, NATIONAL) is None
    assert entries(db) == []


@pytest.mark.parametrize(("fields", "field"), [
    ({"reason": ""}, "reason"),
    ({"reason": "   "}, "reason"),
    ({"year": 1389}, "fiscal_year"),
    ({"year": 1421}, "fiscal_year"),
    ({"source": "inactive"}, "source_id"),
    ({"source": "unknown"}, "source_id"),
    ({"amount": -1}, "amount"),
    ({"amount": MAX_RIALS + 1}, "amount"),
])
def test_bad_input_is_refused_on_its_field_and_nothing_is_stored(db, make, officer, fields, field):
    project = make.project()
    source = make.source("mp")
    if fields.get("source") == "inactive":
        source.active = False
        db.flush()
    elif fields.get("source") == "unknown":
        source = SimpleNamespace(id=987_654)
    fields = {"source": source} | {k: v for k, v in fields.items() if k != "source"}

    with pytest.raises(InvalidInput) as error:
        services.change_figure(db, actor=officer, change=change(project, **fields))

    assert set(error.value.errors) == {field}
    assert str(error.value.errors[field])
    assert entries(db) == []
    assert count(db, BudgetLine) == 0
    assert db.exec(select(func.count()).select_from(AuditEvent).where(AuditEvent.entity == "budget_entries")).one() == 0


@pytest.mark.parametrize(("year", "amount"), [(1390, 0), (1420, MAX_RIALS)])
def test_the_edges_of_the_allowed_range_are_accepted(db, make, officer, year, amount):
    project = make.project()
    entry = services.change_figure(db, actor=officer, change=change(project, amount=amount, year=year))
    assert (db.get(BudgetLine, entry.line_id).fiscal_year, entry.to_amount) == (year, amount)


@pytest.mark.parametrize(("role", "province", "error"), [
    (Role.director, "Fars", Forbidden),
    (Role.staff, "Fars", Forbidden),
    (Role.viewer, "Fars", Forbidden),
    (Role.budget_officer, "Zanjan", NotFound),  # another province's project: it does not exist for them
    (Role.director, "Zanjan", NotFound),
])
def test_who_may_not_change_a_fars_figure(db, make, role, province, error):
    project = make.project()
    line = make.budget(project, approved=1_000)
    actor = make.user(role=role, province=province)

    with pytest.raises(error):
        services.change_figure(db, actor=actor, change=change(project, amount=5_000, version=1))

    assert line_state(db, line) == (1_000, 0, 0, 0, 1)
    assert len(entries(db)) == 1


@pytest.mark.parametrize("role", [Role.budget_officer, Role.admin])
def test_who_may_change_a_fars_figure(db, make, role):
    project = make.project()
    actor = make.user(role=role, province=None if role == Role.admin else "Fars")
    entry = services.change_figure(db, actor=actor, change=change(project, amount=5_000))
    assert (entry.actor_id, db.get(BudgetLine, entry.line_id).approved) == (actor.id, 5_000)


def test_a_stale_version_is_a_conflict_carrying_the_current_line(db, make, officer):
    project = make.project()
    colleague = make.user(role=Role.budget_officer)
    line = make.budget(project, approved=1_000, actor=officer)  # both officers loaded version 1
    services.change_figure(db, actor=colleague, change=change(project, amount=2_000, version=1))

    with pytest.raises(Conflict) as error:
        services.change_figure(db, actor=officer, change=change(project, amount=3_000, version=1))

    current = error.value.current
    assert (current.id, current.approved, current.version, current.updated_by) == (line.id, 2_000, 2, colleague.id)
    assert line_state(db, line) == (2_000, 0, 0, 0, 2)
    assert [e.to_amount for e in entries(db)] == [1_000, 2_000]


@pytest.mark.parametrize("version", [0, 2, 7])
def test_a_version_the_line_never_had_is_a_conflict(db, make, officer, version):
    project = make.project()
    line = make.budget(project, approved=1_000)

    with pytest.raises(Conflict) as error:
        services.change_figure(db, actor=officer, change=change(project, amount=3_000, version=version))

    assert error.value.current.version == 1
    assert line_state(db, line) == (1_000, 0, 0, 0, 1)


def test_a_first_figure_against_a_version_is_a_conflict_and_stores_nothing(db, make, officer):
    """Someone saw a line that this database never had (or lost): not a silent first entry."""
    project = make.project()

    with pytest.raises(Conflict) as error:
        services.change_figure(db, actor=officer, change=change(project, amount=3_000, version=4))

    assert (error.value.current.version, error.value.current.approved) == (0, 0)
    assert queries.find_line(db, project.id, 1405, NATIONAL) is None
    assert entries(db) == []


def test_each_change_is_audited_with_its_project(db, make, officer):
    project = make.project()
    entry = services.change_figure(db, actor=officer, change=change(project, amount=4_000, letter_number="۹۹"))
    db.flush()

    event = db.exec(select(AuditEvent).where(AuditEvent.entity == "budget_entries",
                                             AuditEvent.entity_id == entry.id)).one()
    assert (event.action, event.actor_id, event.project_id) == ("create", officer.id, project.id)
    assert event.after["to_amount"] == 4_000 and event.after["from_amount"] == 0
    assert event.after["reason"] == REASON and event.after["letter_number"] == "۹۹"
    assert event.summary == "1405"  # the fiscal year; the activity words the change in the reader's language


def test_a_mistake_is_corrected_by_a_new_entry_and_history_shows_both(db, make, officer):
    project = make.project()
    typo = services.change_figure(db, actor=officer, change=change(project, amount=1_250_000_000_0))
    fix = services.change_figure(db, actor=officer, change=change(
        project, amount=1_250_000_000, version=1, reason="اصلاح: یک صفر اضافه تایپ شده بود"))

    history = queries.line_history(db, typo.line_id)

    assert [row.entry.id for row in history] == [fix.id, typo.id]  # newest first
    assert [(row.entry.from_amount, row.entry.to_amount) for row in history] == [
        (12_500_000_000, 1_250_000_000), (0, 12_500_000_000)]
    assert [row.entry.reason for row in history] == ["اصلاح: یک صفر اضافه تایپ شده بود", REASON]
    assert {row.actor_name for row in history} == {"مریم کارشناس"}
    assert db.get(BudgetLine, typo.line_id).approved == 1_250_000_000
    # The first entry is still exactly as it was written.
    db.refresh(typo)
    assert (typo.version, typo.to_amount, typo.reason) == (1, 12_500_000_000, REASON)


def test_history_of_one_figure_leaves_out_the_others(db, make):
    project = make.project()
    line = make.budget(project, approved=900, notified=700)
    make.budget(project, approved=1_000)

    assert [row.entry.to_amount for row in queries.line_history(db, line.id, Figure.approved)] == [1_000, 900]
    assert [row.entry.to_amount for row in queries.line_history(db, line.id, Figure.notified)] == [700]
    assert [row.entry.version for row in queries.line_history(db, line.id)] == [3, 2, 1]


# --- Twenty edits of one line at once, on a real PostgreSQL with real commits ------------------------

THREADS = 20
ATTEMPTS = 4


@pytest.fixture
def committed_postgres(empty_database_url):
    """A migrated throwaway PostgreSQL database (no rolled-back test transaction: threads must commit)."""
    url = empty_database_url("postgresql")
    command.upgrade(alembic_config(url), "head")
    engine = make_engine(url, pool_size=THREADS + 2)
    yield engine
    engine.dispose()


def test_twenty_concurrent_edits_of_one_line_each_land_once(committed_postgres):
    engine = committed_postgres
    with Session(engine) as session:
        make = Factories(session)
        project = make.project()
        officer = make.user(role=Role.budget_officer)
        line = make.budget(project, approved=1_000, actor=officer)
        session.commit()
        project_id, officer_id, line_id = project.id, officer.id, line.id

    barrier = threading.Barrier(THREADS)
    accepted: list[str] = []
    conflicts: list[str] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def edit(number: int) -> None:
        try:
            with Session(engine) as session:
                actor = session.get(User, officer_id)
                for attempt in range(ATTEMPTS):
                    reason = f"ویرایش {number}-{attempt}"
                    version = session.get(BudgetLine, line_id).version
                    if attempt == 0:
                        barrier.wait(timeout=30)  # every first attempt carries the same version
                    try:
                        services.change_figure(session, actor=actor, change=services.FigureChange(
                            project_id=project_id, fiscal_year=1405, source_id=NATIONAL, figure=Figure.approved,
                            amount=10_000 + 100 * number + attempt, expected_version=version, reason=reason))
                        session.commit()
                    except Conflict:
                        session.rollback()
                        with lock:
                            conflicts.append(reason)
                        continue
                    with lock:
                        accepted.append(reason)
                    return
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            with lock:
                failures.append(error)

    threads = [threading.Thread(target=edit, args=(number,)) for number in range(THREADS)]
    run_together(threads)
    assert failures == []
    # All twenty first attempts carried version 1: exactly one of them could win.
    assert sum(reason.endswith("-0") for reason in accepted) == 1
    assert len(conflicts) >= THREADS - 1 and len(accepted) >= 2
    with Session(engine) as session:
        ledger = session.exec(select(BudgetEntry).where(BudgetEntry.line_id == line_id)
                              .order_by(col(BudgetEntry.version))).all()
        line = session.get(BudgetLine, line_id)
        reasons = [entry.reason for entry in ledger[1:]]
        assert sorted(reasons) == sorted(accepted)  # every accepted edit once, and nothing else
        assert len(set(reasons)) == len(reasons)
        assert [entry.version for entry in ledger] == list(range(1, len(accepted) + 2))
        assert all(later.from_amount == earlier.to_amount for earlier, later in zip(ledger, ledger[1:], strict=False))
        assert line.version == ledger[-1].version
        assert line.approved == ledger[-1].to_amount


@pytest.mark.parametrize("statement", [
    "UPDATE budget_entries SET to_amount = 1",
    "DELETE FROM budget_entries",
])
def test_the_database_refuses_to_rewrite_the_ledger(db, make, statement):
    line = make.budget(make.project(), approved=900)
    with pytest.raises(Exception, match="append-only"), db.begin_nested():
        db.exec(text(statement))
    assert [row.entry.to_amount for row in queries.line_history(db, line.id)] == [900]


@pytest.mark.parametrize(("field", "text_"), [("reason", "ب" * 501), ("letter_number", "۱" * 61)])
def test_overlong_reason_or_letter_number_is_refused(db, make, officer, field, text_):
    project = make.project()
    fields = {"reason": text_} if field == "reason" else {"letter_number": text_}
    with pytest.raises(InvalidInput) as refused:
        services.change_figure(db, actor=officer, change=change(project, **fields))
    assert field in refused.value.errors
    assert queries.find_line(db, project.id, 1405, NATIONAL) is None


def test_a_retired_source_takes_no_new_line_but_its_lines_can_be_corrected(db, make, officer):
    project = make.project()
    provincial = make.source("provincial")
    line = make.budget(project, source=provincial, approved=500)
    provincial.active = False
    db.add(provincial)
    db.flush()

    entry = services.change_figure(db, actor=officer, change=change(
        project, source=provincial, amount=400, version=line.version, reason="اصلاح"))
    assert entry.to_amount == 400
    with pytest.raises(InvalidInput) as refused:
        services.change_figure(db, actor=officer, change=change(project, source=provincial, year=1404))
    assert "source_id" in refused.value.errors

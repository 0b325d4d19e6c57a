"""What a brief reads: the schedule against a straight-line plan, a constituency's projects, scope and the archive."""
from datetime import date

import pytest

from tests.conftest import SCENARIO_DAY, on_day
from tracker.accounts.models import Role
from tracker.briefs import queries
from tracker.core.errors import NotFound
from tracker.projects.models import CommitmentState, PartnerRole, Project, ProjectStatus

pytestmark = on_day(SCENARIO_DAY)


def project(**fields) -> Project:
    return Project(name="پروژه", slug="p", facility_id=1, county_id=1, province_id=1, **fields)


def test_the_plan_runs_straight_from_start_to_target():
    started = project(status=ProjectStatus.in_progress, start_date=date(2026, 1, 1), target_date=date(2026, 12, 27),
                      physical_progress=30)

    halfway = queries.schedule(started, date(2026, 6, 30))

    assert halfway.planned == 50.0
    assert halfway.observed == 30
    assert halfway.days_to_target == 180
    # 20 points behind a 360-day plan is 72 days.
    assert halfway.variance_days == -72
    assert not halfway.overdue
    assert queries.schedule(started, date(2025, 12, 1)).planned == 0
    assert queries.schedule(started, date(2027, 2, 1)).planned == 100


def test_a_missing_date_means_no_plan_and_a_passed_target_is_overdue_only_while_open():
    no_start = project(status=ProjectStatus.in_progress, target_date=date(2026, 3, 20), physical_progress=70)

    late = queries.schedule(no_start, date(2026, 11, 23))

    assert late.planned is None and late.variance_days is None
    assert late.days_to_target == -248 and late.overdue
    done = project(status=ProjectStatus.completed, target_date=date(2026, 3, 20))
    assert not queries.schedule(done, date(2026, 11, 23)).overdue
    assert queries.schedule(project(status=ProjectStatus.planned), date(2026, 11, 23)).days_to_target is None


def test_constituency_brief_lists_every_project_of_its_counties_and_nothing_else(db, make, kazerun, pool):
    guest_house = make.project(name="تعمیر مهمانسرای کارگران کوه‌چنار", county="کوه‌چنار")
    make.project(name="بهسازی مجموعه ورزشی کارگران شیراز", county="شیراز")

    brief = queries.constituency_brief(db, kazerun, date(2026, 11, 23))

    assert [item.project.name for item in brief.projects] == [pool.name, guest_house.name]
    assert [county.name_fa for county in brief.counties] == ["کازرون", "کوه‌چنار"]
    assert brief.total(queries.Figure.allocated) == 22_000_000_000
    assert brief.province.code == "fars"


def test_next_steps_are_pending_commitments_earliest_first(db, make, kazerun, pool):
    agency = make.agency("شرکت توسعه عمران شهرستان کازرون")
    make.partner(pool, agency, PartnerRole.executor, commitment="تحویل نقشه‌ها", due_date=date(2026, 11, 1))
    make.partner(pool, agency, PartnerRole.contractor, commitment="کار انجام‌شده", due_date=date(2026, 10, 1),
                 state=CommitmentState.kept)

    steps = queries.project_brief(db, pool, date(2026, 11, 23)).next_steps

    assert [(step.text, step.overdue) for step in steps] == [("تحویل نقشه‌ها", True), ("پیگیری تخصیص اعتبار", False)]


def test_constituency_is_seen_whole_or_not_at_all(db, make, kazerun):
    assert queries.get_constituency(db, make.user(role=Role.viewer), kazerun.id) == kazerun
    assert queries.constituencies(db, make.user(role=Role.staff)) == [kazerun]
    # A county head sees Kazerun, not Kuhchenar: the constituency's brief would show a county outside his scope.
    with pytest.raises(NotFound):
        queries.get_constituency(db, make.user(role=Role.director, county="کازرون"), kazerun.id)
    with pytest.raises(NotFound):
        queries.get_constituency(db, make.user(role=Role.director, province="Zanjan"), kazerun.id)
    assert queries.constituencies(db, make.user(role=Role.director, province="Zanjan")) == []

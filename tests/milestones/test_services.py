"""Milestone services on both databases: rules, roles and scope, the template, audit, and the deadline register."""
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlmodel import select

from tests.conftest import SCENARIO_DAY, on_day
from tests.helpers import audit_events, count
from tests.reminders.helpers import TODAY
from tracker.accounts.models import Role
from tracker.core.errors import Forbidden, InvalidInput, NotFound
from tracker.core.jalali import parse_jalali_date
from tracker.core.party import Party
from tracker.deadlines.models import Deadline, DeadlineKind, DeadlineState
from tracker.milestones import queries, services
from tracker.milestones.models import Milestone, MilestoneState
from tracker.milestones.services import MilestoneData, TemplateRow

pytestmark = on_day(SCENARIO_DAY)


@pytest.fixture
def project(make):
    return make.project(start_date=parse_jalali_date("1404/06/25"), target_date=parse_jalali_date("1404/12/29"))


@pytest.fixture
def editor(make):
    return make.user(role=Role.staff)


def data(**changes) -> MilestoneData:
    return MilestoneData(**{"title": "تخصیص اعتبار", "due_date": parse_jalali_date("1404/09/30")} | changes)


def test_a_milestone_is_added_audited_and_entered_in_the_deadline_register(db, project, editor):
    milestone = services.add_milestone(db, actor=editor, project=project,
                                       data=data(responsible=Party(user_id=editor.id)))

    [event] = audit_events(db, "milestones", milestone.id)
    assert event.action == "create" and event.project_id == project.id and event.actor_id == editor.id
    deadline = db.exec(select(Deadline).where(Deadline.kind == DeadlineKind.milestone)).one()
    assert deadline.item_id == str(milestone.id) and deadline.responsible_user_id == editor.id
    assert deadline.path == f"/projects/{project.slug}#milestone-{milestone.id}"
    assert deadline.province_id == project.province_id and deadline.county_id == project.county_id
    # 1404/09/30 is long past on 1405/09/02: the latest weekly overdue reminder is due now.
    assert deadline.next_fire_on <= TODAY


def test_meeting_a_milestone_closes_its_deadline(db, project, editor):
    milestone = services.add_milestone(db, actor=editor, project=project, data=data())
    services.mark_met(db, actor=editor, project=project, milestone=milestone, met_on=TODAY)

    deadline = db.exec(select(Deadline)).one()
    assert milestone.state == MilestoneState.met and milestone.met_on == TODAY
    assert deadline.state == DeadlineState.done and deadline.next_fire_on is None


@pytest.mark.parametrize("changes, field, message", [
    ({"due_date": parse_jalali_date("1404/06/24")}, "due_date",
     "سررسید نمی‌تواند پیش از شروع پروژه (۱۴۰۴/۰۶/۲۵) باشد."),
    ({"responsible": Party(user_id=999_999)}, "responsible", None),
    ({"responsible": Party(agency_id=999_999)}, "responsible", None),
    ({"state": MilestoneState.met}, "met_on", None),
    ({"state": MilestoneState.met, "met_on": TODAY + timedelta(days=1)}, "met_on", None),
    ({"remind_before": (7, -1)}, "remind_before", "تعداد روز نمی‌تواند منفی باشد."),
    ({"remind_overdue_every": -7}, "remind_overdue_every", None),
    ({"escalate_after": -1}, "escalate_after", None),
])
def test_bad_input_is_refused_on_its_field_and_nothing_is_stored(app, db, project, editor, changes, field, message):
    with pytest.raises(InvalidInput) as refused:
        services.add_milestone(db, actor=editor, project=project, data=data(**changes))
    assert field in refused.value.errors
    if message:
        with app.test_request_context(), force_locale("fa"):
            assert str(refused.value.errors[field]) == message
    assert count(db, Milestone) == 0 and count(db, Deadline) == 0


def test_a_responsible_from_another_province_is_unknown(db, make, project, editor):
    zanjan_user = make.user(role=Role.staff, province="Zanjan")
    zanjan_agency = make.agency(province="Zanjan")
    for responsible in (Party(user_id=zanjan_user.id), Party(agency_id=zanjan_agency.id)):
        with pytest.raises(InvalidInput) as refused:
            services.add_milestone(db, actor=editor, project=project, data=data(responsible=responsible))
        assert "responsible" in refused.value.errors
    national = make.agency(province=None)
    services.add_milestone(db, actor=editor, project=project, data=data(responsible=Party(agency_id=national.id)))


@pytest.mark.parametrize("role, province, error", [
    (Role.viewer, "Fars", Forbidden), (Role.budget_officer, "Fars", Forbidden), (Role.director, "Zanjan", NotFound),
])
def test_who_may_not_add_a_fars_milestone(db, make, project, role, province, error):
    with pytest.raises(error):
        services.add_milestone(db, actor=make.user(role=role, province=province), project=project, data=data())


def test_a_county_head_of_another_county_may_not_touch_it(db, make, project):
    with pytest.raises(NotFound):
        services.add_milestone(db, actor=make.user(role=Role.director, county="شیراز"), project=project, data=data())


def test_the_template_creates_the_usual_phases_with_the_dates_given(db, project, editor):
    rows = [TemplateRow("", project.start_date + timedelta(days=20 * (n + 1))) for n in range(7)]
    rows[3] = TemplateRow("مناقصه عمومی", rows[3].due_date)
    rows[5] = TemplateRow("", None)  # left empty: not created

    created = services.start_from_template(db, actor=editor, project=project, rows=rows,
                                           responsible=Party(user_id=editor.id))

    titles = [row.milestone.title for row in queries.project_milestones(db, project.id)]
    assert len(created) == 6 and titles[0] == services.TEMPLATE_PHASES[0] and titles[3] == "مناقصه عمومی"
    assert services.TEMPLATE_PHASES[5] not in titles and titles[-1] == "تحویل و بازگشایی"
    assert count(db, Deadline) == 6


def test_one_wrong_date_in_the_template_creates_nothing(db, project, editor):
    rows = [TemplateRow("", project.start_date + timedelta(days=10)) for _ in range(7)]
    rows[2] = TemplateRow("", project.start_date - timedelta(days=1))
    with pytest.raises(InvalidInput) as refused:
        services.start_from_template(db, actor=editor, project=project, rows=rows)
    assert set(refused.value.errors) == {"due_2"}
    with pytest.raises(InvalidInput):
        services.start_from_template(db, actor=editor, project=project, rows=[TemplateRow("", None)] * 7)
    assert count(db, Milestone) == 0


def test_project_milestones_lists_by_due_date_with_names_and_overdue(db, make, project, editor):
    agency = make.agency(name="سازمان مدیریت و برنامه‌ریزی استان فارس")
    services.add_milestone(db, actor=editor, project=project, data=data(
        title="بازگشایی", due_date=parse_jalali_date("1405/12/01"), responsible=Party(agency_id=agency.id)))
    services.add_milestone(db, actor=editor, project=project, data=data(title="قرارداد"))
    met = services.add_milestone(db, actor=editor, project=project, data=data(title="ارزیابی",
                                 due_date=parse_jalali_date("1404/07/01")))
    services.mark_met(db, actor=editor, project=project, milestone=met, met_on=parse_jalali_date("1404/07/01"))

    rows = queries.project_milestones(db, project.id)

    assert [r.milestone.title for r in rows] == ["ارزیابی", "قرارداد", "بازگشایی"]
    assert [r.overdue for r in rows] == [False, True, False]
    assert rows[2].responsible_name == "سازمان مدیریت و برنامه‌ریزی استان فارس"


def test_removing_a_milestone_is_audited_and_drops_its_deadline(db, project, editor):
    milestone = services.add_milestone(db, actor=editor, project=project, data=data())
    milestone_id = milestone.id
    services.remove_milestone(db, actor=editor, project=project, milestone=milestone)

    assert [e.action for e in audit_events(db, "milestones", milestone_id)] == ["create", "delete"]
    assert db.exec(select(Deadline)).one().state == DeadlineState.dropped


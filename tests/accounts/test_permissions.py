"""Who may see and do what (issue 10), as tables: each role × each place → the answer.

First the guard itself (permissions.require, may, sees) on users held in memory, then the real services and
queries of each area on both databases. The expected answers are written out by hand, never computed from
ROLES_ALLOWED: a table derived from the code under test could not fail.
"""
import uuid
from datetime import date

import pytest
from sqlmodel import select

from tracker.accounts import permissions
from tracker.accounts.models import Role, User
from tracker.accounts.permissions import Action
from tracker.briefs import services as briefs
from tracker.budgets import queries as budget_queries
from tracker.budgets import services as budgets
from tracker.budgets.models import Figure
from tracker.core import clock
from tracker.core.errors import Forbidden, InvalidInput, NotFound
from tracker.decisions import queries as decision_queries
from tracker.decisions import services as decisions
from tracker.decisions.models import Decision, DecisionState
from tracker.decisions.services import DecisionData
from tracker.meetings import queries as meeting_queries
from tracker.milestones import services as milestones
from tracker.projects import queries as project_queries
from tracker.projects import services as projects
from tracker.visits import queries as visit_queries
from tracker.visits import services as visits

OK = "allowed"

# ---- the guard alone, no database ------------------------------------------------------------------------

FARS, ZANJAN = 1, 2
KAZERUN, SHIRAZ, ZANJAN_COUNTY = 11, 12, 21

# The users: a county head is a director with a county; everyone but the administrator works in Fars.
PURE_USERS = {
    "admin": dict(role=Role.admin, province_id=None, county_id=None),
    "director": dict(role=Role.director, province_id=FARS, county_id=None),
    "county head": dict(role=Role.director, province_id=FARS, county_id=KAZERUN),
    "budget officer": dict(role=Role.budget_officer, province_id=FARS, county_id=None),
    "staff": dict(role=Role.staff, province_id=FARS, county_id=None),
    "viewer": dict(role=Role.viewer, province_id=FARS, county_id=None),
}
# Where the record is, as (province, county): Kazerun is the county head's own county.
PURE_PLACES = {
    "own county": (FARS, KAZERUN),
    "other county": (FARS, SHIRAZ),
    "province-wide": (FARS, None),
    "other province": (ZANJAN, ZANJAN_COUNTY),
    "no place": (None, None),  # the guard asked about the role alone (a form to create, a list)
}
ACTIONS = (Action.read, Action.edit, Action.edit_budget, Action.issue_brief, Action.administer)

GUARD = {
    # (role, place)                         read      edit       edit_budget issue_brief administer
    ("admin", "own county"):               (OK,       OK,        OK,         OK,         OK),
    ("admin", "other county"):             (OK,       OK,        OK,         OK,         OK),
    ("admin", "province-wide"):            (OK,       OK,        OK,         OK,         OK),
    ("admin", "other province"):           (OK,       OK,        OK,         OK,         OK),
    ("admin", "no place"):                 (OK,       OK,        OK,         OK,         OK),

    ("director", "own county"):            (OK,       OK,        Forbidden,  OK,         Forbidden),
    ("director", "other county"):          (OK,       OK,        Forbidden,  OK,         Forbidden),
    ("director", "province-wide"):         (OK,       OK,        Forbidden,  OK,         Forbidden),
    ("director", "other province"):        (NotFound, NotFound,  NotFound,   NotFound,   NotFound),
    ("director", "no place"):              (OK,       OK,        Forbidden,  OK,         Forbidden),

    ("county head", "own county"):         (OK,       OK,        Forbidden,  OK,         Forbidden),
    ("county head", "other county"):       (NotFound, NotFound,  NotFound,   NotFound,   NotFound),
    ("county head", "province-wide"):      (OK,       OK,        Forbidden,  OK,         Forbidden),
    ("county head", "other province"):     (NotFound, NotFound,  NotFound,   NotFound,   NotFound),
    ("county head", "no place"):           (OK,       OK,        Forbidden,  OK,         Forbidden),

    ("budget officer", "own county"):      (OK,       Forbidden, OK,         Forbidden,  Forbidden),
    ("budget officer", "other county"):    (OK,       Forbidden, OK,         Forbidden,  Forbidden),
    ("budget officer", "province-wide"):   (OK,       Forbidden, OK,         Forbidden,  Forbidden),
    ("budget officer", "other province"):  (NotFound, NotFound,  NotFound,   NotFound,   NotFound),
    ("budget officer", "no place"):        (OK,       Forbidden, OK,         Forbidden,  Forbidden),

    ("staff", "own county"):               (OK,       OK,        Forbidden,  OK,         Forbidden),
    ("staff", "other county"):             (OK,       OK,        Forbidden,  OK,         Forbidden),
    ("staff", "province-wide"):            (OK,       OK,        Forbidden,  OK,         Forbidden),
    ("staff", "other province"):           (NotFound, NotFound,  NotFound,   NotFound,   NotFound),
    ("staff", "no place"):                 (OK,       OK,        Forbidden,  OK,         Forbidden),

    ("viewer", "own county"):              (OK,       Forbidden, Forbidden,  Forbidden,  Forbidden),
    ("viewer", "other county"):            (OK,       Forbidden, Forbidden,  Forbidden,  Forbidden),
    ("viewer", "province-wide"):           (OK,       Forbidden, Forbidden,  Forbidden,  Forbidden),
    ("viewer", "other province"):          (NotFound, NotFound,  NotFound,   NotFound,   NotFound),
    ("viewer", "no place"):                (OK,       Forbidden, Forbidden,  Forbidden,  Forbidden),
}


def test_the_table_has_every_role_and_place():
    assert set(GUARD) == {(role, place) for role in PURE_USERS for place in PURE_PLACES}
    assert {row[0] for row in GUARD} == {"admin", "director", "county head", "budget officer", "staff", "viewer"}
    assert set(ACTIONS) == set(Action)


@pytest.mark.parametrize(("role", "place", "action"), [
    pytest.param(role, place, action, id=f"{role}-{place}-{action.value}")
    for role, place in GUARD for action in ACTIONS
])
def test_the_guard(role, place, action):
    user = User(username="someone", password_hash="-", **PURE_USERS[role])
    province_id, county_id = PURE_PLACES[place]
    expected = GUARD[role, place][ACTIONS.index(action)]

    if expected is OK:
        permissions.require(user, action, province_id, county_id)
    else:
        with pytest.raises((NotFound, Forbidden)) as refusal:
            permissions.require(user, action, province_id, county_id)
        assert type(refusal.value) is expected
    assert permissions.may(user, action, province_id, county_id) is (expected is OK)
    if province_id is not None:
        assert permissions.sees(user, province_id, county_id) is (expected is not NotFound)


# ---- the areas, through their services and queries, on both databases ------------------------------------

# The same users, made in the database (names of provinces and counties as the places migration seeds them).
USERS = {
    "admin": dict(role=Role.admin, province=None),
    "director": dict(role=Role.director),
    "county head": dict(role=Role.director, county="کازرون"),
    "budget officer": dict(role=Role.budget_officer),
    "staff": dict(role=Role.staff),
    "viewer": dict(role=Role.viewer),
}
WHERE = {
    "own county": ("Fars", "کازرون"),
    "other county": ("Fars", "شیراز"),
    "province-wide": ("Fars", None),  # only meetings and decisions can be province-wide; a project has a county
    "other province": ("Zanjan", "زنجان"),
}
COUNTY_PLACES = ("own county", "other county", "other province")

# The answers, by role and place. A read is allowed or NotFound; a write allowed, Forbidden or NotFound.
SEES = {
    #                  own county  other county  province-wide  other province
    "admin":          (OK,         OK,           OK,            OK),
    "director":       (OK,         OK,           OK,            NotFound),
    "county head":    (OK,         NotFound,     OK,            NotFound),
    "budget officer": (OK,         OK,           OK,            NotFound),
    "staff":          (OK,         OK,           OK,            NotFound),
    "viewer":         (OK,         OK,           OK,            NotFound),
}
EDITS = {
    #                  own county  other county  province-wide  other province
    "admin":          (OK,         OK,           OK,            OK),
    "director":       (OK,         OK,           OK,            NotFound),
    "county head":    (OK,         NotFound,     OK,            NotFound),
    "budget officer": (Forbidden,  Forbidden,    Forbidden,     NotFound),
    "staff":          (OK,         OK,           OK,            NotFound),
    "viewer":         (Forbidden,  Forbidden,    Forbidden,     NotFound),
}
EDITS_BUDGET = {
    #                  own county  other county  province-wide  other province
    "admin":          (OK,         OK,           OK,            OK),
    "director":       (Forbidden,  Forbidden,    Forbidden,     NotFound),
    "county head":    (Forbidden,  NotFound,     Forbidden,     NotFound),
    "budget officer": (OK,         OK,           OK,            NotFound),
    "staff":          (Forbidden,  Forbidden,    Forbidden,     NotFound),
    "viewer":         (Forbidden,  Forbidden,    Forbidden,     NotFound),
}
ISSUES_BRIEF = {
    #                  own county  other county  province-wide  other province
    "admin":          (OK,         OK,           OK,            OK),
    "director":       (OK,         OK,           OK,            NotFound),
    "county head":    (OK,         NotFound,     OK,            NotFound),
    "budget officer": (Forbidden,  Forbidden,    Forbidden,     NotFound),
    "staff":          (OK,         OK,           OK,            NotFound),
    "viewer":         (Forbidden,  Forbidden,    Forbidden,     NotFound),
}
COLUMNS = ("own county", "other county", "province-wide", "other province")


# Each area: the record it is asked about (made by an administrator at the place), then its read and write.
# A read returns whether the record is also in the area's list for that user (None where there is no list).

def _project(make, place):
    province, county = WHERE[place]
    return make.project(county=county, province=province)


def _in_project_list(db, user, project):
    rows = project_queries.search_projects(db, user, project_queries.ProjectFilters(), 1000).rows
    return project.id in {row.id for row in rows}


def read_project(db, user, project):
    project_queries.get_project(db, user, project.id)


def update_project(db, user, project):
    data = projects.ProjectData(name=project.name, facility_id=project.facility_id, status=project.status,
                                description="شرح تازه")
    projects.update_project(db, actor=user, project=project, data=data)


def _budget_line(make, place):
    project = _project(make, place)
    return make.budget(project, approved=1_000_000_000)


def _in_budget_grid(db, user, line):
    grid = budget_queries.grid(db, user, budget_queries.GridFilters(fiscal_year=1405), page_size=1000)
    return line.project_id in {row.id for row in grid.projects}


def read_budget_line(db, user, line):
    budget_queries.get_line(db, user, line.id)


def change_figure(db, user, line):
    budgets.change_figure(db, actor=user, change=budgets.FigureChange(
        project_id=line.project_id, fiscal_year=line.fiscal_year, source_id=line.source_id, figure=Figure.approved,
        amount=2_000_000_000, expected_version=line.version, reason="اصلاحیه"))


def add_milestone(db, user, project):
    milestones.add_milestone(db, actor=user, project=project,
                             data=milestones.MilestoneData(title="تخصیص اعتبار", due_date=date(2027, 3, 1)))


def _visit(make, place):
    return make.visit(_project(make, place))


def read_visit(db, user, visit):
    visit_queries.get_visit(db, user, visit.id)


def create_visit(db, user, project):
    data = visits.VisitData(id=uuid.uuid4(), visited_on=clock.today(), notes="بازدید از کارگاه")
    visits.create_visit(db, actor=user, project=project, data=data, storage=None)


def _meeting(make, place):
    province, county = WHERE[place]
    return make.meeting(province_id=make.province(province).id,
                        county_id=make.county(county, province).id if county else None)


def _in_meeting_list(db, user, meeting):
    return meeting.id in {row.meeting.id for row in meeting_queries.meetings(db, user)}


def read_meeting(db, user, meeting):
    meeting_queries.get_meeting(db, user, meeting.id)


def _decision(make, place):
    """A decision of a visit to a project there; province-wide, one of a meeting of the province with no county."""
    if WHERE[place][1] is not None:
        return make.decision(_project(make, place))
    owner = make.agency(province=None)
    meeting = make.meeting(province_id=make.province(WHERE[place][0]).id, county_id=None, decisions=(
        DecisionData("تأمین اعتبار", owner_agency_id=owner.id, due_date=date(2027, 3, 1)),))
    return make.session.exec(select(Decision).where(Decision.meeting_id == meeting.id)).one()


def _in_decision_list(db, user, decision):
    rows = decision_queries.search_decisions(db, user, decision_queries.DecisionFilters(state=None), 1000).rows
    return decision.id in {row.decision.id for row in rows}


def read_decision(db, user, decision):
    decision_queries.get_decision(db, user, decision.id)


def mark_decision_done(db, user, decision):
    decisions.set_decision_state(db, actor=user, decision=decision, state=DecisionState.done)


def issue_brief(db, user, project):
    """Issue a project's brief up to just past the guard: the over-long addressee is refused before rendering."""
    try:
        briefs.issue_project_brief(db, actor=user, project=project, for_whom="د" * (briefs.FOR_WHOM_MAX + 1),
                                   settings=None)
    except InvalidInput:
        return
    raise AssertionError("the over-long addressee was not refused")


# Each call of each area: the record it is asked about, where that record can be, the answers the rule gives,
# and for a read the area's list, which must show the record exactly when the read is allowed.
CALLS = {
    # (area, call):                            (record,        places,        answers,      list)
    ("projects", "get_project"):              (_project,      COUNTY_PLACES, SEES,         _in_project_list),
    ("projects", "update_project"):           (_project,      COUNTY_PLACES, EDITS,        None),
    ("budgets", "get_line"):                  (_budget_line,  COUNTY_PLACES, SEES,         _in_budget_grid),
    ("budgets", "change_figure"):             (_budget_line,  COUNTY_PLACES, EDITS_BUDGET, None),
    ("milestones", "add_milestone"):          (_project,      COUNTY_PLACES, EDITS,        None),
    ("visits", "get_visit"):                  (_visit,        COUNTY_PLACES, SEES,         None),
    ("visits", "create_visit"):               (_project,      COUNTY_PLACES, EDITS,        None),
    ("meetings", "get_meeting"):              (_meeting,      COLUMNS,       SEES,         _in_meeting_list),
    ("decisions", "get_decision"):            (_decision,     COLUMNS,       SEES,         _in_decision_list),
    ("decisions", "set_decision_state"):      (_decision,     COLUMNS,       EDITS,        None),
    ("briefs", "issue_project_brief"):        (_project,      COUNTY_PLACES, ISSUES_BRIEF, None),
}
CALLERS = {
    "get_project": read_project, "update_project": update_project, "get_line": read_budget_line,
    "change_figure": change_figure, "add_milestone": add_milestone, "get_visit": read_visit,
    "create_visit": create_visit, "get_meeting": read_meeting, "get_decision": read_decision,
    "set_decision_state": mark_decision_done, "issue_project_brief": issue_brief,
}
# (area, call, role, place) → why the area answers otherwise than the rule; each one is an open bug.
KNOWN_DEVIATIONS: dict[tuple[str, str, str, str], str] = {}


def _cases():
    for (area, call), (_record, places, _answers, _listed) in CALLS.items():
        for role in USERS:
            for place in places:
                reason = KNOWN_DEVIATIONS.get((area, call, role, place))
                marks = (pytest.mark.xfail(strict=True, reason=reason),) if reason else ()
                yield pytest.param(area, call, role, place, marks=marks, id=f"{area}-{call}-{role}-{place}")


def _answer(call, *args):
    try:
        call(*args)
    except (NotFound, Forbidden) as refusal:
        return type(refusal)
    return OK


@pytest.mark.parametrize(("area", "call", "role", "place"), list(_cases()))
def test_each_area_answers_as_the_rule_says(db, make, area, call, role, place):
    make_record, _places, answers, listed = CALLS[area, call]
    record = make_record(make, place)
    user = make.user(**USERS[role])
    expected = answers[role][COLUMNS.index(place)]

    assert _answer(CALLERS[call], db, user, record) is expected
    if listed is not None:
        assert listed(db, user, record) is (expected is OK), "the list disagrees with the record's page"

"""The projects area's writes, without HTTP: rules, scoping by role and province, and the audit trail."""
from datetime import date

import pytest

from tests.helpers import audit_events, count, project_data
from tracker.accounts.models import Role
from tracker.core.errors import Forbidden, InvalidInput, NotFound
from tracker.projects import queries, services
from tracker.projects.models import AgencyKind, FacilityKind, Partner, PartnerRole, Project, ProjectStatus


def search(db, user, q):
    return [row.name for row in queries.search_projects(db, user, queries.ProjectFilters(q=q), 25).rows]


def test_create_and_update_project_are_audited_with_before_and_after(db, make):
    director = make.user()
    facility = make.facility()
    project = services.create_project(db, actor=director, data=services.ProjectData(
        name="بهسازی استخر", facility_id=facility.id))

    services.update_project(db, actor=director, project=project,
                            data=project_data(project, physical_progress=45, target_date=date(2026, 3, 20)))

    created, updated = audit_events(db, "projects", project.id)
    assert (created.action, created.actor_id, created.before) == ("create", director.id, None)
    assert created.after["name"] == "بهسازی استخر"
    assert updated.action == "update" and updated.actor_id == director.id
    # An edit also records the version it made, which is how a refused stale save finds who changed what (a save
    # flushed in two steps counts twice: versions only grow).
    assert updated.before == {"physical_progress": None, "target_date": None, "version": 1}
    assert updated.after | {"version": 0} == {"physical_progress": 45, "target_date": "2026-03-20", "version": 0}
    assert updated.after["version"] == project.version > 1


@pytest.mark.parametrize("typed", [
    "بهسازی استخر کارگران کوه‌چنار",  # the same name
    "بهسازي استخر كارگران كوه‌چنار",  # Arabic yeh and kaf
    "بهسازی استخر کارگران کوهچنار",  # without the ZWNJ
    "  بهسازی  استخر کارگران کوه‌چنار ",  # extra spaces
])
def test_duplicate_project_name_is_refused_however_typed(db, make, typed):
    make.project(name="بهسازی استخر کارگران کوه‌چنار")
    before = count(db, Project)

    with pytest.raises(InvalidInput) as error:
        make.project(name=typed)

    assert set(error.value.errors) == {"name"}
    assert count(db, Project) == before


@pytest.mark.parametrize(("fields", "field"), [
    ({"physical_progress": 140}, "physical_progress"),
    ({"physical_progress": -1}, "physical_progress"),
    ({"start_date": date(2025, 9, 16), "target_date": date(2025, 9, 15)}, "target_date"),
])
def test_impossible_values_are_refused_on_their_field(db, make, fields, field):
    project = make.project()

    with pytest.raises(InvalidInput) as error:
        services.update_project(db, actor=make.admin, project=project, data=project_data(project, **fields))

    assert set(error.value.errors) == {field}
    db.refresh(project)
    assert project.physical_progress is None and project.target_date is None


def test_an_edited_status_stays_a_status(db, make):
    """Choices are StrEnums, which are str: stripping them as text would turn them into plain strings."""
    project = make.project()
    services.update_project(db, actor=make.admin, project=project,
                            data=project_data(project, status=ProjectStatus.in_progress))
    assert project.status is ProjectStatus.in_progress
    assert project.status.value == "in_progress"


def test_progress_of_100_and_a_same_day_target_are_accepted(db, make):
    project = make.project()
    day = date(2025, 9, 16)
    services.update_project(db, actor=make.admin, project=project,
                            data=project_data(project, physical_progress=100, start_date=day, target_date=day))
    assert project.physical_progress == 100


@pytest.mark.parametrize(("role", "province", "error"), [
    (Role.director, "Zanjan", NotFound),
    (Role.staff, "Zanjan", NotFound),
    (Role.viewer, "Fars", Forbidden),
    (Role.budget_officer, "Fars", Forbidden),
])
def test_who_may_not_edit_a_fars_project(db, make, role, province, error):
    project = make.project(name="بهسازی استخر فارس")
    actor = make.user(role=role, province=province)

    with pytest.raises(error):
        services.update_project(db, actor=actor, project=project, data=project_data(project, name="نام دیگر"))

    db.refresh(project)
    assert project.name == "بهسازی استخر فارس"


@pytest.mark.parametrize("role", [Role.director, Role.staff, Role.admin])
def test_who_may_edit_a_fars_project(db, make, role):
    project = make.project()
    actor = make.user(role=role, province=None if role == Role.admin else "Fars")
    services.update_project(db, actor=actor, project=project, data=project_data(project, physical_progress=10))
    assert project.physical_progress == 10


def test_a_county_head_edits_only_projects_of_the_county(db, make):
    head = make.user(role=Role.director, county="کازرون")
    kazerun = make.project(county="کازرون")
    shiraz = make.project(county="شیراز")

    with pytest.raises(NotFound):
        services.update_project(db, actor=head, project=shiraz, data=project_data(shiraz, physical_progress=5))
    services.update_project(db, actor=head, project=kazerun, data=project_data(kazerun, physical_progress=5))

    assert (kazerun.physical_progress, shiraz.physical_progress) == (5, None)


def test_a_county_head_cannot_move_a_project_to_another_county(db, make):
    head = make.user(role=Role.director, county="کازرون")
    project = make.project(county="کازرون")
    elsewhere = make.facility(county="شیراز")

    with pytest.raises(InvalidInput) as error:
        services.update_project(db, actor=head, project=project,
                                data=project_data(project, facility_id=elsewhere.id))
    assert set(error.value.errors) == {"facility_id"}


def test_director_cannot_create_a_project_on_another_provinces_facility(db, make):
    zanjan_facility = make.facility(county="زنجان", province="Zanjan")
    with pytest.raises(InvalidInput) as error:
        services.create_project(db, actor=make.user(), data=services.ProjectData(
            name="پروژه زنجان", facility_id=zanjan_facility.id))
    assert set(error.value.errors) == {"facility_id"}


def test_slug_stays_when_the_project_is_renamed(db, make):
    project = make.project(name="بهسازی استخر کازرون")
    slug = project.slug

    services.update_project(db, actor=make.admin, project=project, data=project_data(project, name="نام تازه"))

    assert project.slug == slug
    assert queries.get_project(db, make.admin, slug).name == "نام تازه"


def test_renaming_a_facility_updates_the_search_of_its_projects(db, make):
    facility = make.facility(name="استخر قدیمی")
    make.project(name="بهسازی الف", facility=facility)
    admin = make.admin

    services.update_facility(db, actor=admin, facility=facility, data=services.FacilityData(
        name="استخر کارگران", kind=FacilityKind.pool, county_id=facility.county_id))

    assert search(db, admin, "کارگران") == ["بهسازی الف"]
    assert search(db, admin, "قدیمی") == []


def test_moving_a_facility_to_another_county_moves_its_projects(db, make):
    facility = make.facility(county="کازرون")
    project = make.project(facility=facility)
    shiraz = make.county("شیراز")

    services.update_facility(db, actor=make.admin, facility=facility, data=services.FacilityData(
        name=facility.name, kind=facility.kind, county_id=shiraz.id))

    assert project.county_id == shiraz.id
    assert search(db, make.admin, "شیراز") == [project.name]


def test_duplicate_facility_name_in_a_county_is_refused(db, make):
    make.facility(name="مجموعه ورزشی کارگران")
    with pytest.raises(InvalidInput) as error:
        make.facility(name="مجموعه ورزشي كارگران")
    assert set(error.value.errors) == {"name"}


def test_adding_the_same_agency_twice_in_the_same_role_is_refused(db, make):
    project, agency = make.project(), make.agency()
    make.partner(project, agency, role=PartnerRole.funder)

    with pytest.raises(InvalidInput) as error:
        make.partner(project, agency, role=PartnerRole.funder)

    assert set(error.value.errors) == {"agency_id"}
    make.partner(project, agency, role=PartnerRole.supervisor)  # another role is fine
    assert count(db, Partner) == 2


def test_removing_a_partner_is_audited_as_a_delete(db, make):
    project = make.project()
    partner = make.partner(project, commitment="تخصیص اعتبار")
    partner_id = partner.id

    services.remove_partner(db, actor=make.admin, project=project, partner=partner)

    assert db.get(Partner, partner_id) is None
    event = audit_events(db, "partners", partner_id)[-1]
    assert (event.action, event.project_id, event.after) == ("delete", project.id, None)
    assert event.before["commitment"] == "تخصیص اعتبار"


def test_a_viewer_cannot_remove_a_partner(db, make):
    project = make.project()
    partner = make.partner(project)
    with pytest.raises(Forbidden):
        services.remove_partner(db, actor=make.user(role=Role.viewer), project=project, partner=partner)
    assert db.get(Partner, partner.id) is not None


def test_a_partner_agency_must_be_visible_to_the_actor(db, make):
    project = make.project()
    zanjan_agency = make.agency(province="Zanjan")
    with pytest.raises(InvalidInput) as error:
        services.add_partner(db, actor=make.user(), project=project, data=services.PartnerData(
            agency_id=zanjan_agency.id, role=PartnerRole.funder))
    assert set(error.value.errors) == {"agency_id"}


def test_a_non_admin_cannot_create_a_national_agency(db, make):
    with pytest.raises(InvalidInput) as error:
        services.create_agency(db, actor=make.user(), data=services.AgencyData(
            name="سازمان ملی", kind=AgencyKind.other, province_id=None))
    assert set(error.value.errors) == {"province_id"}


def test_a_director_creates_an_agency_only_in_the_own_province(db, make):
    director = make.user()
    with pytest.raises(InvalidInput) as error:
        services.create_agency(db, actor=director, data=services.AgencyData(
            name="فرمانداری زنجان", kind=AgencyKind.governorate, province_id=make.province("Zanjan").id))
    assert set(error.value.errors) == {"province_id"}
    agency = services.create_agency(db, actor=director, data=services.AgencyData(
        name="فرمانداری ویژه کازرون", kind=AgencyKind.governorate, province_id=director.province_id))
    assert audit_events(db, "agencies", agency.id)[0].actor_id == director.id


def test_duplicate_agency_name_is_refused(db, make):
    make.agency(name="فرمانداری ویژه کازرون")
    with pytest.raises(InvalidInput) as error:
        make.agency(name="فرمانداري ويژه كازرون")
    assert set(error.value.errors) == {"name"}


def test_a_director_cannot_edit_a_national_agency(db, make):
    agency = make.agency(province=None)
    with pytest.raises(Forbidden):
        services.update_agency(db, actor=make.user(), agency=agency, data=services.AgencyData(
            name="نام دیگر", kind=agency.kind, province_id=None))

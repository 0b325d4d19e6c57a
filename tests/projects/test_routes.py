"""The projects pages over HTTP: full pages and htmx fragments, scoping, forms and their errors."""
import re
from datetime import date
from urllib.parse import quote, urlsplit

import pytest
from sqlmodel import select

from tests.conftest import htmx
from tests.helpers import audit_events, count, fa, field_error, saved_notice
from tracker.accounts.models import Role
from tracker.projects.models import Agency, Facility, Partner, PartnerRole, Project, ProjectStatus


def project_form(project, **changes) -> dict:
    """The edit form as the browser posts it, with some fields changed."""
    return {
        "name": project.name, "facility_id": str(project.facility_id), "status": project.status.value,
        "start_date": "", "target_date": "", "physical_progress": "", "strategy": "",
        "agreement": project.agreement, "description": project.description,
    } | changes


def test_list_is_a_full_page_or_just_the_rows_for_htmx(client, make, director):
    make.project(name="بهسازی استخر کارگران")

    page = client.get("/projects/")
    fragment = client.get("/projects/", headers=htmx())
    restore = client.get("/projects/", headers=htmx(**{"HX-History-Restore-Request": "true"}))

    assert page.status_code == fragment.status_code == restore.status_code == 200
    assert '<html lang="fa" dir="rtl">' in page.text and 'id="project-filters"' in page.text
    assert "<html" not in fragment.text and 'id="project-filters"' not in fragment.text
    assert "بهسازی استخر کارگران" in fragment.text and "<tbody>" in fragment.text
    assert "<html" in restore.text  # a history restore needs the whole page
    for response in (page, fragment, restore):
        assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize("q", ["کازرون", "كازرون", "Kazerun"])
def test_searching_kazerun_in_the_url_shows_the_kazerun_pool(client, make, director, q):
    make.county("کازرون", name_en="Kazerun")
    pool = make.facility(name="استخر مجموعه ورزشی کارگران کازرون", county="کازرون")
    make.project(name="بهسازی استخر کارگران", facility=pool)
    make.project(name="بهسازی مجموعه ورزشی شیراز", county="شیراز")

    response = client.get(f"/projects/?q={quote(q)}", headers=htmx())

    assert response.status_code == 200
    assert "استخر مجموعه ورزشی کارگران کازرون" in response.text
    assert "بهسازی مجموعه ورزشی شیراز" not in response.text


def test_list_pages_link_to_each_other(client, make, director, app):
    app.config["PAGE_SIZE"] = 2
    for _ in range(5):
        make.project()

    last = client.get("/projects/?page=3", headers=htmx())
    beyond = client.get("/projects/?page=40", headers=htmx())

    assert last.text.count('<tr>') - 1 == 1  # one data row under the header row
    assert 'rel="prev" href="/projects/?page=2"' in last.text and 'rel="next"' not in last.text
    assert beyond.text == last.text


# Each page with the methods it answers: a POST to a page that only shows would get 405 before any scope check.
@pytest.mark.parametrize(("path", "methods"), [
    pytest.param(path, methods, id=path) for path, methods in [
        ("/projects/{slug}", ["GET"]), ("/projects/{id}", ["GET"]),
        ("/projects/{slug}/edit", ["GET", "POST"]), ("/projects/{slug}/partners/new", ["GET", "POST"]),
    ]
])
def test_another_provinces_project_is_not_found(client, db, make, director, path, methods):
    zanjan = make.project(county="زنجان", province="Zanjan", name="بهسازی سالن زنجان")
    url = path.format(slug=quote(zanjan.slug), id=zanjan.id)
    form = project_form(zanjan, name="تغییر")
    for method in methods:
        for headers in ({}, htmx()):
            response = client.open(url, method=method, headers=headers, data=form if method == "POST" else None)
            assert response.status_code == 404, (method, headers)
    db.refresh(zanjan)
    assert zanjan.name == "بهسازی سالن زنجان"


def test_unknown_project_is_not_found(client, director):
    assert client.get("/projects/no-such-project").status_code == 404


@pytest.mark.parametrize("role", [Role.viewer, Role.budget_officer])
def test_a_read_only_role_sees_the_project_but_may_not_edit_it(client, make, login, db, role):
    project = make.project(name="بهسازی استخر")
    login(make.user(role=role))

    assert client.get(f"/projects/{project.slug}").status_code == 200
    response = client.post(f"/projects/{project.slug}/edit", data=project_form(project, name="نام دیگر"))

    assert response.status_code == 403
    db.refresh(project)
    assert project.name == "بهسازی استخر"
    for form_page in (f"/projects/{project.slug}/edit", f"/projects/{project.slug}/partners/new",
                      "/projects/new", "/facilities/new", "/agencies/new"):
        assert client.get(form_page).status_code == 403, form_page


@pytest.mark.parametrize(("field", "value", "message", "values"), [
    ("target_date", "1404/12/30", "%(month_name)s %(year)s has only %(days)s days; %(year)s is not a leap year.",
     {"month_name": "اسفند", "year": "۱۴۰۴", "days": "۲۹"}),
    ("target_date", "1404/07/31", "%(month_name)s %(year)s has only %(days)s days.",
     {"month_name": "مهر", "year": "۱۴۰۴", "days": "۳۰"}),
    ("start_date", "2025/09/16",
     "The year %(year)s looks like a Gregorian year; enter the Jalali year, for example 1404.", {"year": "۲۰۲۵"}),
    ("physical_progress", "abc", "Enter a whole number.", {}),
    ("physical_progress", "140", "Physical progress must be between 0 and 100 percent.", {}),
    ("name", "", "This field is required.", {}),
])
def test_bad_input_comes_back_with_a_persian_message_next_to_the_field(client, make, director, db, app,
                                                                        field, value, message, values):
    project = make.project(name="بهسازی استخر")
    audited = len(audit_events(db, "projects", project.id))

    response = client.post(f"/projects/{project.slug}/edit", headers=htmx(),
                           data=project_form(project, **{"physical_progress": "30", field: value}))

    assert response.status_code == 422
    assert "<html" not in response.text  # the form fragment, swapped in place
    assert field_error(response.text, field) == fa(app, message, **values)
    db.refresh(project)
    assert (project.name, project.physical_progress, project.target_date) == ("بهسازی استخر", None, None)
    assert len(audit_events(db, "projects", project.id)) == audited


def test_bad_input_without_htmx_gets_the_whole_page_with_the_message(client, make, director, app):
    project = make.project()
    response = client.post(f"/projects/{project.slug}/edit", data=project_form(project, target_date="1404/12/30"))
    assert response.status_code == 422
    assert '<html lang="fa" dir="rtl">' in response.text
    assert "۱۴۰۴" in field_error(response.text, "target_date")


def test_a_target_before_the_start_is_refused(client, make, director, app):
    project = make.project()
    response = client.post(f"/projects/{project.slug}/edit", headers=htmx(),
                           data=project_form(project, start_date="1404/06/25", target_date="1404/06/24"))
    assert response.status_code == 422
    assert field_error(response.text, "target_date") == fa(app, "The target date cannot be before the start date.")


def test_a_duplicate_name_is_refused_next_to_the_name(client, make, director, db, app):
    make.project(name="بهسازی استخر کارگران")
    project = make.project(name="بهسازی مهمانسرا")

    response = client.post(f"/projects/{project.slug}/edit", headers=htmx(),
                           data=project_form(project, name="بهسازي استخر كارگران"))

    assert response.status_code == 422
    assert field_error(response.text, "name") == fa(app, "A project with this name already exists.")
    db.refresh(project)
    assert project.name == "بهسازی مهمانسرا"


@pytest.mark.parametrize(("headers", "status"), [(htmx(), 204), ({}, 303)])
def test_a_valid_edit_in_persian_digits_is_saved_and_shown_as_activity(client, make, director, db, app,
                                                                       headers, status):
    project = make.project(name="بهسازی استخر کارگران کازرون")

    response = client.post(f"/projects/{project.slug}/edit", headers=headers, data=project_form(
        project, target_date="۱۴۰۴/۱۲/۲۹", physical_progress="۴۵", status="in_progress"))

    assert response.status_code == status
    where = response.headers["HX-Redirect"] if headers else response.headers["Location"]
    assert where == f"/projects/{quote(project.slug)}"
    db.refresh(project)
    assert (project.target_date, project.physical_progress) == (date(2026, 3, 20), 45)
    assert project.status == ProjectStatus.in_progress

    page = client.get(where).text
    activity = page[page.index('id="activity"'):]
    assert fa(app, "edited the project") in activity
    assert "سعید بیاری" in activity  # who made the change
    assert "<ins>۱۴۰۴/۱۲/۲۹</ins>" in activity and "<ins>۴۵</ins>" in activity  # what changed, as typed
    assert f"<ins>{fa(app, 'In progress')}</ins>" in activity
    assert "۲۹ اسفند ۱۴۰۴" in page and "۴۵٪" in page


def test_creating_a_project_goes_to_its_page(client, make, director, db):
    facility = make.facility()
    response = client.post("/projects/new", data={"name": "بهسازی سالن", "facility_id": str(facility.id),
                                                  "status": "planned", "physical_progress": "0"})
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and "بهسازی سالن" in page.text


def test_the_same_new_project_form_sent_twice_creates_one_project(client, make, director, db):
    facility = make.facility()
    token = re.search(r'name="submission" type="hidden" value="([0-9a-f-]{36})"', client.get("/projects/new").text)[1]
    data = {"name": "بهسازی سالن", "facility_id": str(facility.id), "status": "planned", "submission": token}
    before = count(db, Project)

    first, second = client.post("/projects/new", data=data), client.post("/projects/new", data=data)

    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]  # the second goes where the first went
    assert count(db, Project) == before + 1
    assert saved_notice(client.get(second.headers["Location"]).text) == "ثبت شد"


def test_a_form_sent_after_the_login_ended_is_not_said_to_be_saved(client, make, db):
    before = count(db, Project)
    refused = client.post("/projects/new", data={"name": "بهسازی سالن"})

    assert refused.status_code == 302 and urlsplit(refused.headers["Location"]).path == "/login"
    assert saved_notice(client.get(refused.headers["Location"]).text) == "" and count(db, Project) == before


def test_a_project_cannot_be_created_on_another_provinces_facility(client, make, director):
    zanjan = make.facility(county="زنجان", province="Zanjan")
    response = client.post("/projects/new", headers=htmx(),
                           data={"name": "پروژه", "facility_id": str(zanjan.id), "status": "planned"})
    assert response.status_code == 422
    assert field_error(response.text, "facility_id")


@pytest.mark.parametrize(("value", "has_error"), [("1404/12/30", True), ("۱۴۰۴/۱۲/۲۹", False), ("", False)])
def test_inline_check_returns_only_that_fields_errors(client, director, app, value, has_error):
    response = client.post("/projects/check", data={"target_date": value},
                           headers=htmx(**{"HX-Trigger-Name": "target_date"}))

    assert response.status_code == 200
    assert response.text.startswith('<div class="field-errors" id="errors-target_date"')
    assert "<form" not in response.text and "errors-name" not in response.text  # name is missing, yet unsaid
    expected = fa(app, "%(month_name)s %(year)s has only %(days)s days; %(year)s is not a leap year.",
                  month_name="اسفند", year="۱۴۰۴", days="۲۹")
    assert field_error(response.text, "target_date") == (expected if has_error else "")


def partner_form(agency, **changes) -> dict:
    return {"agency_id": str(agency.id), "role": "party_to_agreement", "commitment": "", "due_date": "",
            "state": "pending"} | changes


def test_partners_are_added_edited_and_removed(client, make, director, db, app):
    project = make.project()
    governorate = make.agency(name="فرمانداری ویژه کازرون")
    base = f"/projects/{project.slug}/partners"

    added = client.post(f"{base}/new", data=partner_form(governorate, commitment="پیگیری تخصیص اعتبار",
                                                         due_date="۱۴۰۴/۱۲/۲۹"))
    assert added.status_code == 303
    partner = db.exec(select(Partner)).one()
    assert (partner.commitment, partner.due_date) == ("پیگیری تخصیص اعتبار", date(2026, 3, 20))

    token = re.search(r'name="submission" type="hidden" value="([0-9a-f-]{36})"', client.get(f"{base}/new").text)[1]
    sent_again = [client.post(f"{base}/new", data=partner_form(governorate, role="supervisor", submission=token))
                  for _ in range(2)]
    assert [answer.status_code for answer in sent_again] == [303, 303] and count(db, Partner) == 2
    duplicate = client.post(f"{base}/new", headers=htmx(), data=partner_form(governorate))
    assert duplicate.status_code == 422
    assert field_error(duplicate.text, "agency_id") == fa(app, "This agency already has this role in the project.")
    assert count(db, Partner) == 2

    edited = client.post(f"{base}/{partner.id}/edit", headers=htmx(),
                         data=partner_form(governorate, role="funder", state="kept"))
    assert edited.status_code == 204
    db.refresh(partner)
    assert (partner.role, partner.state.value, partner.commitment) == (PartnerRole.funder, "kept", "")

    removed = client.post(f"{base}/{partner.id}/delete", headers=htmx())
    assert removed.status_code == 204 and removed.headers["HX-Redirect"].endswith("#partners")
    assert count(db, Partner) == 1

    activity = client.get(f"/projects/{project.slug}").text
    for label in ("added a partner", "edited a partner", "removed a partner"):
        assert fa(app, label) in activity


def test_a_partner_is_reached_only_through_its_own_project(client, make, director):
    one, other = make.project(), make.project()
    partner = make.partner(other)
    assert client.get(f"/projects/{one.slug}/partners/{partner.id}/edit").status_code == 404
    assert client.post(f"/projects/{one.slug}/partners/{partner.id}/delete").status_code == 404


def test_a_viewer_may_not_remove_a_partner(client, make, login, db):
    project = make.project()
    partner = make.partner(project)
    login(make.user(role=Role.viewer))
    assert client.post(f"/projects/{project.slug}/partners/{partner.id}/delete").status_code == 403
    assert count(db, Partner) == 1


def test_facilities_are_created_and_edited_and_names_stay_unique(client, make, director, db, app):
    kazerun = make.county("کازرون")
    form = {"name": "استخر کارگران", "kind": "pool", "county_id": str(kazerun.id), "address": "",
            "latitude": "۲۹٫۶", "longitude": "51.65"}

    assert client.post("/facilities/new", data=form).status_code == 303
    facility = db.exec(select(Facility).where(Facility.name == "استخر کارگران")).one()
    assert (facility.latitude, facility.longitude) == (29.6, 51.65)

    duplicate = client.post("/facilities/new", headers=htmx(), data=form | {"name": "استخر كارگران"})
    assert duplicate.status_code == 422
    assert field_error(duplicate.text, "name") == fa(app, "This county already has a facility with this name.")

    renamed = client.post(f"/facilities/{facility.id}/edit", data=form | {"name": "استخر کارگران کازرون"})
    assert renamed.status_code == 303
    assert "استخر کارگران کازرون" in client.get("/facilities/").text


def test_agencies_are_created_and_edited_and_names_stay_unique(client, make, director, db, app):
    form = {"name": "فرمانداری ویژه کازرون", "kind": "governorate", "province_id": str(director.province_id)}

    assert client.post("/agencies/new", data=form).status_code == 303
    agency = db.exec(select(Agency).where(Agency.name == "فرمانداری ویژه کازرون")).one()

    duplicate = client.post("/agencies/new", headers=htmx(), data=form | {"name": "فرمانداري ويژه كازرون"})
    assert duplicate.status_code == 422
    assert field_error(duplicate.text, "name") == fa(app, "An agency with this name already exists.")

    national = client.post("/agencies/new", headers=htmx(), data=form | {"name": "سازمان ملی", "province_id": ""})
    assert national.status_code == 422 and field_error(national.text, "province_id")

    edited = client.post(f"/agencies/{agency.id}/edit", data=form | {"kind": "other"})
    assert edited.status_code == 303
    assert "فرمانداری ویژه کازرون" in client.get("/agencies/").text


@pytest.mark.parametrize(("method", "path"), [
    ("get", "/projects/"), ("get", "/projects/new"), ("get", "/projects/counties"), ("get", "/projects/1"),
    ("get", "/projects/some-slug/edit"), ("post", "/projects/some-slug/edit"), ("post", "/projects/check"),
    ("get", "/projects/some-slug/partners/new"), ("post", "/projects/some-slug/partners/1/delete"),
    ("get", "/facilities/"), ("get", "/facilities/new"), ("get", "/facilities/1/edit"),
    ("get", "/agencies/"), ("get", "/agencies/new"), ("post", "/agencies/1/edit"),
])
def test_every_page_needs_a_login(client, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_the_short_address_of_a_project_leads_to_its_page_for_those_who_see_it(client, login, make):
    project = make.project(name="بهسازی استخر کارگران کازرون")
    login(make.user(role=Role.viewer))

    response = client.get(f"/projects/{project.id}")

    assert response.status_code == 302 and response.headers["Location"] == f"/projects/{quote(project.slug)}"
    assert client.get(response.headers["Location"]).status_code == 200
    login(make.user(role=Role.director, province="Zanjan"))
    assert client.get(f"/projects/{project.id}").status_code == 404

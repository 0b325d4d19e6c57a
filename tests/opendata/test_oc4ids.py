"""OC4IDS packages: what they hold for each reader, checked against the models of the fields they emit."""
import json
from datetime import date
from urllib.parse import unquote

import pytest
from pydantic import ValidationError
from sqlmodel import select

from tests.conftest import SCENARIO_DAY, on_day
from tests.helpers import audit_events, fa
from tracker.accounts.models import Role
from tracker.briefs import services as brief_services
from tracker.core import clock
from tracker.demo.data import KAZERUN_POOL
from tracker.demo.services import load_demo
from tracker.opendata import oc4ids, queries
from tracker.places.models import Province
from tracker.projects import queries as project_queries
from tracker.projects import services as project_services
from tracker.projects.models import Agency, ProjectStatus
from tracker.visits.services import GuestData, PeopleData

pytestmark = on_day(SCENARIO_DAY)

FARS_DIRECTORATE = "اداره‌کل تعاون، کار و رفاه اجتماعی استان فارس"


def package_of(client, url: str, **headers) -> dict:
    """A package fetched and validated against the models, as the JSON a reader gets."""
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    oc4ids.Package.model_validate_json(response.data)
    return response.get_json()


def ids(package: dict) -> set[str]:
    return {project["id"] for project in package["projects"]}


def brief_settings(app, tmp_path):
    app.config["BRIEFS_DIR"] = str(tmp_path / "briefs")
    return brief_services.BriefSettings.from_config(app.config)


@pytest.fixture
def kazerun(app, db, make, tmp_path):
    """The demo's Kazerun pool with credit in two years from two sources, two visits that saw progress, and an
    issued brief; returns the project."""
    load_demo(db)
    pool = project_queries.project_by_name(db, KAZERUN_POOL)
    make.budget(pool, 1404, "national", approved=30_000_000_000, notified=20_000_000_000, allocated=12_000_000_000,
                spent=9_000_000_000)
    make.budget(pool, 1405, "provincial", approved=8_000_000_000)
    make.visit(pool, visited_on=date(2025, 12, 1), observed_progress=20)
    make.visit(pool, visited_on=date(2026, 11, 1), observed_progress=45)
    with app.app_context():
        brief_services.issue_project_brief(db, actor=make.admin, project=pool, for_whom="دفتر نماینده",
                                           settings=brief_settings(app, tmp_path))
    return pool


def test_the_kazerun_pool_maps_to_oc4ids(app, db, make, kazerun, login):
    """Status, type, period, place, parties, credit by year and source, milestones, briefs and progress."""
    package = package_of(login(make.admin), "/opendata/oc4ids/fars.json")
    project = next(p for p in package["projects"] if p["title"] == KAZERUN_POOL)

    assert project["id"] == f"oc4ids-pishraft-{kazerun.id}"
    assert (project["status"], project["type"]) == ("implementation", "rehabilitation")
    assert project["period"] == {"endDate": "2026-03-20T23:59:59+03:30"}  # 1404/12/29; no start was reported
    assert project["locations"][0]["address"] == {"locality": "کازرون", "region": "فارس", "countryName": "ایران"}
    assert "geometry" not in project["locations"][0]  # the pool's coordinates are not known

    parties = {party["id"]: party for party in project["parties"]}
    authority = project["publicAuthority"]
    assert authority["name"] == FARS_DIRECTORATE
    assert parties[authority["id"]]["roles"] == ["publicAuthority", "interestedParty"]  # also party to the agreement
    assert len(parties) == 4 + 2  # the four parties to the agreement and the two funding sources

    budget = project["budget"]
    assert budget["amount"] == {"amount": 38_000_000_000, "currency": "IRR"}
    by_figure = {group["id"]: group["budgetBreakdown"] for group in budget["budgetBreakdowns"]}
    assert list(by_figure) == ["approved", "notified", "allocated", "spent"]
    approved = by_figure["approved"]
    assert [(b["amount"]["amount"], b["period"]["startDate"], b["period"]["endDate"]) for b in approved] == [
        (30_000_000_000, "2025-03-21T00:00:00+03:30", "2026-03-20T23:59:59+03:30"),  # 1404
        (8_000_000_000, "2026-03-21T00:00:00+03:30", "2027-03-20T23:59:59+03:30"),  # 1405
    ]
    assert [b["sourceParty"]["name"] for b in approved] == ["اعتبارات ملی", "اعتبارات استانی"]
    assert all(parties[b["sourceParty"]["id"]]["roles"] == ["funder"] for b in approved)
    assert [b["amount"]["amount"] for b in by_figure["spent"]] == [9_000_000_000, 0]

    # The assessment was met on 1404/07/28; every other step was due in 1404 and is still pending.
    milestones = project["milestones"]
    assert milestones[0]["status"] == "met" and milestones[0]["dateMet"] == "2025-10-20T00:00:00+03:30"
    assert {m["status"] for m in milestones[1:]} == {"notMet"}

    [document] = project["documents"]
    assert document["documentType"] == "physicalProgressReport"
    assert document["url"].startswith("https://pishraft.example.org/briefs/") and document["url"].endswith("/download")

    [metric] = project["metrics"]
    assert metric["id"] == "physicalProgress"
    assert [(o["measure"], o["unit"]["name"], o["period"]["startDate"]) for o in metric["observations"]] == [
        (20, "percent", "2025-12-01T00:00:00+03:30"), (45, "percent", "2026-11-01T00:00:00+03:30")]


def test_a_package_says_what_it_is_and_who_published_it(app, db, make, kazerun, login):
    client = login(make.admin)
    response = client.get("/opendata/oc4ids/fars.json?download=1")
    assert response.headers["Content-Disposition"] == 'attachment; filename="oc4ids-fars.json"'
    assert KAZERUN_POOL in response.data.decode("utf-8")  # Persian as it is, not \u-escaped
    province = package_of(client, "/opendata/oc4ids/fars.json")
    assert province["uri"] == "https://pishraft.example.org/opendata/oc4ids/fars.json"
    assert province["publisher"] == {"name": FARS_DIRECTORATE}
    assert province["publishedDate"] == clock.now().isoformat(timespec="seconds")
    assert province["version"] == "0.9"
    country = package_of(client, f"/opendata/oc4ids/{make.province('Fars').id}.json")  # an id works as the code
    assert country["uri"] == province["uri"]
    whole = package_of(client, "/opendata/oc4ids.json")
    assert whole["publisher"] == {"name": "وزارت تعاون، کار و رفاه اجتماعی"}
    assert ids(province) < ids(whole)  # the demo has a Zanjan project too


def test_the_prefix_and_base_url_are_settings(app, make, login):
    app.config.update(OC4IDS_PREFIX="oc4ids-abc123-", BASE_URL="https://pishraft.example.org/")
    project = make.project(facility=make.facility(latitude=29.6167, longitude=51.65, address="خیابان کارگر"))
    package = package_of(login(make.admin), "/opendata/oc4ids.json")
    assert ids(package) == {f"oc4ids-abc123-{project.id}"}
    assert package["uri"] == "https://pishraft.example.org/opendata/oc4ids.json"
    [location] = package["projects"][0]["locations"]
    assert location["geometry"] == {"type": "Point", "coordinates": [51.65, 29.6167]}  # GeoJSON: longitude first
    assert location["address"]["streetAddress"] == "خیابان کارگر"


def test_a_package_holds_only_what_its_reader_sees(client, db, make, login):
    kazerun, shiraz = make.project(), make.project(county="شیراز")
    zanjan = make.project(county="زنجان", province="Zanjan")
    head = make.user(role=Role.director, county="کازرون")
    assert ids(package_of(login(head), "/opendata/oc4ids.json")) == {f"oc4ids-pishraft-{kazerun.id}"}
    assert ids(package_of(client, "/opendata/oc4ids/fars.json")) == {f"oc4ids-pishraft-{kazerun.id}"}
    director = make.user(role=Role.director)
    assert ids(package_of(login(director), "/opendata/oc4ids.json")) == {
        f"oc4ids-pishraft-{kazerun.id}", f"oc4ids-pishraft-{shiraz.id}"}
    login(make.user(role=Role.viewer, province="Zanjan"))
    assert ids(package_of(client, "/opendata/oc4ids.json")) == {f"oc4ids-pishraft-{zanjan.id}"}
    # Another province's package does not exist for them: JSON to a JSON client, the Persian page to a browser.
    refused = client.get("/opendata/oc4ids/fars.json", headers={"Accept": "application/json"})
    assert (refused.status_code, refused.mimetype) == (404, "application/json") and "errors" in refused.get_json()
    assert client.get("/opendata/oc4ids/fars.json").mimetype == "text/html"
    assert client.get("/opendata/oc4ids/atlantis.json").status_code == 404


def test_the_public_package_holds_only_public_projects_and_no_names(app, db, make, client, login, tmp_path):
    director = make.user(role=Role.director, full_name="سعید بیاری")
    guest_name, note = "علی رضایی", "آقای حسن کریمی پیمانکار را معرفی کرد"
    published, private = make.project(), make.project()
    make.visit(published, observed_progress=30, notes=note, problems=note,
               people=PeopleData(user_ids=(director.id,), guests=(GuestData(guest_name, "شهردار", None),)))
    with app.app_context():
        brief_services.issue_project_brief(db, actor=director, project=published, for_whom=guest_name,
                                           settings=brief_settings(app, tmp_path))
    empty = client.get("/public/oc4ids.json", headers={"Accept": "application/json"})  # nothing is public yet
    assert empty.status_code == 404
    assert empty.get_json()["errors"]["request"] == fa(app, "No project is published here yet.")
    project_services.set_public(db, actor=director, project=published, public=True)

    response = client.get("/public/oc4ids.json", headers={"Accept": "text/html"})  # no login
    package = package_of(client, "/public/oc4ids.json")
    text = response.data.decode("utf-8")
    assert ids(package) == {f"oc4ids-pishraft-{published.id}"}
    assert package["uri"] == "https://pishraft.example.org/public/oc4ids.json"
    [project] = package["projects"]
    assert project["metrics"][0]["observations"][0]["measure"] == 30  # the figure, not the visit's words
    assert "documents" not in project  # the briefs' PDFs name people, and only users may open them
    for name in ("سعید بیاری", guest_name, "حسن کریمی", director.username):
        assert name not in text
    assert ids(package_of(client, "/public/oc4ids/fars.json")) == ids(package)
    assert client.get("/public/oc4ids/zanjan.json").status_code == 404
    assert private.id not in {p["id"] for p in package["projects"]}


def test_a_director_marks_a_project_public_audited(client, db, fars, login):
    director, head, project = fars
    login(director)
    page = client.get(f"/projects/{project.slug}").get_data(as_text=True)
    assert "/public" in page and 'name="public" value="1"' in page

    response = client.post(f"/projects/{project.slug}/public", data={"public": "1"})
    assert response.status_code == 303 and unquote(response.headers["Location"]) == f"/projects/{project.slug}"
    db.refresh(project)
    assert project.is_public
    fragment = client.post(f"/projects/{project.slug}/public", data={"public": "1"}, headers={"HX-Request": "true"})
    assert 'class="badge public"' in fragment.get_data(as_text=True)
    assert 'value="0"' in fragment.get_data(as_text=True)  # the control now takes it out

    events = [e for e in audit_events(db, "projects", project.id) if e.after.get("is_public") is True]
    assert len(events) == 1 and events[0].actor_id == director.id  # the repeated request changed nothing
    client.post(f"/projects/{project.slug}/public", data={"public": "0"})
    db.refresh(project)
    assert not project.is_public
    assert audit_events(db, "projects", project.id)[-1].after["is_public"] is False


def test_only_a_province_director_or_an_administrator_publishes(client, db, fars, make, login):
    _director, head, project = fars
    for refused, status in ((head, 403), (make.user(role=Role.staff), 403),
                            (make.user(role=Role.director, province="Zanjan"), 404)):
        login(refused)
        assert client.post(f"/projects/{project.slug}/public", data={"public": "1"}).status_code == status
        db.refresh(project)
        assert not project.is_public
    login(head)
    assert 'name="public"' not in client.get(f"/projects/{project.slug}").get_data(as_text=True)
    login(make.admin)
    assert client.post(f"/projects/{project.slug}/public", data={"public": "1"}).status_code == 303
    db.refresh(project)
    assert project.is_public


def test_the_models_refuse_what_the_schema_refuses(make, db):
    good = {"uri": "https://example.org/p.json", "publisher": {"name": "اداره‌کل"},
            "publishedDate": "2026-11-23T06:30:00+00:00", "projects": [{
                "id": "oc4ids-x-1", "updated": "2026-11-23T06:30:00+00:00", "title": "پروژه", "status": "preparation",
                "locations": [{"id": "facility-1"}], "publicAuthority": {"id": "agency-1", "name": "اداره‌کل"},
                "parties": [{"id": "agency-1", "name": "اداره‌کل", "roles": ["publicAuthority"]}]}]}
    assert oc4ids.Package.model_validate(good).version == "0.9"
    bad = [
        {"projects": []},  # a package holds at least one project
        {"publishedDate": "1405/09/02"},  # not an ISO date-time
        {"version": "0.9.5"},  # major.minor
        {"uri": "/opendata/oc4ids.json"},  # absolute
    ]
    for change in bad:
        with pytest.raises(ValidationError):
            oc4ids.Package.model_validate(good | change)
    for change in ({"status": "suspended"}, {"type": "renovation"}, {"colour": "blue"}):  # closed lists, no extras
        with pytest.raises(ValidationError):
            oc4ids.Package.model_validate(good | {"projects": [good["projects"][0] | change]})


def test_every_status_maps_into_the_closed_codelist(make, db, login, client):
    for status in ProjectStatus:
        make.project(status=status)
    package = package_of(login(make.admin), "/opendata/oc4ids.json")
    assert {p["status"] for p in package["projects"]} == {
        "preparation", "implementation", "completed", "cancelled"}


def test_a_province_without_a_directorate_agency_is_published_by_the_setting(app, db, make):
    make.project(county="زنجان", province="Zanjan")
    assert db.exec(select(Agency).where(Agency.province_id == make.province("Zanjan").id)).first() is None
    zanjan = db.exec(select(Province).where(Province.code == "zanjan")).one()
    with app.test_request_context():
        package = queries.build_package(db, user=make.admin, province=zanjan, uri="https://example.org/z.json",
                                        settings=queries.PackageSettings.from_config(app.config),
                                        document_url=lambda brief: "")
    [project] = json.loads(package.to_json())["projects"]
    assert project["publicAuthority"] == {"id": "directorate-zanjan",
                                          "name": "اداره‌کل تعاون، کار و رفاه اجتماعی استان زنجان"}


def test_the_project_list_links_to_the_package_of_its_province(client, make, login):
    make.project()
    login(make.admin)
    fars = make.province("Fars")
    assert 'href="/opendata/oc4ids.json?download=1"' in client.get("/projects/").get_data(as_text=True)
    filtered = client.get(f"/projects/?province={fars.id}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert f'href="/opendata/oc4ids/{fars.id}.json?download=1"' in filtered
    download = client.get(f"/opendata/oc4ids/{fars.id}.json?download=1")
    assert download.headers["Content-Disposition"] == 'attachment; filename="oc4ids-fars.json"'


def test_editing_a_public_project_keeps_it_public(db, fars):
    director, _head, project = fars
    project_services.set_public(db, actor=director, project=project, public=True)
    data = project_services.ProjectData(name=project.name, facility_id=project.facility_id,
                                        status=ProjectStatus.in_progress)
    project_services.update_project(db, actor=director, project=project, data=data)
    assert project.is_public and project.status == ProjectStatus.in_progress

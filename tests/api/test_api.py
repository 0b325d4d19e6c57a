"""The JSON API on the Kazerun demo data: who may read what with a token, dates in both calendars, pages, filters."""
import json
import re
import uuid

import pytest
from sqlmodel import select

from tests.conftest import SCENARIO_DAY, on_day
from tests.helpers import jpeg
from tracker.accounts import services as accounts
from tracker.accounts.queries import find_by_username
from tracker.demo.services import load_demo
from tracker.projects.models import Project
from tracker.visits.models import Visit
from tracker.visits.services import PhotoUpload

KAZERUN_POOL = "بهسازی استخر کارگران کازرون"
# The demo is the reported Kazerun case: on a day before its 1404 visit and milestones, they would be in the future.
pytestmark = on_day(SCENARIO_DAY)


@pytest.fixture
def demo(db):
    """The demo data set, and a token maker: the bearer header of a demo user's new token."""
    load_demo(db)
    db.flush()

    def token_of(username: str) -> dict:
        _token, secret = accounts.create_token(db, user=find_by_username(db, username), name="آزمون")
        return {"Authorization": f"Bearer {secret}"}

    return token_of


@pytest.fixture
def pool(db, demo) -> Project:
    return db.exec(select(Project).where(Project.name == KAZERUN_POOL)).one()


def get(client, url: str, headers: dict):
    answer = client.get(url, headers=headers)
    assert answer.mimetype == "application/json", (url, answer.status_code)
    return answer


def test_no_token_is_a_401_in_persian_json(app, demo):
    answer = app.test_client().get("/api/projects")
    assert answer.status_code == 401 and answer.headers["WWW-Authenticate"].startswith("Bearer")
    assert re.search("[آ-ی]", answer.json["errors"]["request"])


@pytest.mark.parametrize("header", ["Bearer pst_unknown", "Bearer ", "Basic YWRtaW46eA==", "pst_no_scheme"])
def test_an_unknown_or_malformed_token_is_a_401(app, demo, header):
    answer = app.test_client().get("/api/projects", headers={"Authorization": header})
    assert answer.status_code == 401 and answer.json["errors"]["request"]


def test_a_revoked_token_is_a_401(app, db, demo):
    user = find_by_username(db, "bayari")
    token, secret = accounts.create_token(db, user=user, name="الف")
    accounts.revoke_token(db, actor=user, token_id=token.id)
    answer = app.test_client().get("/api/projects", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 401


def test_a_token_opens_no_page_and_sets_no_cookie(app, demo):
    client = app.test_client()
    headers = demo("bayari")
    page = client.get("/projects/", headers=headers)
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    answer = client.get("/api/projects", headers=headers)
    assert answer.status_code == 200 and "Set-Cookie" not in answer.headers
    assert client.get_cookie("session") is None
    assert client.get("/projects/").status_code == 302  # the API request logged no browser in


def test_a_token_of_another_province_neither_finds_nor_lists_this_provinces_project(app, demo, pool):
    client, zanjan = app.test_client(), demo("zanjan")
    for path in ("", "/budget", "/visits", "/milestones"):
        for ref in (pool.slug, pool.id):
            answer = get(client, f"/api/projects/{ref}{path}", zanjan)
            assert answer.status_code == 404 and answer.json["errors"]["request"]
    listed = get(client, "/api/projects?per_page=100", zanjan).json
    assert listed["total"] >= 1 and all(item["province"] == "زنجان" for item in listed["items"])
    assert get(client, f"/api/projects?province={pool.province_id}", zanjan).json["items"] == []
    assert all(d["project"] is None or d["project"]["id"] != pool.id
               for d in get(client, "/api/decisions?per_page=100", zanjan).json["items"])
    for visit_id in visits_of(client, demo("bayari"), pool):
        assert get(client, f"/api/visits/{visit_id}", zanjan).status_code == 404


def visits_of(client, headers, project) -> list[str]:
    return [item["id"] for item in get(client, f"/api/projects/{project.slug}/visits", headers).json["items"]]


def test_a_viewers_token_reads_the_kazerun_pool_with_dates_in_both_calendars(app, demo, pool):
    answer = get(app.test_client(), f"/api/projects/{pool.slug}", demo("mp-office"))
    assert answer.status_code == 200
    project = answer.json
    assert project["name"] == KAZERUN_POOL and project["status"] == pool.status.value
    assert project["target_date"] == "2026-03-20" and project["target_date_jalali"] == "1404-12-29"
    assert project["county"]["name"] == "کازرون" and project["province"]["name_en"] == "Fars"
    assert len(project["partners"]) == 4
    assert project["physical_progress"] is None  # not reported, so not invented


def test_the_pools_visit_has_its_facts_visitors_and_only_display_and_thumbnail_photos(app, db, demo, pool):
    client, headers = app.test_client(), demo("bayari")
    listed = get(client, f"/api/projects/{pool.id}/visits", headers).json
    assert listed["project"]["slug"] == pool.slug and listed["items"]
    first = listed["items"][-1]
    assert first["visited_on_jalali"] == "1404-06-25" and first["visited_on"] == "2025-09-16"

    visit = get(client, f"/api/visits/{first['id']}", headers).json
    stored = db.get(Visit, uuid.UUID(first["id"]))
    assert visit["visited_on"] == stored.visited_on.isoformat() and visit["project"]["id"] == pool.id
    assert {(a["kind"], a["name"], a["title"], a["agency"]) for a in visit["attendees"]} == {
        ("user", "سعید بیاری", "", ""),
        ("user", "رئیس اداره تعاون، کار و رفاه اجتماعی کازرون", "", ""),
        ("guest", "", "نماینده مردم کازرون و کوه‌چنار در مجلس شورای اسلامی",
         "دفتر نماینده مردم کازرون و کوه‌چنار در مجلس شورای اسلامی"),
        ("guest", "", "فرماندار ویژه کازرون", "فرمانداری ویژه کازرون"),
        ("guest", "چند تن از مسئولان شهرستان کازرون", "", ""),
    }
    for photo in visit["photos"]:
        assert photo["display_url"].endswith(f"/visits/photos/{photo['id']}/display")
        assert photo["thumbnail_url"].endswith(f"/visits/photos/{photo['id']}/thumb")
    assert "original" not in json.dumps(visit)
    for decision in visit["decisions"]:
        assert decision["occasion"] == {"kind": "visit", "id": first["id"], "day": first["visited_on"],
                                        "day_jalali": first["visited_on_jalali"], "body": ""}


def test_the_project_list_pages_in_a_stable_order_without_gaps_or_repeats(app, demo):
    client, headers = app.test_client(), demo("admin")
    whole = get(client, "/api/projects?per_page=100", headers).json
    assert whole["total"] >= 3 and whole["next_page"] is None
    seen, page = [], 1
    while page is not None:
        answer = get(client, f"/api/projects?per_page=2&page={page}", headers).json
        assert answer["per_page"] == 2 and answer["pages"] == -(-whole["total"] // 2)
        seen += [item["id"] for item in answer["items"]]
        page = answer["next_page"]
    assert seen == [item["id"] for item in whole["items"]]


def test_the_project_list_filters_by_province_county_status_and_text(app, db, demo, pool):
    client, headers = app.test_client(), demo("admin")

    def names(query: str) -> set[str]:
        return {item["name"] for item in get(client, f"/api/projects?per_page=100&{query}", headers).json["items"]}

    assert KAZERUN_POOL in names(f"province={pool.province_id}")
    assert names(f"county={pool.county_id}") == set(
        db.exec(select(Project.name).where(Project.county_id == pool.county_id)).all())
    assert KAZERUN_POOL in names(f"status={pool.status.value}")
    assert all(p.status == pool.status for p in db.exec(select(Project)).all() if p.name in names(
        f"status={pool.status.value}"))
    assert names("q=استخر کازرون") == {KAZERUN_POOL}
    assert names("q=استخر كازرون") == {KAZERUN_POOL}  # typed with an Arabic kaf


@pytest.mark.parametrize("query", ["page=0", "per_page=101", "status=unknown", "province=x", "province=99999999999"])
def test_a_filter_that_is_not_valid_is_a_422_naming_it(app, demo, query):
    answer = get(app.test_client(), f"/api/projects?{query}", demo("admin"))
    assert answer.status_code == 422 and list(answer.json["errors"]) == [query.split("=")[0]]


def test_budget_lines_carry_current_figures_and_their_ledger(app, db, demo):
    client, headers = app.test_client(), demo("budget")
    shiraz = "بهسازی مجموعه ورزشی کارگران شیراز"
    slug = db.exec(select(Project.slug).where(Project.name == shiraz)).one()
    budget = get(client, f"/api/projects/{slug}/budget", headers).json
    line = next(line for line in budget["lines"] if line["fiscal_year"] == 1405)
    assert budget["currency"] == "IRR" and line["source"]["code"] == "national"
    assert (line["approved"], line["notified"], line["allocated"]) == (25_000_000_000, 15_000_000_000, 0)
    ledger = get(client, f"/api/budget-lines/{line['id']}/entries", headers).json
    assert {entry["figure"] for entry in ledger["items"]} >= {"approved", "notified"}
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+03:30", e["at_jalali"]) for e in ledger["items"])
    assert get(client, f"/api/budget-lines/{line['id']}/entries", demo("zanjan")).status_code == 404


def test_milestones_and_decisions_read_with_both_dates(app, demo, pool):
    client, headers = app.test_client(), demo("kazerun")
    milestones = get(client, f"/api/projects/{pool.slug}/milestones", headers).json["items"]
    dates = [m["due_date"] for m in milestones]
    assert dates == sorted(dates) and all(m["due_date_jalali"] for m in milestones)
    decisions = get(client, "/api/decisions?per_page=100", headers).json
    assert decisions["total"] == len(decisions["items"])
    for item in decisions["items"]:
        assert re.fullmatch(r"14\d\d-\d\d-\d\d", item["due_date_jalali"])
        assert get(client, f"/api/decisions/{item['id']}", headers).json == item
    open_ones = get(client, "/api/decisions?state=open&per_page=100", headers).json["items"]
    assert all(item["state"] == "open" for item in open_ones)


def test_the_openapi_document_is_31_and_lists_every_api_route(app):
    document = app.test_client().get("/api/openapi.json").json
    assert document["openapi"] == "3.1.0"
    rules = {re.sub(r"<(?:[^:>]+:)?(\w+)>", r"{\1}", rule.rule).removeprefix("/api")
             for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")} - {"/openapi.json"}
    assert {path.removeprefix("/api") for path in document["paths"]} == rules
    assert "ProjectDetail" in document["components"]["schemas"]


def test_photos_are_served_to_the_token_as_display_and_thumbnail_never_as_originals(app, db, make, demo, pool):
    visit = make.visit(pool, photos=(PhotoUpload(jpeg(), "نمای استخر", "pool.jpg"),))
    client, headers = app.test_client(), demo("mp-office")
    photo, = get(client, f"/api/visits/{visit.id}", headers).json["photos"]
    assert photo["caption"] == "نمای استخر" and "original" not in json.dumps(photo)
    for url in (photo["display_url"], photo["thumbnail_url"]):
        image = client.get(url.removeprefix("http://localhost"), headers=headers)
        assert image.status_code == 200 and image.mimetype == "image/jpeg"
        assert client.get(url.removeprefix("http://localhost"), headers=demo("zanjan")).status_code == 404
    original = client.get(f"/api/photos/{photo['id']}/original", headers=headers)
    assert original.status_code == 404 and original.mimetype == "application/json"

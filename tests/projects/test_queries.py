"""Reading projects: search the way Persian users type, filters, pages, order and scope."""
import pytest

from tests.helpers import project_data
from tracker.accounts import permissions
from tracker.accounts.models import Role
from tracker.core.errors import NotFound
from tracker.projects import queries, services
from tracker.projects.models import PartnerRole, ProjectStatus
from tracker.projects.queries import ProjectFilters


def names(db, user, page_size=25, **filters):
    return [row.name for row in queries.search_projects(db, user, ProjectFilters(**filters), page_size).rows]


@pytest.fixture
def places(make):
    """A Kazerun pool, a Kuhchenar guest house, a Shiraz complex and a Zanjan centre."""
    make.county("کوه‌چنار", name_en="Kuhchenar")
    pool = make.project(name="بهسازی استخر", facility=make.facility(name="استخر کارگران", county="کازرون"),
                        status=ProjectStatus.in_progress)
    guest_house = make.project(name="تعمیر گرمایش", facility=make.facility(name="مهمانسرای کارگران",
                                                                            county="کوه‌چنار"))
    shiraz = make.project(name="بهسازی مجموعه ورزشی", county="شیراز", status=ProjectStatus.suspended)
    zanjan = make.project(name="نوسازی کلاس‌ها", county="زنجان", province="Zanjan")
    return pool, guest_house, shiraz, zanjan


def test_search_by_county_finds_projects_of_its_facilities(db, make, places):
    assert names(db, make.admin, q="کازرون") == ["بهسازی استخر"]


@pytest.mark.parametrize("q", [
    "كوه چنار",  # Arabic kaf, a space where the ZWNJ was
    "کوهچنار",  # no ZWNJ at all
    "کوه‌چنار",  # as written
    "مهمانسراي",  # Arabic yeh
    "Kuhchenar",  # the county's English name
    "kuhCHENAR",
])
def test_search_is_tolerant_of_how_persian_is_typed(db, make, places, q):
    assert names(db, make.admin, q=q) == ["تعمیر گرمایش"]


@pytest.mark.parametrize(("q", "expected"), [
    ("کارگران", {"بهسازی استخر", "تعمیر گرمایش"}),
    ("کارگران استخر", {"بهسازی استخر"}),  # every word must match
    ("استخر شیراز", set()),
    ("بهسازی فارس", {"بهسازی استخر", "بهسازی مجموعه ورزشی"}),  # the province's name
    ("", {"بهسازی استخر", "تعمیر گرمایش", "بهسازی مجموعه ورزشی", "نوسازی کلاس‌ها"}),
    ("50%", set()),  # LIKE wildcards are literal text
])
def test_search_words_must_all_match(db, make, places, q, expected):
    assert set(names(db, make.admin, q=q)) == expected


def test_filters_by_province_county_status_and_agency(db, make, places):
    pool, guest_house, shiraz, zanjan = places
    admin = make.admin
    governorate = make.agency(name="فرمانداری ویژه کازرون")
    make.partner(pool, governorate)
    make.partner(guest_house, governorate, role=PartnerRole.funder)
    make.partner(shiraz)

    assert names(db, admin, province_id=make.province("Zanjan").id) == [zanjan.name]
    assert names(db, admin, county_id=shiraz.county_id) == [shiraz.name]
    assert names(db, admin, status=ProjectStatus.suspended) == [shiraz.name]
    assert set(names(db, admin, agency_id=governorate.id)) == {pool.name, guest_house.name}
    assert names(db, admin, agency_id=governorate.id, q="استخر") == [pool.name]
    assert names(db, admin, agency_id=governorate.id, status=ProjectStatus.suspended) == []


def test_pages_of_two_rows(db, make):
    for _ in range(5):
        make.project()
    admin = make.admin

    first = queries.search_projects(db, admin, ProjectFilters(page=1), 2)
    last = queries.search_projects(db, admin, ProjectFilters(page=3), 2)
    beyond = queries.search_projects(db, admin, ProjectFilters(page=99), 2)

    assert (first.total, first.pages, len(first.rows)) == (5, 3, 2)
    assert (last.page, len(last.rows)) == (3, 1)
    assert (beyond.page, [r.id for r in beyond.rows]) == (3, [r.id for r in last.rows])
    seen = {r.id for p in (1, 2, 3) for r in queries.search_projects(db, admin, ProjectFilters(page=p), 2).rows}
    assert len(seen) == 5


def test_an_empty_result_has_one_page(db, make):
    page = queries.search_projects(db, make.admin, ProjectFilters(q="هیچ", page=4), 2)
    assert (page.total, page.pages, page.page, page.rows) == (0, 1, 1, [])


@pytest.mark.parametrize("role", [role for role in Role if role != Role.admin])
def test_a_fars_user_never_sees_a_zanjan_project(db, make, places, role):
    zanjan = places[3]
    user = make.user(role=role)

    assert zanjan.name not in names(db, user)
    assert names(db, user, province_id=zanjan.province_id) == []
    assert names(db, user, q="زنجان") == []
    for ref in (zanjan.id, zanjan.slug):
        with pytest.raises(NotFound):
            queries.get_project(db, user, ref)


def test_admin_sees_all_provinces(db, make, places):
    assert set(names(db, make.admin)) == {p.name for p in places}
    assert queries.get_project(db, make.admin, places[3].slug) == places[3]


def test_a_county_head_sees_only_the_county(db, make, places):
    head = make.user(county="کازرون")
    assert names(db, head) == ["بهسازی استخر"]
    with pytest.raises(NotFound):
        queries.get_project(db, head, places[2].id)
    assert [c.name_fa for c in permissions.visible_counties(db, head)] == ["کازرون"]
    assert [row.facility.name for row in queries.facilities(db, head)] == ["استخر کارگران"]


def test_projects_are_listed_newest_change_first(db, make):
    first = make.project(name="الف")
    make.project(name="ب")
    make.project(name="پ")
    assert names(db, make.admin) == ["پ", "ب", "الف"]

    services.update_project(db, actor=make.admin, project=first, data=project_data(first, physical_progress=5))

    assert names(db, make.admin) == ["الف", "پ", "ب"]


def test_agencies_a_user_sees_are_national_and_own_province(db, make):
    national, fars, zanjan = make.agency(province=None), make.agency(), make.agency(province="Zanjan")
    seen = {a.id for a in queries.agencies(db, make.user())}
    assert {national.id, fars.id} <= seen and zanjan.id not in seen
    with pytest.raises(NotFound):
        queries.get_agency(db, make.user(), zanjan.id)

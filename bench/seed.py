"""Bulk seeding with SQLAlchemy Core: counties, facilities, agencies, a user, then projects by the thousand."""
import random
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine, func, insert, select
from sqlmodel import Session
from werkzeug.security import generate_password_hash

from tracker.accounts.models import Role, User
from tracker.core.persian import normalize_search, to_persian_digits
from tracker.places.models import County, Province
from tracker.projects.models import (
    Agency,
    AgencyKind,
    CommitmentState,
    Facility,
    FacilityKind,
    Partner,
    PartnerRole,
    Project,
    ProjectStatus,
    Strategy,
)

USERNAME = "bench-director"
PASSWORD = "bench-password-1404"
USER_PROVINCE = "fars"
COUNTIES_PER_PROVINCE = 4
FACILITIES_PER_KIND = 2
PARTNERED_SHARE = 0.3
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)

# Fars gets its own counties; other provinces take four names each from TOWNS in turn.
FARS_COUNTIES = [("شیراز", "Shiraz"), ("کازرون", "Kazerun"), ("کوه‌چنار", "Kuhchenar"), ("مرودشت", "Marvdasht")]
TOWNS = [
    ("تبریز", "Tabriz"), ("مراغه", "Maragheh"), ("ارومیه", "Urmia"), ("خوی", "Khoy"), ("اردبیل", "Ardabil"),
    ("اصفهان", "Isfahan"), ("کاشان", "Kashan"), ("کرج", "Karaj"), ("ایلام", "Ilam"), ("بوشهر", "Bushehr"),
    ("ری", "Rey"), ("شهرکرد", "Shahrekord"), ("بیرجند", "Birjand"), ("مشهد", "Mashhad"), ("بجنورد", "Bojnurd"),
    ("اهواز", "Ahvaz"), ("دزفول", "Dezful"), ("زنجان", "Zanjan"), ("سمنان", "Semnan"), ("زاهدان", "Zahedan"),
    ("قزوین", "Qazvin"), ("قم", "Qom"), ("سنندج", "Sanandaj"), ("کرمان", "Kerman"), ("یاسوج", "Yasuj"),
    ("گرگان", "Gorgan"), ("رشت", "Rasht"), ("خرم‌آباد", "Khorramabad"), ("ساری", "Sari"), ("اراک", "Arak"),
    ("بندرعباس", "Bandar Abbas"), ("همدان", "Hamadan"), ("یزد", "Yazd"), ("جهرم", "Jahrom"), ("فسا", "Fasa"),
]
FACILITY_NAMES = {
    FacilityKind.pool: "استخر کارگران {}",
    FacilityKind.sports_complex: "مجموعه ورزشی کارگران {}",
    FacilityKind.training_centre: "مرکز آموزش تعاون {}",
    FacilityKind.guest_house: "مهمانسرای کارگران {}",
    FacilityKind.other: "سالن چندمنظوره تعاون {}",
}
PROVINCE_AGENCIES = [
    ("اداره‌کل تعاون، کار و رفاه اجتماعی استان {}", AgencyKind.directorate),
    ("استانداری {}", AgencyKind.governorate),
    ("سازمان مدیریت و برنامه‌ریزی استان {}", AgencyKind.planning_organization),
    ("شرکت پیمانکاری عمران {}", AgencyKind.contractor),
]
NATIONAL_AGENCIES = [
    ("وزارت تعاون، کار و رفاه اجتماعی", AgencyKind.other),
    ("سازمان برنامه و بودجه کشور", AgencyKind.planning_organization),
    ("صندوق کارآفرینی امید", AgencyKind.other),
]
WORKS = ["بهسازی", "تعمیرات اساسی", "نوسازی تأسیسات", "مقاوم‌سازی", "تجهیز"]
STATUS_WEIGHTS = {
    ProjectStatus.planned: 25, ProjectStatus.in_progress: 35, ProjectStatus.suspended: 10,
    ProjectStatus.completed: 25, ProjectStatus.cancelled: 5,
}


@dataclass(frozen=True)
class Place:
    """A facility with the names that go into a project's search text."""

    facility_id: int
    facility_name: str
    county_id: int
    county_fa: str
    county_en: str
    province_id: int
    province_fa: str
    province_en: str


@dataclass
class Seeded:
    """What later seeding and the measurements need to know."""

    user_id: int
    user_province_id: int
    places: list[Place]
    agencies_by_province: dict[int, list[int]]
    projects: int = 0


def search_text(name: str, place: Place) -> str:
    """The project's search text, built as tracker.projects.services._search_text builds it."""
    parts = [name, place.facility_name, place.county_fa, place.county_en, place.province_fa, place.province_en]
    return normalize_search(" ".join(parts))[:2000]


def _slug(name: str, serial: int) -> str:
    """A slug in the app's style, made unique by the project's serial number."""
    base = re.sub(r"[^\w]+", "-", normalize_search(name)).strip("-")[:190]
    return f"{base}-{serial}"


def _insert(conn, model, rows: list[dict]) -> list[int]:
    """Insert rows in one executemany and return their new ids in order."""
    table = model.__table__
    result = conn.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows)
    return list(result.scalars())


def seed_places(engine: Engine) -> Seeded:
    """Counties, facilities and agencies in every province, and a director of Fars who can log in."""
    with engine.begin() as conn:
        provinces = conn.execute(select(Province.id, Province.code, Province.name_fa, Province.name_en)).all()
        county_rows, agency_rows = [], [{"name": n, "kind": k, "province_id": None, "is_sample": False}
                                        for n, k in NATIONAL_AGENCIES]
        for index, (province_id, code, name_fa, _name_en) in enumerate(provinces):
            names = FARS_COUNTIES if code == USER_PROVINCE else [
                TOWNS[(index * COUNTIES_PER_PROVINCE + k) % len(TOWNS)] for k in range(COUNTIES_PER_PROVINCE)]
            county_rows += [{"province_id": province_id, "constituency_id": None, "name_fa": fa, "name_en": en}
                            for fa, en in names]
            agency_rows += [{"name": pattern.format(name_fa), "kind": kind, "province_id": province_id,
                             "is_sample": False} for pattern, kind in PROVINCE_AGENCIES]
        county_ids = _insert(conn, County, county_rows)
        agency_ids = _insert(conn, Agency, agency_rows)
        facility_rows = [
            {"name": pattern.format(county["name_fa"]) + (f" {to_persian_digits(n + 1)}" if n else ""),
             "kind": kind, "county_id": county_id, "address": "", "latitude": None, "longitude": None,
             "is_sample": False}
            for county_id, county in zip(county_ids, county_rows, strict=True)
            for kind, pattern in FACILITY_NAMES.items()
            for n in range(FACILITIES_PER_KIND)
        ]
        facility_ids = _insert(conn, Facility, facility_rows)
        province_by_id = {p.id: p for p in provinces}
        county_by_id = dict(zip(county_ids, county_rows, strict=True))
        places = []
        for facility_id, facility in zip(facility_ids, facility_rows, strict=True):
            county = county_by_id[facility["county_id"]]
            province = province_by_id[county["province_id"]]
            places.append(Place(facility_id, facility["name"], facility["county_id"], county["name_fa"],
                                county["name_en"], province.id, province.name_fa, province.name_en))
        agencies_by_province: dict[int, list[int]] = {}
        for agency_id, agency in zip(agency_ids, agency_rows, strict=True):
            if agency["province_id"] is not None:
                agencies_by_province.setdefault(agency["province_id"], []).append(agency_id)
        fars = next(p for p in provinces if p.code == USER_PROVINCE)
        [user_id] = _insert(conn, User, [{
            "username": USERNAME, "full_name": "مدیرکل تعاون، کار و رفاه اجتماعی فارس", "email": "bench@example.org",
            "password_hash": generate_password_hash(PASSWORD), "role": Role.director, "province_id": fars.id,
            "county_id": None, "active": True, "created_at": NOW,
        }])
    return Seeded(user_id, fars.id, places, agencies_by_province)


def _project_row(rng: random.Random, serial: int, place: Place) -> dict:
    """One project on a facility, with a status, dates and progress that fit each other."""
    name = f"{rng.choice(WORKS)} {place.facility_name} (طرح {to_persian_digits(serial)})"
    status = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]
    start = date(2023, 3, 21) + timedelta(days=rng.randrange(1300))
    progress = {ProjectStatus.planned: None, ProjectStatus.completed: 100}.get(status, rng.randrange(5, 96))
    updated = NOW - timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
    return {
        "slug": _slug(name, serial), "name": name, "facility_id": place.facility_id, "county_id": place.county_id,
        "province_id": place.province_id, "status": status, "start_date": start,
        "target_date": start + timedelta(days=rng.randrange(180, 900)), "physical_progress": progress,
        "agreement": "", "strategy": rng.choice([None, *Strategy]), "description": "", "is_sample": False,
        "search_text": search_text(name, place), "name_key": normalize_search(name)[:200],
        "created_at": updated - timedelta(days=rng.randrange(400)),
        "updated_at": updated,
    }


def add_projects(engine: Engine, seeded: Seeded, count: int, places: list[Place] | None = None) -> list[int]:
    """Add `count` projects spread over every facility (or over `places`, repeats weighing more), a share of
    them with partners; then ANALYZE. Returns the new projects' ids."""
    rng = random.Random(1404 + seeded.projects)
    rows = [_project_row(rng, seeded.projects + i + 1, rng.choice(places or seeded.places)) for i in range(count)]
    with engine.begin() as conn:
        project_ids = _insert(conn, Project, rows)
        partner_rows = []
        for project_id, row in zip(project_ids, rows, strict=True):
            if rng.random() < PARTNERED_SHARE:
                agencies = seeded.agencies_by_province[row["province_id"]]
                partner_rows += [
                    {"project_id": project_id, "agency_id": agency_id, "role": rng.choice(list(PartnerRole)),
                     "commitment": "تأمین بخشی از اعتبار بهسازی", "due_date": row["target_date"],
                     "state": CommitmentState.pending}
                    for agency_id in rng.sample(agencies, rng.randint(1, 3))
                ]
        conn.execute(insert(Partner.__table__), partner_rows)
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("ANALYZE")
    seeded.projects += count
    return project_ids


def check_search_text(engine: Engine, sample: int = 5) -> None:
    """Fail if the seeded search text differs from what the app's service would write."""
    from tracker.projects.services import _search_text

    with Session(engine) as session:
        for project in session.scalars(select(Project).order_by(func.random()).limit(sample)):
            facility = session.get(Facility, project.facility_id)
            expected = _search_text(session, project, facility)
            if project.search_text != expected:
                raise AssertionError(f"seeded search_text {project.search_text!r} != app's {expected!r}")

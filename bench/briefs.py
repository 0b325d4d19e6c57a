"""Benchmark issuing status briefs: a two-page project brief with four photos, and a constituency of 30 projects.

Seeds a throwaway database (PostgreSQL if reachable) through the app's own services: the project has dates,
progress, four partners with commitments, credit over two years and two sources, four milestones, and a site visit
with visitors, two open decisions and four camera photos (12 MP, stored as the photos area stores them, so the brief
embeds their 1600 px display copies). The constituency has 30 such projects over two counties, each visit with one
photo. Then, in-process and one at a time, after one warm-up brief (the WeasyPrint import and the fonts, once):

    bench: brief_project ms=… layout_ms=… ratio=… kb=… pages=… photos=4 db=… runs=…
    bench: brief_constituency_30 ms=… pages=… kb=… db=… runs=…

ms is issue_project_brief (queries, template, chart, QR code, WeasyPrint, hash, archive file, row) and the commit,
p50 over the runs. layout_ms is WeasyPrint alone laying out the very same HTML, saved to a file with its images
on disk, with the same cached stylesheet and fonts; ratio = ms ÷ layout_ms, the cost of everything but layout.
"""
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from bench import database
from bench.photos import camera_jpeg
from tracker.core import clock

PASSWORD = "bench-password-1404"
PROJECT_PHOTOS = 4
CONSTITUENCY_PROJECTS = 30
FOR_WHOM = "دفتر نماینده مردم کازرون و کوه‌چنار در مجلس شورای اسلامی"
COUNTIES = (("کازرون", "Kazerun"), ("کوه‌چنار", "Kuhchenar"))
AGENCIES = ("فرمانداری ویژه کازرون", "سازمان مدیریت و برنامه‌ریزی استان فارس", "شرکت توسعه عمران شهرستان کازرون",
            "دفتر نماینده مردم کازرون و کوه‌چنار در مجلس شورای اسلامی")
MILESTONES = ("ارزیابی وضعیت مجموعه", "تخصیص اعتبار", "اجرای عملیات بهسازی", "تحویل و بازگشایی")


@dataclass(frozen=True)
class Seeded:
    """What the measurements need: the issuer, the two-page project and the constituency."""

    admin_id: int
    project_id: int
    constituency_id: int


def _seed_project(session, admin, director, facility_name: str, county, agencies, photos: list[bytes], storage):
    """A project with everything a brief shows, entered through the services as users enter it."""
    from tracker.budgets import queries as budget_queries
    from tracker.budgets import services as budgets
    from tracker.budgets.models import Figure
    from tracker.decisions import services as decision_services
    from tracker.milestones import services as milestones
    from tracker.projects import services as projects
    from tracker.projects.models import FacilityKind, PartnerRole, ProjectStatus
    from tracker.visits import services as visits

    today = clock.today()
    facility = projects.create_facility(session, actor=admin, data=projects.FacilityData(
        name=facility_name, kind=FacilityKind.pool, county_id=county.id))
    project = projects.create_project(session, actor=admin, data=projects.ProjectData(
        name=f"بهسازی {facility_name}", facility_id=facility.id, status=ProjectStatus.in_progress,
        start_date=today - timedelta(days=200), target_date=today + timedelta(days=120),
        agreement="توافق چهارجانبه نماینده مجلس، فرمانداری ویژه، سازمان مدیریت و برنامه‌ریزی و اداره‌کل؛ "
                  "منوط به تخصیص اعتبار مورد نیاز.",
        description="مجموعه سال‌ها به‌درستی بهره‌برداری و نگهداری نشده و دچار آسیب جدی شده است."))
    for index, agency in enumerate(agencies):
        projects.add_partner(session, actor=admin, project=project, data=projects.PartnerData(
            agency_id=agency.id, role=PartnerRole.party_to_agreement, commitment=f"تعهد شماره {index + 1} طرف توافق",
            due_date=today + timedelta(days=30 * index - 20)))
    sources = budget_queries.sources(session)[:2]
    for year in (1404, 1405):
        for source in sources:
            amounts = {Figure.approved: 20_000_000_000, Figure.notified: 15_000_000_000,
                       Figure.allocated: 9_000_000_000, Figure.spent: 6_500_000_000}
            for figure, amount in amounts.items():
                line = budget_queries.find_line(session, project.id, year, source.id)
                budgets.change_figure(session, actor=admin, change=budgets.FigureChange(
                    project_id=project.id, fiscal_year=year, source_id=source.id, figure=figure, amount=amount,
                    expected_version=line.version if line else 0, reason="ابلاغیه سازمان مدیریت و برنامه‌ریزی"))
    for index, title in enumerate(MILESTONES):
        milestone = milestones.add_milestone(session, actor=admin, project=project, data=milestones.MilestoneData(
            title=title, due_date=today + timedelta(days=60 * index - 90)))
        if index == 0:
            milestones.mark_met(session, actor=admin, project=project, milestone=milestone,
                                met_on=today - timedelta(days=95))
    visits.create_visit(session, actor=director, project=project, storage=storage, data=visits.VisitData(
        id=uuid.uuid4(), visited_on=today - timedelta(days=10), observed_progress=45,
        notes="کاشی‌کاری کف استخر آغاز شده و تصفیه‌خانه در حال نصب است.", problems="تأخیر در تخصیص اعتبار استانی.",
        people=visits.PeopleData(user_ids=(director.id,), guests=(
            visits.GuestData("", "فرماندار ویژه کازرون", agencies[0].id),
            visits.GuestData("", "نماینده مردم کازرون و کوه‌چنار", agencies[3].id))),
        photos=tuple(visits.PhotoUpload(data, caption=f"نمای {i + 1}", filename=f"photo{i}.jpg")
                     for i, data in enumerate(photos)),
        decisions=(
            decision_services.DecisionData("پیگیری تخصیص اعتبار استانی", owner_agency_id=agencies[1].id,
                                due_date=today + timedelta(days=25)),
            decision_services.DecisionData("تحویل نقشه‌های اجرایی تصفیه‌خانه", owner_agency_id=agencies[2].id,
                                due_date=today - timedelta(days=3)),
        )))
    return project


def seed(app, photos: list[bytes]) -> Seeded:
    """The issuer, the constituency's counties and agencies, the measured project and 30 more in the constituency."""
    from tracker.accounts import services as accounts
    from tracker.accounts.models import Role
    from tracker.places import queries as places
    from tracker.places import services as place_services
    from tracker.projects import services as projects
    from tracker.projects.models import AgencyKind
    from tracker.visits.services import PhotoStorage

    storage = PhotoStorage.from_config(app.config)
    with app.app_context(), app.extensions["session_factory"]() as session:
        admin = accounts.create_user(session, username="bench-admin", password=PASSWORD, role=Role.admin)
        director = accounts.create_user(session, username="bench-director", password=PASSWORD, role=Role.director,
                                        province="Fars", full_name="سعید بیاری")
        fars = places.find_province(session, "Fars")
        constituency = place_services.ensure_constituency(session, province_id=fars.id,
                                                    name="حوزه انتخابیه کازرون و کوه‌چنار")
        counties = [place_services.ensure_county(session, province_id=fars.id, name_fa=fa, name_en=en,
                                           constituency_id=constituency.id) for fa, en in COUNTIES]
        agencies = [projects.create_agency(session, actor=admin, data=projects.AgencyData(
            name=name, kind=AgencyKind.other, province_id=fars.id)) for name in AGENCIES]
        project = _seed_project(session, admin, director, "استخر مجموعه ورزشی کارگران کازرون", counties[0],
                                agencies, photos, storage)
        for number in range(1, CONSTITUENCY_PROJECTS):
            _seed_project(session, admin, director, f"مجموعه ورزشی کارگران شماره {number}",
                          counties[number % 2], agencies, [photos[number % len(photos)]], storage)
        session.commit()
        return Seeded(admin.id, project.id, constituency.id)


@contextmanager
def _session(app):
    with app.extensions["session_factory"]() as session:
        yield session


def _issue_project(app, seeded: Seeded, settings):
    """Issue the project's brief and commit; the brief, and the seconds it took."""
    from tracker.accounts.models import User
    from tracker.briefs import services
    from tracker.projects.models import Project

    with _session(app) as session:
        actor, project = session.get(User, seeded.admin_id), session.get(Project, seeded.project_id)
        started = time.perf_counter()
        brief = services.issue_project_brief(session, actor=actor, project=project, for_whom=FOR_WHOM,
                                             settings=settings)
        session.commit()
        return brief, time.perf_counter() - started


def _saved_html(app, seeded: Seeded, settings, brief, directory: Path) -> Path:
    """The brief's very HTML, as issued, in a file; its photos are in the uploads store already."""
    from tracker.briefs import services
    from tracker.projects.models import Project

    with _session(app) as session:
        html = services.project_document(session, session.get(Project, seeded.project_id), settings,
                                         services.print_media(settings), number=brief.number,
                                         generated_at=brief.generated_at, for_whom=brief.for_whom)
    path = directory / "brief.html"
    path.write_text(html, encoding="utf-8")
    return path


def _layout(saved: Path, settings) -> tuple[int, float]:
    """WeasyPrint alone on the saved HTML, with the cached stylesheet and fonts: pages and seconds."""
    from tracker.briefs import render, services

    html = saved.read_text(encoding="utf-8")
    started = time.perf_counter()
    pdf = render.pdf(html, services.STATIC, settings.uploads)
    return pdf.pages, time.perf_counter() - started


def _p50_ms(seconds: list[float]) -> float:
    return statistics.median(seconds) * 1000


def run(args) -> None:
    """Seed, warm up, measure both briefs and print their lines."""
    import tracker
    from tracker.accounts.models import User
    from tracker.briefs import services
    from tracker.briefs.models import Brief
    from tracker.places.models import Constituency

    started = time.monotonic()
    photos = [camera_jpeg() for _ in range(PROJECT_PHOTOS)]
    with database.throwaway() as db, tempfile.TemporaryDirectory(prefix="bench-briefs-") as work:
        work = Path(work)
        # A public address: briefs refuse a loopback one outside demo mode (tracker/core/links.py).
        app = tracker.create_app({"DATABASE_URL": db.url, "BRIEFS_DIR": str(work / "briefs"),
                                  "BASE_URL": "https://pishraft.example.org",
                                  "UPLOAD_DIR": str(work / "uploads"), "TESTING": False})
        seeded = seed(app, photos)
        print(f"bench: seeded briefs projects={CONSTITUENCY_PROJECTS} seconds={time.monotonic() - started:.1f}",
              file=sys.stderr, flush=True)
        settings = services.BriefSettings.from_config(app.config)
        with app.app_context():
            brief, _warm_up = _issue_project(app, seeded, settings)  # imports WeasyPrint and loads the fonts once
            saved = _saved_html(app, seeded, settings, brief, work)
            issued, laid_out = [], []
            for _ in range(args.brief_runs):  # in turns, so that both feel the same machine load
                brief, seconds = _issue_project(app, seeded, settings)
                issued.append(seconds)
                pages, seconds = _layout(saved, settings)
                laid_out.append(seconds)
            if brief.pages != 2 or pages != brief.pages:
                raise AssertionError(f"expected a two-page brief; issued {brief.pages} pages, laid out {pages}")
            ms, layout_ms = _p50_ms(issued), _p50_ms(laid_out)
            print(f"bench: brief_project ms={ms:.0f} layout_ms={layout_ms:.0f} ratio={ms / layout_ms:.2f} "
                  f"kb={brief.size_bytes / 1024:.0f} pages={brief.pages} photos={PROJECT_PHOTOS} db={db.kind} "
                  f"runs={len(issued)}", flush=True)
            timings = []
            for _ in range(args.constituency_runs):
                with _session(app) as session:
                    actor = session.get(User, seeded.admin_id)
                    constituency = session.get(Constituency, seeded.constituency_id)
                    began = time.perf_counter()
                    brief = services.issue_constituency_brief(session, actor=actor, constituency=constituency,
                                                              for_whom=FOR_WHOM, settings=settings)
                    session.commit()
                    timings.append(time.perf_counter() - began)
            if brief.pages <= CONSTITUENCY_PROJECTS:
                raise AssertionError(f"a cover and {CONSTITUENCY_PROJECTS} sections cannot fit {brief.pages} pages")
            with _session(app) as session:
                archived = session.get(Brief, brief.id)
                if archived is None or not settings.briefs.exists(archived.file_path):
                    raise AssertionError("the constituency brief was not archived")
            print(f"bench: brief_constituency_{CONSTITUENCY_PROJECTS} ms={_p50_ms(timings):.0f} pages={brief.pages} "
                  f"kb={brief.size_bytes / 1024:.0f} db={db.kind} runs={len(timings)}", flush=True)
        app.extensions["engine"].dispose()

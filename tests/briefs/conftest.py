"""Fixtures of the briefs tests: an archive directory per test, a fixed issuing time, and PDF readers (poppler)."""
import re
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tracker.briefs.services import BriefSettings
from tracker.core.party import Party
from tracker.places import services as place_services
from tracker.projects.models import PartnerRole, ProjectStatus

# 1405/09/02 at 11:30 in Tehran.
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
TODAY_FA = "۱۴۰۵/۰۹/۰۲"
KAZERUN_POOL = "بهسازی استخر کارگران کازرون"
# pdftotext keeps logical order but adds bidi embeddings and drops ZWNJ.
_INVISIBLE = re.compile("[\u200c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture
def briefs_dir(app, tmp_path) -> Path:
    """Issued briefs go to the test's own directory."""
    app.config["BRIEFS_DIR"] = str(tmp_path / "briefs")
    return tmp_path / "briefs"


@pytest.fixture
def settings(app, briefs_dir) -> BriefSettings:
    return BriefSettings.from_config(app.config)


def archived(settings: BriefSettings, brief) -> Path:
    """The file of an issued brief in the test's local archive."""
    return settings.briefs.path(brief.file_path)


@pytest.fixture
def app_context(app):
    """Rendering needs the app's templates and filters, as in a request or a command."""
    with app.app_context():
        yield


def plain(text: str) -> str:
    """Text without bidi controls and ZWNJ, with single spaces."""
    # pdftotext also sets the Persian comma apart from the word before it.
    return re.sub(r"\s*،\s*", "، ", " ".join(_INVISIBLE.sub("", text).split()))


def squeezed(text: str) -> str:
    """plain() without any space: pdftotext moves spaces around runs of Persian digits inside a sentence."""
    return "".join(plain(text).split())


def poppler(tool: str, *args) -> str:
    """The output of a poppler-utils tool; a missing tool fails loudly with how to install it."""
    if shutil.which(tool) is None:
        pytest.fail(f"{tool} is missing: run `make system-deps` (apt-get install poppler-utils).", pytrace=False)
    return subprocess.run([tool, *map(str, args)], check=True, capture_output=True, text=True).stdout


def pdf_text(path: Path) -> str:
    """The PDF's text in logical order, as plain() makes it."""
    return plain(poppler("pdftotext", path, "-"))


def pdf_raw_text(path: Path) -> str:
    """The PDF's text in content-stream order: right for left-to-right runs such as markup a user typed."""
    return plain(poppler("pdftotext", "-raw", path, "-"))


def pdf_pages(path: Path) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", poppler("pdfinfo", path), re.M)[1])


def pdf_fonts(path: Path) -> list[str]:
    """The fonts of the PDF, as `name emb` pairs."""
    rows = poppler("pdffonts", path).splitlines()[2:]
    return [f"{row.split()[0]} {'yes' if ' yes ' in row else 'no'}" for row in rows]


def render_page_png(path: Path, artifacts: Path, name: str, page: int = 1) -> Path:
    """Page `page` of the PDF as a PNG in tests/artifacts, for a person to look at."""
    artifacts.mkdir(parents=True, exist_ok=True)
    poppler("pdftoppm", "-png", "-r", "80", "-f", page, "-l", page, "-singlefile", path, artifacts / name)
    return artifacts / f"{name}.png"


@pytest.fixture
def kazerun(make):
    """The Kazerun and Kuhchenar constituency, its two counties, and Shiraz outside it."""

    fars = make.province("Fars")
    constituency = place_services.ensure_constituency(make.session, province_id=fars.id,
                                                name="حوزه انتخابیه کازرون و کوه‌چنار")
    for name_fa, name_en in (("کازرون", "Kazerun"), ("کوه‌چنار", "Kuhchenar")):
        county = make.county(name_fa, name_en=name_en)
        county.constituency_id = constituency.id
    make.session.flush()
    return constituency


@pytest.fixture
def pool(make, kazerun):
    """The Kazerun workers' pool, with dates, progress, partners and credit, as a brief shows it."""
    facility = make.facility(name="استخر مجموعه ورزشی کارگران کازرون", county="کازرون")
    project = make.project(
        name=KAZERUN_POOL, facility=facility, status=ProjectStatus.in_progress, start_date=date(2026, 4, 21),
        target_date=date(2027, 3, 20), physical_progress=40,
        agreement="توافق چهارجانبه؛ منوط به تخصیص اعتبار مورد نیاز.",
        description="استخر سال‌ها به‌درستی نگهداری نشده است.")
    governorate = make.agency("فرمانداری ویژه کازرون")
    make.partner(project, governorate, PartnerRole.party_to_agreement, commitment="پیگیری تخصیص اعتبار",
                 due_date=date(2026, 12, 21))
    make.partner(project, make.agency("سازمان مدیریت و برنامه‌ریزی استان فارس"), PartnerRole.funder)
    make.budget(project, 1405, "national", approved=30_000_000_000, notified=20_000_000_000,
                allocated=12_000_000_000, spent=9_000_000_000)
    make.budget(project, 1405, "provincial", approved=5_000_000_000, notified=5_000_000_000)
    make.budget(project, 1404, "national", approved=10_000_000_000, notified=10_000_000_000,
                allocated=10_000_000_000, spent=10_000_000_000)
    return project


def photo_jpeg(color: tuple[int, int, int], size=(1200, 900)) -> bytes:
    """A camera-like JPEG: noise over a colour, so that it weighs what a photo weighs."""
    import io
    import random

    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, color)
    draw = ImageDraw.Draw(image)
    rng = random.Random(sum(color))
    for _ in range(400):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        draw.ellipse((x, y, x + rng.randrange(10, 80), y + rng.randrange(10, 80)),
                     fill=tuple(min(255, c + rng.randrange(-60, 60)) for c in color))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


PHOTO_COLOURS = [(40, 110, 170), (190, 120, 60), (90, 150, 90), (160, 160, 170), (200, 60, 40)]


@pytest.fixture
def visited_pool(make, pool):
    """The pool with milestones met, overdue and upcoming, and a visit with visitors, five photos and a decision."""
    from tracker.decisions import services as decision_services
    from tracker.milestones import services as milestones
    from tracker.projects.queries import agency_by_name
    from tracker.visits import services as visits

    admin = make.admin
    assessed = milestones.add_milestone(make.session, actor=admin, project=pool, data=milestones.MilestoneData(
        title="ارزیابی وضعیت مجموعه", due_date=date(2026, 9, 6)))
    milestones.mark_met(make.session, actor=admin, project=pool, milestone=assessed, met_on=date(2026, 8, 23))
    milestones.add_milestone(make.session, actor=admin, project=pool, data=milestones.MilestoneData(
        title="تخصیص اعتبار", due_date=date(2026, 11, 6),
        responsible=Party(agency_id=make.agency("سازمان برنامه و بودجه کشور", province=None).id)))
    milestones.add_milestone(make.session, actor=admin, project=pool, data=milestones.MilestoneData(
        title="تحویل و بازگشایی", due_date=date(2027, 3, 20)))
    make.visit(  # its photos go to the test's own folder, the app's UPLOAD_DIR
        pool, visited_on=date(2026, 11, 11), observed_progress=40,
        notes="کاشی‌کاری کف استخر آغاز شده و تصفیه‌خانه در حال نصب است.",
        problems="تأخیر در تخصیص اعتبار استانی.",
        people=visits.PeopleData(user_ids=(make.user(full_name="سعید بیاری").id,), guests=(
            visits.GuestData("", "فرماندار ویژه کازرون", agency_by_name(make.session, "فرمانداری ویژه کازرون").id),
            visits.GuestData("علی رضایی", "رئیس اداره کازرون"))),
        photos=tuple(visits.PhotoUpload(photo_jpeg(colour), caption=f"نمای {i + 1}", filename=f"p{i}.jpg")
                     for i, colour in enumerate(PHOTO_COLOURS)),
        decisions=(decision_services.DecisionData(
            "پیگیری تخصیص اعتبار استانی تا پایان آذر", due_date=date(2026, 12, 21),
            owner_agency_id=make.agency("فرمانداری کازرون").id),),
    )
    return pool

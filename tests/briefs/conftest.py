"""Fixtures of the briefs tests: an archive directory per test, a fixed issuing time, and PDF readers (poppler)."""
import re
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tracker.accounts.models import Role
from tracker.briefs.services import BriefSettings
from tracker.projects.models import PartnerRole, ProjectStatus

# 1405/09/02 at 11:30 in Tehran.
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
TODAY_FA = "۱۴۰۵/۰۹/۰۲"
KAZERUN_POOL = "بهسازی استخر کارگران کازرون"
# pdftotext keeps logical order but adds bidi embeddings and drops ZWNJ (DESIGN.md, pitfalls).
_INVISIBLE = re.compile("[\u200c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture
def briefs_dir(app, tmp_path) -> Path:
    """Issued briefs go to the test's own directory."""
    app.config["BRIEFS_DIR"] = str(tmp_path / "briefs")
    return tmp_path / "briefs"


@pytest.fixture
def settings(app, briefs_dir) -> BriefSettings:
    return BriefSettings.from_config(app.config)


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
    from tracker.projects import services as projects

    fars = make.province("Fars")
    constituency = projects.ensure_constituency(make.session, province_id=fars.id,
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


@pytest.fixture
def director(make):
    return make.user(role=Role.director, full_name="سعید بیاری")

"""`flask brief project|constituency`: the PDF written where asked, and archived like the UI's."""
import hashlib

from sqlmodel import select

from tests.conftest import SCENARIO_DAY, on_day
from tracker.accounts.models import Role
from tracker.briefs.models import Brief, BriefKind

from .conftest import KAZERUN_POOL, pdf_pages, pdf_text

pytestmark = on_day(SCENARIO_DAY)


def run(app, *args):
    return app.test_cli_runner().invoke(args=["brief", *map(str, args)])


def test_project_brief_by_slug_as_the_first_admin(app, db, make, pool, briefs_dir, tmp_path):
    out = tmp_path / "brief.pdf"
    admin = make.admin

    result = run(app, "project", pool.slug, "--out", out, "--for", "دفتر نماینده مردم کازرون و کوه‌چنار")

    assert result.exit_code == 0, result.output
    brief = db.exec(select(Brief)).one()
    assert hashlib.sha256(out.read_bytes()).hexdigest() == brief.sha256
    assert out.read_bytes() == (briefs_dir / brief.file_path).read_bytes()
    assert (brief.kind, brief.project_id, brief.generated_by) == (BriefKind.project, pool.id, admin.id)
    assert brief.for_whom == "دفتر نماینده مردم کازرون و کوه‌چنار"
    assert KAZERUN_POOL in pdf_text(out) and pdf_pages(out) == brief.pages
    assert brief.number in result.output and str(out) in result.output


def test_project_brief_by_id_as_a_named_director(app, db, make, pool, briefs_dir, tmp_path):
    director = make.user(role=Role.director, username="bayari")

    result = run(app, "project", pool.id, "--out", tmp_path / "b.pdf", "--as", "bayari")

    assert result.exit_code == 0, result.output
    assert db.exec(select(Brief)).one().generated_by == director.id


def test_constituency_brief(app, db, make, kazerun, pool, briefs_dir, tmp_path):
    make.project(name="تعمیر مهمانسرای کارگران کوه‌چنار", county="کوه‌چنار")  # made by the factories' admin

    result = run(app, "constituency", kazerun.id, "--out", tmp_path / "c.pdf")

    assert result.exit_code == 0, result.output
    brief = db.exec(select(Brief)).one()
    assert (brief.kind, brief.constituency_id) == (BriefKind.constituency, kazerun.id)
    assert pdf_pages(tmp_path / "c.pdf") == brief.pages == 3  # the cover, then a page per project


def test_refusals_say_why_and_write_nothing(app, db, make, pool, briefs_dir, tmp_path):
    make.user(role=Role.viewer, username="mp-office")
    make.user(role=Role.director, province="Zanjan", username="zanjan")
    out = tmp_path / "x.pdf"

    make.admin.active = False  # the factories' administrator; no other exists
    db.flush()
    no_admin = run(app, "project", pool.id, "--out", out)
    viewer = run(app, "project", pool.id, "--out", out, "--as", "mp-office")
    other_province = run(app, "project", pool.id, "--out", out, "--as", "zanjan")
    nobody = run(app, "project", pool.id, "--out", out, "--as", "nobody")
    make.admin.active = True
    db.flush()
    missing = run(app, "project", "no-such-project", "--out", out)
    long_for = run(app, "project", pool.id, "--out", out, "--for", "د" * 301)

    assert "No administrator exists" in no_admin.output
    assert "may not issue" in viewer.output
    assert "Not found" in other_province.output and "Not found" in missing.output
    assert "No user named nobody" in nobody.output
    assert "۳۰۰" in long_for.output
    for result in (no_admin, viewer, other_province, nobody, missing, long_for):
        assert result.exit_code == 1
    assert db.exec(select(Brief)).all() == [] and not out.exists()

"""Issuing briefs: the PDF as a member of parliament reads it, and the archive row that vouches for it."""
import hashlib
import re
from datetime import date

import pytest
from sqlmodel import select

from tests.browser.conftest import ARTIFACTS
from tests.conftest import SCENARIO_DAY, on_day
from tests.helpers import audit_events
from tracker.accounts.models import Role
from tracker.briefs import services
from tracker.briefs.models import Brief, BriefKind
from tracker.core.errors import Forbidden, InvalidInput, NotFound
from tracker.projects.models import ProjectStatus

from .conftest import (
    KAZERUN_POOL,
    NOW,
    TODAY_FA,
    archived,
    pdf_fonts,
    pdf_pages,
    pdf_raw_text,
    pdf_text,
    plain,
    poppler,
    render_page_png,
    squeezed,
)

pytestmark = on_day(SCENARIO_DAY)

MP_OFFICE = "دفتر نماینده مردم کازرون و کوه‌چنار"


def issue(db, actor, project, settings, for_whom=MP_OFFICE) -> Brief:
    return services.issue_project_brief(db, actor=actor, project=project, for_whom=for_whom, settings=settings,
                                        now=NOW)


def test_project_brief_reads_in_persian_with_its_facts_and_embedded_font(db, app_context, fars_director, pool, settings,
                                                                      database):
    brief = issue(db, fars_director, pool, settings)
    path = archived(settings, brief)

    text = pdf_text(path)
    assert KAZERUN_POOL in text
    assert plain(MP_OFFICE) in text
    assert plain("اداره‌کل تعاون، کار و رفاه اجتماعی استان فارس") in text
    assert "استخر مجموعه ورزشی کارگران کازرون" in text and "کازرون، فارس" in text
    assert plain("حوزه انتخابیه کازرون و کوه‌چنار") in text
    assert TODAY_FA in text  # the date of issue, Jalali, Persian digits
    assert "۱۴۰۵/۱" in text  # the number: the first brief of Fars in 1405 (pdftotext moves its letter)
    assert "۱۴۰۵/۰۲/۰۱" in text  # the start date
    assert "۱۴۰۵/۱۲/۲۹" in text and "اسفند" in text  # the target date, in figures and in words
    assert "۱۱۷" in text and "روز مانده" in text  # to the target date (pdftotext reorders digits in brackets)
    assert "۴۰٪" in text and "۶۴٫۹٪" in text  # observed and planned progress
    assert squeezed("۸۳ روز عقب‌تر از برنامه") in squeezed(text)
    assert "۳۰٬۰۰۰٬۰۰۰٬۰۰۰" in text and "۷۵٪" in text  # approved credit; absorption 9 of 12 billion
    assert "فرمانداری ویژه کازرون" in text and "پیگیری تخصیص اعتبار" in text and "۱۴۰۵/۰۹/۳۰" in text
    assert re.search("صفحه ۱ ?از ۲", text) and re.search("صفحه ۲ ?از ۲", text)
    assert "0123456789" not in text and not any(digit in text for digit in "0123456789")
    assert pdf_pages(path) == brief.pages == 2
    assert any(font.split("+")[-1].startswith("Vazirmatn") and font.endswith(" yes") for font in pdf_fonts(path))
    render_page_png(path, ARTIFACTS, f"brief-project-{database.dialect.name}")


def test_archive_row_vouches_for_the_file(db, app_context, fars_director, pool, settings):
    first = issue(db, fars_director, pool, settings)
    second = issue(db, fars_director, pool, settings, for_whom="")

    data = archived(settings, first).read_bytes()
    assert first.sha256 == hashlib.sha256(data).hexdigest()
    assert first.size_bytes == len(data) and first.pages == 2
    assert (first.kind, first.project_id, first.constituency_id) == (BriefKind.project, pool.id, None)
    assert (first.generated_by, first.for_whom, first.generated_at) == (fars_director.id, MP_OFFICE, NOW)
    assert (first.year, first.sequence, second.sequence) == (1405, 1, 2)
    assert [b.number for b in db.exec(select(Brief).order_by(Brief.sequence)).all()] == ["1405/1/گ", "1405/2/گ"]
    [event] = audit_events(db, "briefs", first.id)
    assert (event.action, event.actor_id, event.project_id) == ("create", fars_director.id, pool.id)


def test_number_scheme_directorate_and_classification_are_settings(db, app_context, make, fars_director, settings):
    from dataclasses import replace

    project = make.project(name="نوسازی کلاس‌های مرکز آموزش تعاون زنجان", county="زنجان", province="Zanjan")
    custom = replace(settings, number_format="{province}-{kind}-{year}-{seq:04d}", classification="عادی",
                     directorate="اداره‌کل تعاون استان {province}")

    brief = issue(db, make.admin, project, custom)

    text = pdf_text(archived(custom, brief))
    assert brief.number == "zanjan-پ-1405-0001"
    assert plain("اداره‌کل تعاون استان زنجان") in text and plain("طبقه‌بندی") in text and "عادی" in text
    assert pdf_pages(archived(custom, brief)) == brief.pages == 1


@pytest.mark.parametrize(("dates", "missing"), [
    ({"target_date": date(2027, 3, 20)}, "تاریخ شروع ثبت نشده است"),
    ({"start_date": date(2026, 4, 1)}, "موعد اتمام ثبت نشده است"),
])
def test_a_brief_without_a_plan_says_which_date_is_missing(db, app_context, make, fars_director, settings, dates,
                                                           missing):
    brief = issue(db, fars_director, make.project(**dates), settings)

    text = pdf_text(archived(settings, brief))
    assert "بدون برنامه زمانی" in text and missing in text
    assert "تاریخ شروع یا موعد اتمام" not in text  # never the old one-size message that left the reader guessing


def test_user_text_is_escaped_and_sample_projects_say_so(db, app_context, make, fars_director, settings):
    project = make.project(name="بهسازی مهمانسرای کارگران نمونه", description="<b>x</b>", is_sample=True)

    brief = issue(db, fars_director, project, settings, for_whom="<i>office</i>")

    text = pdf_text(archived(settings, brief))
    # Typed markup, alone on its line, comes out of pdftotext's logical order mirrored: read it as drawn.
    assert "<b>x</b>" in pdf_raw_text(archived(settings, brief))
    assert "<i>office</i>" in pdf_raw_text(archived(settings, brief))
    assert "داده نمونه" in text
    # No plan to compare with, and the brief says which dates are missing.
    assert "بدون برنامه زمانی" in text and "نه تاریخ شروع ثبت شده است" in text
    assert plain("اعتباری برای این پروژه ثبت نشده است") in text


def test_constituency_brief_has_a_cover_of_every_project_then_a_page_each(db, app_context, make, fars_director, kazerun,
                                                                      pool, settings, database):
    guest_house = make.project(name="تعمیر سیستم گرمایش مهمانسرای کارگران کوه‌چنار", county="کوه‌چنار",
                               status=ProjectStatus.suspended, target_date=date(2026, 6, 21), physical_progress=60,
                               is_sample=True)
    make.project(name="بهسازی مجموعه ورزشی کارگران شیراز", county="شیراز")

    brief = services.issue_constituency_brief(db, actor=fars_director, constituency=kazerun, for_whom=MP_OFFICE,
                                              settings=settings, now=NOW)

    path = archived(settings, brief)
    text = pdf_text(path)
    cover = text.split("صفحه ۱ از")[0]
    assert plain(kazerun.name) in cover
    assert KAZERUN_POOL in cover and plain(guest_house.name) in cover and "شیراز" not in text
    assert "معوق" in cover  # the guest house is past its target date
    assert (brief.kind, brief.constituency_id, brief.project_id) == (BriefKind.constituency, kazerun.id, None)
    assert pdf_pages(path) == brief.pages == 3  # the cover, then a page per project
    render_page_png(path, ARTIFACTS, f"brief-constituency-{database.dialect.name}")
    render_page_png(path, ARTIFACTS, f"brief-constituency-{database.dialect.name}-p2", page=2)


@pytest.mark.parametrize("role", [Role.viewer, Role.budget_officer])
def test_roles_that_do_not_edit_projects_may_not_issue(db, app_context, make, pool, settings, role):
    with pytest.raises(Forbidden):
        issue(db, make.user(role=role), pool, settings)
    assert db.exec(select(Brief)).all() == []


def test_another_province_or_county_is_not_found(db, app_context, make, kazerun, pool, settings):
    with pytest.raises(NotFound):
        issue(db, make.user(role=Role.director, province="Zanjan"), pool, settings)
    with pytest.raises(NotFound):
        services.issue_constituency_brief(db, actor=make.user(role=Role.director, county="کازرون"),
                                          constituency=kazerun, for_whom="", settings=settings, now=NOW)


def test_an_overlong_addressee_is_refused_before_anything_is_written(db, app_context, fars_director, pool, settings,
                                                                    briefs_dir):
    with pytest.raises(InvalidInput) as refused:
        issue(db, fars_director, pool, settings, for_whom="د" * 301)

    assert "for_whom" in refused.value.errors
    assert db.exec(select(Brief)).all() == [] and not briefs_dir.exists()


def test_brief_with_milestones_a_visit_its_photos_and_open_decisions(db, app_context, fars_director, visited_pool,
                                                                      settings, database):
    brief = issue(db, fars_director, visited_pool, settings)

    path = archived(settings, brief)
    text = pdf_text(path)
    milestones = text.split(plain("نقاط عطف"))[1]
    assert "ارزیابی وضعیت مجموعه" in milestones and "۱۴۰۵/۰۶/۰۱" in milestones  # met on 1405/06/01
    assert "تخصیص اعتبار" in milestones and "معوق" in milestones and "۱۴۰۵/۰۸/۱۵" in milestones
    assert plain("تحویل و بازگشایی") in milestones and plain("پیش رو") in milestones
    assert "سازمان برنامه و بودجه کشور" in milestones
    visit = text.split(plain("آخرین بازدید میدانی"))[1]
    assert "۲۰ آبان ۱۴۰۵" in visit or ("آبان" in visit and "۱۴۰۵" in visit)
    assert "فرماندار ویژه کازرون" in visit and "علی رضایی" in visit
    assert plain("کاشی‌کاری کف استخر") in visit and plain("تأخیر در تخصیص اعتبار استانی") in visit
    assert plain("پیگیری تخصیص اعتبار استانی تا پایان آذر") in visit and "فرمانداری کازرون" in visit
    assert "۱۴۰۵/۰۹/۳۰" in visit
    # Four of the five photos, as their stored display copies (JPEG, embedded as they are).
    images = [row.split() for row in poppler("pdfimages", "-list", path).splitlines()[2:]]
    jpegs = [row for row in images if row[8] == "jpeg"]  # page num type width height color comp bpc enc … object
    assert len({row[10] for row in jpegs}) == 4  # four photos, each embedded once, as stored (1200×900 here)
    assert all(row[3:5] == ["1200", "900"] for row in jpegs)
    assert pdf_pages(path) == brief.pages == 2
    assert brief.size_bytes < 2 * 1024 * 1024
    render_page_png(path, ARTIFACTS, f"brief-visit-{database.dialect.name}", page=2)


def test_a_number_taken_meanwhile_is_rendered_again_with_the_next(db, app_context, fars_director, pool, settings,
                                                                   monkeypatch):
    first = issue(db, fars_director, pool, settings)
    seen = []
    real = services.queries.last_sequence

    def stale_once(session, province_id, year):
        # The first look misses the brief just issued, as a concurrent request's look would.
        seen.append(year)
        return 0 if len(seen) == 1 else real(session, province_id, year)

    monkeypatch.setattr(services.queries, "last_sequence", stale_once)
    second = issue(db, fars_director, pool, settings)

    assert (first.sequence, second.sequence, len(seen)) == (1, 2, 2)
    assert "۱۴۰۵/۲" in pdf_text(archived(settings, second))
    assert [b.sequence for b in db.exec(select(Brief).order_by(Brief.sequence)).all()] == [1, 2]


def test_the_number_reads_left_to_right_in_the_pdf_and_in_the_activity(db, app_context, fars_director, pool,
                                                                         settings, database):
    brief = issue(db, fars_director, pool, settings)
    path = archived(settings, brief)

    # pdftotext -raw writes glyphs in the order they are drawn: an isolated number is drawn left to right, whole;
    # unisolated, a right-to-left line drew «گ» first and split off «۱».
    assert "۱۴۰۵/۱/گ" in pdf_raw_text(path) and "گ/۱۴۰۵/۱" not in pdf_raw_text(path)
    render_page_png(path, ARTIFACTS, f"brief-number-{database.dialect.name}")
    event = audit_events(db, "briefs", brief.id)[-1]
    assert event.summary.startswith("\u20661405/1/گ\u2069 · ")


def test_constituency_brief_tables_the_credit_lists_every_open_decision_and_keeps_photo_captions(
        db, app_context, make, fars_director, kazerun, visited_pool, settings, database):
    from tracker.milestones import services as milestones

    for day in range(25, 29):  # four milestones due before the visit's decision: the summary's four next steps
        milestones.add_milestone(db, actor=fars_director, project=visited_pool, data=milestones.MilestoneData(
            title=f"مرحله {day}", due_date=date(2026, 11, day)))

    brief = services.issue_constituency_brief(db, actor=fars_director, constituency=kazerun, for_whom="",
                                              settings=settings, now=NOW)

    path = archived(settings, brief)
    text = pdf_text(path)
    cover, section = re.split("صفحه ۱ ?از", text, maxsplit=1)
    # The cover's credit table: the project's four figures over all years, then the total of every project.
    assert "۴۵٬۰۰۰٬۰۰۰٬۰۰۰" in cover and "۳۵٬۰۰۰٬۰۰۰٬۰۰۰" in cover and "۲۲٬۰۰۰٬۰۰۰٬۰۰۰" in cover
    assert plain("همه پروژه‌ها") in cover and "۸۶٫۴٪" in cover
    # Four next steps, then the open decision all the same (a fifth milestone and the commitment are left out).
    steps = squeezed(section.split(plain("گام‌های بعدی"))[1].split("سال مالی")[0])
    assert squeezed("مرحله 27 — ۱۴۰۵/۰۹/۳۰") in steps and steps.count("مصوبه") == 1  # named as a decision
    assert squeezed("پیگیری تخصیص اعتبار استانی تا پایان آذر (فرمانداری کازرون)") in steps
    assert "مرحله28" not in steps and squeezed("پیگیری تخصیص اعتبار (") not in steps
    assert "نمای 1" in section and "نمای 2" in section
    render_page_png(path, ARTIFACTS, f"brief-constituency-visit-{database.dialect.name}", page=2)

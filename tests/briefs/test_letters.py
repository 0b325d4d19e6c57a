"""Briefs as a directorate's letters: «بسمه‌تعالی», its name, the addressee and salutation from the recipient, the
signature of who issues with their post, the copies; the settings per directorate, and who may change them."""
import pytest
from sqlmodel import select

from tests.browser.conftest import ARTIFACTS
from tests.conftest import SCENARIO_DAY, htmx, on_day
from tests.helpers import audit_events
from tracker.accounts.models import Role, User
from tracker.briefs import services
from tracker.briefs.models import LetterSettings
from tracker.core.errors import Forbidden, InvalidInput, NotFound

from .conftest import NOW, archived, pdf_text, plain, render_page_png, squeezed

pytestmark = on_day(SCENARIO_DAY)

POST = "مدیرکل تعاون، کار و رفاه اجتماعی استان فارس"
COPIES = "فرمانداری ویژه کازرون\n\n  سازمان مدیریت و برنامه‌ریزی استان فارس  "


def letters(db, actor, province, invocation=True, directorate="", copies=COPIES) -> LetterSettings:
    return services.save_letter_settings(db, actor=actor, province=province, data=services.LetterData(
        invocation, directorate, copies))


def issue(db, actor, project, settings, for_whom=""):
    return services.issue_project_brief(db, actor=actor, project=project, for_whom=for_whom, settings=settings,
                                        now=NOW)


def test_a_brief_reads_as_the_directorates_letter_to_the_mp_signed_by_who_issued_it(
        db, app_context, make, fars_director, kazerun, pool, settings, database):
    kazerun.mp_name = "نام نماینده"
    fars_director.post = POST
    letters(db, fars_director, make.province("Fars"))

    brief = issue(db, fars_director, pool, settings)
    text = pdf_text(archived(settings, brief))

    assert text.startswith(plain("بسمه‌تعالی"))
    assert plain("نام نماینده نماینده محترم مردم شریف کازرون و کوه‌چنار") in text
    assert squeezed("و احترام، احتراماً، گزارش وضعیت به شرح زیر به استحضار می‌رسد") in squeezed(text)  # «سلام» has لا
    # The signature, then the copies, end the letter (pdftotext puts the page footer after them).
    signature = text.index("سعید بیاری", text.index(plain("آخرین بازدید")))
    assert text.index(plain(POST), signature) < text.index("رونوشت", signature)
    assert text.index("رونوشت") < text.index("فرمانداری ویژه کازرون", text.index("رونوشت"))
    assert plain("سازمان مدیریت و برنامه‌ریزی استان فارس") in text[text.index("رونوشت"):]
    render_page_png(archived(settings, brief), ARTIFACTS, f"brief-letter-{database.dialect.name}", page=brief.pages)
    render_page_png(archived(settings, brief), ARTIFACTS, f"brief-letter-top-{database.dialect.name}")


def test_the_addressee_typed_on_issuing_replaces_the_mp_and_defaults_stay_plain(
        db, app_context, fars_director, pool, settings):
    brief = issue(db, fars_director, pool, settings, for_whom="دفتر نماینده مردم کازرون و کوه‌چنار")
    text = pdf_text(archived(settings, brief))

    assert plain("دفتر نماینده مردم کازرون و کوه‌چنار") in text and plain("نماینده محترم") not in text
    assert plain("بسمه‌تعالی") not in text and "رونوشت" not in text
    assert plain("اداره‌کل تعاون، کار و رفاه اجتماعی استان فارس") in text


def test_settings_are_one_row_per_directorate_audited_and_issued_briefs_keep_what_they_printed(
        db, app_context, make, fars_director, pool, settings):
    fars = make.province("Fars")
    first = issue(db, fars_director, pool, settings)
    printed = archived(settings, first).read_bytes()

    saved = letters(db, fars_director, fars, directorate="اداره کل تعاون استان فارس")
    again = letters(db, fars_director, fars, invocation=False, directorate="اداره کل تعاون استان فارس")
    second = issue(db, fars_director, pool, settings)

    assert saved.id == again.id and db.exec(select(LetterSettings)).all() == [again]
    assert again.copies == "فرمانداری ویژه کازرون\nسازمان مدیریت و برنامه‌ریزی استان فارس"
    assert [e.action for e in audit_events(db, "letter_settings", saved.id)] == ["create", "update"]
    assert archived(settings, first).read_bytes() == printed and first.sha256 != second.sha256
    assert plain("اداره کل تعاون استان فارس") in pdf_text(archived(settings, second))
    assert plain("اداره کل تعاون استان فارس") not in pdf_text(archived(settings, first))


@pytest.mark.parametrize(("who", "error"), [
    ({"role": Role.director, "county": "کازرون"}, Forbidden),  # a county head: the letters are the directorate's
    ({"role": Role.staff}, Forbidden),
    ({"role": Role.viewer}, Forbidden),
    ({"role": Role.director, "province": "Zanjan"}, NotFound),
])
def test_only_an_administrator_or_the_provinces_director_sets_its_letters(db, make, who, error):
    with pytest.raises(error):
        letters(db, make.user(**who), make.province("Fars"))
    assert letters(db, make.admin, make.province("Fars")).invocation


def test_too_many_copies_are_refused_and_nothing_is_stored(db, make, fars_director):
    with pytest.raises(InvalidInput) as refused:
        letters(db, fars_director, make.province("Fars"), copies="\n".join(f"گیرنده {n}" for n in range(13)))
    assert "copies" in refused.value.errors and db.exec(select(LetterSettings)).all() == []


def test_the_settings_page_saves_and_shows_errors_beside_the_field(client, db, make, director):
    page = client.get("/briefs/letters/fars")
    index = client.get("/briefs/")
    saved = client.post("/briefs/letters/fars", data={"invocation": "y", "directorate": "", "copies": COPIES},
                        headers=htmx())
    refused = client.post("/briefs/letters/fars", data={"copies": "\n".join(["رونوشت"] * 13)}, headers=htmx())

    assert page.status_code == 200 and 'name="copies"' in page.text and "اداره‌کل تعاون" in page.text
    assert 'href="/briefs/letters/fars"' in index.text
    assert saved.status_code == 204 and db.exec(select(LetterSettings)).one().invocation
    assert refused.status_code == 422 and 'id="errors-copies"' in refused.text and "۱۲" in refused.text


def test_a_user_sets_their_own_post_and_an_administrator_gives_one_to_a_new_user(client, db, make, login, director):
    saved = client.post("/account/notifications", data={"action": "post", "post": f"  {POST} "})
    too_long = client.post("/account/notifications", data={"action": "post", "post": "س" * 161})

    db.refresh(director)
    assert saved.status_code == 303 and director.post == POST
    assert too_long.status_code == 422 and 'id="errors-post"' in too_long.text
    assert POST in client.get("/account/notifications").text
    assert audit_events(db, "users", director.id)[-1].after == {"post": POST}
    login(make.admin)
    client.post("/users/new", data={"username": "bayari", "password": "long-enough-1", "role": "director",
                                    "province": "Fars", "post": POST})
    assert db.exec(select(User).where(User.username == "bayari")).one().post == POST

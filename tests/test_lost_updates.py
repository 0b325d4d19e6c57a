"""Lost updates: two people open the same edit form and both save. The second save must not overwrite the first:
it answers 409 naming who changed which field and what it holds now, keeps what its user typed, stores nothing,
and saving again (with the version the 409 carried) works. One table of every edit form, on both databases."""
import html
from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from werkzeug.datastructures import MultiDict

from tests.conftest import htmx
from tests.helpers import audit_events
from tracker.accounts.models import Role
from tracker.core import clock
from tracker.core.jalali import format_jalali
from tracker.decisions.models import DecisionState
from tracker.milestones import services as milestones
from tracker.milestones.models import MilestoneState


class _FormReader(HTMLParser):
    """The fields a browser would post from the form with a given action, as it shows them."""

    def __init__(self, action: str):
        super().__init__(convert_charrefs=True)
        self.action, self.inside, self.fields = action, False, []
        self._text, self._select = None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = html.unescape(a.get("action") or "") == self.action
        if not self.inside or "name" not in a and tag != "option":
            return
        if tag == "input" and a.get("type") not in ("file", "submit", "button"):
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self.fields.append((a["name"], a.get("value") or ""))
        elif tag == "textarea":
            self._text = (a["name"], [])
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value") or ""))

    def handle_data(self, data):
        if self._text:
            self._text[1].append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._text:
            text = "".join(self._text[1])  # a browser drops the newline that opens a textarea
            self.fields.append((self._text[0], text.removeprefix("\r\n").removeprefix("\n")))
            self._text = None
        elif tag == "select":
            self._select = None


def form_fields(page: str, action: str) -> MultiDict:
    """The values of the form that posts to `action`, as a browser would send them."""
    reader = _FormReader(action)
    reader.feed(page)
    assert reader.fields, f"no form posting to {action}"
    return MultiDict(reader.fields)


def typed(fields: MultiDict, **changes) -> MultiDict:
    """The form's fields with some typed over."""
    result = fields.copy()
    for name, value in changes.items():
        result.setlist(name, [value])
    return result


@dataclass
class Case:
    """One edit form: where it is, a record to edit, what the first and the second user type, and how to read back
    the field the first one changed."""

    name: str
    arrange: object  # (make, users) -> (record, form url, entity)
    first: dict
    second: dict
    read: object  # record -> the first change's field value
    expected: object
    label: str  # the Persian label of the field the first user changed
    shown: str  # its current value, as the 409 shows it
    button: str = ""  # a field the second user sends by pressing a button, not by typing


def _project(make, _users):
    project = make.project(name="بهسازی استخر کارگران کازرون")
    return project, f"/projects/{quote(project.slug)}/edit", "projects"


def _partner(make, _users):
    project = make.project()
    partner = make.partner(project, commitment="تأمین مصالح")
    return partner, f"/projects/{quote(project.slug)}/partners/{partner.id}/edit", "partners"


def _milestone(make, _users, path="edit"):
    project = make.project()
    milestone = milestones.add_milestone(make.session, actor=make.admin, project=project, data=milestones.MilestoneData(
        title="برگزاری مناقصه", due_date=clock.today() + timedelta(days=30)))
    return milestone, f"/projects/{quote(project.slug)}/milestones/{milestone.id}/{path}", "milestones"


def _visit(make, users):
    visit = make.visit(author=users[0], notes="بازدید اول")
    return visit, f"/visits/{visit.id}/edit", "visits"


def _meeting(make, users):
    meeting = make.meeting(author=users[0], notes="دستور جلسه")
    return meeting, f"/meetings/{meeting.id}/edit", "meetings"


def _decision(make, users):
    decision = make.decision(author=users[0])
    return decision, f"/decisions/{decision.id}/state", "decisions"


CASES = [
    Case("project", _project, {"physical_progress": "55"}, {"description": "دیوارها رنگ شد"},
         lambda r: r.physical_progress, 55, "پیشرفت فیزیکی (٪)", "۵۵"),
    Case("partner", _partner, {"commitment": "تأمین مصالح و نیروی کار"}, {"state": "dropped"},
         lambda r: r.commitment, "تأمین مصالح و نیروی کار", "تعهد", "تأمین مصالح و نیروی کار"),
    Case("milestone", _milestone, {"title": "برگزاری مناقصه عمومی"}, {"title": "مناقصه"},
         lambda r: r.title, "برگزاری مناقصه عمومی", "عنوان", "برگزاری مناقصه عمومی"),
    Case("visit", _visit, {"notes": "کاشی‌کاری تمام شد"}, {"problems": "کمبود اعتبار"},
         lambda r: r.notes, "کاشی‌کاری تمام شد", "یادداشت‌ها", "کاشی‌کاری تمام شد"),
    Case("meeting", _meeting, {"notes": "تصمیم به تأمین اعتبار"}, {"body": "شورای اداری"},
         lambda r: r.notes, "تصمیم به تأمین اعتبار", "یادداشت‌ها", "تصمیم به تأمین اعتبار"),
    Case("decision state", _decision, {"state": "done", "note": "اعتبار تأمین شد"},
         {"state": "dropped", "note": "منتفی شد"},
         lambda r: r.state, DecisionState.done, "وضعیت", "انجام‌شده", button="state"),
]


@pytest.fixture
def two_directors(fars_director, make):
    """Two directors of Fars who may both edit everything there."""
    return fars_director, make.user(role=Role.director, full_name="مریم کاظمی")


def _save(client, login, user, url, fields):
    login(user)
    return client.post(url, data=fields, headers=htmx())


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_second_of_two_saves_gets_a_409_naming_the_first_and_overwrites_nothing(client, db, make, login,
                                                                                   two_directors, case):
    first, second = two_directors
    record, url, entity = case.arrange(make, two_directors)
    login(first)
    first_form = form_fields(client.get(url, headers=htmx()).text, url)
    login(second)
    second_form = form_fields(client.get(url, headers=htmx()).text, url)
    assert first_form["version"] == second_form["version"] == str(record.version)

    saved = _save(client, login, first, url, typed(first_form, **case.first))
    assert saved.status_code in (200, 204, 303), saved.text
    events = len(audit_events(db, entity, record.id))
    stale = _save(client, login, second, url, typed(second_form, **case.second))

    assert stale.status_code == 409
    page = html.unescape(stale.text)
    notice = page[page.index('class="conflict'):]
    assert "سعید بیاری" in notice and case.label in notice and case.shown in notice
    db.expire_all()
    assert case.read(db.get(type(record), record.id)) == case.expected  # nothing overwritten
    assert len(audit_events(db, entity, record.id)) == events  # and nothing recorded
    again = form_fields(stale.text, url)
    for name, value in case.second.items():  # what the second user typed is still in the form
        assert name == case.button or again[name] == value
    assert again["version"] == str(db.get(type(record), record.id).version)

    pressed = {case.button: case.second[case.button]} if case.button else {}
    resaved = _save(client, login, second, url, typed(again, **pressed))
    assert resaved.status_code in (200, 204, 303), resaved.text
    assert len(audit_events(db, entity, record.id)) == events + 1
    assert audit_events(db, entity, record.id)[-1].actor_id == second.id


def test_marking_a_milestone_met_from_a_stale_form_is_refused(client, db, make, login, two_directors):
    first, second = two_directors
    milestone, met_url, _entity = _milestone(make, two_directors, "met")
    edit_url = met_url.replace("/met", "/edit")
    login(second)
    met_form = form_fields(client.get(met_url, headers=htmx()).text, met_url)
    login(first)
    edit_form = form_fields(client.get(edit_url, headers=htmx()).text, edit_url)
    assert _save(client, login, first, edit_url, typed(edit_form, title="مناقصه لغو شد", state="dropped")
                 ).status_code == 200

    stale = _save(client, login, second, met_url, typed(met_form, met_on=format_jalali(clock.today())))

    assert stale.status_code == 409 and "سعید بیاری" in stale.text and "مناقصه لغو شد" in html.unescape(stale.text)
    db.expire_all()
    assert db.get(type(milestone), milestone.id).state == MilestoneState.dropped


def test_a_visit_setting_the_progress_makes_an_open_project_form_stale(client, db, make, login, two_directors):
    """Unchecked changes count too: a visit's observed progress changes the project under an open form."""
    first, second = two_directors
    project, url, _entity = _project(make, two_directors)
    login(second)
    stale_form = form_fields(client.get(url, headers=htmx()).text, url)
    make.visit(project, author=first, observed_progress=40)

    stale = _save(client, login, second, url, typed(stale_form, description="نقاشی"))

    assert stale.status_code == 409 and "سعید بیاری" in stale.text and "۴۰" in stale.text
    db.expire_all()
    assert db.get(type(project), project.id).physical_progress == 40


def test_a_form_without_a_version_is_not_checked(client, db, make, director):
    """Clients that never loaded a form (scripts, older pages) save as before: the version is opt-in per form."""
    project, url, _entity = _project(make, [director])
    fields = form_fields(client.get(url, headers=htmx()).text, url)
    fields.pop("version")
    assert client.post(url, data=typed(fields, physical_progress="20"), headers=htmx()).status_code in (200, 204, 303)
    db.expire_all()
    assert db.get(type(project), project.id).physical_progress == 20


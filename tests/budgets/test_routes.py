"""The budget grid over HTTP: in-place edits, totals, refusals, conflicts, and the project's budget."""
import re

import pytest
from sqlmodel import select

from tests.conftest import htmx
from tests.helpers import count, fa, field_error
from tracker.accounts.models import Role
from tracker.budgets.models import BudgetEntry, BudgetLine, FundingSource


@pytest.fixture
def officer(make, login):
    user = make.user(role=Role.budget_officer, full_name="کارشناس بودجه")
    login(user)
    return user


def cell_url(project, source, year=1405, figure="allocated"):
    return f"/budgets/cells/{project.id}/{year}/{source.id}?figure={figure}"


def save(client, project, source, amount, version, figure="allocated", **fields):
    data = {"amount": amount, "version": version, "reason": "نامه ابلاغ", **fields}
    return client.post(cell_url(project, source, figure=figure), data=data, headers=htmx())


def test_the_grid_page_and_its_fragment(client, make, officer):
    project = make.project(name="بهسازی استخر کارگران")
    make.budget(project, approved=900, notified=800, allocated=500)

    page = client.get("/budgets/?year=1405&figure=allocated")
    fragment = client.get("/budgets/?year=1405&figure=allocated", headers=htmx())

    assert page.status_code == fragment.status_code == 200
    assert "<html" in page.text and "<html" not in fragment.text
    assert "بهسازی استخر کارگران" in fragment.text and "۵۰۰" in fragment.text
    assert "HX-Request" in page.headers["Vary"] and "HX-Request" in fragment.headers["Vary"]


def test_an_officer_saves_a_cell_and_gets_the_new_totals(client, make, officer, db):
    project = make.project()
    national, provincial = make.source("national"), make.source("provincial")
    line = make.budget(project, approved=2_000_000, notified=2_000_000)
    make.budget(project, source=provincial, approved=500, notified=500, allocated=300)

    response = save(client, project, national, "۱٬۲۵۰٬۰۰۰", line.version)

    assert response.status_code == 200
    assert "۱٬۲۵۰٬۰۰۰" in response.text
    assert f'id="row-total-{project.id}" hx-swap-oob' in response.text
    assert "۱٬۲۵۰٬۳۰۰" in response.text  # the row: national 1,250,000 + provincial 300
    entry = db.exec(select(BudgetEntry).order_by(BudgetEntry.id.desc())).first()
    assert (entry.from_amount, entry.to_amount, entry.reason) == (0, 1_250_000, "نامه ابلاغ")


def test_tomans_are_stored_as_rials(client, make, officer, db):
    project = make.project()
    line = make.budget(project, approved=10_000, notified=10_000)
    assert save(client, project, make.source(), "1000", line.version, unit="toman").status_code == 200
    db.refresh(line)
    assert line.allocated == 10_000


@pytest.mark.parametrize(("amount", "message"), [
    ("abc", "Enter the amount in whole rials, with digits only."),
    ("-5", "An amount cannot be negative."),
    ("3000", "Allocated credit cannot exceed notified credit (%(ceiling)s rials) on the same line."),
])
def test_bad_amounts_come_back_with_a_persian_message_and_nothing_stored(client, make, officer, db, app,
                                                                         amount, message):
    project = make.project()
    line = make.budget(project, approved=2000, notified=2000)
    entries = count(db, BudgetEntry)

    response = save(client, project, make.source(), amount, line.version)

    assert response.status_code == 422
    expected = fa(app, message, ceiling="۲٬۰۰۰")
    assert expected in response.text
    assert count(db, BudgetEntry) == entries
    db.refresh(line)
    assert line.allocated == 0


def test_a_change_without_a_reason_is_refused(client, make, officer, app):
    project = make.project()
    line = make.budget(project, approved=2000, notified=2000)
    response = save(client, project, make.source(), "100", line.version, reason="")
    assert response.status_code == 422
    assert fa(app, "This field is required.") in response.text


def test_a_stale_edit_is_a_conflict_that_says_who_changed_what(client, make, officer, db):
    project = make.project()
    line = make.budget(project, approved=5000, notified=5000)
    stale = line.version
    make.budget(project, allocated=1200, actor=make.user(role=Role.budget_officer, full_name="مریم احمدی"))

    response = save(client, project, make.source(), "900", stale)

    assert response.status_code == 409
    assert "مریم احمدی" in response.text and "۱٬۲۰۰" in response.text
    db.refresh(line)
    assert line.allocated == 1200
    assert f'name="version" value="{line.version}"' in response.text  # saving again replaces knowingly


@pytest.mark.parametrize("role", [Role.director, Role.staff, Role.viewer])
def test_other_roles_read_the_grid_but_may_not_change_figures(client, make, login, db, role):
    project = make.project()
    line = make.budget(project, approved=100, notified=100)
    login(make.user(role=role))

    page = client.get("/budgets/?year=1405", headers=htmx())
    assert page.status_code == 200 and "hx-get" not in page.text.split("<tbody>")[1].split("</tbody>")[0]
    assert save(client, project, make.source(), "50", line.version).status_code == 403
    db.refresh(line)
    assert line.allocated == 0


def test_another_provinces_project_is_not_found(client, make, officer):
    zanjan = make.project(county="زنجان", province="Zanjan")
    assert client.get(cell_url(zanjan, make.source()) + "&edit=1", headers=htmx()).status_code == 404
    assert save(client, zanjan, make.source(), "1", 0).status_code == 404


def test_the_project_page_shows_its_budget_and_each_lines_history(client, make, officer):
    project = make.project()
    line = make.budget(project, approved=1000, notified=1000, allocated=800, spent=200)

    page = client.get(f"/projects/{project.slug}")
    history = client.get(f"/budgets/lines/{line.id}/history", headers=htmx())

    assert "۸۰۰" in page.text and "۲۵٪" in page.text  # absorption = 200 / 800
    assert history.status_code == 200 and history.text.count("<li>") == 4


def test_an_officer_opens_the_cell_editor_with_the_current_version(client, make, officer):
    project = make.project()
    line = make.budget(project, approved=10, notified=10)
    editor = client.get(cell_url(project, make.source()) + "&edit=1", headers=htmx())
    assert editor.status_code == 200
    assert f'name="version" value="{line.version}"' in editor.text


def opened_on(client, query="year=1405") -> str:
    """The figure the grid shows (the one selected in its filter bar)."""
    page = client.get(f"/budgets/?{query}").text
    return re.search(r'<select id="figure".*?<option value="(\w+)" selected>', page, re.S)[1]


def test_the_grid_opens_on_approved_in_a_year_without_lines_where_a_first_entry_is_accepted(client, make, officer,
                                                                                            db):
    project, national = make.project(), make.source("national")
    make.budget(project, year=1404, actor=officer, approved=10, notified=10)  # other years do not count
    make.budget(make.project(province="Zanjan"), year=1405, approved=10)  # nor other provinces' lines

    assert opened_on(client) == "approved"
    first = save(client, project, national, "۵۰۰", 0, figure=opened_on(client))
    assert first.status_code == 200 and count(db, BudgetLine) == 3


def test_the_grid_opens_on_the_figure_the_officer_last_chose_then_on_their_last_change(client, make, officer):
    project = make.project()
    make.budget(project, actor=make.admin, approved=100, notified=100, allocated=50)  # someone else's changes
    assert opened_on(client) == "approved"  # the officer has chosen nothing yet

    make.budget(project, source="provincial", actor=officer, approved=10, notified=10)
    assert opened_on(client) == "notified"  # their own last change

    assert opened_on(client, "year=1405&figure=spent") == "spent"
    assert opened_on(client) == "spent"  # chosen in this login session

    with client.session_transaction() as cookie:  # logging in again clears the session (but the language)...
        cookie.pop("budget_figure")
    assert opened_on(client) == "notified"  # ...and the ledger still knows their last change


def test_the_cell_editor_has_visible_save_and_cancel_beside_the_amount(client, make, officer):
    project = make.project()
    make.budget(project, approved=10)
    editor = client.get(cell_url(project, make.source()) + "&edit=1", headers=htmx()).text
    assert re.search(r'name="amount".*<button class="primary cell-save" type="submit".*<a class="button cell-cancel"',
                     editor, re.S)
    assert "ذخیره" in editor and "انصراف" in editor


def test_the_grid_and_a_project_budget_download_as_spreadsheets(client, make, officer):
    project = make.project(name="بهسازی استخر کارگران")
    make.budget(project, approved=900, notified=800, allocated=500)

    grid_csv = client.get("/budgets/export.csv?year=1405&figure=allocated")
    grid_xlsx = client.get("/budgets/export.xlsx?year=1405&figure=allocated")
    project_csv = client.get(f"/budgets/projects/{project.slug}/budget.csv")

    assert grid_csv.status_code == 200 and grid_csv.data.startswith(b"\xef\xbb\xbf")
    assert "بهسازی استخر کارگران" in grid_csv.data.decode("utf-8-sig") and ",500," in grid_csv.data.decode()
    assert grid_xlsx.status_code == 200 and grid_xlsx.data[:2] == b"PK"
    assert "attachment" in grid_xlsx.headers["Content-Disposition"]
    assert "900" in project_csv.data.decode() and project_csv.mimetype == "text/csv"


def test_a_project_page_draws_its_budget_chart(client, make, officer):
    project = make.project()
    make.budget(project, approved=900, notified=800, allocated=500, spent=100)
    page = client.get(f"/projects/{project.slug}")
    assert page.text.count('<svg xmlns="http://www.w3.org/2000/svg" class="budget-chart"') == 1


def test_an_administrator_adds_renames_and_retires_funding_sources(client, make, login, db, app):
    login(make.admin)
    created = client.post("/budgets/sources/new", data={
        "code": "charity", "name_fa": "کمک‌های مردمی", "name_en": "Donations", "position": "7", "active": "y"})
    duplicate = client.post("/budgets/sources/new", data={"code": "national", "name_fa": "اعتبارات ملي"})
    source = make.source("charity")
    retired = client.post(f"/budgets/sources/{source.id}/edit", data={
        "code": "charity", "name_fa": "کمک‌های مردمی", "name_en": "Donations", "position": "7"})

    assert created.status_code == 303 and retired.status_code == 303
    assert duplicate.status_code == 422
    assert fa(app, "Another funding source has this code.") in duplicate.text
    assert fa(app, "Another funding source has this name.") in duplicate.text  # typed with an Arabic yeh
    db.refresh(source)
    assert source.active is False
    assert "کمک‌های مردمی" not in client.get("/budgets/?year=1405", headers=htmx()).text


@pytest.mark.parametrize(("position", "message"), [
    ("1" + "0" * 20, "عدد بیش از حد بزرگ است: حداکثر ۲٬۱۴۷٬۴۸۳٬۶۴۷."),
    (str(2**31), "عدد بیش از حد بزرگ است: حداکثر ۲٬۱۴۷٬۴۸۳٬۶۴۷."),
    ("1e3", "یک عدد صحیح (بدون اعشار) وارد کنید."), ("²", "یک عدد صحیح (بدون اعشار) وارد کنید."),
])
def test_a_funding_source_position_no_column_holds_gets_a_persian_message_by_the_field(client, make, login, db,
                                                                                      position, message):
    login(make.admin)
    before = count(db, FundingSource)

    response = client.post("/budgets/sources/new", data={"code": "charity", "name_fa": "کمک‌های مردمی",
                                                         "position": position})

    assert response.status_code == 422
    assert field_error(response.text, "position") == message
    assert count(db, FundingSource) == before


@pytest.mark.parametrize("role", [Role.budget_officer, Role.director, Role.viewer])
def test_only_an_administrator_edits_funding_sources(client, make, login, role):
    login(make.user(role=role))
    assert client.get("/budgets/sources/").status_code == 403
    assert client.post("/budgets/sources/new", data={"code": "x", "name_fa": "ایکس"}).status_code == 403


def test_the_grid_and_budget_read_in_english_too(client, make, officer):
    project = make.project()
    make.budget(project, approved=1_250_000_000, notified=1_000_000_000)
    client.post("/language/en")
    grid = client.get("/budgets/?year=1405&figure=approved")
    page = client.get(f"/projects/{project.slug}")
    assert 'dir="ltr"' in grid.text and "National credits" in grid.text and "1,250,000,000" in grid.text
    assert "1.25 billion rials" in page.text


def test_funding_sources_are_counted_from_one(client, make, login, db, app):
    login(make.admin)
    first = db.exec(select(FundingSource).order_by(FundingSource.position, FundingSource.id)).first()
    listing = client.get("/budgets/sources/").text
    form = client.get(f"/budgets/sources/{first.id}/edit").text

    assert "<td>۰</td>" not in listing and f"<td>۱</td><td>{first.name_fa}</td>" in listing
    assert 'name="position" type="text" value="۱"' in form  # the first, in Persian digits

    typed_first = client.post("/budgets/sources/new", data={"code": "charity", "name_fa": "کمک‌های مردمی",
                                                            "position": "۱", "active": "y"})
    before = count(db, FundingSource)
    zero = client.post("/budgets/sources/new", data={"code": "gift", "name_fa": "هدیه", "position": "0"})

    assert typed_first.status_code == 303
    assert make.source("charity").position == first.position  # 1 means first, with the seeded first
    assert zero.status_code == 422
    assert field_error(zero.text, "position") == fa(app, "Count from 1: 1 is the first.")
    assert count(db, FundingSource) == before

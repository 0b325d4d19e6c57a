"""The import's pages: upload, sheet, columns, preview and import through the browser's forms; the templates."""
import io
import re

from openpyxl import load_workbook
from sqlmodel import select

from tests.helpers import count, field_error
from tests.imports.conftest import BUDGET_HEADERS, PROJECT_HEADERS, workbook
from tracker.accounts.models import Role
from tracker.budgets.models import BudgetEntry
from tracker.imports.models import ImportState, Upload
from tracker.imports.workbook import MAX_FILE_BYTES
from tracker.projects.models import Project

POOL = "استخر کارگران کازرون"


def send(client, data: bytes, kind: str = "projects", name: str = "فارس.xlsx"):
    return client.post("/imports/", data={"kind": kind, "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_a_director_imports_projects_step_by_step(client, db, make, director):
    make.facility(name=POOL)
    data = workbook(["Project name", "County", "Facility", "ملاحظات"], ["بهسازی استخر", "کازرون", POOL, "-"],
                    title="برگه ۱", more_sheets=("راهنما",))

    uploaded = send(client, data)
    upload = db.exec(select(Upload)).one()
    assert uploaded.status_code == 303 and uploaded.headers["Location"].endswith(f"/imports/{upload.id}/sheet")
    assert "راهنما" in client.get(f"/imports/{upload.id}/sheet").get_data(as_text=True)
    assert client.post(f"/imports/{upload.id}/sheet", data={"sheet": "برگه ۱"}).status_code == 303

    columns = client.get(f"/imports/{upload.id}/columns").get_data(as_text=True)
    chosen = {}
    for select_html in re.findall(r"<select.*?</select>", columns, re.S):
        selected = re.search(r'<option selected value="(\d+)"', select_html)
        if selected:
            chosen[re.search(r'name="(\w+)"', select_html)[1]] = selected[1]
    assert chosen == {"name": "0", "county": "1", "facility": "2"}  # guessed from the English headers
    assert client.post(f"/imports/{upload.id}/columns", data=chosen).status_code == 303

    preview = client.get(f"/imports/{upload.id}")
    assert preview.status_code == 200 and "ورود ۱ ردیف" in preview.get_data(as_text=True)
    assert count(db, Project) == 0  # the preview kept nothing
    done = client.post(f"/imports/{upload.id}/import")
    assert done.status_code == 303
    assert db.exec(select(Project).where(Project.name == "بهسازی استخر")).one()
    db.refresh(upload)
    assert upload.state == ImportState.imported
    assert "۱ ردیف در" in client.get(f"/imports/{upload.id}").get_data(as_text=True)
    assert client.post(f"/imports/{upload.id}/import").status_code == 422  # never twice


def test_a_file_with_errors_shows_each_on_its_cell_and_importing_it_changes_nothing(client, db, make, login):
    login(make.user(role=Role.budget_officer))
    project = make.project(name="بهسازی استخر کارگران کازرون")
    data = workbook(BUDGET_HEADERS, [project.name, 1405, "استانی", "مصوب", "۱۰۰", "مصوبه", ""],
                    [project.name, 1405, "استانی", "ابلاغ", "هزار", "ابلاغ", ""])
    send(client, data, kind="budget")
    upload = db.exec(select(Upload)).one()
    assert upload.sheet  # the only sheet, chosen already
    assert client.post(f"/imports/{upload.id}/columns", data={
        "project": 0, "fiscal_year": 1, "source": 2, "figure": 3, "amount": 4, "reason": 5}).status_code == 303

    page = client.get(f"/imports/{upload.id}").get_data(as_text=True)
    assert "۱ ردیف از ۲ ردیف خطا دارد" in page
    assert 'class="error-cell"><bdi>هزار</bdi><p class="error">مبلغ را به ریال' in page
    refused = client.post(f"/imports/{upload.id}/import")
    assert refused.status_code == 422 and count(db, BudgetEntry) == 0


def test_an_unsafe_or_oversized_file_is_refused_next_to_the_field(client, db, director):
    refused = send(client, b"PK\x03\x04 not really a zip")
    assert refused.status_code == 422
    assert "فایل اکسل (.xlsx) نیست" in field_error(refused.get_data(as_text=True), "file")
    too_big = send(client, b"0" * (MAX_FILE_BYTES + 1))
    assert too_big.status_code == 422 and "حداکثر ۱۰ مگابایت" in too_big.get_data(as_text=True)
    assert count(db, Upload) == 0


def test_the_templates_have_persian_headers_and_the_kazerun_example(client, make, login):
    login(make.admin)
    for kind, first in (("projects", PROJECT_HEADERS[0]), ("budget", BUDGET_HEADERS[0])):
        response = client.get(f"/imports/templates/{kind}.xlsx")
        assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        sheet = load_workbook(io.BytesIO(response.data), read_only=True).active
        header, example = list(sheet.iter_rows(values_only=True))
        assert header[0] == first and "کازرون" in example[0]


def test_the_template_of_projects_imports_as_it_is(client, db, make, director):
    """The example row is valid once its facility exists: the template teaches a file that works."""
    make.facility(name=POOL)
    send(client, client.get("/imports/templates/projects.xlsx").data)
    upload = db.exec(select(Upload)).one()
    client.get(f"/imports/{upload.id}/columns")
    columns = {"name": 0, "province": 1, "county": 2, "facility": 3, "status": 4, "start_date": 5, "target_date": 6,
               "physical_progress": 7, "agreement": 8, "description": 9}
    assert client.post(f"/imports/{upload.id}/columns", data=columns).status_code == 303
    assert client.post(f"/imports/{upload.id}/import").status_code == 303
    assert db.exec(select(Project).where(Project.name == "بهسازی استخر کارگران کازرون")).one().physical_progress == 10

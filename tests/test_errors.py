"""Error pages: Persian, in the layout (a fragment for htmx), never Werkzeug's English page or a stack trace; and
ids or filters no row can have are a 404 or ignored, not a 500."""
import logging
from contextlib import suppress
from urllib.parse import quote

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.conftest import htmx
from tests.helpers import fa
from tracker.accounts.models import Role
from tracker.core.db import get_session

HUGE = "99999999999999999999"  # 10^20, above any id


def error_page(response, app, status: int, message: str) -> None:
    """The response is the layout's page of this error: its Persian message, no English stand-in."""
    assert response.status_code == status
    assert '<html lang="fa" dir="rtl">' in response.text and 'class="notice notice-error"' in response.text
    assert fa(app, message) in response.text
    assert "Werkzeug" not in response.text and "Traceback" not in response.text


def test_an_unknown_address_gets_the_persian_404_page_and_htmx_its_fragment(app, client, director):
    page = client.get("/no-such-page")
    fragment = client.get("/no-such-page", headers=htmx())

    error_page(page, app, 404, "This page does not exist.")
    assert fragment.status_code == 404 and "<html" not in fragment.text
    assert fa(app, "This page does not exist.") in fragment.text
    assert "HX-Request" in page.headers["Vary"]


def test_a_wrong_method_gets_the_persian_405_page_and_keeps_its_allow_header(app, client, director):
    response = client.delete("/projects/")

    error_page(response, app, 405, "This address does not take this kind of request.")
    assert "GET" in response.headers["Allow"]


def test_a_nul_character_anywhere_is_a_persian_400(app, client, director, fars):
    project = fars[2]
    for response in (client.get("/projects/?q=a%00b"), client.get("/projects/a%00b"),
                     client.post(f"/projects/{quote(project.slug)}/edit", data={"name": "a\x00b"})):
        error_page(response, app, 400, "The request could not be understood. Go back and try again.")


@pytest.fixture
def failing_app(app):
    """The app as it runs in production (exceptions not propagated), with a view that fails after a failed query."""
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def fails():
        with suppress(DBAPIError):  # the failed statement leaves PostgreSQL's transaction aborted
            get_session().execute(text("SELECT * FROM no_such_table"))
        raise RuntimeError("secret detail of the failure")

    app.add_url_rule("/fails", "fails", fails)
    return app


def test_an_unhandled_exception_is_logged_and_answered_with_the_persian_500_page(failing_app, login, make, caplog):
    client = failing_app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(make.user(role=Role.director).id)
    caplog.set_level(logging.ERROR)

    page = client.get("/fails")
    fragment = client.get("/fails", headers=htmx())

    # The layout still reads the database (the user's bell) after the failed statement.
    error_page(page, failing_app, 500, "Something went wrong on our side and it was recorded. Try again in a moment.")
    assert "secret detail" not in page.text and "RuntimeError" not in page.text
    assert fragment.status_code == 500 and "<html" not in fragment.text and "secret detail" not in fragment.text
    logged = [record for record in caplog.records if record.exc_info]
    assert logged and "secret detail of the failure" in str(logged[0].exc_info[1])


@pytest.mark.parametrize("url", [
    f"/projects/{HUGE}", f"/projects/{HUGE}/edit", "/projects/²", "/projects/١٢",
    f"/budgets/lines/{HUGE}/history", "/budgets/lines/²/history", "/budgets/lines/١٢/history",
    f"/briefs/{HUGE}/download", f"/briefs/{2**63}/download", f"/briefs/{2**31}/download", f"/facilities/{HUGE}/edit",
    f"/budgets/cells/1/{HUGE}/1", f"/notices/{HUGE}/open", f"/visits/new/{HUGE}",
])
def test_an_id_no_row_can_have_is_a_404(app, client, director, url):
    error_page(client.get(url), app, 404, "This page does not exist.")


def test_the_largest_id_a_row_can_have_is_looked_up_not_refused(client, director):
    assert client.get(f"/budgets/lines/{2**31 - 1}/history").status_code == 404


@pytest.mark.parametrize("query", [
    f"province={HUGE}", "province=²", "county=١٢", f"agency={HUGE}", f"page={HUGE}", "page=²",
])
def test_a_project_filter_no_row_can_have_is_ignored(client, make, login, fars, query):
    login(make.admin)
    page = client.get(f"/projects/?{query}")
    assert page.status_code == 200 and fars[2].name in page.text


@pytest.mark.parametrize("query", [f"owner=user:{HUGE}", "owner=user:²", f"project={HUGE}", f"page={HUGE}",
                                   f"province={HUGE}"])
def test_a_decision_filter_no_row_can_have_is_ignored(client, make, login, query):
    decision = make.decision(text="تأمین اعتبار استخر")
    login(make.admin)
    page = client.get(f"/decisions/?{query}")
    assert page.status_code == 200 and decision.text in page.text


@pytest.mark.parametrize("year", [HUGE, "²", "١٤٠٥", "0"])
def test_a_budget_year_no_grid_can_have_shows_this_year(client, make, login, year):
    login(make.user(role=Role.budget_officer))
    page = client.get(f"/budgets/?year={year}")
    assert page.status_code == 200 and "۱۴۰۵" in page.text

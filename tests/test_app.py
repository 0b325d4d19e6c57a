"""The app as a whole: health check and the choice of UI language."""
import pytest

from tracker import create_app
from tracker.accounts.models import Role


def test_healthz_says_the_database_is_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


@pytest.mark.parametrize("url", ids=["no-server", "no-directory"], argvalues=[
    "postgresql://postgres@127.0.0.1:1/pishraft",  # nothing listens on port 1
    "sqlite:////nonexistent-directory/pishraft.sqlite3",
])
def test_healthz_says_the_database_is_down(tmp_path, url):
    app = create_app({"TESTING": True, "DATABASE_URL": url.replace("postgresql://", "postgresql+psycopg://"),
                      "SECRET_KEY": "test-secret"})

    response = app.test_client().get("/healthz")

    assert response.status_code == 503
    assert response.get_json()["database"] == "down"
    assert response.get_json()["status"] != "ok"


def test_the_language_switch_turns_the_page_around(client, login, make):
    login(make.user(role=Role.viewer))
    assert '<html lang="fa" dir="rtl">' in client.get("/projects/").text

    switched = client.post("/language/en", data={"next": "/projects/?q=x"})
    assert (switched.status_code, switched.headers["Location"]) == (303, "/projects/?q=x")
    english = client.get("/projects/").text
    assert '<html lang="en" dir="ltr">' in english and "Renovation projects" in english

    client.post("/language/fa")
    assert '<html lang="fa" dir="rtl">' in client.get("/projects/").text


def test_an_unknown_language_changes_nothing(client):
    client.post("/language/de")
    assert '<html lang="fa" dir="rtl">' in client.get("/login").text


def test_the_language_switch_never_leads_off_site(client):
    response = client.post("/language/en", data={"next": "https://evil.example/"})
    assert response.headers["Location"] == "/projects/"

"""Logging in over HTTP, the session cookie, CSRF, the rate limit and the `flask users` commands."""
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.factories import PASSWORD
from tests.helpers import fa, field_error
from tracker.accounts import queries, services
from tracker.accounts.models import Role


@pytest.fixture
def bayari(make):
    return make.user(username="bayari", role=Role.director)


def form_errors(page: str) -> str:
    found = re.search(r'<div class="form-errors".*?</div>', page, re.S)
    return found[0] if found else ""


def log_in(client, username="bayari", password=PASSWORD, **query):
    return client.post("/login", data={"username": username, "password": password}, query_string=query)


def test_the_login_page_is_persian(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert '<html lang="fa" dir="rtl">' in response.text and 'name="password"' in response.text


@pytest.mark.parametrize("password", [PASSWORD + "!", "", "CORRECT-HORSE-1404"])
def test_a_wrong_password_is_refused_with_a_message_and_no_session(client, app, bayari, password):
    response = log_in(client, password=password)

    assert response.status_code == 422
    assert 'class="form-errors"' in response.text
    if password:
        assert fa(app, "The username or password is wrong.") in response.text
    with client.session_transaction() as session:
        assert "_user_id" not in session
    assert client.get("/projects/").status_code == 302


def test_an_unknown_user_gets_the_same_answer_as_a_wrong_password(client, bayari):
    wrong_password = log_in(client, password="not-the-password")
    unknown = log_in(client, username="nobody")
    assert unknown.status_code == wrong_password.status_code == 422
    assert form_errors(unknown.text) == form_errors(wrong_password.text) != ""


def test_the_right_password_goes_to_the_projects(client, bayari):
    response = log_in(client, username=" Bayari ")
    assert response.status_code == 303
    assert response.headers["Location"] == "/projects/"
    assert client.get("/projects/").status_code == 200


def test_the_language_chosen_on_the_login_page_is_kept_after_logging_in(client, bayari):
    login_page = client.get("/login")
    chosen = re.search(r'<form method="post" action="(/language/en)"', login_page.text)  # the login page's switch
    assert chosen and client.post(chosen[1], data={"next": "/login"}).headers["Location"] == "/login"
    assert 'lang="en"' in client.get("/login").text

    landed = log_in(client)
    projects = client.get(landed.headers["Location"])

    assert projects.status_code == 200 and '<html lang="en" dir="ltr">' in projects.text


def test_a_login_that_ended_moves_the_whole_page_to_the_login_form_and_back(client):
    # An htmx part of an open page (a budget cell, the bell) must not get the login form swapped into it.
    part = client.get("/budgets/", headers={"HX-Request": "true", "HX-Current-URL": "http://host/projects/?q=pool"})
    page = client.get("/budgets/")

    assert part.status_code == 401 and "<form" not in part.text
    assert urlsplit(part.headers["HX-Redirect"]).path == "/login"
    assert parse_qs(urlsplit(part.headers["HX-Redirect"]).query)["next"] == ["/projects/?q=pool"]
    assert page.status_code == 302 and parse_qs(urlsplit(page.headers["Location"]).query)["next"] == ["/budgets/"]


def test_an_inactive_user_cannot_log_in(client, make):
    make.user(username="gone", active=False)
    assert log_in(client, username="gone").status_code == 422


@pytest.mark.parametrize("next_url", ["/projects/kazerun-pool?q=1", "/facilities/"])
def test_next_leads_to_a_page_of_this_site(client, bayari, next_url):
    response = log_in(client, next=next_url)
    assert (response.status_code, response.headers["Location"]) == (303, next_url)


@pytest.mark.parametrize("next_url", [
    "https://evil.example/", "//evil.example/", "/\\evil.example/", "/\t/evil.example/", "\\\\evil.example",
    "javascript:alert(1)", "https:evil.example",
])
def test_next_never_leads_to_another_site(client, bayari, next_url):
    response = log_in(client, next=next_url)
    location = response.headers["Location"]
    # A browser reads a backslash as a slash and drops tabs and newlines.
    as_browser_reads_it = location.replace("\\", "/").replace("\t", "").replace("\n", "")
    assert response.status_code == 303
    assert as_browser_reads_it.startswith("/") and not as_browser_reads_it.startswith("//")
    assert urlsplit(as_browser_reads_it).netloc == "" and urlsplit(as_browser_reads_it).scheme == ""


def test_logging_out_ends_the_session_but_keeps_the_language(client, bayari):
    log_in(client)
    client.post("/language/en")
    assert client.post("/logout").status_code == 303
    assert client.get("/projects/").status_code == 302
    assert 'lang="en"' in client.get("/login").text


def test_failed_logins_from_one_address_are_limited_with_a_persian_answer_that_says_when(client, app, make, bayari):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    make.user(username="rahimi")

    answers = [log_in(client, username=name, password="wrong-password").status_code
               for name in ("bayari", "rahimi", "nobody")]
    blocked = log_in(client)  # even the right password, once the limit is reached

    assert answers == [422, 422, 422]
    assert blocked.status_code == 429 and "تلاش" in blocked.text
    assert 0 < int(blocked.headers["Retry-After"]) <= 60
    with client.session_transaction() as session:
        assert "_user_id" not in session
    assert client.get("/login").status_code == 200  # only attempts count, not looking at the page


def test_successful_logins_do_not_count_so_a_directorate_behind_one_address_is_not_locked_out(client, app, bayari):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"

    assert [log_in(app.test_client()).status_code for _ in range(6)] == [303] * 6


@pytest.fixture
def behind_nginx(database, session_factory, photo_storage):
    """The app as deployed behind one proxy (TRACKER_PROXY_COUNT=1), three failed logins a minute allowed."""
    from tracker import create_app

    app = create_app({"TESTING": True, "DATABASE_URL": database.url.render_as_string(hide_password=False),
                      "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": False, "PROXY_COUNT": 1,
                      "UPLOAD_DIR": str(photo_storage.files.root), "LOGIN_RATE_LIMIT": "3 per minute"})
    app.extensions["session_factory"] = session_factory
    return app


def from_address(app, address, username="bayari", password=PASSWORD):
    return app.test_client().post("/login", data={"username": username, "password": password},
                                  headers={"X-Forwarded-For": address})


def test_behind_a_proxy_failures_count_per_client_address(behind_nginx, make, bayari):
    make.user(username="rahimi")
    for _ in range(3):
        assert from_address(behind_nginx, "10.0.0.7", "rahimi", "wrong-password").status_code == 422

    assert from_address(behind_nginx, "10.0.0.7").status_code == 429
    assert from_address(behind_nginx, "10.0.0.8").status_code == 303  # a colleague at the next desk


def test_failures_count_per_account_whatever_the_address(behind_nginx, bayari):
    for n in range(3):
        assert from_address(behind_nginx, f"10.0.1.{n}", password="wrong-password").status_code == 422

    blocked = from_address(behind_nginx, "10.0.1.99")
    assert blocked.status_code == 429 and "Retry-After" in blocked.headers


def test_without_a_configured_proxy_a_forwarded_address_is_not_believed(client, app, make, bayari):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    make.user(username="rahimi")
    for n in range(3):
        assert from_address(app, f"10.0.2.{n}", "rahimi", "wrong-password").status_code == 422

    assert from_address(app, "10.0.2.99").status_code == 429


@pytest.mark.parametrize("path", ["/login", "/logout", "/language/en", "/projects/some-project/edit"])
def test_a_post_without_a_csrf_token_is_refused(client, app, bayari, path):
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(path, data={"username": "bayari", "password": PASSWORD}).status_code == 400


def test_a_login_with_the_csrf_token_works(client, app, bayari):
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get("/login").text
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post("/login", data={"username": "bayari", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 303


def test_the_session_cookie_is_http_only_and_same_site_lax(client, bayari):
    response = log_in(client)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    attributes = {part.strip().lower() for part in cookie.split(";")}
    assert "httponly" in attributes and "samesite=lax" in attributes
    assert "secure" not in attributes  # only with TRACKER_SECURE_COOKIES, over HTTPS


@pytest.fixture
def run(app, db):
    """Run `flask users …` with a password on standard input."""
    # Open the test's transaction first: on SQLite, a CLI commit that came first would release the
    # outermost SAVEPOINT, which pysqlite commits for good, and the user would leak into later tests.
    db.connection()

    def invoke(*args, password="correct-horse-1404"):
        return app.test_cli_runner().invoke(args=["users", *args], input=f"{password}\n")
    return invoke


@pytest.mark.parametrize("province", ["فارس", "Fars"])
def test_cli_creates_a_user_with_the_password_from_stdin(run, app, db, make, province):
    result = run("create", "--username", "u", "--role", "director", "--province", province,
                 "--email", "u@example.org")

    assert result.exit_code == 0, result.output
    user = queries.find_by_username(db, "u")
    assert (user.role, user.province_id, user.email) == (Role.director, make.province("Fars").id, "u@example.org")
    assert services.authenticate(db, "u", "correct-horse-1404") == user


def test_cli_creates_an_admin_without_a_province(run, app, db):
    assert run("create", "--username", "root", "--role", "admin").exit_code == 0
    assert queries.find_by_username(db, "root").is_admin


@pytest.mark.parametrize(("args", "password", "message"), [
    (["--province", "Atlantis"], "correct-horse-1404", "There is no province with this name."),
    ([], "correct-horse-1404", "Choose the user's province."),
    (["--province", "Fars"], "short", "The password must have at least 8 characters."),
])
def test_cli_refuses_a_bad_user_with_a_message(run, app, db, args, password, message):
    result = run("create", "--username", "u", "--role", "director", *args, password=password)
    assert result.exit_code == 1
    assert fa(app, message) in result.output
    assert queries.find_by_username(db, "u") is None


def test_cli_refuses_an_unknown_role(run, app, db):
    result = run("create", "--username", "u", "--role", "king", "--province", "Fars")
    assert result.exit_code != 0 and "king" in result.output


def test_cli_sets_a_new_password(run, app, db, bayari):
    result = run("set-password", "--username", "bayari", password="a-new-password-1404")
    assert result.exit_code == 0, result.output
    db.refresh(bayari)
    assert services.authenticate(db, "bayari", "a-new-password-1404") == bayari
    assert services.authenticate(db, "bayari", PASSWORD) is None


def test_cli_set_password_for_an_unknown_user_fails(run, app, db):
    result = run("set-password", "--username", "nobody")
    assert result.exit_code != 0 and "nobody" in result.output


@pytest.mark.parametrize("role", [Role.director, Role.viewer])
@pytest.mark.parametrize(("method", "path"), [("get", "/users/"), ("get", "/users/new"), ("post", "/users/new"),
                                              ("get", "/users/{id}/password"), ("post", "/users/{id}/password")])
def test_only_an_administrator_manages_users(client, make, login, db, role, method, path, bayari):
    login(make.user(role=role))
    response = getattr(client, method)(path.format(id=bayari.id), data={"password": "a-new-password-1404"})
    assert response.status_code == 403
    db.expire_all()
    assert services.authenticate(db, "bayari", PASSWORD) == bayari


def test_an_administrator_creates_a_user_in_the_ui(client, make, login, db, app):
    login(make.admin)
    form = {"username": "Kazerun", "full_name": "رئیس اداره کازرون", "email": "kazerun@example.org",
            "role": "director", "province": "Fars", "county": "کازرون", "password": "correct-horse-1404"}
    make.county("کازرون")

    assert client.post("/users/new", data=form).status_code == 303
    user = queries.find_by_username(db, "kazerun")
    assert (user.role, user.province_id, user.county_id) == (Role.director, make.province().id, make.county().id)
    assert "kazerun@example.org" in client.get("/users/").text

    again = client.post("/users/new", headers={"HX-Request": "true"}, data=form | {"password": "short"})
    assert again.status_code == 422
    assert field_error(again.text, "username") == fa(app, "This username is already taken.")
    assert field_error(again.text, "password") == fa(app, "The password must have at least 8 characters.")

    bad_email = client.post("/users/new", data=form | {"username": "other", "email": "not an address"})
    assert bad_email.status_code == 422
    assert field_error(bad_email.text, "email") == fa(app, "Enter a valid email address.")


def test_an_administrator_sets_a_new_password_in_the_ui(client, make, login, db, bayari):
    login(make.admin)
    assert client.post(f"/users/{bayari.id}/password", data={"password": "short"}).status_code == 422
    assert client.post(f"/users/{bayari.id}/password", data={"password": "a-new-password-1404"}).status_code == 303
    db.expire_all()
    assert services.authenticate(db, "bayari", "a-new-password-1404") == bayari
    assert client.get("/users/999999/password").status_code == 404

"""With SMTP configured, a user who forgot a password gets a one-time link by email and chooses a new one."""
import re

import pytest

from tests.helpers import audit_events, field_error
from tests.reminders.helpers import SmtpServer, free_port
from tracker.accounts import services


@pytest.fixture
def smtp(app):
    """A real SMTP server on loopback, configured as the app's."""
    with SmtpServer() as server:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=server.port, BASE_URL="https://pishraft.example.org")
        yield server


@pytest.fixture
def clerk(make):
    return make.user(username="rahimi", email="Rahimi@example.org", full_name="مریم رحیمی")


def reset_path(message) -> str:
    """The path of the reset link in an email's plain text."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"https://pishraft\.example\.org(/password/reset/\S+)", text).group(1)


def test_a_user_resets_a_forgotten_password_by_email(client, smtp, clerk, db):
    page = client.get("/login")
    assert "/password/forgot" in page.text

    asked = client.post("/password/forgot", data={"login": "rahimi@example.org"})

    assert asked.status_code == 200 and "در راه است" in asked.text
    [message] = smtp.sink.messages
    assert message["To"] == "Rahimi@example.org" and "رمز عبور" in message["Subject"]
    assert "مریم رحیمی" in message.get_body(preferencelist=("plain",)).get_content()
    link = reset_path(message)

    mismatch = client.post(link, data={"password": "new-secret-1", "confirm": "new-secret-2"})
    assert mismatch.status_code == 422 and "یکسان نیستند" in mismatch.text

    saved = client.post(link, data={"password": "new-secret-1", "confirm": "new-secret-1"})
    assert saved.status_code == 303 and saved.headers["Location"].endswith("/login?reset=done")
    db.expire_all()  # the request changed the row through its own session
    assert services.authenticate(db, "rahimi", "new-secret-1") is not None
    assert [(event.action, event.actor_id) for event in audit_events(db, "users", clerk.id)] == [("update", clerk.id)]

    used_again = client.post(link, data={"password": "another-one-2", "confirm": "another-one-2"})
    assert used_again.status_code == 410 and "منقضی" in used_again.text
    assert services.authenticate(db, "rahimi", "new-secret-1") is not None


def test_a_typed_name_comes_through_literally_in_the_text_and_escaped_in_the_html(client, smtp, make):
    make.user(username="pool", email="pool@example.org", full_name="استخر & سالن <ورزشی>")

    client.post("/password/forgot", data={"login": "pool"})

    [message] = smtp.sink.messages
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert message["Subject"] == "تعیین رمز عبور تازه در پیشرفت"
    assert "استخر & سالن <ورزشی>" in text
    assert "&amp;" not in text and "&lt;" not in text and "&gt;" not in text and "&#" not in text
    assert "استخر &amp; سالن &lt;ورزشی&gt;" in html and "<ورزشی>" not in html


def test_the_answer_does_not_tell_who_has_an_account(client, smtp, make):
    make.user(username="noemail", email="")

    for login in ("nobody", "noemail"):
        answer = client.post("/password/forgot", data={"login": login})
        assert answer.status_code == 200 and "در راه است" in answer.text

    assert smtp.sink.messages == []


def test_forged_and_expired_links_are_refused(client, smtp, clerk, db):
    token = services.reset_token(clerk, "test-secret")

    assert client.get("/password/reset/not-a-token").status_code == 410
    assert client.get(f"/password/reset/{services.reset_token(clerk, 'another-secret')}").status_code == 410
    assert services.user_for_reset_token(db, token, "test-secret", max_age=-1) is None
    assert services.user_for_reset_token(db, token, "test-secret").id == clerk.id


def test_an_unreachable_mail_server_is_said_plainly(client, app, clerk):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port())

    answer = client.post("/password/forgot", data={"login": "rahimi"})

    assert answer.status_code == 422 and "ایمیل" in answer.text and "در راه است" not in answer.text


def test_without_email_an_administrator_sets_passwords(client):
    assert "/password/forgot" not in client.get("/login").text
    assert client.get("/password/forgot").status_code == 404


def test_bad_input_is_answered_next_to_the_field_and_changes_nothing(client, smtp, clerk, db):
    empty = client.post("/password/forgot", data={"login": "  "})
    assert empty.status_code == 422 and field_error(empty.text, "login")
    assert smtp.sink.messages == []

    link = f"/password/reset/{services.reset_token(clerk, 'test-secret')}"
    short = client.post(link, data={"password": "short", "confirm": "short"})

    assert short.status_code == 422 and "۸" in field_error(short.text, "password")
    db.expire_all()
    assert services.authenticate(db, "rahimi", "short") is None
    assert audit_events(db, "users", clerk.id) == []

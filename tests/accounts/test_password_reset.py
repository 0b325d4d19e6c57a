"""With SMTP configured, a user who forgot a password gets a one-time link by email and chooses a new one."""
import re

import pytest
from sqlmodel import select

from tests.helpers import audit_events, field_error
from tests.reminders.helpers import SmtpServer, free_port
from tracker.accounts import services
from tracker.core.mail import MailSettings
from tracker.reminders.models import Delivery, DeliveryState
from tracker.reminders.scan import ScanResult, send_waiting


@pytest.fixture
def smtp(app):
    """A real SMTP server on loopback, configured as the app's."""
    with SmtpServer() as server:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=server.port, BASE_URL="https://pishraft.example.org")
        yield server


@pytest.fixture
def send_queued(app, session_factory):
    """What the scheduler does every half minute: send the emails waiting in the outbox."""
    def send():
        send_waiting(session_factory, MailSettings.from_config(app.config), ScanResult())
    return send


@pytest.fixture
def clerk(make):
    return make.user(username="rahimi", email="Rahimi@example.org", full_name="مریم رحیمی")


def ask_reset(client, login: str):
    """Ask for a reset link, and let the answer finish as a server does once it is sent: the email is queued then."""
    answer = client.post("/password/forgot", data={"login": login})
    answer.close()
    return answer


def reset_path(message) -> str:
    """The path of the reset link in an email's plain text."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"https://pishraft\.example\.org(/password/reset/\S+)", text).group(1)


def test_a_user_resets_a_forgotten_password_by_email(client, smtp, clerk, db, send_queued):
    page = client.get("/login")
    assert "/password/forgot" in page.text

    asked = ask_reset(client, "rahimi@example.org")

    assert asked.status_code == 200 and "در راه است" in asked.text
    assert smtp.sink.messages == []  # queued, not sent while the user waits
    send_queued()
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


def test_a_typed_name_comes_through_literally_in_the_text_and_escaped_in_the_html(client, smtp, make, send_queued):
    make.user(username="pool", email="pool@example.org", full_name="استخر & سالن <ورزشی>")

    ask_reset(client, "pool")
    send_queued()

    [message] = smtp.sink.messages
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert message["Subject"] == "تعیین رمز عبور تازه در پیشرفت"
    assert "استخر & سالن <ورزشی>" in text
    assert "&amp;" not in text and "&lt;" not in text and "&gt;" not in text and "&#" not in text
    assert "استخر &amp; سالن &lt;ورزشی&gt;" in html and "<ورزشی>" not in html


def test_the_answer_does_not_tell_who_has_an_account(client, smtp, make, clerk, send_queued):
    make.user(username="noemail", email="")

    answers = [ask_reset(client, login) for login in ("nobody", "noemail", "rahimi")]

    assert len({(answer.status_code, answer.text) for answer in answers}) == 1 and "در راه است" in answers[0].text
    send_queued()
    assert [message["To"] for message in smtp.sink.messages] == ["Rahimi@example.org"]


def test_forged_and_expired_links_are_refused(client, smtp, clerk, db):
    token = services.reset_token(clerk, "test-secret")

    assert client.get("/password/reset/not-a-token").status_code == 410
    assert client.get(f"/password/reset/{services.reset_token(clerk, 'another-secret')}").status_code == 410
    assert services.user_for_reset_token(db, token, "test-secret", max_age=-1) is None
    assert services.user_for_reset_token(db, token, "test-secret").id == clerk.id


def test_with_the_mail_server_down_the_answer_is_the_same_and_the_link_waits_to_be_retried(
        client, app, clerk, db, send_queued):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port())

    known, unknown = (ask_reset(client, login) for login in ("rahimi", "nobody"))

    assert known.status_code == unknown.status_code == 200 and known.text == unknown.text
    send_queued()
    [delivery] = db.exec(select(Delivery).where(Delivery.user_id == clerk.id)).all()
    assert delivery.state == DeliveryState.pending and delivery.attempts == 1 and delivery.reminder_id is None


def test_without_email_an_administrator_sets_passwords(client):
    assert "/password/forgot" not in client.get("/login").text
    assert client.get("/password/forgot").status_code == 404


def test_bad_input_is_answered_next_to_the_field_and_changes_nothing(client, smtp, clerk, db):
    empty = ask_reset(client, "  ")
    assert empty.status_code == 422 and field_error(empty.text, "login")
    assert smtp.sink.messages == []

    link = f"/password/reset/{services.reset_token(clerk, 'test-secret')}"
    short = client.post(link, data={"password": "short", "confirm": "short"})

    assert short.status_code == 422 and "۸" in field_error(short.text, "password")
    db.expire_all()
    assert services.authenticate(db, "rahimi", "short") is None
    assert audit_events(db, "users", clerk.id) == []

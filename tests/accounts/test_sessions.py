"""Login sessions end for good: on logout, on a new password (every device), after idle hours; a user sees theirs."""
import datetime

import pytest

from tests.conftest import DEFAULT_DAY, tehran_moment
from tests.factories import PASSWORD
from tests.helpers import audit_events
from tracker.accounts import services
from tracker.accounts.models import Role
from tracker.core.jalali import format_jalali_datetime

TABLET = "Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
DESKTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Edg/131.0"


@pytest.fixture
def bayari(make):
    return make.user(username="bayari", role=Role.director, email="bayari@example.org")


def device(app, username="bayari", password=PASSWORD, agent=TABLET):
    """A browser of its own that logs in through the login form."""
    browser = app.test_client()
    answer = browser.post("/login", data={"username": username, "password": password},
                          headers={"User-Agent": agent})
    assert answer.status_code == 303
    return browser


def copy_of(app, browser):
    """Another browser holding a copy of this one's session cookie, as an attacker who copied it would."""
    thief = app.test_client()
    thief.set_cookie("session", browser.get_cookie("session").value)
    return thief


def logged_in(browser) -> bool:
    return browser.get("/projects/").status_code == 200


def test_a_copied_cookie_stops_working_once_its_owner_logs_out(app, bayari):
    tablet = device(app)
    thief = copy_of(app, tablet)
    assert logged_in(thief)

    tablet.post("/logout")

    assert not logged_in(thief) and not logged_in(tablet)
    assert thief.get("/projects/").headers["Location"].startswith("/login")


def test_logging_out_on_one_device_leaves_the_others_logged_in(app, bayari):
    tablet, desktop = device(app), device(app, agent=DESKTOP)

    tablet.post("/logout")

    assert logged_in(desktop) and not logged_in(tablet)


def test_a_new_password_from_an_administrator_logs_the_user_out_everywhere(app, make, bayari):
    make.user(username="admin", role=Role.admin)
    admin = device(app, "admin")
    tablet, desktop = device(app), device(app, agent=DESKTOP)
    thief = copy_of(app, tablet)

    set_ = admin.post(f"/users/{bayari.id}/password", data={"password": "a-new-secret-9", "confirm": "a-new-secret-9"})

    assert set_.status_code == 303
    assert not any(logged_in(browser) for browser in (tablet, desktop, thief))
    assert logged_in(admin)  # the administrator's own session goes on
    assert logged_in(device(app, password="a-new-secret-9"))


def test_a_password_reset_through_a_link_logs_the_user_out_everywhere(app, bayari):
    app.config.update(SMTP_HOST="127.0.0.1")
    tablet = device(app)
    thief = copy_of(app, tablet)
    link = f"/password/reset/{services.reset_token(bayari, 'test-secret')}"

    done = app.test_client().post(link, data={"password": "a-new-secret-9", "confirm": "a-new-secret-9"})

    assert done.status_code == 303
    assert not logged_in(tablet) and not logged_in(thief)


def test_a_session_ends_after_the_idle_hours_and_each_use_moves_the_end(app, bayari, frozen_clock):
    app.config["SESSION_IDLE_HOURS"] = 8
    tablet = device(app)

    frozen_clock.shift(datetime.timedelta(hours=7, minutes=50))
    assert logged_in(tablet)  # used within the idle hours: the end moves to 8 hours from now
    frozen_clock.shift(datetime.timedelta(hours=7, minutes=50))
    assert logged_in(tablet)
    frozen_clock.shift(datetime.timedelta(hours=8, minutes=1))
    assert not logged_in(tablet)
    frozen_clock.shift(datetime.timedelta(minutes=-2))
    assert not logged_in(tablet)  # the session's end is recorded, not just computed from the clock


def test_a_user_sees_their_sessions_and_when_each_ends_in_persian(app, bayari):
    app.config["SESSION_IDLE_HOURS"] = 8
    desktop = device(app, agent=DESKTOP)
    tablet = device(app)

    page = tablet.get("/account/sessions")

    assert page.status_code == 200
    text = page.text
    assert "Chrome · Android" in text and "Edge · Windows" in text
    assert "۸ ساعت" in text  # the idle hours, in Persian digits
    # Logged in at 10:00 Tehran on the test's day: the session ends at 18:00 if unused.
    assert format_jalali_datetime(tehran_moment(DEFAULT_DAY, hour=18)) in text
    assert text.count("این دستگاه") == 1
    assert logged_in(desktop)


def test_a_user_ends_their_other_sessions_and_it_is_audited(app, db, bayari):
    desktop, other = device(app, agent=DESKTOP), device(app, agent=DESKTOP)
    tablet = device(app)

    ended = tablet.post("/account/sessions/end-others")

    assert ended.status_code == 303
    assert logged_in(tablet) and not logged_in(desktop) and not logged_in(other)
    assert [event.summary for event in audit_events(db, "users", bayari.id)] == [
        "2 login sessions of bayari ended"]


def test_a_user_cannot_end_someone_elses_session(app, db, make, bayari):
    make.user(username="rahimi", role=Role.staff)
    theirs = device(app, "rahimi")
    own = device(app)
    [their_session] = [s for s in services_open(db, "rahimi")]

    refused = own.post(f"/account/sessions/{their_session}/end")

    assert refused.status_code == 404 and logged_in(theirs)


def services_open(db, username):
    """The ids of a user's open login sessions."""
    from sqlmodel import select

    from tracker.accounts.models import LoginSession, User
    query = select(LoginSession.id).join(User, User.id == LoginSession.user_id).where(User.username == username)
    return db.exec(query).all()

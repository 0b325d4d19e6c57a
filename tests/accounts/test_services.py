"""Users: who may be created, with which province, and who may log in."""
import pytest

from tests.factories import PASSWORD
from tests.helpers import audit_events, count
from tracker.accounts import services
from tracker.accounts.models import Role, User
from tracker.core.errors import InvalidInput


def create(db, **fields):
    values = {"username": "bayari", "password": "correct-horse-1404", "role": Role.director, "province": "فارس"}
    return services.create_user(db, **values | fields)


@pytest.mark.parametrize("province", ["فارس", "Fars", "fars", " FARS ", "فارس\u200c"])
def test_the_province_is_found_by_its_persian_or_english_name(db, make, province):
    user = create(db, province=province)
    assert user.province_id == make.province("Fars").id
    assert user.password_hash != "correct-horse-1404"


def test_a_county_head_gets_the_county(db, make):
    kazerun = make.county("کازرون", name_en="Kazerun")
    assert create(db, county="Kazerun").county_id == kazerun.id
    with pytest.raises(InvalidInput) as error:
        create(db, username="other", county="زنجان")
    assert set(error.value.errors) == {"county"}


@pytest.mark.parametrize(("fields", "field"), [
    ({"province": "Atlantis"}, "province"),
    ({"province": None}, "province"),
    ({"province": ""}, "province"),
    ({"password": "short"}, "password"),
    ({"password": "1234567"}, "password"),
    ({"username": "   "}, "username"),
])
def test_bad_users_are_refused_and_not_stored(db, fields, field):
    before = count(db, User)
    with pytest.raises(InvalidInput) as error:
        create(db, **fields)
    assert set(error.value.errors) == {field}
    assert count(db, User) == before


def test_an_admin_needs_no_province(db):
    admin = create(db, username="root", role=Role.admin, province=None)
    assert admin.province_id is None and admin.is_admin


@pytest.mark.parametrize("username", ["bayari", "Bayari", " BAYARI "])
def test_a_username_is_taken_once_whatever_its_case(db, username):
    create(db)
    with pytest.raises(InvalidInput) as error:
        create(db, username=username)
    assert set(error.value.errors) == {"username"}


def test_creating_a_user_is_audited_without_the_password(db, make):
    actor = make.admin
    user = create(db, actor_id=actor.id)
    event = audit_events(db, "users", user.id)[0]
    assert (event.action, event.actor_id, event.after["username"]) == ("create", actor.id, "bayari")
    assert "password_hash" not in event.after


def test_authenticate(db, make):
    user = make.user(username="kazerun")
    assert services.authenticate(db, "kazerun", PASSWORD) == user
    assert services.authenticate(db, "Kazerun ", PASSWORD) == user
    assert services.authenticate(db, "kazerun", PASSWORD + "x") is None
    assert services.authenticate(db, "nobody", PASSWORD) is None


def test_an_inactive_user_cannot_log_in(db, make):
    make.user(username="gone", active=False)
    assert services.authenticate(db, "gone", PASSWORD) is None


def test_set_password_replaces_the_old_one(db, make):
    user = make.user(username="staff")
    services.set_password(db, user=user, password="a-new-password", actor_id=None)
    assert services.authenticate(db, "staff", "a-new-password") == user
    assert services.authenticate(db, "staff", PASSWORD) is None
    with pytest.raises(InvalidInput):
        services.set_password(db, user=user, password="short", actor_id=None)


def test_every_invalid_field_is_reported_at_once(db):
    with pytest.raises(InvalidInput) as error:
        create(db, username=" ", password="short", province="Atlantis")
    assert set(error.value.errors) == {"username", "password", "province"}

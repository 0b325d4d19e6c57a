"""API tokens: shown once, stored hashed, listed, revoked for good by their owner or an administrator, audited."""
import datetime
import hashlib

import pytest
from sqlmodel import select

from tests.helpers import audit_events
from tracker.accounts import services
from tracker.accounts.models import ApiToken, Role
from tracker.core.audit import AuditEvent
from tracker.core.errors import InvalidInput, NotFound


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def test_the_secret_is_given_once_and_only_its_hash_is_stored(db, make):
    user = make.user()
    token, secret = services.create_token(db, user=user, name="سامانه استانداری")

    stored = db.get(ApiToken, token.id)
    assert stored.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {stored.name, stored.prefix, stored.secret_hash}
    assert secret.startswith(stored.prefix) and len(secret) > 40
    assert stored.last_used_at is None and stored.revoked_at is None


def test_creating_and_revoking_are_audited_without_the_secret_or_its_hash(db, make):
    user = make.user()
    token, secret = services.create_token(db, user=user, name="سامانه استانداری")
    services.revoke_token(db, actor=user, token_id=token.id)

    events = audit_events(db, "api_tokens", token.id)
    assert [event.action for event in events] == ["create", "update"]
    assert events[0].actor_id == user.id and events[0].after["name"] == "سامانه استانداری"
    assert events[1].after.keys() == {"revoked_at"}
    written = repr([(e.summary, e.before, e.after) for e in db.exec(select(AuditEvent)).all()])
    assert secret not in written and token.secret_hash not in written and token.prefix in written


@pytest.mark.parametrize("name", ["", "   ", "x" * 81])
def test_a_token_needs_a_short_name(db, make, name):
    with pytest.raises(InvalidInput) as refused:
        services.create_token(db, user=make.user(), name=name)
    assert "name" in refused.value.errors
    assert db.exec(select(ApiToken)).all() == []


def test_another_user_cannot_revoke_your_token_but_an_administrator_can(db, make):
    owner, colleague = make.user(), make.user(role=Role.director)
    token, _secret = services.create_token(db, user=owner, name="گزارش‌گیر")

    with pytest.raises(NotFound):
        services.revoke_token(db, actor=colleague, token_id=token.id)
    assert token.revoked_at is None

    services.revoke_token(db, actor=make.admin, token_id=token.id)
    assert token.revoked_at is not None
    assert audit_events(db, "api_tokens", token.id)[-1].actor_id == make.admin.id


def test_the_page_shows_a_new_secret_once_then_lists_the_token_by_name_and_prefix(app, db, make, login):
    user = make.user()
    browser = login(user)

    created = browser.post("/account/tokens", data={"name": "داشبورد وزارتخانه"})
    secret = db.exec(select(ApiToken)).one()
    page = created.get_data(as_text=True)
    assert created.status_code == 200 and created.headers["Cache-Control"] == "no-store"
    assert "داشبورد وزارتخانه" in page and secret.prefix in page
    shown = page.split('class="token-value" readonly dir="ltr" value="')[1].split('"')[0]
    assert hashlib.sha256(shown.encode()).hexdigest() == secret.secret_hash

    again = browser.get("/account/tokens").get_data(as_text=True)
    assert shown not in again and secret.prefix in again and "داشبورد وزارتخانه" in again


def test_the_tokens_persian_name_is_isolated_inside_its_quotes_in_english(app, db, make, login):
    browser = login(make.user())
    browser.post("/language/en")

    created = browser.post("/account/tokens", data={"name": "داشبورد وزارتخانه"}).get_data(as_text=True)

    assert "Token «<bdi>داشبورد وزارتخانه</bdi>» created" in created
    # The confirm dialog is plain text: the name is set apart by Unicode's isolates instead.
    assert "Revoke the token «\u2068داشبورد وزارتخانه\u2069»?" in created


def test_a_nameless_token_is_refused_next_to_the_field(app, db, make, login):
    browser = login(make.user())
    refused = browser.post("/account/tokens", data={"name": ""})
    assert refused.status_code == 422
    assert 'id="errors-name"' in refused.get_data(as_text=True)
    assert db.exec(select(ApiToken)).all() == []


def test_revoking_from_the_page_ends_the_token_and_someone_elses_is_not_there(app, db, make, login):
    owner, other = make.user(), make.user()
    mine, secret = services.create_token(db, user=owner, name="الف")
    theirs, _ = services.create_token(db, user=other, name="ب")
    browser = login(owner)
    assert app.test_client().get("/api/projects", headers=bearer(secret)).status_code == 200

    assert browser.post(f"/account/tokens/{theirs.id}/revoke").status_code == 404
    assert browser.post(f"/account/tokens/{mine.id}/revoke").status_code == 303

    answer = app.test_client().get("/api/projects", headers=bearer(secret))
    assert answer.status_code == 401 and answer.json["errors"]["request"]
    assert theirs.revoked_at is None
    assert "الف" in browser.get("/account/tokens").get_data(as_text=True)  # still listed, as revoked


def test_last_use_is_noted_at_most_once_a_minute(app, db, make, frozen_clock):
    token, secret = services.create_token(db, user=make.user(), name="الف")
    client = app.test_client()

    client.get("/api/projects", headers=bearer(secret))
    db.refresh(token)
    first = token.last_used_at
    assert first is not None

    frozen_clock.shift(datetime.timedelta(seconds=30))
    client.get("/api/projects", headers=bearer(secret))
    db.refresh(token)
    assert token.last_used_at == first

    frozen_clock.shift(datetime.timedelta(minutes=1))
    client.get("/api/projects", headers=bearer(secret))
    db.refresh(token)
    assert token.last_used_at > first


def test_the_account_pages_link_to_the_tokens(app, make, login):
    browser = login(make.user())
    assert "/account/tokens" in browser.get("/account/sessions").get_data(as_text=True)
    assert "/account/tokens" in browser.get("/account/notifications").get_data(as_text=True)

"""CSRF on every state-changing rule of the URL map: posted without a token, each answers 400 and changes nothing.

Generated from the app, so a new route is covered without being listed. The data posted is what the rule's own page
serves (its form's fields and values, as a browser would send them), or a plausible form for a rule with no page.
"""
import pytest
from flask import url_for
from sqlalchemy import func, select

from tests.helpers import served_form, use_login
from tests.test_authorization import ADMIN, LOGINS, OWN, TABLE, build_world, rules, url_args
from tracker.app import metadata
from tracker.core.audit import AuditEvent

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
# For a rule with no page of its own: fields most forms have, with plausible values.
PLAUSIBLE = {"name": "استخر کارگران", "title": "تحویل زمین", "text": "تأمین اعتبار", "body": "کارگروه اشتغال",
             "held_on": "۱۴۰۵/۰۹/۰۱", "year": "1405", "month": "11", "day": "2", "amount": "1000000",
             "reason": "اصلاحیه", "for_whom": "دفتر نماینده", "state": "done", "username": "someone",
             "password": "correct-horse-1404", "login": "someone"}
def every_count(db) -> dict[str, int]:
    """How many rows every table holds."""
    return {table.name: db.execute(select(func.count()).select_from(table)).scalar_one()
            for table in metadata().sorted_tables}


def state_changing_rules(app) -> list[tuple[str, str, str]]:
    """(path, endpoint, method) of every rule that accepts a state-changing method."""
    return sorted((rule.rule, rule.endpoint, method) for rule in app.url_map.iter_rules()
                  for method in sorted(rule.methods & STATE_CHANGING))


def test_the_generated_list_of_state_changing_rules_is_the_url_map(app):
    """Every POST the authorization table lists is here, and each rule here answers a state-changing method."""
    listed = {path for path, row in TABLE.items() if row.act is not None}
    assert {path for path, _endpoint, _method in state_changing_rules(app)} == listed
    assert set(rules(app)) >= listed


@pytest.fixture
def csrf_on(app):
    """The app as deployed: CSRF checked on every form and request."""
    app.config["WTF_CSRF_ENABLED"] = True
    app.config["SMTP_HOST"] = "127.0.0.1"  # the password reset pages exist only with email
    return app


def test_every_state_changing_rule_refuses_a_post_without_a_token_and_changes_nothing(csrf_on, make, db, tmp_path):
    """Logged in as an administrator (who may do anything), with the rule's own form filled as served."""
    places, users, secrets = build_world(csrf_on, make, tmp_path)
    db.flush()
    client = csrf_on.test_client()
    refused = []
    for path, endpoint, method in state_changing_rules(csrf_on):
        record = TABLE[path].record
        with csrf_on.test_request_context():
            url = url_for(endpoint, **url_args(path, record, places[OWN], ADMIN, secrets))
        use_login(client, users[ADMIN], secrets[LOGINS][ADMIN])
        page = client.get(url)
        data = PLAUSIBLE | served_form(page.get_data(as_text=True)) if page.status_code == 200 else PLAUSIBLE
        before = every_count(db)
        audit_before = db.execute(select(func.max(AuditEvent.id))).scalar_one()
        response = client.open(url, method=method, data=data, headers={"HX-Request": "true"})
        if response.status_code != 400 or every_count(db) != before or \
                db.execute(select(func.max(AuditEvent.id))).scalar_one() != audit_before:
            refused.append(f"{method} {url}: {response.status_code}")
    assert state_changing_rules(csrf_on), "no state-changing rule found"
    assert not refused, "answered without a CSRF token:\n" + "\n".join(refused)

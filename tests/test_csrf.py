"""CSRF on every state-changing rule of the URL map: posted without a token, each answers 400 and changes nothing.

Generated from the app, so a new route is covered without being listed. The data posted is what the rule's own page
serves (its form's fields and values, as a browser would send them), or a plausible form for a rule with no page.
"""
import html
import re

import pytest
from flask import url_for
from sqlalchemy import func, select

from tests.test_authorization import ADMIN, OWN, TABLE, build_world, rules, url_args
from tracker.app import metadata
from tracker.core.audit import AuditEvent

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
# For a rule with no page of its own: fields most forms have, with plausible values.
PLAUSIBLE = {"name": "استخر کارگران", "title": "تحویل زمین", "text": "تأمین اعتبار", "body": "کارگروه اشتغال",
             "held_on": "۱۴۰۵/۰۹/۰۱", "year": "1405", "month": "11", "day": "2", "amount": "1000000",
             "reason": "اصلاحیه", "for_whom": "دفتر نماینده", "state": "done", "username": "someone",
             "password": "correct-horse-1404", "login": "someone"}
_INPUT = re.compile(r"<input\b([^>]*)>", re.S)
_TEXTAREA = re.compile(r"<textarea\b([^>]*)>(.*?)</textarea>", re.S)
_SELECT = re.compile(r"<select\b([^>]*)>(.*?)</select>", re.S)
_ATTR = re.compile(r'([\w:-]+)(?:="([^"]*)")?')


def _attrs(text: str) -> dict:
    return {name: html.unescape(value or "") for name, value in _ATTR.findall(text)}


def served_form(page: str) -> dict:
    """The fields of the page's forms with the values a browser would send, the CSRF token left out."""
    data = {}
    for found in _INPUT.finditer(page):
        attrs = _attrs(found[1])
        if attrs.get("name") and attrs.get("type") not in {"file", "submit"} and (
                attrs.get("type") not in {"checkbox", "radio"} or "checked" in attrs):
            data.setdefault(attrs["name"], attrs.get("value", ""))
    for found in _TEXTAREA.finditer(page):
        if name := _attrs(found[1]).get("name"):
            data.setdefault(name, html.unescape(found[2]))
    for found in _SELECT.finditer(page):
        name = _attrs(found[1]).get("name")
        options = [_attrs(option) for option in re.findall(r"<option\b([^>]*)>", found[2])]
        chosen = next((o for o in options if "selected" in o), None) or next((o for o in options if o.get("value")),
                                                                              None)
        if name and chosen:
            data.setdefault(name, chosen.get("value", ""))
    data.pop("csrf_token", None)
    return data


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
        with client.session_transaction() as session:
            session["_user_id"] = str(users[ADMIN].id)
            session["_fresh"] = True
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

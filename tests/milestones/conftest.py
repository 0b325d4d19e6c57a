"""Fixtures of the milestones tests: Tehran's today fixed at 1405/09/02."""
import pytest

from tests.reminders.helpers import TODAY


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setattr("tracker.reminders.services.tehran_today", lambda: TODAY)
    monkeypatch.setattr("tracker.milestones.services.tehran_today", lambda: TODAY)
    monkeypatch.setattr("tracker.milestones.queries.tehran_today", lambda: TODAY)
    return TODAY

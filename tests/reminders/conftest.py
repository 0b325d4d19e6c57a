"""Fixtures of the reminders tests: a frozen "today", an SMTP server, milestones due on chosen days."""
from datetime import timedelta

import pytest

from tests.reminders.helpers import TODAY, SmtpServer
from tracker.accounts.models import Role
from tracker.milestones import services as milestones
from tracker.milestones.services import MilestoneData, Responsible


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    """Services compute the next reminder day from Tehran's today: the tests fix it at 1405/09/02."""
    monkeypatch.setattr("tracker.reminders.services.tehran_today", lambda: TODAY)
    monkeypatch.setattr("tracker.milestones.services.tehran_today", lambda: TODAY)
    return TODAY


@pytest.fixture
def smtp():
    """A real SMTP server on loopback that keeps what it receives."""
    with SmtpServer() as server:
        yield server


@pytest.fixture
def due(make):
    """Make a milestone due `days` after the frozen today, on a new Fars project, for a user or an agency."""

    def make_due(days: int, responsible=None, title: str = "تخصیص اعتبار", project=None, **fields):
        project = project or make.project()
        if responsible is None:
            responsible = make.user(role=Role.staff, email=f"staff{project.id}@example.org")
        who = (Responsible(user_id=responsible.id) if hasattr(responsible, "username")
               else Responsible(agency_id=responsible.id))
        return milestones.add_milestone(make.session, actor=make.admin, project=project, data=MilestoneData(
            title=title, due_date=TODAY + timedelta(days=days), responsible=who, **fields))

    return make_due

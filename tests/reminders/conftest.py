"""Fixtures of the reminders tests: an SMTP server, milestones due on chosen days."""
from datetime import timedelta

import pytest

from tests.reminders.helpers import SmtpServer
from tracker.accounts.models import Role
from tracker.core import clock
from tracker.core.party import Party
from tracker.milestones import services as milestones
from tracker.milestones.services import MilestoneData


@pytest.fixture
def smtp():
    """A real SMTP server on loopback that keeps what it receives."""
    with SmtpServer() as server:
        yield server


@pytest.fixture
def due(make):
    """Make a milestone due `days` after today, on a new Fars project, for a user or an agency."""

    def make_due(days: int, responsible=None, title: str = "تخصیص اعتبار", project=None, **fields):
        project = project or make.project()
        if responsible is None:
            responsible = make.user(role=Role.staff, email=f"staff{project.id}@example.org")
        who = (Party(user_id=responsible.id) if hasattr(responsible, "username")
               else Party(agency_id=responsible.id))
        return milestones.add_milestone(make.session, actor=make.admin, project=project, data=MilestoneData(
            title=title, due_date=clock.today() + timedelta(days=days), responsible=who, **fields))

    return make_due

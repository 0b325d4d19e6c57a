"""The sections of a project's page that other areas fill (visits, milestones, credit, briefs).

This area sits below them, so each registers its own section: the fragment it is drawn with, where it goes, and
what the fragment needs, read once when the page is built (never by a template).
"""
from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session

from tracker.accounts.models import User
from tracker.projects.models import Project


@dataclass(frozen=True)
class Section:
    """One card of the project page."""

    id: str  # the element's id, also the fragment's htmx target
    template: str
    order: int
    context: Callable[[Session, User, Project], dict]


SECTIONS: list[Section] = []


def register_section(section: Section) -> None:
    """Put an area's section on every project page, in its order."""
    SECTIONS[:] = sorted([s for s in SECTIONS if s.id != section.id] + [section], key=lambda s: s.order)


def page_context(session: Session, user: User, project: Project) -> dict:
    """The sections of a project's page with everything their fragments need."""
    context = {"sections": list(SECTIONS)}
    for section in SECTIONS:
        context |= section.context(session, user, project)
    return context

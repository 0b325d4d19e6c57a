"""Small helpers shared by the projects tests."""
import dataclasses
import html
import re

from flask_babel import force_locale, gettext
from sqlalchemy import func
from sqlmodel import col, select

from tracker.core.audit import AuditEvent
from tracker.projects.services import ProjectData


def project_data(project, **changes) -> ProjectData:
    """The project's current values as ProjectData, with some changed."""
    values = {f.name: getattr(project, f.name) for f in dataclasses.fields(ProjectData)}
    return ProjectData(**values | changes)


def count(db, model) -> int:
    """How many rows a table holds."""
    return db.exec(select(func.count()).select_from(model)).one()


def audit_events(db, entity: str, entity_id: int) -> list[AuditEvent]:
    """The audit events of one record, oldest first."""
    query = select(AuditEvent).where(AuditEvent.entity == entity, AuditEvent.entity_id == entity_id)
    return list(db.exec(query.order_by(col(AuditEvent.id))).all())


def field_error(page: str, name: str) -> str:
    """The text of a form field's error container (`errors-<name>`), or "" if it is empty."""
    match = re.search(rf'<div class="field-errors" id="errors-{name}"[^>]*>(.*?)</div>', page, re.S)
    assert match, f"no error container for {name}"
    return html.unescape(re.sub(r"<[^>]+>", " ", match[1])).strip()


def fa(app, message: str, **values) -> str:
    """A message as the Persian UI shows it (the fa catalog's msgstr, or the msgid while untranslated)."""
    with app.test_request_context(), force_locale("fa"):
        return gettext(message, **values)

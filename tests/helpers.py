"""Helpers shared by the tests of every area: counting rows, reading the audit trail, reading a form's errors, the
Persian UI's wording, a small photo. (Fixtures live in tests/conftest.py; the reminders' SMTP helpers in
tests/reminders/helpers.py.)"""
import dataclasses
import html
import io
import re
import uuid
from datetime import UTC, datetime

from flask_babel import force_locale, gettext
from PIL import Image
from sqlalchemy import func
from sqlmodel import col, select

from tracker.core.audit import AuditEvent
from tracker.decisions.models import Decision
from tracker.meetings.models import AgendaItem, Meeting
from tracker.projects.services import ProjectData
from tracker.visits.models import Attendee, Photo, Visit

# Every table a visit or a meeting writes: what a refused or repeated request must leave as it was.
VISIT_TABLES = (Visit, Attendee, Decision, Photo, Meeting, AgendaItem)
# 1404/06/25 at noon in Tehran: the day of the Kazerun visit and working group.
VISIT_DAY = datetime(2025, 9, 16, 8, 30, tzinfo=UTC)


def count(db, model) -> int:
    """How many rows a table holds."""
    return db.exec(select(func.count()).select_from(model)).one()


def counts(db, *models) -> dict[str, int]:
    """How many rows each of the tables holds, by model name: `counts(db, *VISIT_TABLES)`."""
    return {model.__name__: count(db, model) for model in models}


def audit_events(db, entity: str, record_id: int | uuid.UUID) -> list[AuditEvent]:
    """The audit events of one record (an integer or a UUID id), oldest first."""
    column = AuditEvent.entity_uuid if isinstance(record_id, uuid.UUID) else AuditEvent.entity_id
    query = select(AuditEvent).where(AuditEvent.entity == entity, column == record_id)
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


def jpeg(color=(200, 60, 40), size=(64, 48)) -> bytes:
    """A small JPEG photo of one colour."""
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG")
    return buffer.getvalue()


def project_data(project, **changes) -> ProjectData:
    """The project's current values as ProjectData, with some changed."""
    values = {f.name: getattr(project, f.name) for f in dataclasses.fields(ProjectData)}
    return ProjectData(**values | changes)


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
        # As a browser does: the selected option, else the first one.
        chosen = next((o for o in options if "selected" in o), options[0] if options else None)
        if name and chosen:
            data.setdefault(name, chosen.get("value", ""))
    data.pop("csrf_token", None)
    return data


def use_login(client, user, secret: str) -> None:
    """Act as the user on this client, with the login session whose cookie holds this secret."""
    with client.session_transaction() as session:
        session.update(_user_id=str(user.id), _fresh=True, login=secret)


def damaged_pngs() -> dict[str, bytes]:
    """A PNG with no EXIF (reading its EXIF decodes the pixels), cut short, and with one byte of its data flipped."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 60, 40)).save(buffer, "PNG")
    whole = buffer.getvalue()
    flipped = bytearray(whole)
    flipped[whole.index(b"IDAT") + 8] ^= 0xFF
    return {"truncated png without exif": whole[:-30], "png with a flipped byte": bytes(flipped)}


def run_together(threads, timeout: float = 120) -> None:
    """Start the threads at once and wait for every one of them to end."""
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads)


def saved_notice(page: str) -> str:
    """The «saved» notice a page shows on arrival (flashed by the save that led to it), or ""."""
    return re.search(r'<p class="saved-notice" role="status" data-saved-notice>(.*?)</p>', page, re.S)[1]

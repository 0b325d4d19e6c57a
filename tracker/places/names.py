"""A place's name in the UI language: the one helper behind the `place` filter and the places in form choices."""
from flask import g, has_request_context
from sqlmodel import Session, select

from tracker.core.db import get_session
from tracker.core.i18n import current_language
from tracker.places.models import County, Province


def english_names(session: Session) -> dict[str, str]:
    """Every county's and province's English name by its Persian name, where it has one."""
    names = {county.name_fa: county.name_en for county in session.exec(select(County)).all() if county.name_en}
    names.update((province.name_fa, province.name_en) for province in session.exec(select(Province)).all())
    return names


def place_name(place) -> str:
    """A county or province (a record, or its Persian name as list queries return it) named in the UI language:
    in English where it has an English name, else in Persian; None or "" stays as it is."""
    if not place or current_language() != "en":
        return place.name_fa if isinstance(place, County | Province) else place
    if isinstance(place, County | Province):
        return place.name_en or place.name_fa
    if not has_request_context():
        return place
    # List rows carry the Persian name only: look the English up once per request (a few dozen rows of reference data).
    if "english_place_names" not in g:
        g.english_place_names = english_names(get_session())
    return g.english_place_names.get(place, place)

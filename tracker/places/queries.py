"""Reads of the places area; what a user may see of them is narrowed by accounts.permissions."""
from sqlmodel import Session, col, select

from tracker.core.db import PERSIAN
from tracker.core.persian import normalize_search
from tracker.places.models import County, Province


def find_province(session: Session, name: str) -> Province | None:
    """The province with this Persian or English name (or code), typed any usual way."""
    wanted = normalize_search(name)
    for province in session.exec(select(Province)).all():
        if wanted in {normalize_search(province.name_fa), normalize_search(province.name_en), province.code}:
            return province
    return None

def find_county(session: Session, province_id: int, name: str) -> County | None:
    """The county of a province with this Persian or English name."""
    wanted = normalize_search(name)
    for county in session.exec(select(County).where(County.province_id == province_id)).all():
        if wanted in {normalize_search(county.name_fa), normalize_search(county.name_en)}:
            return county
    return None

def get_county(session: Session, county_id: int) -> County | None:
    """A county by id."""
    return session.get(County, county_id)


def provinces(session: Session, where=()) -> list[Province]:
    """The provinces that meet the conditions, in Persian order."""
    return list(session.exec(select(Province).where(*where).order_by(col(Province.name_fa).collate(PERSIAN))).all())


def counties(session: Session, where=(), province_id: int | None = None) -> list[County]:
    """The counties that meet the conditions, optionally of one province, in Persian order."""
    query = select(County).where(*where).order_by(col(County.name_fa).collate(PERSIAN))
    if province_id:
        query = query.where(County.province_id == province_id)
    return list(session.exec(query).all())

"""Writes of the places area: counties and constituencies are reference data, created when first named."""
from sqlmodel import Session, select

from tracker.places import queries
from tracker.places.models import Constituency, County


def ensure_constituency(session: Session, *, province_id: int, name: str, mp_name: str = "") -> Constituency:
    """The constituency with this name, created if missing (reference data)."""
    found = session.exec(select(Constituency).where(Constituency.name == name)).first()
    if found is None:
        found = Constituency(province_id=province_id, name=name, mp_name=mp_name)
        session.add(found)
        session.flush()
    return found

def ensure_county(session: Session, *, province_id: int, name_fa: str, name_en: str = "",
                  constituency_id: int | None = None) -> County:
    """The county of a province with this name, created if missing (reference data)."""
    found = queries.find_county(session, province_id, name_fa)
    if found is None:
        found = County(province_id=province_id, name_fa=name_fa, name_en=name_en, constituency_id=constituency_id)
        session.add(found)
        session.flush()
    return found


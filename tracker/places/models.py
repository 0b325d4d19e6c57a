"""Tables of the places area: provinces (reference data), constituencies and counties."""
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


class Province(SQLModel, table=True):
    """One of Iran's 31 provinces; reference data loaded by a migration."""

    __tablename__ = "provinces"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    name_fa: str = Field(max_length=80, unique=True)
    name_en: str = Field(max_length=80, unique=True)


class Constituency(SQLModel, table=True):
    """An electoral constituency (حوزه انتخابیه): counties that elect one member of parliament."""

    __tablename__ = "constituencies"

    id: int | None = Field(default=None, primary_key=True)
    province_id: int = Field(foreign_key="provinces.id", index=True)
    name: str = Field(max_length=160, unique=True)
    mp_name: str = Field(default="", max_length=160)


class County(SQLModel, table=True):
    """A county (شهرستان) of a province, in at most one constituency."""

    __tablename__ = "counties"
    __table_args__ = (UniqueConstraint("province_id", "name_fa"),)

    id: int | None = Field(default=None, primary_key=True)
    province_id: int = Field(foreign_key="provinces.id", index=True)
    constituency_id: int | None = Field(default=None, foreign_key="constituencies.id", index=True)
    name_fa: str = Field(max_length=80)
    name_en: str = Field(default="", max_length=80)

"""Tables of the imports area: the uploaded workbooks and the column mapping each user last used per kind."""
from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, DateTime, UniqueConstraint
from sqlmodel import Field, SQLModel

from tracker.core.db import string_enum, timestamp


class ImportKind(StrEnum):
    """What a workbook's rows become."""

    projects = "projects"
    budget = "budget"  # budget figures: one ledger entry a row


class ImportState(StrEnum):
    """How far an upload has come: sheet and columns chosen, then imported (once, all rows or none)."""

    uploaded = "uploaded"
    mapped = "mapped"
    imported = "imported"


class Upload(SQLModel, table=True):
    """An uploaded workbook; its bytes are in the uploads store under `file_key`, never under static."""

    __tablename__ = "imports"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    kind: ImportKind = Field(sa_type=string_enum(ImportKind))
    filename: str = Field(max_length=255)
    sha256: str = Field(max_length=64)
    size: int
    file_key: str = Field(max_length=200)
    sheet: str = Field(default="", max_length=100)
    # Field name -> the header of the column it is read from.
    mapping: dict | None = Field(default=None, sa_column=Column(JSON))
    state: ImportState = Field(default=ImportState.uploaded, sa_type=string_enum(ImportState))
    rows: int = 0
    imported: int = 0
    created_at: datetime = timestamp()
    imported_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class SavedMapping(SQLModel, table=True):
    """The columns a user last mapped for a kind of import, by header, offered again on their next file."""

    __tablename__ = "import_mappings"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id")
    kind: ImportKind = Field(sa_type=string_enum(ImportKind))
    mapping: dict = Field(sa_column=Column(JSON, nullable=False))
    updated_at: datetime = timestamp()

"""Tables of the briefs area: the archive of issued status briefs (گزارش وضعیت)."""
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, UniqueConstraint, false
from sqlmodel import Field, SQLModel

from tracker.core.db import string_enum, timestamp


class BriefKind(StrEnum):
    """What a brief covers: one project, or every project of a constituency."""

    project = "project"
    constituency = "constituency"


class Brief(SQLModel, table=True):
    """An issued brief: its PDF on disk, its number, who generated it, for whom and when, and a content hash."""

    __tablename__ = "briefs"
    __table_args__ = (
        CheckConstraint("(project_id IS NULL) <> (constituency_id IS NULL)", name="brief_one_subject"),
        # Numbers run per province and Jalali year; the constraint settles two briefs issued at once.
        UniqueConstraint("province_id", "year", "sequence"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: BriefKind = Field(sa_type=string_enum(BriefKind))
    project_id: int | None = Field(default=None, foreign_key="projects.id", index=True)
    constituency_id: int | None = Field(default=None, foreign_key="constituencies.id", index=True)
    province_id: int = Field(foreign_key="provinces.id")
    year: int
    sequence: int
    number: str = Field(max_length=60)
    for_whom: str = Field(default="", max_length=300)
    generated_by: int = Field(foreign_key="users.id")
    generated_at: datetime = timestamp()
    # Its key in the briefs store (a path under TRACKER_BRIEFS_DIR, or under briefs/ in the bucket).
    file_path: str = Field(max_length=300)
    sha256: str = Field(max_length=64)
    pages: int
    size_bytes: int


class LetterSettings(SQLModel, table=True):
    """How a directorate's briefs read as its letters: «بسمه‌تعالی» or not, its name, and who gets copies."""

    __tablename__ = "letter_settings"

    id: int | None = Field(default=None, primary_key=True)
    province_id: int = Field(foreign_key="provinces.id", unique=True)
    invocation: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    # Empty: TRACKER_BRIEF_DIRECTORATE with the province's name.
    directorate: str = Field(default="", max_length=200)
    copies: str = Field(default="", max_length=2000)  # «رونوشت»: one recipient a line

    @property
    def copy_lines(self) -> list[str]:
        """The copies' recipients, one per line as typed, blank lines left out."""
        return [line.strip() for line in self.copies.splitlines() if line.strip()]

"""The fields of each kind of import: their labels, the headers they are recognised by, and the template's example.

A column is matched to a field by its header folded the way Persian is typed, so «شهرستان», «شهرستان » and
"County" all find the county. The templates' headers are Persian whatever the interface's language: they are what
the directorates' own sheets say.
"""
from dataclasses import dataclass

from tracker.budgets.models import Figure
from tracker.core.i18n import lazy_gettext as _l
from tracker.imports.cells import fold
from tracker.imports.models import ImportKind
from tracker.projects.models import ProjectStatus


@dataclass(frozen=True)
class ImportField:
    """One field of an import: its key, label, Persian header, other headers it goes by, and the example's value."""

    key: str
    label: object
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    example: object = ""

    def names(self) -> set[str]:
        """Every header that means this field, folded."""
        return {fold(name) for name in (self.key, self.header, *self.aliases)}


# The example rows are the Kazerun case (scenario/kazerun-pool.md).
FIELDS: dict[ImportKind, tuple[ImportField, ...]] = {
    ImportKind.projects: (
        ImportField("name", _l("Project name"), "نام پروژه",
                    ("پروژه", "عنوان پروژه", "project", "name", "project name"), True, "بهسازی استخر کارگران کازرون"),
        ImportField("province", _l("Province"), "استان", ("province",), False, "فارس"),
        ImportField("county", _l("County"), "شهرستان", ("county",), True, "کازرون"),
        ImportField("facility", _l("Facility"), "مجموعه", ("نام مجموعه", "facility"), True, "استخر کارگران کازرون"),
        ImportField("status", _l("Status"), "وضعیت", ("status",), False, "در حال اجرا"),
        ImportField("start_date", _l("Start date"), "تاریخ شروع", ("شروع", "start", "start date"), False,
                    "1404/06/25"),
        ImportField("target_date", _l("Target date"), "تاریخ هدف", ("تاریخ پایان", "موعد", "target", "target date",
                                                                   "end date"), False, "1405/06/31"),
        ImportField("physical_progress", _l("Physical progress (%)"), "پیشرفت فیزیکی",
                    ("پیشرفت", "درصد پیشرفت", "progress", "physical progress", "physical progress (%)"), False, 10),
        ImportField("agreement", _l("Agreement"), "توافق", ("توافق‌نامه", "agreement"), False,
                    "توافق اداره کل تعاون، کار و رفاه اجتماعی فارس و فرمانداری ویژه کازرون"),
        ImportField("description", _l("Description"), "شرح", ("توضیحات", "description"), False,
                    "بهسازی استخر کارگران و واگذاری بهره‌برداری به تعاونی"),
    ),
    ImportKind.budget: (
        ImportField("project", _l("Project"), "پروژه", ("نام پروژه", "project", "project name"), True,
                    "بهسازی استخر کارگران کازرون"),
        ImportField("fiscal_year", _l("Fiscal year"), "سال مالی", ("سال", "fiscal year", "year"), True, 1405),
        ImportField("source", _l("Funding source"), "منبع اعتبار", ("منبع", "source", "funding source"), True,
                    "استانی"),
        ImportField("figure", _l("Figure"), "نوع اعتبار", ("رقم", "figure"), True, "ابلاغ‌شده"),
        ImportField("amount", _l("Amount"), "مبلغ (ریال)", ("مبلغ", "amount", "rials", "amount (rials)"), True,
                    5_000_000_000),
        ImportField("reason", _l("Reason for the change"), "علت", ("شرح", "دلیل", "reason", "reason for the change"),
                    True, "ابلاغ اعتبار استانی"),
        ImportField("letter_number", _l("Letter number"), "شماره نامه",
                    ("شماره", "letter", "letter no", "letter number"), False, "۱۴۰۵/۱۲۳/گ"),
        ImportField("letter_date", _l("Letter date"), "تاریخ نامه", ("letter date",), False, "1405/02/10"),
    ),
}
KIND_LABELS = {ImportKind.projects: _l("Projects"), ImportKind.budget: _l("Budget figures")}


def fields_of(kind: ImportKind) -> tuple[ImportField, ...]:
    """The fields of a kind of import, in the template's order."""
    return FIELDS[kind]


def guess(kind: ImportKind, headers: list[str], remembered: dict | None = None) -> dict[str, int]:
    """Which column (by index) each field is read from: the user's remembered headers first, then the usual names."""
    folded = [fold(header) for header in headers]
    found: dict[str, int] = {}
    for field in fields_of(kind):
        wanted = [fold(remembered[field.key])] if remembered and remembered.get(field.key) else []
        for names in (wanted, field.names()):
            column = next((i for i, header in enumerate(folded) if header and header in names
                           and i not in found.values()), None)
            if column is not None:
                found[field.key] = column
                break
    return found


def _options(names: dict) -> dict[str, object]:
    """Each option by every name it is written as, folded the way Persian is typed."""
    return {fold(name): option for option, written in names.items() for name in (option, *written)}


STATUSES = _options({
    ProjectStatus.planned: ("برنامه‌ریزی‌شده", "برنامه ریزی شده", "در برنامه", "planned"),
    ProjectStatus.in_progress: ("در حال اجرا", "در دست اجرا", "in progress"),
    ProjectStatus.suspended: ("متوقف", "متوقف‌شده", "معلق", "suspended"),
    ProjectStatus.completed: ("تکمیل‌شده", "تکمیل شده", "پایان‌یافته", "completed"),
    ProjectStatus.cancelled: ("لغوشده", "لغو شده", "cancelled", "canceled"),
})
FIGURES = _options({
    Figure.approved: ("مصوب", "اعتبار مصوب", "approved", "approved credit"),
    Figure.notified: ("ابلاغ", "ابلاغی", "ابلاغ‌شده", "ابلاغ شده", "اعتبار ابلاغ‌شده", "notified", "notified credit"),
    Figure.allocated: ("تخصیص", "تخصیص‌یافته", "اعتبار تخصیص", "allocated", "allocated credit"),
    Figure.spent: ("هزینه‌کرد", "هزینه کرد", "هزینه", "spent"),
})

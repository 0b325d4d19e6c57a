"""Forms of the imports area: the upload, the sheet, and the column of each field."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms.validators import ValidationError

from tracker.core.audit import ActivityLabels, register_activity
from tracker.core.forms import ChoiceField, required
from tracker.core.i18n import lazy_gettext as _l
from tracker.core.jalali import number_in_locale
from tracker.imports.columns import KIND_LABELS, ImportField
from tracker.imports.models import ImportKind

register_activity("imports", ActivityLabels(actions={
    "create": _l("uploaded a file to import"), "update": _l("worked on an import")}))


class UploadForm(FlaskForm):
    """A workbook to import and what its rows are."""

    kind = ChoiceField(_l("What the rows are"), coerce=ImportKind, validators=[required()],
                       choices=list(KIND_LABELS.items()))
    file = FileField(_l("Excel file (.xlsx)"))

    def validate_file(self, field):
        if not field.data or not getattr(field.data, "filename", ""):
            raise ValidationError(str(_l("Choose a file.")))


class SheetForm(FlaskForm):
    """The sheet the rows are on."""

    sheet = ChoiceField(_l("Sheet"), validators=[required()], empty_label=_l("Choose…"))


def columns_form(fields: tuple[ImportField, ...], headers: list[str], chosen: dict[str, int]) -> FlaskForm:
    """A form with one select per field, offering the sheet's columns by header, the guessed one chosen."""

    class ColumnsForm(FlaskForm):
        """The column each field is read from."""

    choices = [(index, header or _l("Column %(number)s", number=number_in_locale(index + 1)))
               for index, header in enumerate(headers)]
    for item in fields:
        setattr(ColumnsForm, item.key, ChoiceField(
            item.label, coerce=int, choices=choices, default=chosen.get(item.key),
            empty_label=_l("Not in the file") if not item.required else _l("Choose…")))
    return ColumnsForm()

"""Forms of the budgets area: a cell's new amount, and the reason and letter that go with it."""
import re

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import ValidationError

from tracker.budgets.models import Figure
from tracker.budgets.services import FigureChange, SourceData
from tracker.core.audit import ActivityLabels, AuditEvent, register_activity
from tracker.core.forms import ChoiceField, IntegerInput, JalaliDateField, max_length, required
from tracker.core.i18n import current_language, format_digits, gettext
from tracker.core.i18n import lazy_gettext as _l
from tracker.core.money import AmountError, parse_rials
from tracker.core.persian import format_number

FIGURE_LABELS = {
    Figure.approved: _l("Approved credit"),
    Figure.notified: _l("Notified credit"),
    Figure.allocated: _l("Allocated credit"),
    Figure.spent: _l("Spent"),
}
UNIT_LABELS = {"rial": _l("Rials"), "toman": _l("Tomans (×10)")}


class CellForm(FlaskForm):
    """A new figure for one cell of the grid, with the change's reason and letter."""

    unit = ChoiceField(_l("Unit"), choices=list(UNIT_LABELS.items()), default="rial")
    amount = StringField(_l("Amount"))
    version = IntegerInput(_l("Version"))
    reason = StringField(_l("Reason for the change"), validators=[required(), max_length(500)])
    letter_number = StringField(_l("Letter number"), validators=[max_length(60)])
    letter_date = JalaliDateField(_l("Letter date"))

    def validate_amount(self, field):
        """Read the amount in the chosen unit; the rials end up in `self.rials`."""
        try:
            self.rials = parse_rials(field.data, tomans=self.unit.data == "toman")
        except AmountError as error:
            raise ValidationError(str(error.message)) from None

    def to_change(self, project_id: int, fiscal_year: int, source_id: int, figure: Figure) -> FigureChange:
        """The typed change for the budget service."""
        return FigureChange(
            project_id=project_id, fiscal_year=fiscal_year, source_id=source_id, figure=figure,
            amount=self.rials, expected_version=self.version.data or 0, reason=self.reason.data or "",
            letter_number=self.letter_number.data or "", letter_date=self.letter_date.data,
        )



class RankInput(IntegerInput):
    """A place in a list as people count it, from 1; stored from 0, as the seeded funding sources are."""

    def process_data(self, value):
        super().process_data(value + 1 if isinstance(value, int) else value)

    def stored(self) -> int:
        """The stored position: an empty field means first."""
        return (self.data or 1) - 1


class SourceForm(FlaskForm):
    """A funding source's fields."""

    code = StringField(_l("Code"), validators=[required(), max_length(40)])
    name_fa = StringField(_l("Persian name"), validators=[required(), max_length(120)])
    name_en = StringField(_l("English name"), validators=[max_length(120)])
    position = RankInput(_l("Order"))
    active = BooleanField(_l("In use"), default=True)

    def validate_position(self, field):
        if field.data is not None and field.data < 1:
            raise ValidationError(gettext("Count from 1: 1 is the first."))

    def to_data(self) -> SourceData:
        """The typed values for the budget services."""
        return SourceData(code=self.code.data, name_fa=self.name_fa.data, name_en=self.name_en.data or "",
                          position=self.position.stored(), active=self.active.data)


def _describe_change(event: AuditEvent) -> str:
    """A change of credit in the reader's language: the figure, its fiscal year, and the amounts from and to."""
    after = event.after or {}
    year = re.search(r"1[34]\d\d", event.summary)  # the line's fiscal year, stored as the event's summary
    language = current_language()
    return gettext("%(figure)s %(year)s: from %(old)s to %(new)s rials",
                   figure=FIGURE_LABELS[Figure(after["figure"])], year=format_digits(year.group(0) if year else ""),
                   old=format_number(after["from_amount"], language), new=format_number(after["to_amount"], language))


register_activity("budget_entries", ActivityLabels(actions={"create": _l("changed a credit figure")},
                                                   describe=_describe_change))

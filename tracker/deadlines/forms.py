"""Forms and labels of the deadlines area: the administrator's reminder defaults and holidays, and lists of days."""
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from tracker.core.forms import CheckboxesField, IntegerInput, max_length, required
from tracker.core.i18n import lazy_gettext as _l
from tracker.core.jalali import number_in_locale
from tracker.deadlines.calendar import _days
from tracker.deadlines.models import DeadlineKind
from tracker.deadlines.services import SettingsData

KIND_LABELS = {
    DeadlineKind.milestone: _l("Milestone"),
    DeadlineKind.decision: _l("Decision"),
    DeadlineKind.commitment: _l("Commitment"),
}


# date.weekday() numbers, in the order of the Iranian week (Saturday first).
WEEKDAY_LABELS = [
    (5, _l("Saturday")), (6, _l("Sunday")), (0, _l("Monday")), (1, _l("Tuesday")),
    (2, _l("Wednesday")), (3, _l("Thursday")), (4, _l("Friday")),
]


class DaysField(StringField):
    """A list of whole days ("14, 7, 1, 0") in either digit set; negative days are refused."""

    def process_formdata(self, valuelist):
        self.raw = valuelist[0] if valuelist else ""
        self.data = None
        if self.raw.strip():
            try:
                self.data = _days(self.raw)
            except ValueError:
                raise ValueError(str(_l("Enter whole days separated by commas, for example 14, 7, 1, 0."))) from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return ", ".join(str(number_in_locale(day)) for day in self.data or ())  # Persian digits in the fa UI

    def pre_validate(self, form):
        if self.data and any(d < 0 for d in self.data):
            raise ValidationError(str(_l("Days cannot be negative.")))


def not_negative(_form, field):
    """Refuse a negative number of days."""
    if field.data is not None and field.data < 0:
        raise ValidationError(str(_l("Days cannot be negative.")))


class SettingsForm(FlaskForm):
    """The default reminder rule and the weekdays off."""

    before_days = DaysField(_l("Remind this many days before the due date"), validators=[required()])
    overdue_every = IntegerInput(_l("Then, while overdue, every (days; 0 for never)"),
                                 validators=[required(), not_negative])
    escalate_after = IntegerInput(_l("Tell the province's directors after this many days overdue (0 for never)"),
                                  validators=[required(), not_negative])
    days_off = CheckboxesField(_l("Weekdays offices are closed"), validate_choice=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Labelled in the request's language.
        self.days_off.choices = [SelectChoice(n, str(label)) for n, label in WEEKDAY_LABELS]

    def to_data(self) -> SettingsData:
        """The typed values for the settings service."""
        return SettingsData(before=self.before_days.data or (), overdue_every=self.overdue_every.data,
                            escalate_after=self.escalate_after.data, days_off=tuple(self.days_off.data or ()))


class HolidayForm(FlaskForm):
    """A public holiday: a Jalali month and day, every year or in one year."""

    year = IntegerInput(_l("Year (empty: every year)"))
    month = IntegerInput(_l("Month"), validators=[required()])
    day = IntegerInput(_l("Day"), validators=[required()])
    name = StringField(_l("Occasion"), validators=[max_length(200)])

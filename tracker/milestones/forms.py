"""Forms of the milestones area: request data to typed values for the services."""
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, ValidationError

from tracker.core.audit import ActivityLabels, AuditedColumn, register_activity
from tracker.core.forms import ChoiceField, IntegerInput, JalaliDateField, VersionField, max_length, required
from tracker.core.i18n import lazy_gettext as _l
from tracker.core.party import Party
from tracker.core.submissions import SubmissionField
from tracker.deadlines.forms import DaysField, not_negative
from tracker.milestones.models import MilestoneState
from tracker.milestones.services import TEMPLATE_PHASES, MilestoneData, TemplateRow

STATE_LABELS = {
    MilestoneState.pending: _l("Pending"),
    MilestoneState.met: _l("Met"),
    MilestoneState.dropped: _l("Dropped"),
}
GROUP_LABELS = {"users": _l("People"), "agencies": _l("Agencies")}
UNKNOWN_RESPONSIBLE = _l("Choose a responsible person or agency from the list.")


def typed_in():
    """Required, for a field whose own parsing reports bad input (DataRequired would hide that message)."""
    return InputRequired(message=_l("This field is required."))


class ResponsibleField(SelectField):
    """A user or an agency (a Party: "user:12", "agency:5") from grouped choices, or nobody."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, validate_choice=False, **kwargs)

    def set_choices(self, groups) -> None:
        """Grouped choices from queries.responsible_choices, labelled in the request's language."""
        self.choices = [SelectChoice("", str(_l("Nobody named")))] + [
            SelectChoice(value, label, optgroup=str(GROUP_LABELS[group])) for group, pairs in groups
            for value, label in pairs]

    def pre_validate(self, form):
        if (self.data or "") not in {choice.value for choice in self.choices or []}:
            raise ValidationError(str(UNKNOWN_RESPONSIBLE))

    def responsible(self) -> Party | None:
        return Party.parse(self.data)


class MilestoneForm(FlaskForm):
    """A milestone's editable fields, with an optional override of the reminder rule."""

    title = StringField(_l("Title"), validators=[required(), max_length(300)])
    due_date = JalaliDateField(_l("Due date"), validators=[typed_in()])
    responsible = ResponsibleField(_l("Responsible"))
    state = ChoiceField(_l("State"), coerce=MilestoneState, validators=[required()],
                        choices=list(STATE_LABELS.items()))
    met_on = JalaliDateField(_l("Date met"))
    remind_before = DaysField(_l("Remind days before (empty: the defaults)"))
    remind_overdue_every = IntegerInput(_l("Repeat while overdue every (days)"), validators=[not_negative])
    escalate_after = IntegerInput(_l("Tell the directors after (days overdue)"), validators=[not_negative])
    version = VersionField()  # the version of the record the form shows: a stale save is a 409

    def validate_met_on(self, field):
        if self.state.data == MilestoneState.met and field.data is None and not field.errors:
            raise ValidationError(str(_l("Enter the date the milestone was met.")))

    def to_data(self) -> MilestoneData:
        """The typed values for the milestone services."""
        return MilestoneData(
            title=self.title.data or "", due_date=self.due_date.data, responsible=self.responsible.responsible(),
            state=self.state.data, met_on=self.met_on.data, remind_before=self.remind_before.data or None,
            remind_overdue_every=self.remind_overdue_every.data, escalate_after=self.escalate_after.data,
        )


class NewMilestoneForm(MilestoneForm):
    """A milestone's fields when adding one, sent once (a second send of the same form adds nothing)."""

    submission = SubmissionField()


class MetForm(FlaskForm):
    """The day a milestone was met."""

    met_on = JalaliDateField(_l("Date met"), validators=[typed_in()])
    version = VersionField()  # the version of the record the form shows: a stale save is a 409


class TemplateForm(FlaskForm):
    """The usual renovation phases, each with an editable title and due date, and one responsible for all."""

    responsible = ResponsibleField(_l("Responsible"))

    def rows(self) -> list[TemplateRow]:
        """The phases as the user set them."""
        return [TemplateRow(title=(self[f"title_{n}"].data or "").strip(), due_date=self[f"due_{n}"].data)
                for n in range(len(TEMPLATE_PHASES))]

    def phase_fields(self):
        """(title field, due date field) of each phase, in order."""
        return [(self[f"title_{n}"], self[f"due_{n}"]) for n in range(len(TEMPLATE_PHASES))]


for _number, _title in enumerate(TEMPLATE_PHASES):
    setattr(TemplateForm, f"title_{_number}", StringField(_l("Phase"), default=_title, validators=[max_length(300)]))
    setattr(TemplateForm, f"due_{_number}", JalaliDateField(_l("Due date")))


register_activity("milestones", ActivityLabels(
    actions={"create": _l("added a milestone"), "update": _l("edited a milestone"),
             "delete": _l("removed a milestone")},
    columns={
        "title": AuditedColumn(_l("Title")),
        "due_date": AuditedColumn(_l("Due date")),
        "state": AuditedColumn(_l("State"), STATE_LABELS),
        "met_on": AuditedColumn(_l("Date met")),
        "responsible_user_id": AuditedColumn(_l("Responsible")),
        "responsible_agency_id": AuditedColumn(_l("Responsible")),
        "reminder_rule": AuditedColumn(_l("Reminders for this milestone")),
    },
))

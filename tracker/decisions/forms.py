"""Forms and labels of the decisions area: a decision row as visits and meetings type it, and a new state."""
from flask_wtf import FlaskForm
from wtforms import Form, HiddenField, TextAreaField

from tracker.core.audit import ActivityLabels, AuditedColumn, register_activity
from tracker.core.forms import ChoiceField, JalaliDateField, VersionField, max_length, parse_uuid, required
from tracker.core.i18n import lazy_gettext as _l
from tracker.core.party import Party
from tracker.decisions.models import DecisionState
from tracker.decisions.services import DecisionData

DECISION_STATE_LABELS = {
    DecisionState.open: _l("Open"),
    DecisionState.done: _l("Done"),
    DecisionState.dropped: _l("Dropped"),
}


def owner_value(user_id: int | None, agency_id: int | None) -> str:
    """The owner select's value for a decision's owner columns (a Party value), "" for none."""
    owner = Party.of(user_id, agency_id)
    return owner.value if owner else ""


class DecisionForm(Form):
    """One decision row: the text, its owner (an agency or a user) and its due date."""

    id = HiddenField()
    text = TextAreaField(_l("Decision"), validators=[max_length(2000)])
    owner = ChoiceField(_l("Owner"), empty_label=_l("Choose…"))
    due_date = JalaliDateField(_l("Due date"))

    def is_blank(self) -> bool:
        """A row left empty is not a decision."""
        return not (self.text.data or "").strip() and not self.owner.data and not self.due_date.raw

    def to_data(self, agenda_index: int | None = None) -> DecisionData:
        """The decision for the services."""
        owner = Party.parse(self.owner.data)
        return DecisionData(text=self.text.data or "", owner_user_id=owner.user_id if owner else None,
                            owner_agency_id=owner.agency_id if owner else None,
                            due_date=self.due_date.data, id=parse_uuid(self.id.data), agenda_index=agenda_index)


class DecisionStateForm(FlaskForm):
    """A decision's new state, with a note (needed when it is dropped)."""

    state = ChoiceField(_l("State"), coerce=DecisionState, validators=[required()],
                        choices=list(DECISION_STATE_LABELS.items()))
    note = TextAreaField(_l("Note"), validators=[max_length(1000)])
    version = VersionField()  # the version of the record the form shows: a stale save is a 409


register_activity("decisions", ActivityLabels(
    actions={"create": _l("recorded a decision"), "update": _l("updated a decision"),
             "delete": _l("removed a decision")},
    columns={
        "text": AuditedColumn(_l("Decision")),
        "due_date": AuditedColumn(_l("Due date")),
        "state": AuditedColumn(_l("State"), DECISION_STATE_LABELS),
        "state_note": AuditedColumn(_l("Note")),
        "state_changed_at": AuditedColumn(_l("State changed")),
        "owner_user_id": AuditedColumn(_l("Owner")),
        "owner_agency_id": AuditedColumn(_l("Owner")),
    },
))

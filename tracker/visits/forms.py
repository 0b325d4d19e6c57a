"""Forms of the visits area: request data to typed values for the services, rows that repeat included."""
import uuid

from flask_wtf import FlaskForm
from wtforms import Form, HiddenField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields import FieldList, FormField
from wtforms.validators import InputRequired, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from tracker.core.forms import ChoiceField, DecimalInput, IntegerInput, JalaliDateField, max_length, required
from tracker.core.i18n import lazy_gettext as _l
from tracker.visits.models import DecisionState
from tracker.visits.services import (
    AgendaData,
    DecisionData,
    GuestData,
    MeetingData,
    PeopleData,
    VisitData,
)

DECISION_STATE_LABELS = {
    DecisionState.open: _l("Open"),
    DecisionState.done: _l("Done"),
    DecisionState.dropped: _l("Dropped"),
}

# Bodies that often meet about these projects; the field takes any text, these are only suggestions.
BODY_SUGGESTIONS = (
    "کارگروه اشتغال شهرستان کازرون",
    "کارگروه اشتغال و سرمایه‌گذاری استان",
    "شورای برنامه‌ریزی و توسعه شهرستان",
    "شورای اداری شهرستان",
    "جلسه کارکنان اداره تعاون، کار و رفاه اجتماعی شهرستان",
)


def date_required():
    """A date must be typed; unlike DataRequired, this keeps the reason a typed date was refused (not a leap year)."""
    return InputRequired(message=_l("This field is required."))


def parse_uuid(text: str | None) -> uuid.UUID | None:
    """A UUID a client sent, or None when it is missing or malformed."""
    try:
        return uuid.UUID(str(text or "").strip())
    except ValueError:
        return None


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of checkboxes, easier to tap than a multiple select; the service checks them."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, coerce=int, validate_choice=False, **kwargs)


class GuestForm(Form):
    """A named guest: the MP, the special governor, an official."""

    name = StringField(_l("Name"), validators=[max_length(160)])
    title = StringField(_l("Title or post"), validators=[max_length(200)])
    agency_id = ChoiceField(_l("Came for"), coerce=int, empty_label=_l("No agency"))

    def is_blank(self) -> bool:
        """A row left empty is not a guest."""
        return not (self.name.data or "").strip() and not (self.title.data or "").strip() and not self.agency_id.data

    def to_data(self) -> GuestData:
        """The guest for the services."""
        return GuestData(name=self.name.data or "", title=self.title.data or "", agency_id=self.agency_id.data)


def owner_value(user_id: int | None, agency_id: int | None) -> str:
    """The owner select's value for a user or an agency."""
    return f"user:{user_id}" if user_id else f"agency:{agency_id}" if agency_id else ""


def _owner_ids(value: str | None) -> tuple[int | None, int | None]:
    kind, _sep, number = (value or "").partition(":")
    if not number.isdigit():
        return None, None
    return (int(number), None) if kind == "user" else (None, int(number)) if kind == "agency" else (None, None)


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
        user_id, agency_id = _owner_ids(self.owner.data)
        return DecisionData(text=self.text.data or "", owner_user_id=user_id, owner_agency_id=agency_id,
                            due_date=self.due_date.data, id=parse_uuid(self.id.data), agenda_index=agenda_index)


class MeetingDecisionForm(DecisionForm):
    """A meeting's decision row, optionally on one of its agenda items."""

    agenda_row = ChoiceField(_l("Agenda item"), empty_label=_l("None"))  # the value is the item's id


class AgendaForm(Form):
    """One agenda item row: its title and, optionally, the project it is about."""

    id = HiddenField()
    title = StringField(_l("Agenda item"), validators=[max_length(500)])
    project_id = ChoiceField(_l("Project"), coerce=int, empty_label=_l("None"))

    def is_blank(self) -> bool:
        """A row left empty is not an item."""
        return not (self.title.data or "").strip() and not self.project_id.data


def _rows(field_list) -> list:
    return [entry for entry in field_list if not entry.form.is_blank()]


class PeopleFields:
    """The fields that say who came: users and agencies by checkbox, named guests as rows."""

    visitor_users = CheckboxesField(_l("Users"))
    visitor_agencies = CheckboxesField(_l("Agencies"))
    guests = FieldList(FormField(GuestForm), min_entries=1)

    def people(self) -> PeopleData:
        """Who came, for the services."""
        return PeopleData(user_ids=tuple(self.visitor_users.data or ()),
                          agency_ids=tuple(self.visitor_agencies.data or ()),
                          guests=tuple(entry.form.to_data() for entry in _rows(self.guests)))


class VisitForm(PeopleFields, FlaskForm):
    """A site visit as a director records it on a tablet."""

    visit_id = HiddenField()
    visited_on = JalaliDateField(_l("Date of the visit"), validators=[date_required()])
    observed_progress = IntegerInput(_l("Physical progress seen (%)"), validators=[
        Optional(), NumberRange(0, 100, message=_l("Physical progress must be between 0 and 100 percent."))])
    notes = TextAreaField(_l("Notes"), validators=[max_length(4000)])
    problems = TextAreaField(_l("Problems found"), validators=[max_length(4000)])
    latitude = DecimalInput(_l("Latitude"), validators=[Optional()])
    longitude = DecimalInput(_l("Longitude"), validators=[Optional()])
    location_accuracy_m = DecimalInput(_l("Accuracy (m)"), validators=[Optional()])
    decisions = FieldList(FormField(DecisionForm), min_entries=1)

    def to_data(self, photos=(), kept_photos=None, visit_id: uuid.UUID | None = None) -> VisitData:
        """The visit for the services, with the photos the route read from the request."""
        return VisitData(
            id=visit_id or parse_uuid(self.visit_id.data) or uuid.uuid4(), visited_on=self.visited_on.data,
            observed_progress=self.observed_progress.data, notes=self.notes.data or "",
            problems=self.problems.data or "", latitude=self.latitude.data, longitude=self.longitude.data,
            location_accuracy_m=self.location_accuracy_m.data, people=self.people(),
            decisions=tuple(entry.form.to_data() for entry in _rows(self.decisions)),
            photos=tuple(photos), kept_photos=kept_photos or {},
        )


class MeetingForm(PeopleFields, FlaskForm):
    """A meeting: when, which body, who came, its agenda and its decisions."""

    meeting_id = HiddenField()
    held_on = JalaliDateField(_l("Date of the meeting"), validators=[date_required()])
    body = StringField(_l("Body"), validators=[required(), max_length(200)])
    province_id = ChoiceField(_l("Province"), coerce=int, empty_label=_l("Choose…"))
    county_id = ChoiceField(_l("County"), coerce=int, empty_label=_l("Whole province"))
    notes = TextAreaField(_l("Notes"), validators=[max_length(4000)])
    agenda = FieldList(FormField(AgendaForm), min_entries=1)
    decisions = FieldList(FormField(MeetingDecisionForm), min_entries=1)

    def to_data(self, meeting_id: uuid.UUID | None = None) -> MeetingData:
        """The meeting for the services; a decision names its agenda item by the item's id, the services by place."""
        agenda_rows = _rows(self.agenda)
        position = {entry.form.id.data: index for index, entry in enumerate(agenda_rows) if entry.form.id.data}
        decisions = []
        for entry in _rows(self.decisions):
            row = entry.form.agenda_row.data
            decisions.append(entry.form.to_data(agenda_index=position.get(row, -1) if row else None))
        return MeetingData(
            id=meeting_id or parse_uuid(self.meeting_id.data) or uuid.uuid4(), held_on=self.held_on.data,
            body=self.body.data or "", province_id=self.province_id.data, county_id=self.county_id.data,
            notes=self.notes.data or "", people=self.people(),
            agenda=tuple(AgendaData(title=e.form.title.data or "", project_id=e.form.project_id.data,
                                    id=parse_uuid(e.form.id.data)) for e in agenda_rows),
            decisions=tuple(decisions),
        )


class DecisionStateForm(FlaskForm):
    """A decision's new state, with a note (needed when it is dropped)."""

    state = ChoiceField(_l("State"), coerce=DecisionState, validators=[required()],
                        choices=list(DECISION_STATE_LABELS.items()))
    note = TextAreaField(_l("Note"), validators=[max_length(1000)])


def show_row_errors(form, errors: dict, only_new: bool = False) -> None:
    """Put a service's failures next to their fields, repeated rows (decisions-2-owner) included.

    only_new: leave a field that already has the form's own error alone (one message a field is enough).
    """
    for key, message in errors.items():
        target = _field_for(form, key)
        if only_new and target is not None and target.errors:
            continue
        if target is None:
            form.form_errors.append(str(message))
            continue
        if isinstance(target.errors, tuple):
            target.errors = list(target.errors)
        target.errors.append(str(message))


# The services name a decision's agenda item by its place in the agenda; the form by its row.
_ALIASES = {"agenda_index": "agenda_row"}


def _field_for(form, key: str):
    name, _sep, rest = key.partition("-")
    field = getattr(form, name, None)
    if field is None or not rest:
        return field
    number, _sep, sub = rest.partition("-")
    if not isinstance(field, FieldList) or not number.isdigit():
        return None
    rows = _rows(field)
    if int(number) >= len(rows):
        return None
    return getattr(rows[int(number)].form, _ALIASES.get(sub, sub), None) if sub else None

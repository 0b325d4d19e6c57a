"""Forms of the meetings area: a meeting with its attendees, agenda rows and decision rows."""
import uuid

from flask_wtf import FlaskForm
from wtforms import Form, HiddenField, StringField, TextAreaField
from wtforms.fields import FieldList, FormField

from tracker.core.forms import (
    ChoiceField,
    JalaliDateField,
    VersionField,
    date_required,
    filled_rows,
    max_length,
    parse_uuid,
    required,
)
from tracker.core.i18n import lazy_gettext as _l
from tracker.core.numbers import record_id
from tracker.decisions.forms import DecisionForm
from tracker.meetings.services import AgendaData, MeetingData
from tracker.visits.forms import PeopleFields

# Bodies that often meet about these projects; the field takes any text, these are only suggestions.
BODY_SUGGESTIONS = (
    "کارگروه اشتغال شهرستان کازرون",
    "کارگروه اشتغال و سرمایه‌گذاری استان",
    "شورای برنامه‌ریزی و توسعه شهرستان",
    "شورای اداری شهرستان",
    "جلسه کارکنان اداره تعاون، کار و رفاه اجتماعی شهرستان",
)


class MeetingDecisionForm(DecisionForm):
    """A meeting's decision row, optionally on one of its agenda items."""

    agenda_row = ChoiceField(_l("Agenda item"), empty_label=_l("None"))  # the value is the item's id
    # The services name a decision's agenda item by its place in the agenda; this form by its row.
    ERROR_ALIASES = {"agenda_index": "agenda_row"}


class AgendaForm(Form):
    """One agenda item row: its title and, optionally, the project it is about."""

    id = HiddenField()
    title = StringField(_l("Agenda item"), validators=[max_length(500)])
    project_id = ChoiceField(_l("Project"), coerce=record_id, empty_label=_l("None"))

    def is_blank(self) -> bool:
        """A row left empty is not an item."""
        return not (self.title.data or "").strip() and not self.project_id.data


class MeetingForm(PeopleFields, FlaskForm):
    """A meeting: when, which body, who came, its agenda and its decisions."""

    meeting_id = HiddenField()
    version = VersionField()  # the version of the record the form shows: a stale save is a 409
    held_on = JalaliDateField(_l("Date of the meeting"), validators=[date_required()])
    body = StringField(_l("Body"), validators=[required(), max_length(200)])
    province_id = ChoiceField(_l("Province"), coerce=record_id, empty_label=_l("Choose…"))
    county_id = ChoiceField(_l("County"), coerce=record_id, empty_label=_l("Whole province"))
    notes = TextAreaField(_l("Notes"), validators=[max_length(4000)])
    agenda = FieldList(FormField(AgendaForm), min_entries=1)
    decisions = FieldList(FormField(MeetingDecisionForm), min_entries=1)

    def to_data(self, meeting_id: uuid.UUID | None = None) -> MeetingData:
        """The meeting for the services; a decision names its agenda item by the item's id, the services by place."""
        agenda_rows = filled_rows(self.agenda)
        position = {entry.form.id.data: index for index, entry in enumerate(agenda_rows) if entry.form.id.data}
        decisions = []
        for entry in filled_rows(self.decisions):
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

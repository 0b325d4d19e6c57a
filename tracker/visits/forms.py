"""Forms of the visits area: a visit with who came (shared with meetings), photos and decision rows."""
import uuid

from flask_wtf import FlaskForm
from wtforms import Form, HiddenField, StringField, TextAreaField
from wtforms.fields import FieldList, FormField
from wtforms.validators import NumberRange, Optional

from tracker.core.audit import ActivityLabels, AuditedColumn, register_activity
from tracker.core.forms import (
    CheckboxesField,
    ChoiceField,
    DecimalInput,
    IntegerInput,
    JalaliDateField,
    VersionField,
    date_required,
    filled_rows,
    max_length,
    parse_uuid,
)
from tracker.core.i18n import lazy_gettext as _l
from tracker.core.numbers import record_id
from tracker.decisions.forms import DecisionForm
from tracker.visits.services import GuestData, PeopleData, VisitData


class GuestForm(Form):
    """A named guest: the MP, the special governor, an official."""

    name = StringField(_l("Name"), validators=[max_length(160)])
    title = StringField(_l("Title or post"), validators=[max_length(200)])
    agency_id = ChoiceField(_l("Came for"), coerce=record_id, empty_label=_l("No agency"))

    def is_blank(self) -> bool:
        """A row left empty is not a guest."""
        return not (self.name.data or "").strip() and not (self.title.data or "").strip() and not self.agency_id.data

    def to_data(self) -> GuestData:
        """The guest for the services."""
        return GuestData(name=self.name.data or "", title=self.title.data or "", agency_id=self.agency_id.data)


class PeopleFields:
    """The fields that say who came: users and agencies by checkbox, named guests as rows."""

    visitor_users = CheckboxesField(_l("Users"))
    visitor_agencies = CheckboxesField(_l("Agencies"))
    guests = FieldList(FormField(GuestForm), min_entries=1)

    def people(self) -> PeopleData:
        """Who came, for the services."""
        return PeopleData(user_ids=tuple(self.visitor_users.data or ()),
                          agency_ids=tuple(self.visitor_agencies.data or ()),
                          guests=tuple(entry.form.to_data() for entry in filled_rows(self.guests)))


class VisitForm(PeopleFields, FlaskForm):
    """A site visit as a director records it on a tablet."""

    # The service's one message about the position goes with the (hidden) location fields.
    ERROR_ALIASES = {"location": "latitude"}

    visit_id = HiddenField()
    version = VersionField()  # the version of the record the form shows: a stale save is a 409
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
            decisions=tuple(entry.form.to_data() for entry in filled_rows(self.decisions)),
            photos=tuple(photos), kept_photos=kept_photos or {},
        )


register_activity("visits", ActivityLabels(
    actions={"create": _l("logged a visit"), "update": _l("edited a visit"), "delete": _l("deleted a visit")},
    columns={
        "visited_on": AuditedColumn(_l("Date of the visit")),
        "observed_progress": AuditedColumn(_l("Physical progress seen (%)")),
        "notes": AuditedColumn(_l("Notes")),
        "problems": AuditedColumn(_l("Problems found")),
    },
))
register_activity("photos", ActivityLabels(
    actions={"create": _l("added a photo"), "update": _l("changed a photo's caption"), "delete": _l("removed a photo")},
    columns={"caption": AuditedColumn(_l("Caption"))},
))

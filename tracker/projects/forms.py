"""Forms of the projects area: request data to validated, typed values for the services."""
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import NumberRange, Optional, ValidationError

from tracker.core.audit import ActivityLabels, AuditedColumn, register_activity
from tracker.core.forms import (
    ChoiceField,
    DecimalInput,
    IntegerInput,
    JalaliDateField,
    VersionField,
    max_length,
    required,
)
from tracker.core.i18n import lazy_gettext as _l
from tracker.core.numbers import record_id
from tracker.core.submissions import SubmissionField
from tracker.projects.models import (
    AgencyKind,
    CommitmentState,
    FacilityKind,
    PartnerRole,
    ProjectStatus,
    Strategy,
)
from tracker.projects.services import AgencyData, FacilityData, PartnerData, ProjectData

STATUS_LABELS = {
    ProjectStatus.planned: _l("Planned"),
    ProjectStatus.in_progress: _l("In progress"),
    ProjectStatus.suspended: _l("Suspended"),
    ProjectStatus.completed: _l("Completed"),
    ProjectStatus.cancelled: _l("Cancelled"),
}
STRATEGY_LABELS = {
    Strategy.culture: _l("Promoting the culture of cooperation"),
    Strategy.inter_agency: _l("Strengthening inter-agency cooperation"),
    Strategy.networks: _l("Consolidating network interactions"),
    Strategy.incentives: _l("Providing incentives and financial resources"),
    Strategy.markets: _l("Developing cooperatives' markets and brands"),
    Strategy.supervision: _l("Extending supervision of cooperatives"),
    Strategy.human_resources: _l("Developing cooperatives' management and human resources"),
}
FACILITY_KIND_LABELS = {
    FacilityKind.pool: _l("Pool"),
    FacilityKind.sports_complex: _l("Sports complex"),
    FacilityKind.training_centre: _l("Training centre"),
    FacilityKind.guest_house: _l("Guest house"),
    FacilityKind.other: _l("Other"),
}
AGENCY_KIND_LABELS = {
    AgencyKind.governorate: _l("Governorate"),
    AgencyKind.planning_organization: _l("Management and planning organization"),
    AgencyKind.mp_office: _l("Member of parliament's office"),
    AgencyKind.directorate: _l("Directorate"),
    AgencyKind.county_office: _l("County office"),
    AgencyKind.cooperative: _l("Cooperative"),
    AgencyKind.contractor: _l("Contractor"),
    AgencyKind.municipality: _l("Municipality"),
    AgencyKind.other: _l("Other"),
}
PARTNER_ROLE_LABELS = {
    PartnerRole.party_to_agreement: _l("Party to the agreement"),
    PartnerRole.funder: _l("Funder"),
    PartnerRole.executor: _l("Executing agency"),
    PartnerRole.contractor: _l("Contractor"),
    PartnerRole.supervisor: _l("Supervisor"),
    PartnerRole.other: _l("Other"),
}
COMMITMENT_STATE_LABELS = {
    CommitmentState.pending: _l("Pending"),
    CommitmentState.kept: _l("Kept"),
    CommitmentState.dropped: _l("Dropped"),
}

register_activity("projects", ActivityLabels(
    actions={"create": _l("created the project"), "update": _l("edited the project")},
    columns={
        "name": AuditedColumn(_l("Name")),
        "facility_id": AuditedColumn(_l("Facility")),
        "status": AuditedColumn(_l("Status"), STATUS_LABELS),
        "start_date": AuditedColumn(_l("Start date")),
        "target_date": AuditedColumn(_l("Target date")),
        "physical_progress": AuditedColumn(_l("Physical progress (%)")),
        "agreement": AuditedColumn(_l("Agreement")),
        "strategy": AuditedColumn(_l("Strategy"), STRATEGY_LABELS),
        "description": AuditedColumn(_l("Description")),
        "is_sample": AuditedColumn(_l("Sample data")),
        "is_public": AuditedColumn(_l("In the public open data")),
        # Which visit set the progress: the event's summary names the visit by its date.
        "progress_visit_id": AuditedColumn(_l("Progress from the visit"), shown=False),
    },
))
register_activity("partners", ActivityLabels(
    actions={"create": _l("added a partner"), "update": _l("edited a partner"), "delete": _l("removed a partner")},
    columns={
        "agency_id": AuditedColumn(_l("Agency")),
        "role": AuditedColumn(_l("Role"), PARTNER_ROLE_LABELS),
        "commitment": AuditedColumn(_l("Commitment")),
        "due_date": AuditedColumn(_l("Due date")),
        "state": AuditedColumn(_l("State"), COMMITMENT_STATE_LABELS),
    },
))


def _choices(labels: dict) -> list[tuple]:
    return list(labels.items())


class ProjectForm(FlaskForm):
    """A renovation project's editable fields."""

    name = StringField(_l("Project name"), validators=[required(), max_length(200)])
    facility_id = ChoiceField(_l("Facility"), coerce=record_id, validators=[required()], empty_label=_l("Choose…"))
    status = ChoiceField(_l("Status"), coerce=ProjectStatus, validators=[required()],
                         choices=_choices(STATUS_LABELS))
    start_date = JalaliDateField(_l("Start date"))
    target_date = JalaliDateField(_l("Target date"))
    physical_progress = IntegerInput(_l("Physical progress (%)"), validators=[
        Optional(), NumberRange(0, 100, message=_l("Physical progress must be between 0 and 100 percent."))])
    strategy = ChoiceField(_l("Strategy"), coerce=Strategy, choices=_choices(STRATEGY_LABELS),
                           empty_label=_l("None"))
    agreement = TextAreaField(_l("Agreement"), validators=[max_length(2000)])
    description = TextAreaField(_l("Description"), validators=[max_length(4000)])
    version = VersionField()  # the version of the record the form shows: a stale save is a 409

    def validate_target_date(self, field):
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError(str(_l("The target date cannot be before the start date.")))

    def to_data(self, is_sample: bool = False) -> ProjectData:
        """The typed values for the project services."""
        return ProjectData(
            name=self.name.data, facility_id=self.facility_id.data, status=self.status.data,
            start_date=self.start_date.data, target_date=self.target_date.data,
            physical_progress=self.physical_progress.data, agreement=self.agreement.data or "",
            strategy=self.strategy.data, description=self.description.data or "", is_sample=is_sample,
        )


class NewProjectForm(ProjectForm):
    """A project's fields when creating one, sent once (a second send of the same form creates nothing)."""

    submission = SubmissionField()


class FacilityForm(FlaskForm):
    """A facility's editable fields."""

    name = StringField(_l("Facility name"), validators=[required(), max_length(200)])
    kind = ChoiceField(_l("Kind"), coerce=FacilityKind, validators=[required()],
                       choices=_choices(FACILITY_KIND_LABELS), empty_label=_l("Choose…"))
    county_id = ChoiceField(_l("County"), coerce=record_id, validators=[required()], empty_label=_l("Choose…"))
    address = StringField(_l("Address"), validators=[max_length(400)])
    latitude = DecimalInput(_l("Latitude"), validators=[
        Optional(), NumberRange(-90, 90, message=_l("Latitude must be between -90 and 90."))])
    longitude = DecimalInput(_l("Longitude"), validators=[
        Optional(), NumberRange(-180, 180, message=_l("Longitude must be between -180 and 180."))])

    def to_data(self) -> FacilityData:
        """The typed values for the facility services."""
        return FacilityData(
            name=self.name.data, kind=self.kind.data, county_id=self.county_id.data,
            address=self.address.data or "", latitude=self.latitude.data, longitude=self.longitude.data,
        )


class AgencyForm(FlaskForm):
    """An agency's editable fields."""

    name = StringField(_l("Agency name"), validators=[required(), max_length(200)])
    kind = ChoiceField(_l("Kind"), coerce=AgencyKind, validators=[required()],
                       choices=_choices(AGENCY_KIND_LABELS), empty_label=_l("Choose…"))
    province_id = ChoiceField(_l("Province"), coerce=record_id, empty_label=_l("National (all provinces)"))

    def to_data(self) -> AgencyData:
        """The typed values for the agency services."""
        return AgencyData(name=self.name.data, kind=self.kind.data, province_id=self.province_id.data)


class PartnerForm(FlaskForm):
    """A partner's role in a project and its commitment."""

    agency_id = ChoiceField(_l("Agency"), coerce=record_id, validators=[required()], empty_label=_l("Choose…"))
    role = ChoiceField(_l("Role"), coerce=PartnerRole, validators=[required()],
                       choices=_choices(PARTNER_ROLE_LABELS))
    commitment = TextAreaField(_l("Commitment"), validators=[max_length(1000)])
    due_date = JalaliDateField(_l("Due date"))
    state = ChoiceField(_l("State"), coerce=CommitmentState, validators=[required()],
                        choices=_choices(COMMITMENT_STATE_LABELS))
    version = VersionField()  # the version of the record the form shows: a stale save is a 409

    def to_data(self) -> PartnerData:
        """The typed values for the partner services."""
        return PartnerData(
            agency_id=self.agency_id.data, role=self.role.data, commitment=self.commitment.data or "",
            due_date=self.due_date.data, state=self.state.data,
        )


class NewPartnerForm(PartnerForm):
    """A partner's fields when adding one, sent once."""

    submission = SubmissionField()

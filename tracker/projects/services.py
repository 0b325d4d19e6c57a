"""Writes of the projects area: every change checked against the actor's role and province, and audited."""
import re
import uuid
from dataclasses import asdict, dataclass
from datetime import date

from sqlmodel import Session, select

from tracker.accounts import permissions
from tracker.accounts.models import Role, User
from tracker.accounts.permissions import Action
from tracker.core import clock
from tracker.core.audit import record_change, snapshot
from tracker.core.errors import Forbidden, InvalidInput, NotFound
from tracker.core.i18n import lazy_gettext as _l
from tracker.core.jalali import format_jalali
from tracker.core.persian import normalize_search
from tracker.deadlines.models import DeadlineKind, DeadlineState
from tracker.deadlines.services import DeadlineData, track_deadline, untrack_deadline
from tracker.places import queries as places
from tracker.places.models import County, Province
from tracker.projects import queries
from tracker.projects.models import (
    Agency,
    AgencyKind,
    CommitmentState,
    Facility,
    FacilityKind,
    Partner,
    PartnerRole,
    Project,
    ProjectStatus,
    Strategy,
)


def _stripped(value):
    """Typed text without its outer spaces; enum members (StrEnum is a str) stay members."""
    return value.strip() if type(value) is str else value


def _assign(record, data) -> None:
    """Copy a form's typed values onto the record, text trimmed."""
    for key, value in asdict(data).items():
        setattr(record, key, _stripped(value))


@dataclass(frozen=True)
class ProjectData:
    """The fields of a project a user edits."""

    name: str
    facility_id: int
    status: ProjectStatus = ProjectStatus.planned
    start_date: date | None = None
    target_date: date | None = None
    physical_progress: int | None = None
    agreement: str = ""
    strategy: Strategy | None = None
    description: str = ""
    is_sample: bool = False


def _slugify(name: str) -> str:
    slug = re.sub(r"[^\w]+", "-", normalize_search(name)).strip("-")
    return slug[:200] or "project"


def _unique_slug(session: Session, name: str) -> str:
    base = slug = _slugify(name)
    number = 2
    while queries.slug_taken(session, slug):
        slug = f"{base}-{number}"
        number += 1
    return slug


def name_key(name: str) -> str:
    """A project's name folded the way Persian is typed: names that read the same have the same key."""
    return normalize_search(name)[:200]


def _search_text(session: Session, project: Project, facility: Facility) -> str:
    county = session.get(County, facility.county_id)
    province = session.get(Province, county.province_id)
    parts = [project.name, facility.name, county.name_fa, county.name_en, province.name_fa, province.name_en]
    return normalize_search(" ".join(parts))[:2000]


def _check_project(session: Session, actor: User, data: ProjectData, project_id: int | None) -> Facility:
    errors = {}
    name = data.name.strip()
    same_name = queries.project_by_name(session, name)
    if same_name is not None and same_name.id != project_id:
        errors["name"] = _l("A project with this name already exists.")
    if data.physical_progress is not None and not 0 <= data.physical_progress <= 100:
        errors["physical_progress"] = _l("Physical progress must be between 0 and 100 percent.")
    if data.start_date and data.target_date and data.target_date < data.start_date:
        errors["target_date"] = _l("The target date cannot be before the start date.")
    try:
        facility = queries.get_facility(session, actor, data.facility_id)
    except NotFound:
        errors["facility_id"] = _l("Choose a facility in your province.")
        facility = None
    if errors:
        raise InvalidInput(errors)
    return facility


def check_new_project(session: Session, *, actor: User, data: ProjectData) -> Facility:
    """What create_project would refuse, without creating anything (an import's preview asks it of every row); the
    project's facility."""
    permissions.require(actor, Action.edit)
    facility = _check_project(session, actor, data, None)
    county = session.get(County, facility.county_id)
    permissions.require(actor, Action.edit, county.province_id, county.id)
    return facility


def create_project(session: Session, *, actor: User, data: ProjectData) -> Project:
    """Create a project on a facility the actor may edit."""
    facility = check_new_project(session, actor=actor, data=data)
    county = session.get(County, facility.county_id)
    project = Project(
        **asdict(data) | {"name": data.name.strip()},
        slug=_unique_slug(session, data.name),
        county_id=county.id,
        province_id=county.province_id,
    )
    project.search_text = _search_text(session, project, facility)
    project.name_key = name_key(project.name)
    session.add(project)
    session.flush()
    record_change(session, actor_id=actor.id, action="create", record=project, before=None,
                  project_id=project.id, summary=project.name)
    return project


def update_project(session: Session, *, actor: User, project: Project, data: ProjectData,
                   expected_version: int | None = None) -> Project:
    """Change a project's fields (a Conflict if it changed since expected_version); its slug stays."""
    permissions.require(actor, Action.edit, project.province_id, project.county_id)
    permissions.require_current(session, project, expected_version)
    facility = _check_project(session, actor, data, project.id)
    county = session.get(County, facility.county_id)
    before = snapshot(project)
    if data.physical_progress != project.physical_progress:
        project.progress_visit_id = None  # typed in by hand, no longer what a visit observed
    _assign(project, data)
    project.county_id, project.province_id = county.id, county.province_id
    project.search_text = _search_text(session, project, facility)
    project.name_key = name_key(project.name)
    project.updated_at = clock.now()
    session.add(project)
    session.flush()
    record_change(session, actor_id=actor.id, action="update", record=project, before=before,
                  project_id=project.id, summary=project.name)
    return project


def record_observed_progress(session: Session, *, actor: User, project: Project, progress: int | None,
                             visit_id: uuid.UUID | None, visit_day: date | None = None) -> None:
    """Take a project's physical progress from the visit that observed it most recently (the visits area calls it);
    the activity names that visit by its day."""
    if (project.physical_progress, project.progress_visit_id) == (progress, visit_id):
        return
    before = snapshot(project)
    project.physical_progress, project.progress_visit_id = progress, visit_id
    project.updated_at = clock.now()
    session.add(project)
    session.flush()
    record_change(session, actor_id=actor.id, action="update", record=project, before=before,
                  project_id=project.id, summary=format_jalali(visit_day) if visit_day else project.name)


def may_publish(actor: User, project: Project) -> bool:
    """Whether the actor may put a project in the public open data: an administrator, or a director of the
    project's whole province (a county head is not: publishing speaks for the directorate)."""
    return actor.is_admin or (actor.role == Role.director and actor.county_id is None
                              and permissions.sees(actor, project.province_id, project.county_id))


def set_public(session: Session, *, actor: User, project: Project, public: bool) -> Project:
    """Put a project in the public open data package, or take it out."""
    permissions.require(actor, Action.read, project.province_id, project.county_id)
    if not may_publish(actor, project):
        raise Forbidden
    if project.is_public == public:
        return project
    before = snapshot(project)
    project.is_public = public
    session.add(project)
    session.flush()
    record_change(session, actor_id=actor.id, action="update", record=project, before=before,
                  project_id=project.id, summary=project.name)
    return project


@dataclass(frozen=True)
class FacilityData:
    """The fields of a facility a user edits."""

    name: str
    kind: FacilityKind
    county_id: int
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None


def _check_facility(session: Session, actor: User, data: FacilityData, facility_id: int | None) -> County:
    county = places.get_county(session, data.county_id)
    if county is None or not permissions.sees(actor, county.province_id, county.id):
        raise InvalidInput({"county_id": _l("Choose a county in your province.")})
    same = queries.facility_by_name(session, county.id, data.name)
    if same is not None and same.id != facility_id:
        raise InvalidInput({"name": _l("This county already has a facility with this name.")})
    return county


def create_facility(session: Session, *, actor: User, data: FacilityData) -> Facility:
    """Create a facility in a county the actor may edit."""
    permissions.require(actor, Action.edit)
    county = _check_facility(session, actor, data, None)
    permissions.require(actor, Action.edit, county.province_id, county.id)
    facility = Facility(**asdict(data) | {"name": data.name.strip()})
    session.add(facility)
    session.flush()
    record_change(session, actor_id=actor.id, action="create", record=facility, before=None,
                  summary=facility.name)
    return facility


def update_facility(session: Session, *, actor: User, facility: Facility, data: FacilityData) -> Facility:
    """Change a facility, and the search text of its projects with it."""
    old_county = session.get(County, facility.county_id)
    permissions.require(actor, Action.edit, old_county.province_id, old_county.id)
    county = _check_facility(session, actor, data, facility.id)
    before = snapshot(facility)
    _assign(facility, data)
    session.add(facility)
    for project in session.exec(select(Project).where(Project.facility_id == facility.id)).all():
        project.county_id, project.province_id = county.id, county.province_id
        project.search_text = _search_text(session, project, facility)
        session.add(project)
    session.flush()
    record_change(session, actor_id=actor.id, action="update", record=facility, before=before,
                  summary=facility.name)
    return facility


@dataclass(frozen=True)
class AgencyData:
    """The fields of an agency a user edits."""

    name: str
    kind: AgencyKind
    province_id: int | None = None


def _check_agency(session: Session, actor: User, data: AgencyData, agency_id: int | None) -> None:
    errors = {}
    same = queries.agency_by_name(session, data.name)
    if same is not None and same.id != agency_id:
        errors["name"] = _l("An agency with this name already exists.")
    if data.province_id is None and not actor.is_admin:
        errors["province_id"] = _l("Only an administrator may add a national agency; choose your province.")
    elif data.province_id is not None and not permissions.sees(actor, data.province_id):
        errors["province_id"] = _l("Choose your own province.")
    if errors:
        raise InvalidInput(errors)


def create_agency(session: Session, *, actor: User, data: AgencyData) -> Agency:
    """Create an agency in the actor's province (national ones are an admin's)."""
    permissions.require(actor, Action.edit)
    _check_agency(session, actor, data, None)
    agency = Agency(**asdict(data) | {"name": data.name.strip()})
    session.add(agency)
    session.flush()
    record_change(session, actor_id=actor.id, action="create", record=agency, before=None, summary=agency.name)
    return agency


def update_agency(session: Session, *, actor: User, agency: Agency, data: AgencyData) -> Agency:
    """Change an agency of the actor's province."""
    if agency.province_id is None and not actor.is_admin:
        raise Forbidden
    permissions.require(actor, Action.edit, agency.province_id)
    _check_agency(session, actor, data, agency.id)
    before = snapshot(agency)
    _assign(agency, data)
    session.add(agency)
    session.flush()
    record_change(session, actor_id=actor.id, action="update", record=agency, before=before, summary=agency.name)
    return agency


@dataclass(frozen=True)
class PartnerData:
    """The fields of a partner a user edits."""

    agency_id: int
    role: PartnerRole
    commitment: str = ""
    due_date: date | None = None
    state: CommitmentState = CommitmentState.pending


def _check_partner(session: Session, actor: User, project: Project, data: PartnerData,
                   partner_id: int | None) -> Agency:
    try:
        agency = queries.get_agency(session, actor, data.agency_id)
    except NotFound:
        raise InvalidInput({"agency_id": _l("Choose an agency.")}) from None
    same = session.exec(
        select(Partner).where(
            Partner.project_id == project.id, Partner.agency_id == agency.id, Partner.role == data.role
        )
    ).first()
    if same is not None and same.id != partner_id:
        raise InvalidInput({"agency_id": _l("This agency already has this role in the project.")})
    return agency


COMMITMENT_DEADLINE_STATES = {
    CommitmentState.pending: DeadlineState.open,
    CommitmentState.kept: DeadlineState.done,
    CommitmentState.dropped: DeadlineState.dropped,
}


def _track_commitment(session: Session, project: Project, partner: Partner, agency: Agency) -> None:
    """Enter the commitment's due date in the register of deadlines, so that its reminders follow."""
    title = f"{agency.name}: {partner.commitment}" if partner.commitment else agency.name
    track_deadline(session, DeadlineData(
        kind=DeadlineKind.commitment, item_id=str(partner.id), title=title, due_date=partner.due_date,
        state=COMMITMENT_DEADLINE_STATES[partner.state], province_id=project.province_id,
        county_id=project.county_id, project_id=project.id, path=f"/projects/{project.slug}#partners",
        responsible_agency_id=agency.id, is_sample=project.is_sample,
    ))


def add_partner(session: Session, *, actor: User, project: Project, data: PartnerData) -> Partner:
    """Record an agency's role and commitment in a project."""
    permissions.require(actor, Action.edit, project.province_id, project.county_id)
    agency = _check_partner(session, actor, project, data, None)
    partner = Partner(project_id=project.id, **asdict(data) | {"commitment": data.commitment.strip()})
    session.add(partner)
    session.flush()
    record_change(session, actor_id=actor.id, action="create", record=partner, before=None,
                  project_id=project.id, summary=agency.name)
    _track_commitment(session, project, partner, agency)
    return partner


def update_partner(session: Session, *, actor: User, project: Project, partner: Partner,
                   data: PartnerData, expected_version: int | None = None) -> Partner:
    """Change a partner's role, commitment, due date or state (a Conflict if it changed since expected_version)."""
    permissions.require(actor, Action.edit, project.province_id, project.county_id)
    permissions.require_current(session, partner, expected_version)
    agency = _check_partner(session, actor, project, data, partner.id)
    before = snapshot(partner)
    _assign(partner, data)
    session.add(partner)
    session.flush()
    record_change(session, actor_id=actor.id, action="update", record=partner, before=before,
                  project_id=project.id, summary=agency.name)
    _track_commitment(session, project, partner, agency)
    return partner


def remove_partner(session: Session, *, actor: User, project: Project, partner: Partner) -> None:
    """Take a partner off a project."""
    permissions.require(actor, Action.edit, project.province_id, project.county_id)
    agency = session.get(Agency, partner.agency_id)
    before = snapshot(partner)
    untrack_deadline(session, DeadlineKind.commitment, str(partner.id))
    session.delete(partner)
    session.flush()
    record_change(session, actor_id=actor.id, action="delete", record=partner, before=before,
                  project_id=project.id, summary=agency.name)



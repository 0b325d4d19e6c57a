"""Tables of the projects area: geography, agencies, facilities, projects and partners."""
import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, UniqueConstraint, Uuid, false
from sqlmodel import Field, SQLModel

from tracker.core.db import Versioned, string_enum, timestamp


class AgencyKind(StrEnum):
    """What sort of body an agency (دستگاه) is."""

    governorate = "governorate"
    planning_organization = "planning_organization"
    mp_office = "mp_office"
    directorate = "directorate"
    county_office = "county_office"
    cooperative = "cooperative"
    contractor = "contractor"
    municipality = "municipality"
    other = "other"


class Agency(SQLModel, table=True):
    """A body that takes part in projects; national when it has no province."""

    __tablename__ = "agencies"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    kind: AgencyKind = Field(sa_type=string_enum(AgencyKind))
    province_id: int | None = Field(default=None, foreign_key="provinces.id", index=True)
    is_sample: bool = False


class FacilityKind(StrEnum):
    """What sort of place a facility (مجموعه) is."""

    pool = "pool"
    sports_complex = "sports_complex"
    training_centre = "training_centre"
    guest_house = "guest_house"
    other = "other"


class Facility(SQLModel, table=True):
    """A place that is renovated: a workers' pool, a sports complex, a training centre."""

    __tablename__ = "facilities"
    __table_args__ = (UniqueConstraint("county_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    kind: FacilityKind = Field(sa_type=string_enum(FacilityKind))
    county_id: int = Field(foreign_key="counties.id", index=True)
    address: str = Field(default="", max_length=400)
    latitude: float | None = None
    longitude: float | None = None
    is_sample: bool = False


class ProjectStatus(StrEnum):
    """Where a renovation project stands."""

    planned = "planned"
    in_progress = "in_progress"
    suspended = "suspended"
    completed = "completed"
    cancelled = "cancelled"

    @property
    def is_open(self) -> bool:
        """Whether work is still expected, so a passed target date means overdue."""
        return self not in {ProjectStatus.completed, ProjectStatus.cancelled}


class Strategy(StrEnum):
    """The seven strategies of the cooperative sector a project may serve."""

    culture = "culture"
    inter_agency = "inter_agency"
    networks = "networks"
    incentives = "incentives"
    markets = "markets"
    supervision = "supervision"
    human_resources = "human_resources"


class Project(Versioned, table=True):
    """A renovation project (پروژه بهسازی) on a facility."""

    __tablename__ = "projects"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=220, unique=True)
    name: str = Field(max_length=200, unique=True)
    facility_id: int = Field(foreign_key="facilities.id", index=True)
    # Denormalised from the facility so that scoping and filters need no joins; set by the service.
    county_id: int = Field(foreign_key="counties.id", index=True)
    province_id: int = Field(foreign_key="provinces.id", index=True)
    status: ProjectStatus = Field(default=ProjectStatus.planned, sa_type=string_enum(ProjectStatus), index=True)
    start_date: date | None = None
    target_date: date | None = None
    physical_progress: int | None = None
    # The visit whose observed progress set physical_progress; empty when someone typed it in.
    progress_visit_id: uuid.UUID | None = Field(
        default=None,
        sa_column=Column(Uuid, ForeignKey("visits.id", use_alter=True, name="fk_projects_progress_visit")),
    )
    agreement: str = Field(default="", max_length=2000)
    strategy: Strategy | None = Field(default=None, sa_type=string_enum(Strategy))
    description: str = Field(default="", max_length=4000)
    is_sample: bool = False
    # Marked by a director for the public open data package (OC4IDS); never set by an edit of the project.
    is_public: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    search_text: str = Field(default="", max_length=2000)
    # The name folded as Persian is typed (projects.services.name_key): an indexed lookup for duplicate names.
    name_key: str = Field(default="", max_length=200, index=True, sa_column_kwargs={"server_default": ""})
    created_at: datetime = timestamp()
    updated_at: datetime = timestamp(index=True)


class PartnerRole(StrEnum):
    """The part an agency plays in a project."""

    party_to_agreement = "party_to_agreement"
    funder = "funder"
    executor = "executor"
    contractor = "contractor"
    supervisor = "supervisor"
    other = "other"


class CommitmentState(StrEnum):
    """Whether a partner's commitment (تعهد) has been kept."""

    pending = "pending"
    kept = "kept"
    dropped = "dropped"


class Partner(Versioned, table=True):
    """An agency's role in a project and what it committed to (طرف توافق)."""

    __tablename__ = "partners"
    __table_args__ = (UniqueConstraint("project_id", "agency_id", "role"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="projects.id", index=True)
    agency_id: int = Field(foreign_key="agencies.id", index=True)
    role: PartnerRole = Field(sa_type=string_enum(PartnerRole))
    commitment: str = Field(default="", max_length=1000)
    due_date: date | None = None
    state: CommitmentState = Field(default=CommitmentState.pending, sa_type=string_enum(CommitmentState))

"""The fields of OC4IDS 0.9.5 this package emits, as typed models (schema/project-level/ of
open-contracting/infrastructure): what a package holds is built as these models, so that a wrong type, a missing
required field or a code outside a closed codelist fails when the package is made, not in a reader's validator.

Only the fields Pishraft fills are modelled; every model forbids others. Field names are the standard's own.
"""
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

VERSION = "0.9"  # the package's schema version, major.minor as the package schema asks

# Closed codelists (the schema's enums), and the codes of open codelists that Pishraft uses.
ProjectStatus = Literal["identification", "preparation", "implementation", "completion", "completed", "cancelled"]
ProjectType = Literal["construction", "rehabilitation", "replacement", "expansion"]
MilestoneStatus = Literal["scheduled", "met", "notMet", "partiallyMet"]
PartyRole = Literal["publicAuthority", "funder", "procuringEntity", "supplier", "interestedParty"]
DocumentType = Literal["physicalProgressReport"]
Currency = Literal["IRR"]

# An ISO 8601 date-time with its offset, as the schema's "format": "date-time" asks.
DateTime = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")]
NonEmpty = Annotated[str, Field(min_length=1)]


class Model(BaseModel):
    """Every OC4IDS object: no field the standard does not define."""

    model_config = ConfigDict(extra="forbid")


class Period(Model):
    startDate: DateTime | None = None
    endDate: DateTime | None = None


class Value(Model):
    amount: int
    currency: Currency = "IRR"


class OrganizationReference(Model):
    id: NonEmpty
    name: str


class Address(Model):
    streetAddress: str | None = None
    locality: str | None = None
    region: str | None = None
    countryName: str | None = None


class Point(Model):
    type: Literal["Point"] = "Point"
    coordinates: tuple[float, float]  # longitude, latitude (GeoJSON order)


class Location(Model):
    id: NonEmpty
    description: str | None = None
    geometry: Point | None = None
    address: Address | None = None


class Organization(Model):
    id: NonEmpty
    name: str
    roles: list[PartyRole]
    address: Address | None = None


class BudgetBreakdown(Model):
    id: NonEmpty
    description: str | None = None
    amount: Value
    period: Period
    sourceParty: OrganizationReference


class BudgetBreakdowns(Model):
    id: NonEmpty
    description: str | None = None
    budgetBreakdown: list[BudgetBreakdown]


class Budget(Model):
    description: str | None = None
    amount: Value | None = None
    budgetBreakdowns: list[BudgetBreakdowns] | None = None


class Milestone(Model):
    id: NonEmpty
    title: str
    dueDate: DateTime
    dateMet: DateTime | None = None
    status: MilestoneStatus


class Document(Model):
    id: NonEmpty
    documentType: DocumentType
    title: str
    url: str
    datePublished: DateTime
    format: Literal["application/pdf"] = "application/pdf"
    language: Literal["fa"] = "fa"


class Unit(Model):
    scheme: Literal["UNCEFACT"] = "UNCEFACT"
    id: Literal["P1"] = "P1"  # UN/CEFACT's code for percent
    name: Literal["percent"] = "percent"


class Observation(Model):
    id: NonEmpty
    period: Period
    measure: int = Field(ge=0, le=100)
    unit: Unit = Unit()


class Metric(Model):
    id: NonEmpty
    title: str
    observations: list[Observation]


class Project(Model):
    id: NonEmpty
    updated: DateTime
    title: str
    description: str | None = None
    status: ProjectStatus
    type: ProjectType = "rehabilitation"
    period: Period | None = None
    locations: list[Location]
    publicAuthority: OrganizationReference
    parties: list[Organization]
    budget: Budget | None = None
    # Lists with nothing in them are left out (None), as publishers are asked to omit empty fields.
    milestones: list[Milestone] | None = None
    documents: list[Document] | None = None
    metrics: list[Metric] | None = None


class Publisher(Model):
    name: NonEmpty


class Package(Model):
    uri: Annotated[str, Field(pattern=r"^https?://")]
    publisher: Publisher
    publishedDate: DateTime
    version: Literal["0.9"] = VERSION
    projects: Annotated[list[Project], Field(min_length=1)]

    def to_json(self) -> str:
        """The package as UTF-8 JSON text, Persian as it is (not escaped), empty and unknown fields left out."""
        return self.model_dump_json(exclude_none=True)

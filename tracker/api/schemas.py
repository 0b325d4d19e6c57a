"""The typed answers of the API and the query strings it reads: the same models make the JSON and the OpenAPI
document. Every date comes twice: ISO (Gregorian) and Jalali shaped like ISO, in Latin digits."""
import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from tracker.budgets.models import Figure
from tracker.decisions.models import DecisionState
from tracker.milestones.models import MilestoneState
from tracker.projects.models import CommitmentState, FacilityKind, PartnerRole, ProjectStatus, Strategy

JalaliDate = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$", examples=["1405-09-02"])]
JalaliMoment = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$",
                                    examples=["1405-09-02T13:30:00+03:30"])]
# An id as the database holds it: the query string refuses anything a column cannot compare with.
Id = Annotated[int, Field(ge=1, le=2**31 - 1)]
Percent = Annotated[int, Field(ge=0, le=100)]


class Answer(BaseModel):
    """An answer of the API: its fields are all it says."""

    model_config = ConfigDict(extra="forbid")


class Errors(Answer):
    """A refusal: a Persian message by field, or by "request" for the request as a whole."""

    errors: dict[str, str]


class Paged(Answer):
    """Where a page stands in the whole list; `next_page` is null on the last one."""

    page: int
    per_page: int
    pages: int
    total: int
    next_page: int | None


class Place(Answer):
    """A province or county."""

    id: int
    name: str
    name_en: str


class ProjectRef(Answer):
    """The project a record belongs to."""

    id: int
    slug: str
    name: str


class ProjectSummary(Answer):
    """A line of the project list."""

    id: int
    slug: str
    name: str
    status: ProjectStatus
    physical_progress: Percent | None
    target_date: date | None
    target_date_jalali: JalaliDate | None
    facility: str
    county: str
    province: str


class ProjectList(Paged):
    """A page of projects, the most recently changed first."""

    items: list[ProjectSummary]


class Facility(Answer):
    """What the project renovates."""

    id: int
    name: str
    kind: FacilityKind
    address: str
    latitude: float | None
    longitude: float | None


class Partner(Answer):
    """An agency's part in the project and what it committed to."""

    agency: str
    role: PartnerRole
    commitment: str
    due_date: date | None
    due_date_jalali: JalaliDate | None
    state: CommitmentState


class ProjectDetail(Answer):
    """A project with its place, facility and partners."""

    id: int
    slug: str
    name: str
    status: ProjectStatus
    strategy: Strategy | None
    physical_progress: Percent | None
    start_date: date | None
    start_date_jalali: JalaliDate | None
    target_date: date | None
    target_date_jalali: JalaliDate | None
    agreement: str
    description: str
    facility: Facility
    county: Place
    province: Place
    constituency: str | None
    partners: list[Partner]


class Source(Answer):
    """A funding source (منبع اعتبار)."""

    code: str
    name: str
    name_en: str


class BudgetLine(Answer):
    """A project's credit for one fiscal year and source: the current figures in rials, derived from its ledger."""

    id: int
    fiscal_year: int
    source: Source
    approved: int
    notified: int
    allocated: int
    spent: int
    absorption_percent: float | None
    updated_at: datetime
    updated_at_jalali: JalaliMoment


class ProjectBudget(Answer):
    """Every budget line of a project, the newest fiscal year first."""

    project: ProjectRef
    currency: str = "IRR"
    lines: list[BudgetLine]


class LedgerEntry(Answer):
    """One change of one figure of a budget line: who, when, from, to, why, on which letter."""

    version: int
    figure: Figure
    from_amount: int
    to_amount: int
    reason: str
    letter_number: str
    letter_date: date | None
    letter_date_jalali: JalaliDate | None
    by: str
    at: datetime
    at_jalali: JalaliMoment


class Ledger(Answer):
    """The ledger of a budget line, the newest entry first."""

    line_id: int
    currency: str = "IRR"
    items: list[LedgerEntry]


class VisitSummary(Answer):
    """A site visit in a project's list."""

    id: uuid.UUID
    visited_on: date
    visited_on_jalali: JalaliDate
    observed_progress: Percent | None


class VisitList(Answer):
    """A project's visits, the latest first."""

    project: ProjectRef
    items: list[VisitSummary]


class Attendee(Answer):
    """Who came: a user, an agency, or a named guest with a title and agency."""

    kind: Literal["user", "agency", "guest"]
    name: str
    title: str
    agency: str


class Photo(Answer):
    """A photo of a visit, as the pages show it: never the original file."""

    id: uuid.UUID
    caption: str
    width: int
    height: int
    display_url: str
    thumbnail_url: str


class Occasion(Answer):
    """Where a decision was taken: a visit or a meeting, on a day."""

    kind: Literal["visit", "meeting"]
    id: uuid.UUID
    day: date | None
    day_jalali: JalaliDate | None
    body: str


class Decision(Answer):
    """A decision (مصوبه): what, who owns it, by when, its state."""

    id: uuid.UUID
    text: str
    state: DecisionState
    due_date: date
    due_date_jalali: JalaliDate
    overdue: bool
    owner: str
    project: ProjectRef | None
    occasion: Occasion


class DecisionList(Paged):
    """A page of decisions, the soonest due first."""

    items: list[Decision]


class VisitDetail(Answer):
    """A site visit: the facts seen, who came, photos and decisions."""

    id: uuid.UUID
    project: ProjectRef
    visited_on: date
    visited_on_jalali: JalaliDate
    observed_progress: Percent | None
    notes: str
    problems: str
    latitude: float | None
    longitude: float | None
    author: str
    attendees: list[Attendee]
    photos: list[Photo]
    decisions: list[Decision]


class Milestone(Answer):
    """A milestone (نقطه عطف) of a project."""

    id: int
    title: str
    state: MilestoneState
    due_date: date
    due_date_jalali: JalaliDate
    met_on: date | None
    met_on_jalali: JalaliDate | None
    overdue: bool
    responsible: str


class MilestoneList(Answer):
    """A project's milestones, the soonest due first."""

    project: ProjectRef
    items: list[Milestone]


class PageQuery(BaseModel):
    """Which page of a list, and how long a page is."""

    model_config = ConfigDict(extra="ignore")

    page: int = Field(default=1, ge=1, le=1_000_000, description="The page, from 1; past the last, the last.")
    per_page: int = Field(default=20, ge=1, le=100)


class ProjectQuery(PageQuery):
    """The filters of the project list."""

    # No NUL character: every address refuses one (400) before it reaches a query, and the document says so.
    q: str = Field(default="", max_length=200, pattern=r"^[^\x00]*$",
                   description="Words of the name, facility or county, matched however Persian is typed.")
    province: Id | None = None
    county: Id | None = None
    status: ProjectStatus | None = None


class DecisionQuery(PageQuery):
    """The filters of the decision list; every state unless one is asked for."""

    province: Id | None = None
    project: Id | None = None
    state: DecisionState | None = None
    overdue: bool = Field(default=False, description="Only open decisions past their due date.")

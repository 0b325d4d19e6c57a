"""OC4IDS packages built from the lower areas' reads, narrowed to what the reader may see: a user's scope, or,
for the public (no user), the projects a director marked public, without briefs (their PDFs name people)."""
import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass

import jdatetime
from sqlmodel import Session

from tracker.accounts import permissions
from tracker.accounts.models import User
from tracker.briefs import queries as briefs
from tracker.briefs.models import Brief
from tracker.budgets import queries as budgets
from tracker.budgets.models import Figure
from tracker.budgets.queries import SourceLine
from tracker.core import clock
from tracker.core.errors import NotFound
from tracker.core.i18n import gettext as _
from tracker.core.numbers import whole_number
from tracker.milestones import queries as milestones
from tracker.milestones.models import Milestone, MilestoneState
from tracker.opendata import oc4ids
from tracker.places import queries as places
from tracker.places.models import Province
from tracker.projects import queries as projects
from tracker.projects.models import Agency, Partner, PartnerRole, ProjectStatus
from tracker.projects.queries import PlacedProject
from tracker.visits import queries as visits
from tracker.visits.queries import ObservedProgress

# Our statuses in the closed projectStatus codelist. A planned project has its agreement and waits for credit
# (preparation: scoping and budget authorisation); a suspended one is still, in the standard's terms, being
# implemented; "completed" is close-out done, the project inactive.
STATUS: dict[ProjectStatus, str] = {
    ProjectStatus.planned: "preparation",
    ProjectStatus.in_progress: "implementation",
    ProjectStatus.suspended: "implementation",
    ProjectStatus.completed: "completed",
    ProjectStatus.cancelled: "cancelled",
}
# A partner's role as a party role. The standard has no code for a party to the agreement or a supervisor.
ROLES: dict[PartnerRole, str] = {
    PartnerRole.party_to_agreement: "interestedParty",
    PartnerRole.funder: "funder",
    PartnerRole.executor: "procuringEntity",
    PartnerRole.contractor: "supplier",
    PartnerRole.supervisor: "interestedParty",
    PartnerRole.other: "interestedParty",
}
COUNTRY = "ایران"


@dataclass(frozen=True)
class PackageSettings:
    """What a package says of its publisher and how it names projects and documents."""

    prefix: str  # TRACKER_OC4IDS_PREFIX, before each project's id
    ministry: str  # the publisher of a package of the whole country
    directorate: str  # the publisher of a province's package, and its public authority ({province})

    @classmethod
    def from_config(cls, config) -> "PackageSettings":
        return cls(config["OC4IDS_PREFIX"], config["OC4IDS_PUBLISHER"], config["BRIEF_DIRECTORATE"])


def get_province(session: Session, user: User | None, ref: str) -> Province:
    """A province by code or id that the user sees (no user: any); NotFound otherwise."""
    number = whole_number(ref)
    found = next((p for p in places.provinces(session) if p.code == ref or p.id == number), None)
    if found is None or (user is not None and not permissions.sees(user, found.id)):
        raise NotFound
    return found


def _day_start(day: datetime.date) -> str:
    return datetime.datetime.combine(day, datetime.time(0, 0), tzinfo=clock.TEHRAN).isoformat()


def _day_end(day: datetime.date) -> str:
    return datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=clock.TEHRAN).isoformat()


def _moment(moment: datetime.datetime) -> str:
    return clock.utc(moment).isoformat(timespec="seconds")


@functools.cache  # jdatetime is slow to convert, and a country's package names the same few years thousands of times
def fiscal_year_period(year: int) -> oc4ids.Period:
    """A Jalali fiscal year (1 Farvardin to the end of Esfand) in ISO dates, in Tehran's time."""
    first = jdatetime.date(year, 1, 1).togregorian()
    last = jdatetime.date(year + 1, 1, 1).togregorian() - datetime.timedelta(days=1)
    return oc4ids.Period(startDate=_day_start(first), endDate=_day_end(last))


def _directorate(placed: PlacedProject, directorates: dict[int, Agency],
                 settings: PackageSettings) -> oc4ids.OrganizationReference:
    """The project's directorate-general: its agency, else the one the settings name."""
    agency = directorates.get(placed.province.id)
    if agency is not None:
        return oc4ids.OrganizationReference(id=f"agency-{agency.id}", name=agency.name)
    return oc4ids.OrganizationReference(id=f"directorate-{placed.province.code}",
                                        name=settings.directorate.format(province=placed.province.name_fa))


def _parties(authority: oc4ids.OrganizationReference, partners: list[tuple[Partner, Agency]],
             lines: list[SourceLine]) -> list[oc4ids.Organization]:
    """The directorate (public authority), the partner agencies with their roles, and the funding sources."""
    roles: dict[str, list[str]] = {authority.id: ["publicAuthority"]}
    names = {authority.id: authority.name}
    for partner, agency in partners:
        party = f"agency-{agency.id}"
        names[party] = agency.name
        held = roles.setdefault(party, [])
        if ROLES[partner.role] not in held:
            held.append(ROLES[partner.role])
    for item in lines:
        party = f"source-{item.source.code}"
        names[party], roles[party] = item.source.name_fa, ["funder"]
    return [oc4ids.Organization(id=party, name=names[party], roles=held) for party, held in roles.items()]


def _budget(lines: list[SourceLine]) -> oc4ids.Budget | None:
    """The credit in rials: the approved total, and each figure by fiscal year and funding source."""
    if not lines:
        return None
    titles = {Figure.approved: _("Approved credit by fiscal year and funding source"),
              Figure.notified: _("Notified credit by fiscal year and funding source"),
              Figure.allocated: _("Allocated credit by fiscal year and funding source"),
              Figure.spent: _("Spent credit by fiscal year and funding source")}
    return oc4ids.Budget(
        description=_("Approved credit of the project, in rials; the breakdowns follow the credit from approval "
                      "to spending, by Jalali fiscal year and funding source."),
        amount=oc4ids.Value(amount=sum(item.line.approved for item in lines)),
        budgetBreakdowns=[
            oc4ids.BudgetBreakdowns(id=figure.value, description=titles[figure], budgetBreakdown=[
                oc4ids.BudgetBreakdown(
                    id=f"{figure.value}-{item.line.fiscal_year}-{item.source.code}",
                    amount=oc4ids.Value(amount=getattr(item.line, figure.value)),
                    period=fiscal_year_period(item.line.fiscal_year),
                    sourceParty=oc4ids.OrganizationReference(id=f"source-{item.source.code}",
                                                             name=item.source.name_fa),
                )
                for item in lines
            ])
            for figure in Figure
        ],
    )


def milestone_status(milestone: Milestone, today: datetime.date) -> str:
    """met; not met once dropped or past due while pending; else scheduled."""
    if milestone.state == MilestoneState.met:
        return "met"
    if milestone.state == MilestoneState.dropped or milestone.due_date < today:
        return "notMet"
    return "scheduled"


def _milestones(rows: list[Milestone], today: datetime.date) -> list[oc4ids.Milestone] | None:
    return [oc4ids.Milestone(id=str(m.id), title=m.title, dueDate=_day_start(m.due_date),
                             dateMet=_day_start(m.met_on) if m.met_on else None, status=milestone_status(m, today))
            for m in rows] or None


def _documents(rows: list[Brief], document_url: Callable[[Brief], str]) -> list[oc4ids.Document] | None:
    """Issued briefs as progress reports: their number and date, never whom they were for or who issued them."""
    return [oc4ids.Document(id=f"brief-{brief.id}", documentType="physicalProgressReport",
                            title=_("Status brief %(number)s", number=brief.number), url=document_url(brief),
                            datePublished=_moment(brief.generated_at))
            for brief in rows] or None


def _metrics(rows: list[ObservedProgress]) -> list[oc4ids.Metric] | None:
    """Physical progress as the visits observed it: the figure and the day only."""
    if not rows:
        return None
    return [oc4ids.Metric(id="physicalProgress", title=_("Physical progress"), observations=[
        oc4ids.Observation(id=str(row.visit_id), period=oc4ids.Period(startDate=_day_start(row.day),
                                                                      endDate=_day_end(row.day)),
                           measure=row.progress)
        for row in rows])]


def _location(placed: PlacedProject) -> oc4ids.Location:
    facility = placed.facility
    known = facility.latitude is not None and facility.longitude is not None
    return oc4ids.Location(
        id=f"facility-{facility.id}", description=facility.name,
        geometry=oc4ids.Point(coordinates=(facility.longitude, facility.latitude)) if known else None,
        address=oc4ids.Address(streetAddress=facility.address or None, locality=placed.county.name_fa,
                               region=placed.province.name_fa, countryName=COUNTRY),
    )


def build_package(session: Session, *, user: User | None, province: Province | None, uri: str,
                  settings: PackageSettings, document_url: Callable[[Brief], str]) -> oc4ids.Package | None:
    """The package of the projects the user sees (no user: the public ones, without briefs), of one province or
    all; None when it would hold no project (a package holds at least one)."""
    rows = projects.placed_projects(session, user=user, province_id=province.id if province else None)
    if not rows:
        return None
    ids = [row.project.id for row in rows]
    partners, lines = projects.partners_of(session, ids), budgets.lines_of(session, ids)
    steps, observed = milestones.milestones_of(session, ids), visits.observed_progress_of(session, ids)
    issued = briefs.briefs_of(session, ids) if user is not None else {}
    directorates, today = projects.directorates(session), clock.today()
    built = []
    for placed in rows:
        project = placed.project
        authority = _directorate(placed, directorates, settings)
        has_period = project.start_date or project.target_date
        built.append(oc4ids.Project(
            id=f"{settings.prefix}{project.id}",
            updated=_moment(project.updated_at),
            title=project.name,
            description=project.description or None,
            status=STATUS[project.status],
            period=oc4ids.Period(startDate=_day_start(project.start_date) if project.start_date else None,
                                 endDate=_day_end(project.target_date) if project.target_date else None)
            if has_period else None,
            locations=[_location(placed)],
            publicAuthority=authority,
            parties=_parties(authority, partners.get(project.id, []), lines.get(project.id, [])),
            budget=_budget(lines.get(project.id, [])),
            milestones=_milestones(steps.get(project.id, []), today),
            documents=_documents(issued.get(project.id, []), document_url),
            metrics=_metrics(observed.get(project.id, [])),
        ))
    publisher = settings.directorate.format(province=province.name_fa) if province else settings.ministry
    return oc4ids.Package(uri=uri, publisher=oc4ids.Publisher(name=publisher), publishedDate=_moment(clock.now()),
                          projects=built)

"""Loading the demo data set through the areas' own services; running it twice changes nothing."""
from sqlmodel import Session

from tracker.accounts import queries as account_queries
from tracker.accounts import services as accounts
from tracker.accounts.models import Role, User
from tracker.budgets import queries as budget_queries
from tracker.budgets import services as budgets
from tracker.budgets.models import Figure
from tracker.core.jalali import parse_jalali_date
from tracker.demo import data
from tracker.demo.milestones import load_milestones
from tracker.demo.visits import load_visits
from tracker.places import queries as places
from tracker.places import services as place_services
from tracker.projects import queries
from tracker.projects import services as projects
from tracker.projects.models import AgencyKind, FacilityKind, PartnerRole, ProjectStatus, Strategy


def _users(session: Session) -> User:
    for username, role, province, county, full_name, email, post in data.USERS:
        if account_queries.find_by_username(session, username) is None:
            accounts.create_user(session, username=username, password=data.DEMO_PASSWORD, role=Role(role),
                                 province=province, county=county, full_name=full_name, email=email, post=post)
    return account_queries.find_by_username(session, "admin")


def _places(session: Session) -> None:
    for province_name, name_fa, name_en, constituency_name in data.COUNTIES:
        province = places.find_province(session, province_name)
        constituency_id = None
        if constituency_name:
            constituency_id = place_services.ensure_constituency(
                session, province_id=province.id, name=constituency_name).id
        place_services.ensure_county(session, province_id=province.id, name_fa=name_fa, name_en=name_en,
                               constituency_id=constituency_id)


def _agencies(session: Session, admin: User) -> None:
    for name, kind, province_name, is_sample in data.AGENCIES:
        if queries.agency_by_name(session, name) is None:
            province = places.find_province(session, province_name) if province_name else None
            agency = projects.create_agency(session, actor=admin, data=projects.AgencyData(
                name=name, kind=AgencyKind(kind), province_id=province.id if province else None))
            agency.is_sample = is_sample


def _facilities(session: Session, admin: User) -> dict[str, int]:
    ids = {}
    for name, kind, county_name, is_sample in data.FACILITIES:
        county = next(c for c in places.counties(session) if c.name_fa == county_name)
        facility = queries.facility_by_name(session, county.id, name)
        if facility is None:
            facility = projects.create_facility(session, actor=admin, data=projects.FacilityData(
                name=name, kind=FacilityKind(kind), county_id=county.id))
            facility.is_sample = is_sample
        ids[name] = facility.id
    return ids


def _date(text: str | None):
    return parse_jalali_date(text) if text else None


def _projects(session: Session, admin: User, facility_ids: dict[str, int]) -> None:
    for spec in data.PROJECTS:
        if queries.project_by_name(session, spec["name"]) is not None:
            continue
        project = projects.create_project(session, actor=admin, data=projects.ProjectData(
            name=spec["name"], facility_id=facility_ids[spec["facility"]], status=ProjectStatus(spec["status"]),
            start_date=_date(spec.get("start_date")), target_date=_date(spec.get("target_date")),
            physical_progress=spec.get("physical_progress"), agreement=spec.get("agreement", ""),
            strategy=Strategy(spec["strategy"]) if spec.get("strategy") else None,
            description=spec.get("description", ""), is_sample=spec["is_sample"],
        ))
        for agency_name in spec["partners"]:
            agency = queries.agency_by_name(session, agency_name)
            projects.add_partner(session, actor=admin, project=project, data=projects.PartnerData(
                agency_id=agency.id, role=PartnerRole.party_to_agreement))


def _budgets(session: Session, admin: User) -> None:
    sources = {source.code: source for source in budget_queries.sources(session)}
    for name, year, code, *amounts in data.SAMPLE_BUDGETS:
        project = queries.project_by_name(session, name)
        if budget_queries.find_line(session, project.id, year, sources[code].id) is not None:
            continue
        for figure, amount in zip(Figure, amounts, strict=True):
            line = budget_queries.find_line(session, project.id, year, sources[code].id)
            budgets.change_figure(session, actor=admin, change=budgets.FigureChange(
                project_id=project.id, fiscal_year=year, source_id=sources[code].id, figure=figure, amount=amount,
                expected_version=line.version if line else 0, reason=data.SAMPLE_BUDGET_REASON))


def load_demo(session: Session) -> None:
    """Create whatever part of the demo data set is missing."""
    _places(session)
    admin = _users(session)
    _agencies(session, admin)
    _projects(session, admin, _facilities(session, admin))
    _budgets(session, admin)
    load_milestones(session, admin)
    load_visits(session)
    session.flush()

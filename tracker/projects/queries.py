"""Reads of the projects area, always within what the user may see."""
from dataclasses import dataclass

from sqlalchemy import exists, func, or_
from sqlmodel import Session, col, select

from tracker.accounts import permissions
from tracker.accounts.models import User
from tracker.core.audit import AuditEvent
from tracker.core.db import PERSIAN
from tracker.core.errors import NotFound
from tracker.core.numbers import whole_number
from tracker.core.paging import Page, clamp_page
from tracker.core.party import Party
from tracker.core.persian import normalize_search, search_terms
from tracker.places.models import Constituency, County, Province
from tracker.projects.models import Agency, AgencyKind, Facility, Partner, Project, ProjectStatus


def agencies(session: Session, user: User) -> list[Agency]:
    """The agencies the user sees: national ones and those of the user's province (every one for an admin)."""
    scope = permissions.scope(user, Agency.province_id, national=True)
    return list(session.exec(select(Agency).where(*scope).order_by(col(Agency.name).collate(PERSIAN))).all())


def agencies_in(session: Session, province_id: int) -> list[Agency]:
    """The agencies that work in a province: its own and the national ones, in Persian order."""
    query = (select(Agency).where(or_(col(Agency.province_id).is_(None), Agency.province_id == province_id))
             .order_by(col(Agency.name).collate(PERSIAN)))
    return list(session.exec(query).all())


def get_agency(session: Session, user: User, agency_id: int) -> Agency:
    """An agency the user may see, else NotFound."""
    agency = session.get(Agency, agency_id)
    if agency is None or not (agency.province_id is None or permissions.sees(user, agency.province_id)):
        raise NotFound
    return agency


def agency_by_name(session: Session, name: str) -> Agency | None:
    """The agency whose name reads the same as this one, however it was typed."""
    wanted = normalize_search(name)
    # Agencies number in the hundreds: comparing normalised names in Python is simple and cheap.
    return next((a for a in session.exec(select(Agency)).all() if normalize_search(a.name) == wanted), None)


@dataclass(frozen=True)
class FacilityRow:
    """A facility with its place names, for lists and choices."""

    facility: Facility
    county_name: str
    province_name: str


def facilities(session: Session, user: User) -> list[FacilityRow]:
    """The facilities in the user's scope, with county and province names."""
    query = (
        select(Facility, County.name_fa, Province.name_fa)
        .join(County, County.id == Facility.county_id)
        .join(Province, Province.id == County.province_id)
        .order_by(col(Province.name_fa).collate(PERSIAN), col(Facility.name).collate(PERSIAN))
    )
    query = query.where(*permissions.scope(user, County.province_id, County.id))
    return [FacilityRow(*row) for row in session.exec(query).all()]


def get_facility(session: Session, user: User, facility_id: int) -> Facility:
    """A facility the user may see, else NotFound."""
    facility = session.get(Facility, facility_id)
    if facility is None:
        raise NotFound
    county = session.get(County, facility.county_id)
    if not permissions.sees(user, county.province_id, county.id):
        raise NotFound
    return facility


def facility_by_name(session: Session, county_id: int, name: str) -> Facility | None:
    """The facility of a county whose name reads the same as this one."""
    wanted = normalize_search(name)
    same_county = session.exec(select(Facility).where(Facility.county_id == county_id)).all()
    return next((f for f in same_county if normalize_search(f.name) == wanted), None)


@dataclass
class ProjectFilters:
    """What the project list is narrowed to."""

    q: str = ""
    province_id: int | None = None
    county_id: int | None = None
    status: ProjectStatus | None = None
    agency_id: int | None = None
    page: int = 1

    def as_args(self, **changes) -> dict:
        """The query-string arguments that reproduce these filters."""
        values = {
            "q": self.q, "province": self.province_id, "county": self.county_id,
            "status": self.status.value if self.status else None, "agency": self.agency_id,
            "page": self.page,
        } | changes
        return {key: value for key, value in values.items() if value not in (None, "", 1)}


@dataclass(frozen=True)
class ProjectRow:
    """One line of the project list."""

    id: int
    slug: str
    name: str
    status: ProjectStatus
    physical_progress: int | None
    target_date: object
    is_sample: bool
    facility_name: str
    county_name: str
    province_name: str


def search_projects(session: Session, user: User, filters: ProjectFilters, page_size: int) -> Page[ProjectRow]:
    """The user's projects matching the filters, one page of them, newest change first."""
    clauses = permissions.scope(user, Project.province_id, Project.county_id)
    for term in search_terms(filters.q):
        clauses.append(col(Project.search_text).contains(term, autoescape=True))
    if filters.province_id:
        clauses.append(Project.province_id == filters.province_id)
    if filters.county_id:
        clauses.append(Project.county_id == filters.county_id)
    if filters.status:
        clauses.append(Project.status == filters.status)
    if filters.agency_id:
        clauses.append(
            exists().where(Partner.project_id == Project.id, Partner.agency_id == filters.agency_id)
        )
    total = session.exec(select(func.count()).select_from(Project).where(*clauses)).one()
    page = clamp_page(filters.page, total, page_size)
    query = (
        select(
            Project.id, Project.slug, Project.name, Project.status, Project.physical_progress,
            Project.target_date, Project.is_sample, Facility.name, County.name_fa, Province.name_fa,
        )
        .join(Facility, Facility.id == Project.facility_id)
        .join(County, County.id == Project.county_id)
        .join(Province, Province.id == Project.province_id)
        .where(*clauses)
        .order_by(col(Project.updated_at).desc(), col(Project.id).desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    rows = [ProjectRow(*row) for row in session.exec(query).all()]
    return Page(rows=rows, total=total, page=page, page_size=page_size)


def get_project(session: Session, user: User, ref: str | int) -> Project:
    """A project by id or slug that the user may see; NotFound otherwise, even if it exists."""
    # An id in Latin digits that a row can have; anything else ("²", "۱۲", 10^20) is read as a slug.
    if (number := whole_number(str(ref))) is not None:
        project = session.get(Project, number)
    else:
        project = session.exec(select(Project).where(Project.slug == str(ref).strip())).first()
    if project is None or not permissions.sees(user, project.province_id, project.county_id):
        raise NotFound
    return project


def project_by_name(session: Session, name: str) -> Project | None:
    """The project whose name reads the same as this one, however it was typed."""
    wanted = normalize_search(name)
    # name_key is the folded name cut to its column's length: an index lookup, then the whole name compared.
    candidates = session.exec(select(Project).where(Project.name_key == wanted[:200])).all()
    return next((p for p in candidates if normalize_search(p.name) == wanted), None)


def slug_taken(session: Session, slug: str) -> bool:
    """Whether a project already uses this slug."""
    return session.exec(select(Project.id).where(Project.slug == slug)).first() is not None


@dataclass(frozen=True)
class PartnerRow:
    """A partner of a project with its agency's name."""

    partner: Partner
    agency_name: str


@dataclass(frozen=True)
class ActivityRow:
    """One audit event on a project, with who made it."""

    event: AuditEvent
    actor_name: str


@dataclass(frozen=True)
class ProjectDetail:
    """Everything the project page shows."""

    project: Project
    facility: Facility
    county: County
    province: Province
    constituency: Constituency | None
    partners: list[PartnerRow]
    activity: list[ActivityRow]


def project_detail(session: Session, project: Project, activity_limit: int = 50) -> ProjectDetail:
    """The project with its place, partners and latest activity."""
    facility = session.get(Facility, project.facility_id)
    county = session.get(County, project.county_id)
    province = session.get(Province, project.province_id)
    constituency = session.get(Constituency, county.constituency_id) if county.constituency_id else None
    partners = [
        PartnerRow(partner, name)
        for partner, name in session.exec(
            select(Partner, Agency.name)
            .join(Agency, Agency.id == Partner.agency_id)
            .where(Partner.project_id == project.id)
            .order_by(col(Partner.id))
        ).all()
    ]
    activity = [
        ActivityRow(event, actor_name or username or "")
        for event, actor_name, username in session.exec(
            select(AuditEvent, User.full_name, User.username)
            .outerjoin(User, User.id == AuditEvent.actor_id)
            .where(AuditEvent.project_id == project.id)
            .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
            .limit(activity_limit)
        ).all()
    ]
    return ProjectDetail(project, facility, county, province, constituency, partners, activity)


@dataclass(frozen=True)
class PlacedProject:
    """A project with its facility, county and province."""

    project: Project
    facility: Facility
    county: County
    province: Province


def placed_projects(session: Session, *, user: User | None, province_id: int | None = None) -> list[PlacedProject]:
    """The projects a user sees (no user: those marked public), optionally of one province, with their places."""
    clauses = permissions.scope(user, Project.province_id, Project.county_id) if user else [col(Project.is_public)]
    if province_id is not None:
        clauses.append(Project.province_id == province_id)
    query = (
        select(Project, Facility, County, Province)
        .join(Facility, Facility.id == Project.facility_id)
        .join(County, County.id == Project.county_id)
        .join(Province, Province.id == Project.province_id)
        .where(*clauses)
        .order_by(col(Project.id))
    )
    return [PlacedProject(*row) for row in session.exec(query).all()]


def partners_of(session: Session, project_ids: list[int]) -> dict[int, list[tuple[Partner, Agency]]]:
    """The partners of several projects with their agencies, by project."""
    found: dict[int, list[tuple[Partner, Agency]]] = {}
    for partner, agency in session.exec(
        select(Partner, Agency).join(Agency, Agency.id == Partner.agency_id)
        .where(col(Partner.project_id).in_(project_ids)).order_by(col(Partner.id))
    ).all():
        found.setdefault(partner.project_id, []).append((partner, agency))
    return found


def directorates(session: Session) -> dict[int, Agency]:
    """Each province's directorate-general (the agency of kind directorate recorded first), by province id."""
    found: dict[int, Agency] = {}
    for agency in session.exec(select(Agency).where(Agency.kind == AgencyKind.directorate,
                                                    col(Agency.province_id).is_not(None)).order_by(col(Agency.id))):
        found.setdefault(agency.province_id, agency)
    return found


def get_partner(session: Session, project: Project, partner_id: int) -> Partner:
    """A partner of this project, else NotFound."""
    partner = session.get(Partner, partner_id)
    if partner is None or partner.project_id != project.id:
        raise NotFound
    return partner


@dataclass(frozen=True)
class People:
    """Who may be named at a visit or meeting of a province: its users and the agencies it sees."""

    users: list[User]
    agencies: list[Agency]

    def owner_groups(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """The values (Party values) and labels of a decision's owner select: ("agencies", …), ("users", …)."""
        return [("agencies", [(Party(agency_id=a.id).value, a.name) for a in self.agencies]),
                ("users", [(Party(user_id=u.id).value, u.full_name or u.username) for u in self.users])]

    def owner_choices(self) -> list[tuple[str, str]]:
        """The values and labels of a decision's owner select (agencies, then users), ungrouped."""
        return [choice for _group, choices in self.owner_groups() for choice in choices]


def people(session: Session, province_id: int) -> People:
    """The active users of a province and the agencies seen there (national ones too), in Persian order."""
    users = session.exec(
        select(User).where(User.province_id == province_id, col(User.active).is_(True))
        .order_by(col(User.full_name).collate(PERSIAN), col(User.username))
    ).all()
    return People(list(users), agencies_in(session, province_id))


def names(session: Session) -> list[str]:
    """Every project's name, in every province: names are unique across the country, so a duplicate is one anywhere."""
    return list(session.exec(select(Project.name)).all())


def seen_names(session: Session, user: User) -> list[tuple[int, str, str]]:
    """The id, name and slug of every project the user sees."""
    query = select(Project.id, Project.name, Project.slug).where(
        *permissions.scope(user, Project.province_id, Project.county_id))
    return [tuple(row) for row in session.exec(query).all()]


def facilities_of(session: Session, county_id: int) -> list[Facility]:
    """The facilities of one county."""
    return list(session.exec(select(Facility).where(Facility.county_id == county_id)).all())

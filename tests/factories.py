"""Factories that keep tests short: make.project(name=...), make.user(role=...)."""
import itertools

from sqlmodel import select
from werkzeug.security import generate_password_hash

from tracker.accounts.models import Role, User
from tracker.budgets import queries as budget_queries
from tracker.budgets import services as budgets
from tracker.budgets.models import BudgetLine, Figure, FundingSource
from tracker.projects import queries
from tracker.projects import services as projects
from tracker.projects.models import AgencyKind, FacilityKind, PartnerRole, ProjectStatus

PASSWORD = "correct-horse-1404"
# One scrypt hash for every test user: hashing per user would dominate the run time.
_PASSWORD_HASH = generate_password_hash(PASSWORD)
_numbers = itertools.count(1)


class Factories:
    """Make valid records with as few arguments as a test needs."""

    def __init__(self, session):
        self.session = session
        self._admin = None

    @property
    def admin(self) -> User:
        if self._admin is None:
            self._admin = self.user(role=Role.admin, province=None)
        return self._admin

    def province(self, name: str = "Fars"):
        return queries.find_province(self.session, name)

    def county(self, name_fa: str = "کازرون", province: str = "Fars", name_en: str = ""):
        return projects.ensure_county(self.session, province_id=self.province(province).id,
                                      name_fa=name_fa, name_en=name_en)

    def user(self, role: Role = Role.director, province: str | None = "Fars", county: str | None = None,
             **fields) -> User:
        number = next(_numbers)
        user = User(
            username=fields.pop("username", f"user{number}"), password_hash=_PASSWORD_HASH, role=role,
            province_id=self.province(province).id if province else None,
            county_id=self.county(county, province).id if county else None, **fields,
        )
        self.session.add(user)
        self.session.flush()
        return user

    def facility(self, name: str | None = None, county: str = "کازرون", province: str = "Fars", **fields):
        data = projects.FacilityData(
            name=name or f"مجموعه ورزشی {next(_numbers)}", kind=fields.pop("kind", FacilityKind.pool),
            county_id=self.county(county, province).id, **fields)
        return projects.create_facility(self.session, actor=self.admin, data=data)

    def agency(self, name: str | None = None, province: str | None = "Fars", kind=AgencyKind.other):
        data = projects.AgencyData(name=name or f"دستگاه {next(_numbers)}", kind=kind,
                                   province_id=self.province(province).id if province else None)
        return projects.create_agency(self.session, actor=self.admin, data=data)

    def project(self, name: str | None = None, facility=None, county: str = "کازرون", province: str = "Fars",
                **fields):
        facility = facility or self.facility(county=county, province=province)
        data = projects.ProjectData(
            name=name or f"بهسازی پروژه {next(_numbers)}", facility_id=facility.id,
            status=fields.pop("status", ProjectStatus.planned), **fields)
        return projects.create_project(self.session, actor=self.admin, data=data)

    def partner(self, project, agency=None, role=PartnerRole.party_to_agreement, **fields):
        agency = agency or self.agency()
        data = projects.PartnerData(agency_id=agency.id, role=role, **fields)
        return projects.add_partner(self.session, actor=self.admin, project=project, data=data)

    def source(self, code: str = "national") -> FundingSource:
        """One of the funding sources the budgets migration seeds (national, provincial, mp, ...)."""
        return self.session.exec(select(FundingSource).where(FundingSource.code == code)).one()

    def budget(self, project, year: int = 1405, source: FundingSource | str = "national", actor: User | None = None,
               reason: str = "ثبت اولیه", **figures: int) -> BudgetLine:
        """A budget line with the given figures, each set through the service in the order credit moves."""
        unknown = set(figures) - set(Figure)
        if unknown or not figures:
            raise TypeError(f"give one or more of {[f.value for f in Figure]}, not {sorted(unknown)}")
        source = self.source(source) if isinstance(source, str) else source
        actor = actor or self.admin
        line = budget_queries.find_line(self.session, project.id, year, source.id)
        for figure in Figure:
            if figure.value in figures:
                entry = budgets.change_figure(self.session, actor=actor, change=budgets.FigureChange(
                    project_id=project.id, fiscal_year=year, source_id=source.id, figure=figure,
                    amount=figures[figure.value], expected_version=line.version if line else 0, reason=reason))
                line = self.session.get(BudgetLine, entry.line_id)
        return line

"""Factories that keep tests short: make.project(name=...), make.user(role=...)."""
import itertools
import uuid
from datetime import date

from sqlmodel import select
from werkzeug.security import generate_password_hash

from tracker.accounts.models import Role, User
from tracker.budgets import queries as budget_queries
from tracker.budgets import services as budgets
from tracker.budgets.models import BudgetLine, Figure, FundingSource
from tracker.core import clock
from tracker.decisions import services as decision_services
from tracker.decisions.models import Decision
from tracker.meetings import services as meeting_services
from tracker.places import queries as places
from tracker.places import services as place_services
from tracker.projects import services as projects
from tracker.projects.models import AgencyKind, FacilityKind, PartnerRole, ProjectStatus
from tracker.visits import services as visits

PASSWORD = "correct-horse-1404"
# One scrypt hash for every test user: hashing per user would dominate the run time.
_PASSWORD_HASH = generate_password_hash(PASSWORD)
_numbers = itertools.count(1)


class Factories:
    """Make valid records with as few arguments as a test needs."""

    def __init__(self, session, photos: visits.PhotoStorage | None = None):
        self.session = session
        self.photos = photos  # where make.visit stores photos: the test's own folder (see the make fixture)
        self._admin = None

    @property
    def admin(self) -> User:
        if self._admin is None:
            self._admin = self.user(role=Role.admin, province=None)
        return self._admin

    def province(self, name: str = "Fars"):
        return places.find_province(self.session, name)

    def county(self, name_fa: str = "کازرون", province: str = "Fars", name_en: str = ""):
        return place_services.ensure_county(self.session, province_id=self.province(province).id,
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

    def visit(self, project=None, author: User | None = None, storage=None, now=None, **fields):
        """A site visit logged through the service; a note unless the test gives content of its own."""
        project = project or self.project()
        fields.setdefault("visited_on", clock.today(now))
        if not any(fields.get(k) for k in ("observed_progress", "notes", "problems", "photos", "decisions")):
            fields["notes"] = "بازدید از روند پیشرفت"
        data = visits.VisitData(id=fields.pop("id", None) or uuid.uuid4(), **fields)
        return visits.create_visit(self.session, actor=author or self.admin, project=project, data=data,
                                   storage=self.photos if storage is None else storage, now=now)

    def decision(self, project=None, text: str = "تأمین اعتبار مورد نیاز", owner=None, due_date=None,
                 author: User | None = None, **visit_fields):
        """A decision taken at a new visit; owned by a new national agency unless an owner (user or agency) is given."""
        owner = owner or self.agency(province=None)
        data = decision_services.DecisionData(
            text=text, due_date=due_date or date(2026, 3, 20),
            owner_user_id=owner.id if isinstance(owner, User) else None,
            owner_agency_id=None if isinstance(owner, User) else owner.id)
        visit = self.visit(project, author=author, decisions=(data,), **visit_fields)
        return self.session.exec(select(Decision).where(Decision.visit_id == visit.id)).one()

    def meeting(self, author: User | None = None, body: str = "کارگروه اشتغال شهرستان کازرون", now=None, **fields):
        """A meeting recorded through the service, in the author's province (Fars for the admin)."""
        author = author or self.admin
        if author.is_admin:
            fields.setdefault("province_id", self.province().id)
        fields.setdefault("held_on", clock.today(now))
        data = meeting_services.MeetingData(id=fields.pop("id", None) or uuid.uuid4(), body=body, **fields)
        return meeting_services.create_meeting(self.session, actor=author, data=data, now=now)

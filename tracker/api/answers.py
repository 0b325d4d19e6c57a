"""What the areas' queries return, turned into the API's typed answers (tracker.api.schemas)."""
from datetime import date, datetime

from flask import url_for

from tracker.api import schemas
from tracker.budgets.queries import HistoryRow, ProjectBudget
from tracker.core import clock
from tracker.core.jalali import jalali_iso, jalali_iso_datetime
from tracker.core.paging import Page
from tracker.decisions.queries import DecisionRow
from tracker.milestones.queries import MilestoneRow
from tracker.projects.models import Project
from tracker.projects.queries import ProjectDetail, ProjectRow
from tracker.visits.models import Photo, Visit
from tracker.visits.queries import AttendeeRow, VisitDetail


def _jalali(day: date | None) -> str | None:
    return jalali_iso(day) if day else None


def dated(name: str, day: date | None) -> dict:
    """A date field and its Jalali twin: {"visited_on": date, "visited_on_jalali": "1405-09-02"}."""
    return {name: day, f"{name}_jalali": _jalali(day)}


def timed(name: str, moment: datetime) -> dict:
    """A moment in UTC (SQLite gives it back without its zone) and its Jalali twin in Tehran time."""
    return {name: clock.utc(moment), f"{name}_jalali": jalali_iso_datetime(moment)}


def _paged(page: Page) -> dict:
    return {"page": page.page, "per_page": page.page_size, "pages": page.pages, "total": page.total,
            "next_page": page.page + 1 if page.page < page.pages else None}


def project_ref(project: Project) -> schemas.ProjectRef:
    """The project a record belongs to."""
    return schemas.ProjectRef(id=project.id, slug=project.slug, name=project.name)


def project_list(page: Page[ProjectRow]) -> schemas.ProjectList:
    """A page of the project list."""
    items = [
        schemas.ProjectSummary(
            id=row.id, slug=row.slug, name=row.name, status=row.status, physical_progress=row.physical_progress,
            **dated("target_date", row.target_date), facility=row.facility_name, county=row.county_name,
            province=row.province_name)
        for row in page.rows
    ]
    return schemas.ProjectList(items=items, **_paged(page))


def project_detail(detail: ProjectDetail) -> schemas.ProjectDetail:
    """A project with its place, facility and partners."""
    project, facility = detail.project, detail.facility
    return schemas.ProjectDetail(
        id=project.id, slug=project.slug, name=project.name, status=project.status, strategy=project.strategy,
        physical_progress=project.physical_progress, **dated("start_date", project.start_date),
        **dated("target_date", project.target_date), agreement=project.agreement, description=project.description,
        facility=schemas.Facility(id=facility.id, name=facility.name, kind=facility.kind, address=facility.address,
                                  latitude=facility.latitude, longitude=facility.longitude),
        county=schemas.Place(id=detail.county.id, name=detail.county.name_fa, name_en=detail.county.name_en),
        province=schemas.Place(id=detail.province.id, name=detail.province.name_fa, name_en=detail.province.name_en),
        constituency=detail.constituency.name if detail.constituency else None,
        partners=[schemas.Partner(agency=row.agency_name, role=row.partner.role, commitment=row.partner.commitment,
                                  **dated("due_date", row.partner.due_date), state=row.partner.state)
                  for row in detail.partners],
    )


def project_budget(project: Project, budget: ProjectBudget) -> schemas.ProjectBudget:
    """A project's budget lines with their current figures."""
    lines = [
        schemas.BudgetLine(
            id=item.line.id, fiscal_year=year.fiscal_year,
            source=schemas.Source(code=item.source.code, name=item.source.name_fa, name_en=item.source.name_en),
            approved=item.line.approved, notified=item.line.notified, allocated=item.line.allocated,
            spent=item.line.spent, absorption_percent=item.absorption, **timed("updated_at", item.line.updated_at))
        for year in budget.years for item in year.lines
    ]
    return schemas.ProjectBudget(project=project_ref(project), lines=lines)


def ledger(line_id: int, history: list[HistoryRow]) -> schemas.Ledger:
    """A budget line's ledger."""
    items = [
        schemas.LedgerEntry(
            version=row.entry.version, figure=row.entry.figure, from_amount=row.entry.from_amount,
            to_amount=row.entry.to_amount, reason=row.entry.reason, letter_number=row.entry.letter_number,
            **dated("letter_date", row.entry.letter_date), by=row.actor_name, **timed("at", row.entry.at))
        for row in history
    ]
    return schemas.Ledger(line_id=line_id, items=items)


def visit_list(project: Project, visits: list[Visit]) -> schemas.VisitList:
    """A project's visits."""
    items = [schemas.VisitSummary(id=v.id, **dated("visited_on", v.visited_on), observed_progress=v.observed_progress)
             for v in visits]
    return schemas.VisitList(project=project_ref(project), items=items)


def _attendee(row: AttendeeRow) -> schemas.Attendee:
    attendee = row.attendee
    name = row.user_name if row.kind == "user" else attendee.guest_name if row.kind == "guest" else row.agency_name
    return schemas.Attendee(kind=row.kind, name=name, title=attendee.guest_title,
                            agency=row.agency_name if row.kind != "agency" else "")


def _photo(photo: Photo) -> schemas.Photo:
    # The display and thumbnail copies only, which the same token fetches: never the original file.
    return schemas.Photo(
        id=photo.id, caption=photo.caption, width=photo.width, height=photo.height,
        display_url=url_for("api.photo", photo_id=photo.id, variant="display", _external=True),
        thumbnail_url=url_for("api.photo", photo_id=photo.id, variant="thumb", _external=True))


def decision(row: DecisionRow) -> schemas.Decision:
    """A decision with its owner, project and occasion."""
    d = row.decision
    kind, occasion_id = ("visit", d.visit_id) if d.visit_id else ("meeting", d.meeting_id)
    occasion = schemas.Occasion(kind=kind, id=occasion_id, **dated("day", row.occasion.day if row.occasion else None),
                                body=row.occasion.body if row.occasion else "")
    project = (schemas.ProjectRef(id=d.project_id, slug=row.project_slug, name=row.project_name)
               if d.project_id else None)
    return schemas.Decision(id=d.id, text=d.text, state=d.state, **dated("due_date", d.due_date),
                            overdue=row.overdue, owner=row.owner_name, project=project, occasion=occasion)


def decision_list(page: Page[DecisionRow]) -> schemas.DecisionList:
    """A page of decisions."""
    return schemas.DecisionList(items=[decision(row) for row in page.rows], **_paged(page))


def visit_detail(detail: VisitDetail) -> schemas.VisitDetail:
    """A visit with who came, its photos and its decisions."""
    visit = detail.visit
    return schemas.VisitDetail(
        id=visit.id, project=project_ref(detail.project), **dated("visited_on", visit.visited_on),
        observed_progress=visit.observed_progress, notes=visit.notes, problems=visit.problems,
        latitude=visit.latitude, longitude=visit.longitude, author=detail.author_name,
        attendees=[_attendee(row) for row in detail.attendees], photos=[_photo(photo) for photo in detail.photos],
        decisions=[decision(row) for row in detail.decisions])


def milestone_list(project: Project, rows: list[MilestoneRow]) -> schemas.MilestoneList:
    """A project's milestones."""
    items = [
        schemas.Milestone(id=row.milestone.id, title=row.milestone.title, state=row.milestone.state,
                          **dated("due_date", row.milestone.due_date), **dated("met_on", row.milestone.met_on),
                          overdue=row.overdue, responsible=row.responsible_name)
        for row in rows
    ]
    return schemas.MilestoneList(project=project_ref(project), items=items)

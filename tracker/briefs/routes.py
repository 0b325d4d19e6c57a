"""URL rules and thin views of the briefs area: previews, issuing, downloads and the constituency page."""
from pathlib import Path

from flask import Blueprint, Response, current_app, send_file, url_for
from flask_login import current_user, login_required

from tracker.accounts import permissions
from tracker.accounts.permissions import Action
from tracker.briefs import queries, render, services
from tracker.briefs.forms import IssueForm, LetterSettingsForm
from tracker.core import clock
from tracker.core.db import get_session
from tracker.core.errors import NotFound
from tracker.core.htmx import form_view, is_htmx, redirect_to
from tracker.core.htmx import render as render_page
from tracker.core.storage import send_stored
from tracker.projects import queries as projects
from tracker.projects import sections

bp = Blueprint("briefs", __name__)


@bp.before_request
@login_required
def require_login():
    """Every page of this area needs a logged-in user."""


@bp.app_template_global()
def issue_form():
    """An empty form to issue a brief, for the brief sections of pages."""
    return IssueForm(formdata=None)


def _settings() -> services.BriefSettings:
    return services.BriefSettings.from_config(current_app.config)


def _web_media(settings: services.BriefSettings) -> services.Media:
    def photo_src(photo) -> str:
        return url_for("visits.photo", photo_id=photo.id, variant="display")

    return services.Media(url_for("briefs.logo") if settings.logo else None, photo_src,
                          url_for("briefs.stylesheet"))


def _signer(province_id: int, county_id: int | None = None):
    """Who a preview is signed by: the user, when they may issue it (a viewer's name would sign nothing)."""
    return current_user if permissions.may(current_user, Action.issue_brief, province_id, county_id) else None


@bp.get("/")
def index():
    """The constituencies the user sees whole, each with its page and brief."""
    session = get_session()
    return render_page("briefs/index.html", constituencies=queries.constituencies(session, current_user),
                       directorates=queries.directorates(session, current_user))


@bp.route("/letters/<province>", methods=["GET", "POST"])
def letter_settings(province: str):
    """How a directorate's briefs read as its letters, for an administrator or a director of the province."""
    session = get_session()
    directorate = queries.get_directorate(session, current_user, province)
    own = queries.letter_settings(session, directorate.id)
    form = LetterSettingsForm(obj=own)

    def save(form):
        services.save_letter_settings(session, actor=current_user, province=directorate, data=services.LetterData(
            form.invocation.data, form.directorate.data or "", form.copies.data or ""))
        return url_for("briefs.index")

    return form_view(form, save, "briefs/letter_settings.html", "briefs/_letter_settings.html",
                     directorate=directorate, default_name=services.directorate_name(_settings(), directorate))


@bp.get("/projects/<ref>/preview")
def preview_project(ref: str):
    """A project's brief as HTML in the browser, before it is issued."""
    session = get_session()
    project = projects.get_project(session, current_user, ref)
    settings = _settings()
    return services.project_document(
        session, project, settings, _web_media(settings), number=None, generated_at=clock.now(), for_whom="",
        signer=_signer(project.province_id, project.county_id),
        back_url=url_for("projects.show", ref=project.slug) + "#briefs")


@bp.post("/projects/<ref>")
def issue_project(ref: str):
    """Issue a project's brief: the form again with a download link (htmx), or back to the project page."""
    session = get_session()
    project = projects.get_project(session, current_user, ref)
    permissions.require(current_user, Action.issue_brief, project.province_id, project.county_id)

    def issue(for_whom: str):
        return services.issue_project_brief(session, actor=current_user, project=project, for_whom=for_whom,
                                            settings=_settings())

    return _issue_view(issue, url_for("briefs.issue_project", ref=project.slug),
                       url_for("projects.show", ref=project.slug) + "#briefs",
                       lambda: queries.project_briefs(session, project))


@bp.get("/constituencies/<int:constituency_id>")
def constituency(constituency_id: int):
    """A constituency's page: its counties' projects, its brief and the briefs issued on it."""
    session = get_session()
    constituency = queries.get_constituency(session, current_user, constituency_id)
    return render_page("briefs/constituency_page.html",
                       brief=queries.constituency_brief(session, constituency, clock.today()),
                       issued_briefs=queries.constituency_briefs(session, constituency))


@bp.get("/constituencies/<int:constituency_id>/preview")
def preview_constituency(constituency_id: int):
    """A constituency's brief as HTML in the browser, before it is issued."""
    session = get_session()
    constituency = queries.get_constituency(session, current_user, constituency_id)
    settings = _settings()
    return services.constituency_document(
        session, constituency, settings, _web_media(settings), number=None, generated_at=clock.now(), for_whom="",
        signer=_signer(constituency.province_id),
        back_url=url_for("briefs.constituency", constituency_id=constituency.id))


@bp.post("/constituencies/<int:constituency_id>")
def issue_constituency(constituency_id: int):
    """Issue a constituency's brief."""
    session = get_session()
    constituency = queries.get_constituency(session, current_user, constituency_id)
    permissions.require(current_user, Action.issue_brief, constituency.province_id)

    def issue(for_whom: str):
        return services.issue_constituency_brief(session, actor=current_user, constituency=constituency,
                                                 for_whom=for_whom, settings=_settings())

    return _issue_view(issue, url_for("briefs.issue_constituency", constituency_id=constituency.id),
                       url_for("briefs.constituency", constituency_id=constituency.id) + "#briefs",
                       lambda: queries.constituency_briefs(session, constituency))


def _issue_view(issue, issue_url: str, done_url: str, issued_briefs):
    """Validate the form and issue; htmx gets the form back with a download link and the list out of band."""
    form = IssueForm()
    page, fragment = "briefs/issued.html", "briefs/_issued.html"
    context = {"issue_url": issue_url, "back_url": done_url}

    def done(issued):
        if not is_htmx():
            return redirect_to(done_url)
        return render_page(page, fragment, form=form, issued=issued, issued_briefs=issued_briefs(), **context)

    return form_view(form, lambda form: issue(form.for_whom.data or ""), page, fragment, done=done, issued=None,
                     issued_briefs=issued_briefs(), **context)


@bp.get("/<int:brief_id>/download")
def download(brief_id: int):
    """An issued brief's PDF, as archived."""
    brief = queries.get_brief(get_session(), current_user, brief_id)
    return send_stored(_settings().briefs, brief.file_path, mimetype="application/pdf", etag=brief.sha256,
                       as_attachment=True, download_name=f"brief-{brief.year}-{brief.sequence}.pdf")


@bp.get("/brief.css")
def stylesheet():
    """The print stylesheet for the previews, fonts served by the app (the CSP refuses inline styles)."""
    return Response(render.web_stylesheet(), mimetype="text/css")


@bp.get("/logo")
def logo():
    """The directorate's logo (TRACKER_BRIEF_LOGO), for the preview."""
    logo = _settings().logo
    if not logo or not Path(logo).is_file():
        raise NotFound
    return send_file(Path(logo).resolve())


sections.register_section(sections.Section(
    "briefs", "briefs/_project_section.html", 50,
    lambda session, user, project: {"issued_briefs": queries.project_briefs(session, project),
                                    "sees_constituency": queries.sees_project_constituency(session, user, project)}))

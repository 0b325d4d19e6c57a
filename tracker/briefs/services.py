"""Issuing status briefs: gather live data, render the PDF, archive it with its number, hash and who asked."""
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from tracker.accounts import permissions
from tracker.accounts.models import User
from tracker.accounts.permissions import Action
from tracker.briefs import queries, render
from tracker.briefs.models import Brief, BriefKind, LetterSettings
from tracker.briefs.qr import qr_data_uri
from tracker.budgets.chart import budget_chart_html
from tracker.budgets.models import Figure
from tracker.core import clock
from tracker.core.audit import record_change, snapshot
from tracker.core.config import PROJECT_ROOT
from tracker.core.errors import InvalidInput, NotFound
from tracker.core.i18n import current_language, gettext, text_direction
from tracker.core.i18n import lazy_gettext as _l
from tracker.core.jalali import jalali_year, number_in_locale
from tracker.core.links import unset_base_url
from tracker.core.storage import Storage, storage_for
from tracker.places.models import Constituency, Province
from tracker.projects.models import Project
from tracker.visits.models import Photo
from tracker.visits.photos import photo_key

FOR_WHOM_MAX = 300
# The key of a refusal that belongs to no field: the issue form shows it beside its button.
BASE_URL_ERROR = "base_url"
MILESTONE_LABELS = {"met": _l("Met"), "upcoming": _l("Upcoming"), "overdue": _l("Overdue"), "dropped": _l("Dropped")}
KIND_LETTERS = {BriefKind.project: "پ", BriefKind.constituency: "ح"}
# Two people issuing in the same province at the same moment compete for a number; the loser renders again.
NUMBER_ATTEMPTS = 3
STATIC = PROJECT_ROOT / "tracker" / "static"


@dataclass(frozen=True)
class BriefSettings:
    """The settings a brief is made with (TRACKER_BRIEF* and TRACKER_BASE_URL)."""

    briefs: Storage  # the archive of issued PDFs
    base_url: str
    directorate: str
    logo: str
    number_format: str
    classification: str
    uploads: Storage  # the photos a brief shows
    demo: bool = False

    @classmethod
    def from_config(cls, config) -> "BriefSettings":
        """The settings of an app's configuration."""
        return cls(storage_for(config, "briefs"), config["BASE_URL"].rstrip("/"), config["BRIEF_DIRECTORATE"],
                   config["BRIEF_LOGO"], config["BRIEF_NUMBER_FORMAT"], config["BRIEF_CLASSIFICATION"],
                   storage_for(config, "uploads"), config["DEMO"])

    def check_links(self) -> None:
        """Refuse to issue while the QR code would point at this machine (the form shows why, by its button)."""
        if (refusal := unset_base_url(self.base_url, self.demo)) is not None:
            raise InvalidInput({BASE_URL_ERROR: refusal})

    def number(self, *, year: int, seq: int, province: Province, kind: BriefKind) -> str:
        """A brief's number by the configured scheme."""
        try:
            return self.number_format.format(year=year, seq=seq, province=province.code, kind=KIND_LETTERS[kind])
        except (KeyError, IndexError, ValueError) as error:
            raise RuntimeError(f"TRACKER_BRIEF_NUMBER_FORMAT {self.number_format!r} is not a valid scheme: {error!r}; "
                               "use {year}, {seq}, {province} and {kind}") from None

    def project_url(self, project: Project) -> str:
        """The project's page, for the QR code (by id: shorter than the Persian slug)."""
        return f"{self.base_url}/projects/{project.id}"

    def constituency_url(self, constituency: Constituency) -> str:
        """The constituency's page, for the QR code."""
        return f"{self.base_url}/briefs/constituencies/{constituency.id}"


@dataclass(frozen=True)
class Recipient:
    """Who a brief goes to by default: the member of parliament of the constituency it is about."""

    mp_name: str
    counties: str  # «کازرون و کوه‌چنار»


@dataclass(frozen=True)
class Signer:
    """The signature block: the name and post of the person issuing (their post is set on their account)."""

    name: str
    post: str


@dataclass(frozen=True)
class Letter:
    """The letterhead and footer of one brief: who it is from and for, its number, when it was made."""

    directorate: str
    classification: str
    logo_src: str | None
    number: str | None  # None in a preview: numbers are given on issue
    generated_at: datetime
    for_whom: str
    qr_src: str
    invocation: bool = False  # «بسمه‌تعالی» at the top, where the directorate wants it
    recipient: Recipient | None = None  # the addressee when for_whom is empty
    signer: Signer | None = None
    copies: tuple[str, ...] = ()  # «رونوشت»


@dataclass(frozen=True)
class Media:
    """Where a brief's images come from: files for print, the app's URLs for the browser's preview."""

    logo_src: str | None
    photo_src: Callable[[Photo], str | None]  # the photo's display copy (1600 px), None when its file is gone
    stylesheet_url: str | None  # linked from a preview; a PDF gets the cached print stylesheet


def print_media(settings: BriefSettings) -> Media:
    """Images for WeasyPrint: the stored display copies (never resized per brief), read from the uploads store."""
    def photo_src(photo: Photo) -> str | None:
        key = photo_key(photo.sha256, photo.original_ext, "display")
        return render.stored_url(key) if settings.uploads.exists(key) else None

    return Media(Path(settings.logo).resolve().as_uri() if settings.logo else None, photo_src, None)


def isolated(number: str) -> str:
    """A brief's number between LEFT-TO-RIGHT ISOLATE and POP DIRECTIONAL ISOLATE, for plain text (activity lines,
    emails) where no <bdi> can keep a right-to-left line from reversing «۱۴۰۵/۱/گ» into «گ/۱۴۰۵/۱»."""
    return f"\u2066{number}\u2069"


def check_for_whom(for_whom: str) -> str:
    """The addressee as typed, trimmed; too long is refused before anything is rendered."""
    for_whom = " ".join(for_whom.split())
    if len(for_whom) > FOR_WHOM_MAX:
        raise InvalidInput({"for_whom": _l("At most %(max)s characters.", max=number_in_locale(FOR_WHOM_MAX))})
    return for_whom


def persian_list(names: list[str]) -> str:
    """Names joined as Persian writes a list: «الف، ب و پ»."""
    return " و ".join(filter(None, ["، ".join(names[:-1]), *names[-1:]]))


def recipient_of(session: Session, constituency: Constituency | None) -> Recipient | None:
    """The member of parliament of a constituency, named by the counties they represent; None without one."""
    if constituency is None:
        return None
    counties = queries.constituency_counties(session, constituency)
    return Recipient(constituency.mp_name, persian_list([county.name_fa for county in counties]))


def _letter(session: Session, settings: BriefSettings, media: Media, province: Province, *, number: str | None,
            generated_at: datetime, for_whom: str, page_url: str, constituency: Constituency | None,
            signer: User | None) -> Letter:
    own = queries.letter_settings(session, province.id) or LetterSettings(province_id=province.id)
    return Letter(own.directorate or directorate_name(settings, province), settings.classification, media.logo_src,
                  number, generated_at, for_whom, qr_data_uri(page_url), own.invocation,
                  recipient_of(session, constituency),
                  Signer(signer.full_name or signer.username, signer.post) if signer else None,
                  tuple(own.copy_lines))


def directorate_name(settings: BriefSettings, province: Province) -> str:
    """The directorate's name by TRACKER_BRIEF_DIRECTORATE, unless its letter settings give another."""
    return settings.directorate.format(province=province.name_fa)


def project_document(session: Session, project: Project, settings: BriefSettings, media: Media, *,
                     number: str | None, generated_at: datetime, for_whom: str, signer: User | None = None,
                     **extra) -> str:
    """The HTML of a project's brief, signed by who issues it."""
    item = queries.project_brief(session, project, clock.today(generated_at))
    letter = _letter(session, settings, media, item.detail.province, number=number, generated_at=generated_at,
                     for_whom=for_whom, page_url=settings.project_url(project),
                     constituency=item.detail.constituency, signer=signer)
    return render.html("briefs/project.html", item=item, letter=letter, **_common(media), **extra)


def constituency_document(session: Session, constituency: Constituency, settings: BriefSettings, media: Media, *,
                          number: str | None, generated_at: datetime, for_whom: str, signer: User | None = None,
                          **extra) -> str:
    """The HTML of a constituency's brief: the cover table, then a section per project."""
    brief = queries.constituency_brief(session, constituency, clock.today(generated_at))
    letter = _letter(session, settings, media, brief.province, number=number, generated_at=generated_at,
                     for_whom=for_whom, page_url=settings.constituency_url(constituency),
                     constituency=constituency, signer=signer)
    return render.html("briefs/constituency.html", brief=brief, letter=letter,
                       project_qr=lambda project: qr_data_uri(settings.project_url(project)), **_common(media), **extra)


@dataclass(frozen=True)
class PreviewBar:
    """The preview's bar in the reader's UI language (the brief under it is Persian whatever the UI reads)."""

    language: str
    direction: str
    back: str
    note: str


def preview_bar() -> PreviewBar:
    """The bar's words, translated now, before the brief is rendered in Persian."""
    return PreviewBar(current_language(), text_direction(), gettext("Back"),
                      gettext("Preview: not issued yet. The number is given when the brief is issued."))


def _common(media: Media) -> dict:
    return {"preview_bar": preview_bar() if media.stylesheet_url is not None else None,
            "chart": lambda by_source: budget_chart_html(by_source, render.LANGUAGE), "Figure": Figure,
            "printable": lambda photos: [(photo, src) for photo in photos if (src := media.photo_src(photo))],
            "milestone_labels": MILESTONE_LABELS, "preview": media.stylesheet_url is not None,
            "stylesheet_url": media.stylesheet_url}


def issue_project_brief(session: Session, *, actor: User, project: Project, for_whom: str,
                        settings: BriefSettings, now: datetime | None = None) -> Brief:
    """Render a project's brief as PDF, archive it and record who issued it for whom."""
    permissions.require(actor, Action.issue_brief, project.province_id, project.county_id)
    for_whom = check_for_whom(for_whom)
    province = session.get(Province, project.province_id)

    def document(number: str, generated_at: datetime) -> str:
        return project_document(session, project, settings, print_media(settings), number=number,
                                generated_at=generated_at, for_whom=for_whom, signer=actor)

    return _issue(session, actor=actor, kind=BriefKind.project, province=province, for_whom=for_whom,
                  settings=settings, now=now, document=document, project_id=project.id, summary=project.name)


def issue_constituency_brief(session: Session, *, actor: User, constituency: Constituency, for_whom: str,
                             settings: BriefSettings, now: datetime | None = None) -> Brief:
    """Render a constituency's brief as PDF, archive it and record who issued it for whom."""
    if not queries.may_see_constituency(session, actor, constituency):
        raise NotFound
    permissions.require(actor, Action.issue_brief, constituency.province_id)
    for_whom = check_for_whom(for_whom)
    province = session.get(Province, constituency.province_id)

    def document(number: str, generated_at: datetime) -> str:
        return constituency_document(session, constituency, settings, print_media(settings), number=number,
                                     generated_at=generated_at, for_whom=for_whom, signer=actor)

    return _issue(session, actor=actor, kind=BriefKind.constituency, province=province, for_whom=for_whom,
                  settings=settings, now=now, document=document, constituency_id=constituency.id,
                  summary=constituency.name)


def _issue(session: Session, *, actor: User, kind: BriefKind, province: Province, for_whom: str,
           settings: BriefSettings, now: datetime | None, document: Callable[[str, datetime], str],
           summary: str, **subject) -> Brief:
    """Number, render, archive and record a brief; a number taken meanwhile means rendering with the next."""
    settings.check_links()
    generated_at = now or clock.now()
    year = jalali_year(clock.today(generated_at))
    for _attempt in range(NUMBER_ATTEMPTS):
        sequence = queries.last_sequence(session, province.id, year) + 1
        number = settings.number(year=year, seq=sequence, province=province, kind=kind)
        pdf = render.pdf(document(number, generated_at), STATIC, settings.uploads)
        digest = hashlib.sha256(pdf.data).hexdigest()
        relative = f"{year}/{province.code}-{sequence:05d}-{digest[:12]}.pdf"
        brief = Brief(kind=kind, province_id=province.id, year=year, sequence=sequence, number=number,
                      for_whom=for_whom, generated_by=actor.id, generated_at=generated_at, file_path=relative,
                      sha256=digest, pages=pdf.pages, size_bytes=len(pdf.data), **subject)
        try:
            with session.begin_nested():
                session.add(brief)
                session.flush()
        except IntegrityError:
            continue
        # After the row is in, so a lost race writes nothing; the name has the hash, so no other brief's is replaced.
        settings.briefs.put(relative, pdf.data)
        record_change(session, actor_id=actor.id, action="create", record=brief, before=None,
                      project_id=brief.project_id, summary=f"{isolated(number)} · {summary}")
        return brief
    raise RuntimeError(f"no free brief number in {province.code} {year} after {NUMBER_ATTEMPTS} attempts")


def brief_pdf(settings: BriefSettings, brief: Brief) -> bytes:
    """An issued brief's PDF as archived; FileNotFoundError when the archive has lost it."""
    return settings.briefs.get(brief.file_path)


@dataclass(frozen=True)
class LetterData:
    """A directorate's letter settings as its form gives them."""

    invocation: bool
    directorate: str
    copies: str


COPIES_MAX_LINES = 12


def save_letter_settings(session: Session, *, actor: User, province: Province, data: LetterData) -> LetterSettings:
    """Set how the directorate's briefs read as its letters; issued briefs keep what they were printed with."""
    permissions.require_directorate(actor, province.id)
    lines = [" ".join(line.split()) for line in data.copies.splitlines() if line.strip()]
    if len(lines) > COPIES_MAX_LINES:
        raise InvalidInput({"copies": _l("At most %(max)s lines.", max=number_in_locale(COPIES_MAX_LINES))})
    own = queries.letter_settings(session, province.id)
    before = snapshot(own) if own else None
    own = own or LetterSettings(province_id=province.id)
    own.invocation, own.directorate, own.copies = data.invocation, " ".join(data.directorate.split()), "\n".join(lines)
    session.add(own)
    session.flush()
    record_change(session, actor_id=actor.id, action="update" if before else "create", record=own, before=before,
                  summary=province.name_fa)
    return own

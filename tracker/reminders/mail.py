"""A reminder's email: the Persian message rendered from its templates, and the MIME message of a delivery."""
from email.message import EmailMessage

from flask import render_template
from flask_babel import force_locale
from markupsafe import Markup

from tracker.core.mail import Email, MailSettings, compose
from tracker.deadlines.models import Deadline
from tracker.reminders.models import Delivery

EMAIL = "email"


def short_path(deadline: Deadline) -> str:
    """The deadline's path, on a project's page by the project's id (/projects/12#milestone-3): the slug is a long
    Persian name, percent-encoded into a link that wraps over several lines; the short one redirects to it."""
    rest = deadline.path.removeprefix("/projects/")
    page, sep, fragment = rest.partition("#")
    if deadline.project_id is None or rest == deadline.path or "/" in page:
        return deadline.path
    return f"/projects/{deadline.project_id}{sep}{fragment}"


def render_email(deadline: Deadline, offset: int, escalated: bool, recipient_name: str, mail: MailSettings,
                 kind_label: str = "") -> Email:
    """The Persian email of a reminder (plain text and HTML, Jalali dates, Persian digits, a link)."""
    context = {"deadline": deadline, "offset": offset, "escalated": escalated, "name": recipient_name,
               "name_html": Markup("<bdi>%s</bdi>") % recipient_name, "link": mail.link(short_path(deadline)),
               "kind_label": kind_label,
               "settings_link": mail.link("/account/notifications")}
    with force_locale("fa"):
        subject = render_template("reminders/_email_subject.txt", **context).strip()
        text = render_template("reminders/_email_text.txt", **context).strip() + "\n"
        html = render_template("reminders/_email.html", **context)
    return Email(" ".join(subject.split()), text, html)


def build_message(delivery: Delivery, mail: MailSettings) -> EmailMessage:
    """The MIME message of a delivery."""
    email = Email(delivery.subject, delivery.body_text, delivery.body_html)
    return compose(delivery.address, email, delivery.message_id, mail)

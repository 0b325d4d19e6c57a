"""A reminder's email: the Persian message rendered from its templates, and the MIME message of a delivery."""
from email.message import EmailMessage

from flask import render_template
from flask_babel import force_locale

from tracker.core.mail import Email, MailSettings, compose
from tracker.deadlines.models import Deadline
from tracker.reminders.models import Delivery

EMAIL = "email"


def render_email(deadline: Deadline, offset: int, escalated: bool, recipient_name: str, mail: MailSettings,
                 kind_label: str = "") -> Email:
    """The Persian email of a reminder (plain text and HTML, Jalali dates, Persian digits, a link)."""
    context = {"deadline": deadline, "offset": offset, "days": abs(offset), "escalated": escalated,
               "name": recipient_name, "link": mail.link(deadline.path), "kind_label": kind_label,
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

"""Outgoing email: the TRACKER_SMTP_* settings, a Persian MIME message, and the transports that send it (SMTP,
or the local outbox in demo mode). SMS and messengers will be other transports of the same interface."""
from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from typing import Protocol
from urllib.parse import quote, urlsplit

from tracker.core import clock
from tracker.core.links import unset_base_url

SMTP_TIMEOUT_SECONDS = 20


@dataclass(frozen=True)
class MailSettings:
    """The TRACKER_SMTP_* settings, the sender, the site's address and demo mode."""

    host: str = ""
    port: int = 25
    user: str = ""
    password: str = ""
    tls: bool = False
    mail_from: str = "pishraft@example.org"
    base_url: str = "http://127.0.0.1:5000"
    demo: bool = False

    @classmethod
    def from_config(cls, config) -> MailSettings:
        """The settings of a Flask app's config."""
        return cls(host=config["SMTP_HOST"], port=config["SMTP_PORT"], user=config["SMTP_USER"],
                   password=config["SMTP_PASSWORD"], tls=config["SMTP_TLS"], mail_from=config["MAIL_FROM"],
                   base_url=config["BASE_URL"], demo=config["DEMO"])

    @property
    def email_on(self) -> bool:
        """Whether reminders go out by email: to an SMTP server, or to the local outbox in demo mode."""
        return bool(self.host) or self.demo

    @property
    def links_refused(self):
        """Why no email may go out now (TRACKER_BASE_URL still a loopback address outside demo mode), or None."""
        return unset_base_url(self.base_url, self.demo)

    def link(self, path: str) -> str:
        """An absolute link to a path of the site (Persian slugs percent-encoded)."""
        return self.base_url.rstrip("/") + quote(path, safe="/#?=&-_.~")

    def message_id(self, deadline_id: int, offset: int, occurs_on: date, user_id: int) -> str:
        """The Message-ID of a reminder to a user, made from the reminder's unique key: a resend keeps it."""
        domain = urlsplit(self.base_url).hostname or "pishraft.local"
        return f"<reminder.{deadline_id}.{offset}.{occurs_on:%Y%m%d}.{user_id}@{domain}>"


@dataclass(frozen=True)
class Email:
    """A rendered email."""

    subject: str
    text: str
    html: str



def compose(address: str, email: Email, message_id: str, mail: MailSettings) -> EmailMessage:
    """A Persian MIME message: plain text with an HTML alternative."""
    message = EmailMessage()
    message["From"] = formataddr(("پیشرفت", mail.mail_from))
    message["To"] = address
    message["Subject"] = email.subject
    message["Date"] = format_datetime(clock.now())
    message["Message-ID"] = message_id
    message["Content-Language"] = "fa"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(email.text)
    if email.html:
        message.add_alternative(email.html, subtype="html")
    return message



class Transport(Protocol):
    """A way out for composed messages; `send` raises on failure."""

    name: str

    def send(self, message: EmailMessage) -> None: ...

    def close(self) -> None: ...


class SmtpTransport:
    """Email through the configured SMTP server, one connection per batch (opened on first use)."""

    name = "smtp"

    def __init__(self, mail: MailSettings):
        self.mail = mail
        self._smtp: smtplib.SMTP | None = None

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is None:
            smtp = smtplib.SMTP(self.mail.host, self.mail.port, timeout=SMTP_TIMEOUT_SECONDS)
            try:
                if self.mail.tls:
                    smtp.starttls()
                if self.mail.user:
                    smtp.login(self.mail.user, self.mail.password)
            except BaseException:
                smtp.close()
                raise
            self._smtp = smtp
        return self._smtp

    def send(self, message: EmailMessage) -> None:
        """Send one composed message (a reminder's, or a password-reset link)."""
        try:
            self._connection().send_message(message)
        except (smtplib.SMTPServerDisconnected, OSError):
            self.close()  # a broken connection is not reused for the next message
            raise

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None


class OutboxTransport:
    """Demo mode without an SMTP server: what was recorded to send is the outbox an administrator reads."""

    name = "outbox"

    def send(self, message: EmailMessage) -> None:
        """Nothing leaves the machine."""

    def close(self) -> None:
        """Nothing to close."""


def email_transport(mail: MailSettings) -> Transport | None:
    """The transport of email under these settings, or None when email is off."""
    if mail.host:
        return SmtpTransport(mail)
    return OutboxTransport() if mail.demo else None

"""Helpers of the reminders tests: a real SMTP server on loopback (aiosmtpd), and running a scan."""
import asyncio
import socket
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default

from aiosmtpd.controller import Controller

from tests.conftest import SCENARIO_DAY
from tracker.core.jalali import parse_jalali_date
from tracker.core.mail import MailSettings
from tracker.reminders.scan import run_scan

GATHER_SECONDS = 30
TODAY = parse_jalali_date(SCENARIO_DAY)  # the day the reminder scenarios are written about


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Sink:
    """An aiosmtpd handler that keeps every message it accepts (optionally slowly; optionally holding messages
    until `gather` connections are open, so that senders in several processes surely overlap)."""

    def __init__(self, delay: float = 0.0, gather: int = 0):
        self.messages: list[EmailMessage] = []
        self.delay = delay
        self.gather = gather
        self.peers: set = set()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.peers.add(session.peer)
        waited = 0.0
        while len(self.peers) < self.gather and waited < GATHER_SECONDS:
            await asyncio.sleep(0.01)
            waited += 0.01
        if self.delay:
            await asyncio.sleep(self.delay)
        self.messages.append(message_from_bytes(envelope.content, policy=default))
        return "250 OK"

    def message_ids(self) -> list[str]:
        return [message["Message-ID"] for message in self.messages]

    def to(self) -> list[str]:
        return [message["To"] for message in self.messages]


class SmtpServer:
    """A running aiosmtpd Controller on 127.0.0.1 and a free port."""

    def __init__(self, delay: float = 0.0, gather: int = 0):
        self.sink = Sink(delay, gather)
        self.port = free_port()
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> "SmtpServer":
        self.controller.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.controller.stop()

    def settings(self, **changes) -> MailSettings:
        values = {"host": "127.0.0.1", "port": self.port, "base_url": "https://pishraft.example.org"} | changes
        return MailSettings(**values)


def scan(app, session_factory, today=TODAY, mail: MailSettings | None = None, **kwargs):
    """One scan in the app's context (emails are rendered with its templates)."""
    with app.app_context():
        return run_scan(session_factory, today=today, mail=mail or MailSettings(), **kwargs)

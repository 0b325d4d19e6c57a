"""The site's address (TRACKER_BASE_URL) in links that leave the app: emails and the QR codes of briefs."""
import ipaddress
from urllib.parse import urlsplit

from flask_babel import LazyString

from tracker.core.i18n import lazy_gettext as _l

LOCAL_NAMES = {"localhost", "localhost.localdomain"}


def is_loopback(base_url: str) -> bool:
    """Whether the address names this machine (127.0.0.0/8, ::1, localhost), which no reader elsewhere can open."""
    host = (urlsplit(base_url).hostname or "").lower()
    if host in LOCAL_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def unset_base_url(base_url: str, demo: bool) -> LazyString | None:
    """Why no brief or email may be made with this address, or None: a loopback address outside demo mode (a demo
    runs on one machine, where such links do open). The one check of briefs and emails."""
    if demo or not is_loopback(base_url):
        return None
    # The address between LEFT-TO-RIGHT ISOLATE and POP DIRECTIONAL ISOLATE: the message is plain text (logs too).
    return _l("The site's address (TRACKER_BASE_URL) is still this machine's own (%(url)s): a link or QR code made "
              "now would lead its reader nowhere. Set TRACKER_BASE_URL to the address people open Pishraft at, "
              "then try again.", url=f"\u2066{base_url}\u2069")

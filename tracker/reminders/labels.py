"""Labels of the reminders area."""

from tracker.core.i18n import lazy_gettext as _l
from tracker.reminders.models import DeliveryState

DELIVERY_STATE_LABELS = {
    DeliveryState.pending: _l("Waiting"),
    DeliveryState.sending: _l("Sending"),
    DeliveryState.sent: _l("Sent"),
    DeliveryState.failed: _l("Failed"),
}



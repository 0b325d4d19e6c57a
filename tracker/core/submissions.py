"""Creation forms sent once: a token made when the form is shown, stored with the creation in the same transaction,
so that a second send of the same form (a double tap, a retry over a weak link) creates nothing and goes where the
first went. Its primary key decides, like the visits' outbox, not a look beforehand."""
import uuid
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel
from wtforms import HiddenField

from tracker.core.db import timestamp
from tracker.core.errors import InvalidInput
from tracker.core.forms import parse_uuid
from tracker.core.i18n import lazy_gettext as _l


class FormSubmission(SQLModel, table=True):
    """One creation form sent: by whom, and the address its answer led to."""

    __tablename__ = "form_submissions"

    token: uuid.UUID = Field(primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    led_to: str = Field(default="", max_length=2000)
    created_at: datetime = timestamp()


class SubmissionField(HiddenField):
    """The form's token, a new random UUID each time the form is shown (form.hidden_tag() renders it)."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, default=lambda: str(uuid.uuid4()), **kwargs)

    @property
    def token(self) -> uuid.UUID | None:
        """The token sent back, or None (a client without one, or a malformed one): then nothing is deduplicated."""
        return parse_uuid(self.data)


SENT_BY_SOMEONE_ELSE = _l("This form was already sent by another user. Open it again to add a new record.")


def once(session: Session, *, token: uuid.UUID | None, user_id: int, create: Callable[[], str]) -> str:
    """Run create() (which creates and answers the address to go to next) once per token, in the caller's
    transaction; a token already sent answers the address its first send led to, and creates nothing."""
    if token is None:
        return create()
    sent = session.get(FormSubmission, token)
    if sent is None:
        submission = FormSubmission(token=token, user_id=user_id)
        try:
            with session.begin_nested():
                session.add(submission)
        except IntegrityError:
            # The same form sent again while the first send was being stored: the key decides, and the first wins.
            sent = session.get(FormSubmission, token)
            if sent is None:
                raise
        else:
            submission.led_to = create()
            session.flush()
            return submission.led_to
    if sent.user_id != user_id:
        raise InvalidInput({"form": str(SENT_BY_SOMEONE_ELSE)})
    return sent.led_to

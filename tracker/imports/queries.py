"""Reads of the imports area: a user sees their own uploads only."""
from sqlmodel import Session, col, select

from tracker.accounts.models import User
from tracker.core.errors import NotFound
from tracker.imports.models import ImportKind, SavedMapping, Upload


def uploads(session: Session, user: User, limit: int = 50) -> list[Upload]:
    """The user's latest uploads, newest first."""
    query = select(Upload).where(Upload.user_id == user.id).order_by(col(Upload.id).desc()).limit(limit)
    return list(session.exec(query).all())


def get_upload(session: Session, user: User, upload_id: int) -> Upload:
    """One of the user's own uploads; anyone else's is not there (NotFound)."""
    upload = session.get(Upload, upload_id)
    if upload is None or upload.user_id != user.id:
        raise NotFound
    return upload


def remembered_mapping(session: Session, user: User, kind: ImportKind) -> dict | None:
    """The headers the user last chose for each field of this kind, if any."""
    saved = session.exec(select(SavedMapping).where(SavedMapping.user_id == user.id,
                                                    SavedMapping.kind == kind)).first()
    return saved.mapping if saved else None

"""Errors services raise; the app turns them into 404, 403 and 422 answers."""


class NotFound(Exception):
    """The record does not exist, or the user may not know that it does."""


class Forbidden(Exception):
    """The user sees the record but may not do this to it."""


class InvalidInput(Exception):
    """A rule on the data failed; carries one message per form field."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


class Conflict(Exception):
    """The record changed since the user loaded it; carries what it is now, and the changes made since (who, when,
    which fields) where they are known."""

    def __init__(self, current, changes=()):
        super().__init__(current)
        self.current = current
        self.changes = list(changes)

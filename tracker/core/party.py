"""A user or an agency, the one way the tracker names either: who answers for a milestone, who owns a decision.
Forms and links carry it as "user:12" or "agency:5" (readable in a URL: the decision list's ?owner=user:5); the
tables keep it as two columns, a user id and an agency id, one of them set."""
import re
from dataclasses import dataclass

from tracker.core.numbers import LARGEST_ID

# Latin digits only (re.ASCII: no "²" or "۵"), no leading zero (one spelling per party); LARGEST_ID bounds the rest.
_VALUE = re.compile(r"(user|agency):([1-9][0-9]{0,18})", re.ASCII)


@dataclass(frozen=True)
class Party:
    """A user or an agency: exactly one of the two ids is set."""

    user_id: int | None = None
    agency_id: int | None = None

    def __post_init__(self):
        if (self.user_id is None) == (self.agency_id is None):
            raise ValueError("a party is either a user or an agency")

    @classmethod
    def of(cls, user_id: int | None, agency_id: int | None) -> "Party | None":
        """The party of a row's pair of columns, or None when neither is set."""
        if user_id is None and agency_id is None:
            return None
        return cls(user_id, agency_id)

    @classmethod
    def parse(cls, text: object) -> "Party | None":
        """The party a form or link names ("user:12", "agency:5"), or None for anything else."""
        match = _VALUE.fullmatch(text) if isinstance(text, str) else None
        if match is None or int(match[2]) > LARGEST_ID:
            return None
        number = int(match[2])
        return cls(user_id=number) if match[1] == "user" else cls(agency_id=number)

    @property
    def value(self) -> str:
        """How forms and links carry it: "user:12" or "agency:5"."""
        return f"user:{self.user_id}" if self.user_id is not None else f"agency:{self.agency_id}"

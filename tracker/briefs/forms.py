"""Forms and labels of the briefs area: who a brief is for, and how an issued brief reads in a project's activity."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField

from tracker.briefs.services import FOR_WHOM_MAX
from tracker.core.audit import ActivityLabels, register_activity
from tracker.core.forms import max_length
from tracker.core.i18n import lazy_gettext as _l


class IssueForm(FlaskForm):
    """Issue a brief, optionally addressed to someone (usually the member of parliament's office)."""

    for_whom = StringField(_l("For (optional)"), validators=[max_length(FOR_WHOM_MAX)],
                           render_kw={"dir": "auto", "placeholder": _l("e.g. the office of the member of parliament")})


register_activity("briefs", ActivityLabels(actions={"create": _l("issued a status brief")}))


class LetterSettingsForm(FlaskForm):
    """How a directorate's briefs read as its letters."""

    invocation = BooleanField(_l("«In the name of the Most High» at the top"))
    directorate = StringField(_l("The directorate's name in the letterhead"), validators=[max_length(200)],
                              render_kw={"dir": "auto"})
    copies = TextAreaField(_l("Copies to (one recipient a line)"), validators=[max_length(2000)],
                           render_kw={"dir": "auto", "rows": 5})


register_activity("letter_settings", ActivityLabels(actions={
    "create": _l("set the letters of the directorate"), "update": _l("changed the letters of the directorate")}))

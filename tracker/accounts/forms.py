"""Forms of the accounts area."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField

from tracker.core.forms import max_length, required


class LoginForm(FlaskForm):
    """Username and password."""

    username = StringField(_l("Username"), validators=[required(), max_length(80)])
    password = PasswordField(_l("Password"), validators=[required(), max_length(200)])

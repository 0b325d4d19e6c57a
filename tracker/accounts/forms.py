"""Forms of the accounts area."""
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import EqualTo, Optional, Regexp

from tracker.accounts.models import Role
from tracker.core.forms import ChoiceField, max_length, required
from tracker.core.i18n import lazy_gettext as _l


class LoginForm(FlaskForm):
    """Username and password."""

    username = StringField(_l("Username"), validators=[required(), max_length(80)])
    password = PasswordField(_l("Password"), validators=[required(), max_length(200)])


class ForgotPasswordForm(FlaskForm):
    """Who asks for a reset link: a username or an email address."""

    login = StringField(_l("Username or email address"), validators=[required(), max_length(254)])


# A plain shape check: wtforms' Email() needs the email_validator package, which is not installed.
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"

ROLE_LABELS = {
    Role.admin: _l("Administrator"),
    Role.director: _l("Director"),
    Role.budget_officer: _l("Budget officer"),
    Role.staff: _l("Project staff"),
    Role.viewer: _l("Viewer (read only)"),
}


class NewPasswordForm(FlaskForm):
    """A new password chosen by an administrator."""

    password = PasswordField(_l("New password"), validators=[required(), max_length(200)])


class ResetPasswordForm(NewPasswordForm):
    """A new password chosen through a reset link, typed twice."""

    confirm = PasswordField(_l("The new password again"), validators=[
        required(), EqualTo("password", message=_l("The two passwords are not the same."))])


class UserForm(NewPasswordForm):
    """A new user's account."""

    username = StringField(_l("Username"), validators=[required(), max_length(80)])
    full_name = StringField(_l("Full name"), validators=[max_length(160)])
    post = StringField(_l("Post (under the signature of briefs)"), validators=[max_length(160)])
    email = EmailField(_l("Email"), validators=[
        Optional(), Regexp(EMAIL_PATTERN, message=_l("Enter a valid email address.")), max_length(254)])
    role = ChoiceField(_l("Role"), coerce=Role, validators=[required()], choices=list(ROLE_LABELS.items()))
    province = ChoiceField(_l("Province"), empty_label=_l("None (administrators only)"))
    county = StringField(_l("County (for a county head)"), validators=[max_length(80)])


class TokenForm(FlaskForm):
    """The name of a new API token: the system that will use it."""

    name = StringField(_l("Name"), validators=[required(), max_length(80)])


class PostForm(FlaskForm):
    """The user's own post, printed under their name when they sign a brief."""

    post = StringField(_l("Post (under the signature of briefs)"), validators=[max_length(160)])

"""Form fields that read Persian input: Jalali dates and numbers in either digit set."""
import math
import uuid

from flask import request
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField
from wtforms.fields import FieldList
from wtforms.fields.choices import Choice, SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from tracker.core.i18n import current_language
from tracker.core.i18n import lazy_gettext as _l
from tracker.core.jalali import JalaliDateError, jalali_input_value, number_in_locale, parse_jalali_date
from tracker.core.numbers import LARGEST_INTEGER, record_id, whole_number
from tracker.core.persian import to_latin_digits


def required():
    """The validator for a field that must be filled in, with a Persian-ready message."""
    return DataRequired(message=_l("This field is required."))


def max_length(limit: int):
    """The validator for a text field's longest allowed value."""
    return Length(max=limit, message=_l("At most %(max)s characters.", max=number_in_locale(limit)))


class JalaliDateField(StringField):
    """A date typed in Jalali (Persian or Latin digits, / or -), held as a Gregorian date."""

    # jalali-picker.js adds a touch calendar to inputs marked data-jalali-date; typing still works.
    INPUT_ATTRIBUTES = {"data-jalali-date": "", "inputmode": "decimal", "dir": "ltr", "autocomplete": "off"}
    raw = ""  # what was typed; a posted form without this field (a row sent without its date) typed nothing

    def __init__(self, *args, render_kw=None, **kwargs):
        super().__init__(*args, render_kw={**self.INPUT_ATTRIBUTES, **(render_kw or {})}, **kwargs)

    def process_formdata(self, valuelist):
        self.raw = valuelist[0].strip() if valuelist else ""
        self.data = None
        if self.raw:
            try:
                self.data = parse_jalali_date(self.raw)
            except JalaliDateError as error:
                raise ValueError(str(error.message)) from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return jalali_input_value(self.data, locale=current_language())


class _LocalizedNumberField(StringField):
    """A number typed with Persian or Latin digits, within what its column can hold."""

    convert = int
    message = _l("Enter a whole number.")
    # A larger number than its INTEGER column holds would fail the save, not the form.
    largest = LARGEST_INTEGER

    def process_formdata(self, valuelist):
        self.data = None
        text = to_latin_digits(valuelist[0] if valuelist else "").strip().replace("٬", "").replace(",", "")
        text = text.rstrip("%٪").strip()
        if not text:
            return
        try:
            # int() and float() read "١٢" and "1_000" as numbers, and float() reads "inf" and "nan" too.
            if not text.isascii() or "_" in text:
                raise ValueError(text)
            number = self.convert(text)
        except ValueError:
            raise ValueError(str(self.message)) from None
        if not math.isfinite(number):
            raise ValueError(str(self.message))
        if abs(number) > self.largest:
            raise ValueError(str(_l("The number is too large: at most %(max)s.",
                                    max=number_in_locale(self.largest, grouped=True))))
        self.data = number

    def pre_validate(self, form):
        if self.process_errors:  # not a number: a range check would only add a second, confusing message
            raise StopValidation()

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(number_in_locale(self.data))  # Persian digits in the fa UI


class IntegerInput(_LocalizedNumberField):
    """A whole number in either digit set."""


class DecimalInput(_LocalizedNumberField):
    """A finite decimal number in either digit set (no "inf" or "nan"), at most 10^15 either way."""

    convert = float
    message = _l("Enter a number.")
    largest = 10**15


class VersionField(HiddenField):
    """The version of the record the form was loaded with, sent back with the save (None: not sent, not checked)."""

    def process_formdata(self, valuelist):
        text = valuelist[0].strip() if valuelist else ""
        self.data = int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


class ChoiceField(SelectField):
    """A select of (value, label) pairs whose empty first option means 'none chosen'."""

    def __init__(self, label=None, validators=None, coerce=str, empty_label=None, choices=None, **kwargs):
        super().__init__(label, validators, coerce=_or_none(coerce), validate_choice=False, **kwargs)
        self.choices = choices
        self.empty_label = empty_label

    @property
    def choices(self) -> list[SelectChoice]:
        return self._choices

    @choices.setter
    def choices(self, pairs) -> None:
        # Labels may be lazy: they are rendered here, in the request's language.
        self._choices = [SelectChoice(value, str(label)) for value, label in pairs or []]

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:  # WTForms' own message is English
            raise ValueError(str(_l("Choose one of the listed options."))) from None

    def iter_choices(self):
        if self.empty_label is not None:
            yield Choice("", str(self.empty_label), self.data is None, {})
        yield from super().iter_choices()

    def pre_validate(self, form):
        if self.data is not None and self.data not in {choice.value for choice in self._choices}:
            raise ValidationError(str(_l("Choose one of the listed options.")))


def _or_none(coerce):
    def convert(value):
        if value in (None, ""):
            return None
        return coerce(value)
    return convert



def field_errors(form) -> tuple[str, list[str]]:
    """The name and errors of the one field an htmx inline check asked about."""
    name = request.headers.get("HX-Trigger-Name", "")
    form.validate()
    field = getattr(form, name, None)
    return name, list(field.errors) if field is not None else []


def date_required():
    """A date must be typed; unlike DataRequired, this keeps the reason a typed date was refused (not a leap year)."""
    return InputRequired(message=_l("This field is required."))


def parse_uuid(text: str | None) -> uuid.UUID | None:
    """A UUID a client sent, or None when it is missing or malformed."""
    try:
        return uuid.UUID(str(text or "").strip())
    except ValueError:
        return None


class CheckboxesField(SelectMultipleField):
    """Several choices (ids, by default) as a list of checkboxes, easier to tap than a multiple select.

    By default the service checks the choices (they depend on the record); validate_choice=True lets the form.
    """

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label=None, validators=None, coerce=record_id, validate_choice=False, **kwargs):
        super().__init__(label, validators, coerce=coerce, validate_choice=validate_choice, **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:  # WTForms' own message is English
            raise ValueError(str(_l("Choose one of the listed options."))) from None


def filled_rows(field_list) -> list:
    """The rows of a repeated field that were filled in."""
    return [entry for entry in field_list if not entry.form.is_blank()]


def show_errors(form, errors: dict) -> None:
    """Put a service's failures by their fields (a row's too: decisions-2-owner), unless the form marked them."""
    for key, message in errors.items():
        target = _field_for(form, key)
        if target is None:
            form.form_errors.append(str(message))
        elif not target.errors:
            target.errors = [str(message)]


def _field_for(form, key: str):
    name, _sep, rest = key.partition("-")
    field = getattr(form, getattr(form, "ERROR_ALIASES", {}).get(name, name), None)
    if field is None or not rest:
        return field
    number, _sep, sub = rest.partition("-")
    index = whole_number(number)
    if not isinstance(field, FieldList) or index is None:
        return None
    rows = filled_rows(field)
    if index >= len(rows):
        return None
    row = rows[index].form
    return getattr(row, getattr(row, "ERROR_ALIASES", {}).get(sub, sub), None) if sub else None

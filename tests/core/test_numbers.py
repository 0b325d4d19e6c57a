"""Whole numbers from URLs, query strings and form fields: Latin digits, within what an id or INTEGER column holds,
and finite decimals."""
import pytest
from werkzeug.datastructures import MultiDict
from wtforms import Form

from tracker.core.forms import CheckboxesField, ChoiceField, DecimalInput, IntegerInput
from tracker.core.numbers import LARGEST_ID, record_id, whole_number


@pytest.mark.parametrize(("text", "number"), [
    ("0", 0), ("12", 12), (" 7 ", 7), ("007", 7), (str(LARGEST_ID), LARGEST_ID),
])
def test_a_whole_number_in_latin_digits_up_to_the_largest_id_is_read(text, number):
    assert whole_number(text) == number
    assert record_id(text) == number


@pytest.mark.parametrize("text", [
    "", " ", "-1", "+1", "1.5", "1e3", "1_000", "²", "١٢", "۱۲", "１２", "abc", "12abc",
    str(LARGEST_ID + 1), str(2**63), "9" * 20, "9" * 5000, None, 12,
])
def test_anything_else_is_no_whole_number(text):
    assert whole_number(text) is None
    if isinstance(text, str):
        with pytest.raises(ValueError):
            record_id(text)


class NumbersForm(Form):
    count = IntegerInput()
    ratio = DecimalInput()
    choice = ChoiceField(coerce=record_id, choices=[(1, "one")])
    ids = CheckboxesField()


def form(**values) -> NumbersForm:
    return NumbersForm(MultiDict(values))


@pytest.mark.parametrize(("typed", "number"), [
    ("۱۲", 12), ("١٢", 12), ("-5", -5), ("1,200", 1200), (str(2**31 - 1), 2**31 - 1),
])
def test_a_whole_number_field_reads_either_digit_set(app, typed, number):
    with app.test_request_context():
        filled = form(count=typed)
        assert filled.validate() and filled.count.data == number


TOO_LARGE = "عدد بیش از حد بزرگ است: حداکثر ۲٬۱۴۷٬۴۸۳٬۶۴۷."
WHOLE = "یک عدد صحیح (بدون اعشار) وارد کنید."


@pytest.mark.parametrize(("typed", "message"), [
    (str(2**31), TOO_LARGE), (str(-(2**31)), TOO_LARGE), ("1" + "0" * 25, TOO_LARGE),
    ("²", WHOLE), ("1_000", WHOLE), ("1e3", WHOLE),
])
def test_a_whole_number_field_refuses_what_its_column_cannot_hold_in_persian(app, typed, message):
    with app.test_request_context():
        filled = form(count=typed)
        assert not filled.validate()
        assert filled.count.errors == [message] and filled.count.data is None


@pytest.mark.parametrize("typed", ["inf", "-inf", "nan", "NaN", "1e308", "1e400", "-1e16", "²"])
def test_a_decimal_field_refuses_infinity_nan_and_huge_numbers(app, typed):
    with app.test_request_context():
        filled = form(ratio=typed)
        assert not filled.validate() and filled.ratio.data is None and filled.ratio.errors


def test_a_decimal_field_reads_persian_decimals(app):
    with app.test_request_context():
        filled = form(ratio="۲۹٫۶۱")
        assert filled.validate() and filled.ratio.data == pytest.approx(29.61)


@pytest.mark.parametrize("typed", [str(2**31), "١", "²", "x"])
def test_an_id_no_row_can_have_is_refused_by_a_select_and_checkboxes_in_persian(app, typed):
    with app.test_request_context():
        filled = NumbersForm(MultiDict([("choice", typed), ("ids", "1"), ("ids", typed)]))
        assert not filled.validate()
        assert filled.choice.errors == filled.ids.errors == ["یکی از گزینه‌های فهرست را انتخاب کنید."]

"""A user or an agency as forms and links carry it: "user:12", "agency:5", and nothing else."""
import pytest

from tracker.core.party import Party


@pytest.mark.parametrize(("text", "party"), [
    ("user:12", Party(user_id=12)),
    ("agency:5", Party(agency_id=5)),
    ("user:1", Party(user_id=1)),
    (f"agency:{2**31 - 1}", Party(agency_id=2**31 - 1)),  # the largest id an INTEGER column holds
])
def test_a_value_is_read_and_written_back_the_same(text, party):
    assert Party.parse(text) == party
    assert party.value == text


@pytest.mark.parametrize("text", [
    None, "", ":", "user", "user:", "agency:", ":12", "12",
    "u:12", "a:5", "User:12", "AGENCY:5", "person:12",  # only the two spellings
    "user:0", "user:012", "user:-3", "user:+3", "user:1.5", "user:1e3", "user:1_000",
    " user:12", "user:12 ", "user:12\n", "user: 12", "user:12:3", "user:12,agency:5",
    "user:²", "user:۱۲", "agency:١٢", "user:１２",  # digits, but not Latin ones
    f"user:{2**31}", f"user:{2**63}", "agency:" + "9" * 19,  # past any id
    "agency:" + "9" * 5000,  # past Python's int limit
    12, b"user:12", ["user:12"],
])
def test_anything_else_is_no_party(text):
    assert Party.parse(text) is None


def test_the_columns_of_a_row_make_a_party_or_none():
    assert Party.of(7, None) == Party(user_id=7)
    assert Party.of(None, 3) == Party(agency_id=3)
    assert Party.of(None, None) is None


@pytest.mark.parametrize(("user_id", "agency_id"), [(None, None), (1, 2)])
def test_a_party_is_exactly_one_of_the_two(user_id, agency_id):
    with pytest.raises(ValueError):
        Party(user_id=user_id, agency_id=agency_id)

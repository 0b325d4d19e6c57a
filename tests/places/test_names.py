"""Places are named in the UI language: in English where they have an English name, in Persian otherwise."""
import re
from urllib.parse import quote

import pytest

from tracker.accounts.models import Role


@pytest.fixture
def reader(make, login):
    login(make.user(role=Role.viewer))


def english(client) -> None:
    client.post("/language/en")


def test_a_project_names_its_county_and_province_in_english(client, make, reader):
    make.county("کازرون", name_en="Kazerun")
    project = make.project(county="کازرون")
    english(client)

    page = client.get(f"/projects/{quote(project.slug)}").text
    listing = client.get("/projects/").text

    assert "Kazerun, Fars" in page and "کازرون" not in page.split('id="activity"')[0]
    assert "<td>Kazerun<div class=\"muted small\">Fars</div></td>" in listing


def test_a_county_without_an_english_name_keeps_its_persian_one(client, make, reader):
    make.county("کوه‌چنار")
    make.facility(county="کوه‌چنار")
    english(client)

    listing = client.get("/facilities/").text

    assert "<td>کوه‌چنار</td>" in listing and "<td>Fars</td>" in listing


def test_places_stay_persian_in_the_persian_ui(client, make, reader):
    make.county("کازرون", name_en="Kazerun")
    make.facility(county="کازرون")

    listing = client.get("/facilities/").text

    assert "<td>کازرون</td>" in listing and "<td>فارس</td>" in listing
    assert not re.search(r"<td>(Kazerun|Fars)</td>", listing)


def test_the_county_choices_of_a_form_are_in_english(client, make, login):
    make.county("کازرون", name_en="Kazerun")
    login(make.user(role=Role.director))
    english(client)

    form = client.get("/facilities/new").text

    assert re.search(r"<option[^>]*>Kazerun</option>", form)

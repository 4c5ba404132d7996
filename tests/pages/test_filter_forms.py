"""The filter forms of the lists and the board say what an empty choice means
("Any", "Anyone", "Default order") instead of Django's "---------", and list
each country once, China and France first."""

from __future__ import annotations

import re

import pytest

from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

PAGES = ["/partnerships/", "/organizations/", "/contacts/", "/meetings/", "/actions/", "/pipeline/"]


@pytest.fixture
def organizations_in_three_countries(db):
    for country in ("FR", "CN", "DE"):
        factories.OrganizationFactory(country=country)


def _options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no {name} filter"
    return re.findall(r"<option[^>]*>([^<]*)</option>", select.group(1))


@pytest.mark.parametrize("url", PAGES)
def test_no_filter_shows_dashes_as_its_empty_choice(url, manager):
    html = client_for(manager).get(url).content.decode()

    assert "---------" not in html


@pytest.mark.parametrize("url", ["/partnerships/", "/organizations/", "/contacts/", "/meetings/"])
def test_each_country_is_listed_once_china_and_france_first(
    url, manager, organizations_in_three_countries
):
    html = client_for(manager).get(url).content.decode()
    name = "country"

    assert _options(html, name) == ["China", "France", "Germany"]


def test_empty_choices_say_what_they_mean_in_both_languages(manager):
    english = client_for(manager).get("/partnerships/").content.decode()
    french = client_for(manager).get("/partnerships/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert _options(english, "owner")[0] == "Anyone"
    assert _options(english, "ordering")[0] == "Default order"
    assert _options(english, "overdue")[0] == "Any"
    assert _options(french, "owner")[0] == "Tout le monde"
    assert _options(french, "ordering")[0] == "Ordre par défaut"
    assert _options(french, "overdue")[0] == "Indifférent"

"""Lists come in pages of 50 rows, at most 200; a page that does not exist is a
JSON 404; ordering is stable across pages."""

from __future__ import annotations

import pytest

from partnerships.api.fields import country_choices
from tests import factories
from tests.conftest import shared_rows

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def many_organizations(django_db_setup, django_db_blocker):
    """230 organizations with the same name (in as many countries), made once."""

    def build() -> None:
        for code in [code for code, _name in country_choices()][:230]:
            factories.OrganizationFactory(name="Same name", country=code)

    yield from shared_rows(django_db_blocker, build)


def test_lists_come_in_pages_of_fifty(api, many_organizations):
    data = api.get("/api/organizations/").json()

    assert data["count"] == 230
    assert len(data["results"]) == 50
    assert data["next"].endswith("/api/organizations/?page=2")
    assert data["previous"] is None


def test_a_client_chooses_up_to_two_hundred_rows_a_page(api, many_organizations):
    assert len(api.get("/api/organizations/?page_size=120").json()["results"]) == 120
    assert len(api.get("/api/organizations/?page_size=999999").json()["results"]) == 200

    for wrong in ("0", "-1", "abc", "1.5", "", "٣"):
        response = api.get(f"/api/organizations/?page_size={wrong}")
        assert response.status_code == 400
        assert list(response.json()) == ["page_size"]


@pytest.mark.parametrize("page", ["6", "0", "-1", "abc", "1.5", "9" * 40, "1e9", "٣", " 2"])
def test_a_page_that_does_not_exist_is_a_json_404(api, many_organizations, page):
    response = api.get(f"/api/organizations/?page={page}")

    assert response.status_code == 404
    assert "detail" in response.json()


def test_the_last_page_can_be_asked_for_by_name(api, many_organizations):
    assert len(api.get("/api/organizations/?page=last").json()["results"]) == 30


def test_rows_that_sort_equal_never_repeat_or_vanish_across_pages(api, many_organizations):
    seen: list[int] = []
    url = "/api/organizations/?ordering=name&page_size=40"
    while url:
        data = api.get(url).json()
        seen += [row["id"] for row in data["results"]]
        url = data["next"]

    assert len(seen) == 230
    assert seen == sorted(seen)  # ties broken by id

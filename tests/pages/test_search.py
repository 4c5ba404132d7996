"""The global search and the JSON look-ups behind the search-as-you-type
selectors: accent- and case-insensitive, local scripts included."""

from __future__ import annotations

import re

import pytest

from partnerships import lifecycle
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(owner, manager):
    hebei = factories.OrganizationFactory(name="Hebei", local_name="河北省", kind="region")
    zhangjiakou = factories.OrganizationFactory(
        name="Zhangjiakou", local_name="张家口市", romanization="Zhangjiakou", parent=hebei
    )
    chambery = factories.OrganizationFactory(
        name="Ville de Chambéry", country="FR", locality="Chambéry", kind="city"
    )
    partnership = factories.PartnershipFactory(owner=owner, title="Nordic sport cooperation")
    factories.PartnershipPartyFactory(partnership=partnership, organization=zhangjiakou)
    factories.PartnershipPartyFactory(partnership=partnership, organization=chambery)
    contact = factories.ContactFactory(
        organization=zhangjiakou, name="Zhang Wei", local_name="张伟", email="zw@zjk.example"
    )
    meeting = factories.MeetingFactory(
        title="Forum économique", locality="Chambéry", logged_by=owner
    )
    gone = factories.PartnershipFactory(owner=owner, title="Zhangjiakou ski school (dropped)")
    lifecycle.soft_delete(gone, by=manager)
    gone_meeting = factories.MeetingFactory(title="Zhangjiakou call (deleted)", logged_by=owner)
    lifecycle.soft_delete(gone_meeting, by=manager)
    return {
        "hebei": hebei,
        "zhangjiakou": zhangjiakou,
        "chambery": chambery,
        "partnership": partnership,
        "contact": contact,
        "meeting": meeting,
    }


def groups(response) -> dict[str, list[str]]:
    """Each result group of the search page, with the titles it lists."""
    page = response.content.decode()
    found = {}
    for kind, body in re.findall(r'<h2 id="group-(\w+)">.*?</h2>(.*?)</section>', page, re.S):
        found[kind] = re.findall(r'class="item-title" href="[^"]*">([^<]*)</a>', body)
    return found


# Global search ---------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["zhang", "ZHANG", "张家口", "zhangjiakou"])
def test_the_global_search_finds_zhangjiakou_in_every_kind_of_record(owner, places, query):
    response = client_for(owner).get("/search/", {"q": query})

    found = groups(response)
    assert response.status_code == 200
    assert found["organizations"] == ["Zhangjiakou"]
    assert found["partnerships"] == ["Nordic sport cooperation"]
    if query != "zhangjiakou" and query != "张家口":
        assert found["contacts"] == ["Zhang Wei (张伟)"]


@pytest.mark.parametrize("query", ["chambery", "CHAMBÉRY", "Chambéry"])
def test_the_global_search_ignores_accents_and_case(owner, places, query):
    found = groups(client_for(owner).get("/search/", {"q": query}))

    assert found == {
        "organizations": ["Ville de Chambéry"],
        "partnerships": ["Nordic sport cooperation"],
        "meetings": ["Forum économique"],
    }


def test_the_global_search_groups_results_by_kind_in_a_fixed_order(owner, places):
    page = client_for(owner).get("/search/", {"q": "zhang"}).content.decode()

    assert page.index('id="group-organizations"') < page.index('id="group-contacts"')
    assert page.index('id="group-contacts"') < page.index('id="group-partnerships"')


def test_the_global_search_needs_every_word(owner, places):
    found = groups(client_for(owner).get("/search/", {"q": "forum chambery"}))

    assert found == {"meetings": ["Forum économique"]}


def test_deleted_records_are_not_found(owner, places):
    page = client_for(owner).get("/search/", {"q": "zhangjiakou"}).content.decode()

    assert "dropped" not in page
    assert "deleted)" not in page


def test_a_search_with_nothing_found_says_so(owner, places):
    page = client_for(owner).get("/search/", {"q": "atlantis"}).content.decode()

    assert "Nothing found" in page


def test_an_empty_search_shows_only_the_search_box(owner, places):
    response = client_for(owner).get("/search/", {"q": "   "})

    assert response.status_code == 200
    assert groups(response) == {}
    assert "Nothing found" not in response.content.decode()


def test_a_long_list_of_matches_links_to_the_full_list(owner):
    for index in range(10):
        factories.OrganizationFactory(name=f"Chengdu company {index}")

    response = client_for(owner).get("/search/", {"q": "chengdu"})

    page = response.content.decode()
    assert len(groups(response)["organizations"]) == 8
    assert '<span class="count">10</span>' in page
    assert 'href="/organizations/?search=chengdu"' in page


# Look-ups ------------------------------------------------------------------------------------


def lookup(user, kind: str, query: str, **params) -> list[dict]:
    response = client_for(user).get(f"/lookup/{kind}/", {"q": query, **params})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()["results"]


@pytest.mark.parametrize("query", ["zhang", "Zhang", "张家口", "张家口市", "ZHANGJIAKOU"])
def test_the_organization_lookup_finds_zhangjiakou_by_any_of_its_names(owner, places, query):
    results = lookup(owner, "organizations", query)

    assert {
        "id": places["zhangjiakou"].pk,
        "label": "Zhangjiakou (张家口市)",
        "detail": "Zhangjiakou, CN",
    } in results


@pytest.mark.parametrize("query", ["chambery", "CHAMBERY", "chambéry", "ville chambery"])
def test_the_organization_lookup_finds_chambery_without_its_accent(owner, places, query):
    results = lookup(owner, "organizations", query)

    assert [r["label"] for r in results] == ["Ville de Chambéry"]


def test_the_contact_lookup_finds_local_names_and_can_stay_within_an_organization(owner, places):
    other = factories.ContactFactory(name="Zhang Min", organization=places["chambery"])

    everyone = lookup(owner, "contacts", "zhang")
    at_zhangjiakou = lookup(owner, "contacts", "zhang", organization=places["zhangjiakou"].pk)
    by_local_name = lookup(owner, "contacts", "张伟")

    assert {r["id"] for r in everyone} == {places["contact"].pk, other.pk}
    assert [r["id"] for r in at_zhangjiakou] == [places["contact"].pk]
    assert [r["label"] for r in by_local_name] == ["Zhang Wei (张伟) — Zhangjiakou"]


def test_the_partnership_lookup_finds_partnerships_by_their_parties_but_not_deleted_ones(
    owner, places
):
    results = lookup(owner, "partnerships", "张家口")

    assert [r["label"] for r in results] == ["Nordic sport cooperation"]


def test_the_meeting_lookup_finds_meetings_by_place_but_not_deleted_ones(owner, places):
    assert [r["label"] for r in lookup(owner, "meetings", "chambery")] == [str(places["meeting"])]
    assert lookup(owner, "meetings", "deleted") == []


def test_the_people_lookup_offers_active_users_only(owner, teammate):
    factories.StaffFactory(username="tomcat", first_name="Tom", last_name="Gone", is_active=False)

    results = lookup(owner, "users", "tom")

    assert [r["label"] for r in results] == ["Tom Teammate"]


def test_a_lookup_without_a_query_returns_nothing(owner, places):
    assert lookup(owner, "organizations", "  ") == []


def test_a_lookup_of_an_unknown_kind_is_not_found(owner):
    assert client_for(owner).get("/lookup/planets/", {"q": "mars"}).status_code == 404

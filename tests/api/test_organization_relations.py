"""/api/organization-relations/: typed, dated links between organizations,
with the rules of organizations (staff add and change them, managers remove
them); the database's rules are 400s on their field."""

from __future__ import annotations

import datetime

import pytest

from partnerships.models import OrganizationRelation
from tests import factories
from tests.pages.conftest import db_snapshot

pytestmark = pytest.mark.django_db

URL = "/api/organization-relations/"


@pytest.fixture
def cities():
    return (
        factories.OrganizationFactory(name="Ville de Chambéry", country="FR"),
        factories.OrganizationFactory(name="Zhangjiakou", country="CN"),
        factories.OrganizationFactory(name="Hebei Province", country="CN"),
    )


def test_staff_link_two_organizations_and_read_the_link_with_names(api, cities):
    chambery, zhangjiakou, _hebei = cities

    response = api.post(
        URL,
        {
            "source": chambery.pk,
            "kind": "sister_city",
            "target": zhangjiakou.pk,
            "since": "2018-11-29",
            "note": "Winter Games",
        },
    )

    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["source_name"], data["kind"], data["target_name"]) == (
        "Ville de Chambéry",
        "sister_city",
        "Zhangjiakou",
    )
    relation = OrganizationRelation.objects.get(pk=data["id"])
    assert relation.since == datetime.date(2018, 11, 29)
    listed = api.get(URL, {"organization": zhangjiakou.pk}).json()
    assert [row["id"] for row in listed["results"]] == [relation.pk]


def test_an_update_changes_the_link_and_a_broken_rule_is_a_400_on_its_field(api, cities):
    chambery, zhangjiakou, hebei = cities
    relation = OrganizationRelation.objects.create(
        source=chambery, kind="partner", target=zhangjiakou
    )

    moved = api.patch(f"{URL}{relation.pk}/", {"target": hebei.pk}, format="json")
    to_itself = api.patch(f"{URL}{relation.pk}/", {"target": chambery.pk}, format="json")
    backwards = api.patch(
        f"{URL}{relation.pk}/", {"since": "2020-01-01", "until": "2019-01-01"}, format="json"
    )

    assert moved.status_code == 200
    assert to_itself.status_code == 400
    assert "An organization cannot be related to itself." in str(to_itself.json())
    assert backwards.status_code == 400
    relation.refresh_from_db()
    assert (relation.target, relation.until) == (hebei, None)


def test_staff_cannot_remove_a_link_managers_can(api, api_for, manager, cities):
    chambery, zhangjiakou, _hebei = cities
    relation = OrganizationRelation.objects.create(
        source=chambery, kind="partner", target=zhangjiakou
    )
    before = db_snapshot()

    refused = api.delete(f"{URL}{relation.pk}/")

    assert refused.status_code == 403
    assert refused.json()["detail"] == "Only managers and admins can delete."
    assert db_snapshot() == before
    assert api_for(manager).delete(f"{URL}{relation.pk}/").status_code == 204
    assert not OrganizationRelation.objects.exists()
    assert set(chambery.__class__.objects.values_list("name", flat=True)) >= {"Zhangjiakou"}


def test_people_without_a_role_see_no_link_and_cannot_add_one(api_for, no_role, cities):
    chambery, zhangjiakou, _hebei = cities
    OrganizationRelation.objects.create(source=chambery, kind="partner", target=zhangjiakou)
    client = api_for(no_role)
    before = db_snapshot()

    assert client.get(URL).status_code == 403
    created = client.post(URL, {"source": chambery.pk, "kind": "member", "target": zhangjiakou.pk})

    assert created.status_code == 403
    assert db_snapshot() == before

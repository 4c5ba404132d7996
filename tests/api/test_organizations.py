"""/api/organizations/ and /api/contacts/: shared reference data any staff
member creates and corrects; near-duplicates are caught like on the pages."""

from __future__ import annotations

import pytest

from partnerships.models import Contact, Organization
from tests import factories

pytestmark = pytest.mark.django_db


def test_an_organization_reads_with_its_parent_and_sectors_by_name(api, world):
    hebei = factories.OrganizationFactory(name="Hebei Province", kind="region", country="CN")
    world.organization.parent = hebei
    world.organization.save()
    world.organization.sectors.add(world.sector)

    data = api.get(f"/api/organizations/{world.organization.pk}/").json()

    assert data["name"] == "Zhangjiakou"
    assert data["local_name"] == "张家口市"
    assert data["country"] == "CN"
    assert data["parent"] == hebei.pk
    assert data["parent_name"] == "Hebei Province"
    assert data["sector_names"] == ["Winter sports"]
    assert "confirm_distinct" not in data


def test_creating_an_organization(api, world):
    response = api.post(
        "/api/organizations/",
        {
            "name": "Yanqing District",
            "local_name": "延庆区",
            "kind": "city",
            "country": "CN",
            "parent": world.organization.pk,
            "sectors": [world.sector.pk],
            "website": "https://www.bjyq.gov.cn/",
        },
    )

    assert response.status_code == 201, response.content
    assert Organization.objects.get(pk=response.json()["id"]).parent == world.organization


def test_a_near_duplicate_name_needs_confirmation(api, world):
    body = {"name": "ZHANGJIAKOU", "country": "CN", "kind": "city"}

    refused = api.post("/api/organizations/", body)

    assert refused.status_code == 400
    body = refused.json()
    assert "very similar name already exists: Zhangjiakou" in body["name"][0]
    assert body["similar"] == [{"id": world.organization.pk, "name": "Zhangjiakou"}]


def test_confirming_an_exact_duplicate_still_hits_the_unique_rule(api, world):
    body = {"name": "zhangjiakou", "country": "CN", "kind": "city", "confirm_distinct": True}

    response = api.post("/api/organizations/", body)

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["An organization with this name already exists in this country."]
    }


def test_a_confirmed_near_duplicate_is_created(api, world):
    body = {"name": "Zhang-jiakou", "country": "CN", "kind": "city", "confirm_distinct": True}

    response = api.post("/api/organizations/", body)

    assert response.status_code == 201


def test_an_organization_cannot_be_inside_its_own_child(api, world):
    child = factories.OrganizationFactory(name="Chongli District", parent=world.organization)

    response = api.patch(f"/api/organizations/{world.organization.pk}/", {"parent": child.pk})

    assert response.status_code == 400
    assert response.json() == {
        "parent": ["An organization cannot be inside itself or one of its own children."]
    }


def test_editing_an_organization_without_renaming_it_needs_no_confirmation(api, world):
    response = api.put(
        f"/api/organizations/{world.organization.pk}/",
        {"name": "Zhangjiakou", "country": "CN", "kind": "city", "notes": "Host city"},
    )

    assert response.status_code == 200, response.content


def test_creating_a_contact(api, world):
    response = api.post(
        "/api/contacts/",
        {
            "organization": world.organization.pk,
            "name": "Zhang Wei",
            "local_name": "张伟",
            "email": "zhang.wei@example.cn",
            "messaging_app": "wechat",
            "messaging_handle": "zhangwei88",
        },
    )

    assert response.status_code == 201, response.content
    assert response.json()["organization_name"] == "Zhangjiakou"
    assert Contact.objects.get(pk=response.json()["id"]).is_active


def test_a_contact_leaves_their_organization(api, world):
    response = api.patch(f"/api/contacts/{world.contact.pk}/", {"is_active": False})

    assert response.status_code == 200
    assert response.json()["is_active"] is False


def test_a_contact_needs_a_valid_email_and_messaging_app(api, world):
    response = api.post(
        "/api/contacts/",
        {
            "organization": world.organization.pk,
            "name": "Bad",
            "email": "not-an-email",
            "messaging_app": "pigeon",
        },
    )

    assert response.status_code == 400
    assert set(response.json()) == {"email", "messaging_app"}

"""Search ranks an exact name, local name or romanization first, then names
that start with the query, then the rest; lists sort names as a French reader
does, accents and case ignored, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import re

import pytest

from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def zhangjiakou(db):
    company = factories.OrganizationFactory(
        name="CCZMMA", local_name="中煤张家口煤矿机械有限责任公司", kind="company"
    )
    city = factories.OrganizationFactory(
        name="Zhangjiakou", local_name="张家口市", romanization="Zhangjiakou", kind="city"
    )
    district = factories.OrganizationFactory(name="Zhangjiakou Chongli district")
    return {"company": company, "city": city, "district": district}


def _organizations_found(html: str) -> list[str]:
    start = html.index('id="group-organizations"')
    block = html[start : html.index("</section>", start)]
    return re.findall(r'class="item-title"[^>]*>([^<]+)<', block)


def test_the_search_puts_the_city_before_a_company_that_contains_its_name(owner, zhangjiakou):
    html = client_for(owner).get("/search/", {"q": "张家口"}).content.decode()

    assert _organizations_found(html)[:2] == ["Zhangjiakou", "CCZMMA"]


def test_an_exact_name_comes_before_names_that_start_with_it(owner, zhangjiakou):
    html = client_for(owner).get("/search/", {"q": "zhangjiakou"}).content.decode()

    assert _organizations_found(html) == ["Zhangjiakou", "Zhangjiakou Chongli district"]


@pytest.mark.parametrize(
    ("query", "first"),
    [("张家口", "Zhangjiakou"), ("Zhangjiakou", "Zhangjiakou"), ("cczmma", "CCZMMA")],
)
def test_the_pickers_rank_the_same_way(owner, zhangjiakou, query, first):
    results = client_for(owner).get("/lookup/organizations/", {"q": query}).json()["results"]

    assert results[0]["label"].startswith(first)


def test_organizations_sort_as_a_french_reader_expects(owner):
    for name in ("Auvergne-Rhône-Alpes Region", "Aéroports de Lyon", "ÉM Lyon", "eurexpo"):
        factories.OrganizationFactory(name=name)

    html = client_for(owner).get("/organizations/").content.decode()
    api = client_for(owner).get("/api/organizations/").json()["results"]

    order = ["Aéroports de Lyon", "Auvergne-Rhône-Alpes Region", "ÉM Lyon", "eurexpo"]
    assert re.findall(r'class="row-title"[^>]*>([^<]+)<', html) == order
    assert [row["name"] for row in api] == order


CONTACTS = ["Zhao Wei", "émile Blanc", "Ávila Ruiz", "Bernard Petit", "ceci Martin", "Éa Durand"]
FRENCH_ORDER = [
    "Ávila Ruiz",
    "Bernard Petit",
    "ceci Martin",
    "Éa Durand",
    "émile Blanc",
    "Zhao Wei",
]


def test_contacts_sort_as_a_french_reader_expects(owner):
    for name in CONTACTS:
        factories.ContactFactory(name=name)
    client = client_for(owner)

    html = client.get("/contacts/").content.decode()
    api = client.get("/api/contacts/").json()["results"]
    by_name = client.get("/api/contacts/", {"ordering": "name"}).json()["results"]
    backwards = client.get("/api/contacts/", {"ordering": "-name"}).json()["results"]

    assert re.findall(r'class="row-title"[^>]*>([^<]+)<', html) == FRENCH_ORDER
    assert [row["name"] for row in api] == FRENCH_ORDER
    assert [row["name"] for row in by_name] == FRENCH_ORDER
    assert [row["name"] for row in backwards] == FRENCH_ORDER[::-1]


def test_the_contacts_page_sorted_by_organization_ignores_accents_too(owner):
    for organization, person in [("Zhangjiakou", "Wang"), ("École de ski", "Durand")]:
        factories.ContactFactory(name=person, organization__name=organization)
    factories.ContactFactory(name="Martin", organization__name="ecole hôtelière")

    html = client_for(owner).get("/contacts/", {"ordering": "organization"}).content.decode()

    assert re.findall(r'class="row-title"[^>]*>([^<]+)<', html) == ["Durand", "Martin", "Wang"]


def test_a_renamed_contact_moves_to_its_new_place(owner):
    contact = factories.ContactFactory(name="Zoé Zhang")
    factories.ContactFactory(name="Bernard Petit")
    contact.name = "Ávila Ruiz"
    contact.save()

    html = client_for(owner).get("/contacts/").content.decode()

    assert re.findall(r'class="row-title"[^>]*>([^<]+)<', html) == ["Ávila Ruiz", "Bernard Petit"]


def test_the_migration_gives_existing_contacts_their_key(db):
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    from partnerships.models import Contact

    migration = importlib.import_module("partnerships.migrations.0021_contact_order_by_name_key")
    factories.ContactFactory(name="Émile Blanc")
    Contact.objects.update(name_key="")

    migration.fill_name_keys(apps, SimpleNamespace(connection=connection))

    assert list(Contact.objects.values_list("name_key", flat=True)) == ["emileblanc"]

"""The merge pages, the "Possible duplicates" page, the API's merge actions
and the admin's merge action, for each persona."""

from __future__ import annotations

import pytest
from django.utils import translation

from partnerships.models import Contact, Organization, PartnershipParty
from tests import factories
from tests.api.conftest import token_client
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

STAFF = ("owner", "teammate", "outsider")
MERGERS = ("manager", "admin")


@pytest.fixture
def pair(partnership):
    survivor = factories.OrganizationFactory(
        name="Zhangjiakou", local_name="张家口市", romanization="Zhangjiakou", kind="city"
    )
    loser = factories.OrganizationFactory(name="Ville de Zhangjiakou", kind="government")
    factories.PartnershipPartyFactory(partnership=partnership, organization=loser)
    factories.ContactFactory(organization=loser, name="Li Na")
    return survivor, loser


def merge_url(survivor, loser, kind="organizations"):
    return f"/{kind}/{survivor.pk}/merge/{loser.pk}/"


# Pages ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", MERGERS)
def test_managers_and_admins_see_the_merge_entry_and_the_compare_page(personas, pair, name):
    survivor, loser = pair
    client = client_for(personas[name])
    detail = client.get(survivor.get_absolute_url()).content.decode()
    assert f"/organizations/{survivor.pk}/merge/" in detail
    pick = client.get(f"/organizations/{survivor.pk}/merge/")
    assert pick.status_code == 200
    assert "Ville de Zhangjiakou" in pick.content.decode()  # a likely duplicate
    page = client.get(merge_url(survivor, loser))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Merge Ville de Zhangjiakou into Zhangjiakou (张家口市)" in text
    assert 'name="kind" value="survivor" id="id_kind_0" checked' in text
    assert "parties" in text  # what moves


@pytest.mark.parametrize("name", [*STAFF, "no_role"])
def test_staff_and_people_without_a_role_cannot_merge(personas, pair, name):
    survivor, loser = pair
    client = client_for(personas[name])
    assert (
        f"/organizations/{survivor.pk}/merge/"
        not in client.get(survivor.get_absolute_url()).content.decode()
    )
    assert client.get(f"/organizations/{survivor.pk}/merge/").status_code == 403
    assert client.get(merge_url(survivor, loser)).status_code == 403
    assert client.post(merge_url(survivor, loser), {"kind": "loser"}).status_code == 403
    assert client.get("/duplicates/").status_code == 403
    assert Organization.objects.filter(pk=loser.pk).exists()


def test_anonymous_visitors_are_sent_to_sign_in(pair):
    survivor, loser = pair
    response = client_for(None).get(merge_url(survivor, loser))
    assert response.status_code == 302 and "/login" in response["Location"].lower()


def test_confirming_the_merge_moves_everything_and_shows_the_survivor(manager, pair, partnership):
    survivor, loser = pair
    client = client_for(manager)
    response = client.post(merge_url(survivor, loser), {"kind": "loser", "name": "survivor"})
    assert response.status_code == 302 and response["Location"] == survivor.get_absolute_url()
    survivor.refresh_from_db()
    assert survivor.kind == "government"
    assert "Ville de Zhangjiakou" in survivor.alias_list()
    assert PartnershipParty.objects.get(partnership=partnership).organization == survivor
    page = client.get(survivor.get_absolute_url()).content.decode()
    assert "Ville de Zhangjiakou was merged into Zhangjiakou." in page
    assert f"Merged Ville de Zhangjiakou (#{loser.pk}) into Zhangjiakou (#{survivor.pk})" in page


def test_a_bad_choice_is_refused_and_loses_nothing(manager, pair):
    survivor, loser = pair
    response = client_for(manager).post(merge_url(survivor, loser), {"kind": "both"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert Organization.objects.filter(pk=loser.pk).exists()


def test_a_record_cannot_be_merged_into_itself_from_the_pages(manager, pair):
    survivor, _loser = pair
    response = client_for(manager).post(merge_url(survivor, survivor))
    assert response.status_code == 302
    assert Organization.objects.filter(pk=survivor.pk).exists()


def test_contacts_merge_from_their_page(manager):
    org = factories.OrganizationFactory()
    survivor = factories.ContactFactory(organization=org, name="Wang Wei")
    loser = factories.ContactFactory(organization=org, name="WANG Wei", email="w@zjk.example")
    client = client_for(manager)
    assert (
        f"/contacts/{survivor.pk}/merge/"
        in client.get(survivor.get_absolute_url()).content.decode()
    )
    pick = client.get(f"/contacts/{survivor.pk}/merge/").content.decode()
    assert "WANG Wei" in pick
    assert client.get(merge_url(survivor, loser, "contacts")).status_code == 200
    response = client.post(merge_url(survivor, loser, "contacts"), {"name": "survivor"})
    assert response.status_code == 302
    survivor.refresh_from_db()
    assert survivor.email == "w@zjk.example"
    assert not Contact.objects.filter(pk=loser.pk).exists()


def test_the_merge_pages_are_in_french(manager, pair):
    survivor, loser = pair
    client = client_for(manager)
    client.cookies["django_language"] = "fr"
    with translation.override("fr"):
        text = client.get(merge_url(survivor, loser), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
        duplicates_page = client.get("/duplicates/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Fusionner Ville de Zhangjiakou avec Zhangjiakou (张家口市)" in text
    assert "Ce qui est déplacé" in text
    assert "Doublons possibles" in duplicates_page


# Possible duplicates ------------------------------------------------------------------


def test_the_duplicates_page_pairs_names_across_scripts_and_noise_words(manager):
    city = factories.OrganizationFactory(name="张家口市", kind="city")
    french = factories.OrganizationFactory(name="Ville de Zhangjiakou", kind="city")
    factories.OrganizationFactory(name="Zhangjiakou", country="FR")  # another country
    factories.OrganizationFactory(name="Hebei")
    c1 = factories.ContactFactory(organization=city, name="Élise Dupont")
    factories.ContactFactory(organization=french, name="elise dupont")
    factories.ContactFactory(name="Someone", email="same@example.org")
    factories.ContactFactory(name="Someone else", email="SAME@example.org")
    text = client_for(manager).get("/duplicates/").content.decode()
    assert f"/organizations/{city.pk}/merge/{french.pk}/" in text
    assert text.count("/organizations/") - text.count('/organizations/"') >= 1
    assert f"/contacts/{c1.pk}/merge/" in text
    assert "Same e-mail address" in text
    assert "Hebei" not in text


def grow_duplicates(n: int) -> None:
    for i in range(n):
        first = factories.OrganizationFactory(name=f"Ville de Xian{i}")
        second = factories.OrganizationFactory(name=f"City of Xian{i}")
        factories.ContactFactory(organization=first, name=f"Person {i}")
        factories.ContactFactory(organization=second, name=f"person {i}")
        factories.ContactFactory(email=f"p{i}@example.org")
        factories.ContactFactory(email=f"P{i}@example.org")


@pytest.mark.parametrize("size", [1, 12])
def test_the_duplicates_page_makes_a_fixed_number_of_queries(
    manager, size, django_assert_max_num_queries
):
    grow_duplicates(size)
    client = client_for(manager)
    client.get("/duplicates/")
    with django_assert_max_num_queries(12):
        response = client.get("/duplicates/")
    assert response.content.decode().count(">Merge</a>") == size * 3


@pytest.mark.parametrize("size", [1, 12])
def test_the_merge_pages_make_a_fixed_number_of_queries(
    manager, size, django_assert_max_num_queries
):
    grow_duplicates(size)
    survivor = Organization.objects.get(name="Ville de Xian0")
    loser = Organization.objects.get(name="City of Xian0")
    client = client_for(manager)
    with django_assert_max_num_queries(30):
        client.get(f"/organizations/{survivor.pk}/merge/?q=xian")
    with django_assert_max_num_queries(30):
        client.get(merge_url(survivor, loser))


# API ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", MERGERS)
def test_managers_and_admins_merge_through_the_api(personas, pair, name):
    survivor, loser = pair
    response = token_client(personas[name]).post(
        f"/api/organizations/{survivor.pk}/merge/",
        {"duplicate": loser.pk, "keep": {"kind": "loser"}},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["id"] == survivor.pk and body["kind"] == "government"
    assert "Ville de Zhangjiakou" in body["aliases"]
    assert not Organization.objects.filter(pk=loser.pk).exists()


@pytest.mark.parametrize("name", STAFF)
def test_staff_cannot_merge_through_the_api(personas, pair, name):
    survivor, loser = pair
    response = token_client(personas[name]).post(
        f"/api/organizations/{survivor.pk}/merge/", {"duplicate": loser.pk}, format="json"
    )
    assert response.status_code == 403
    assert "managers" in response.json()["detail"]
    assert Organization.objects.filter(pk=loser.pk).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "duplicate"),
        ({"duplicate": 999999}, "duplicate"),
        ({"duplicate": "x"}, "duplicate"),
        ({"duplicate": "self"}, "duplicate"),
        ({"duplicate": "loser", "keep": {"kind": "both"}}, "keep"),
        ({"duplicate": "loser", "keep": {"id": "loser"}}, "keep"),
        ({"duplicate": "loser", "keep": "all"}, "keep"),
    ],
)
def test_bad_merge_requests_get_a_clear_400_and_lose_nothing(manager, pair, body, field):
    survivor, loser = pair
    body = {**body}
    if body.get("duplicate") == "self":
        body["duplicate"] = survivor.pk
    elif body.get("duplicate") == "loser":
        body["duplicate"] = loser.pk
    response = token_client(manager).post(
        f"/api/organizations/{survivor.pk}/merge/", body, format="json"
    )
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert Organization.objects.filter(pk=loser.pk).exists()


def test_contacts_merge_through_the_api(manager):
    survivor = factories.ContactFactory(name="Wang Wei")
    loser = factories.ContactFactory(name="Wang Wei", phone="+86 313 000")
    response = token_client(manager).post(
        f"/api/contacts/{survivor.pk}/merge/", {"duplicate": loser.pk}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["phone"] == "+86 313 000"


# Admin -------------------------------------------------------------------------------


def test_the_admin_merges_exactly_two_selected_rows(admin_user, pair):
    survivor, loser = pair
    client = client_for(admin_user)
    url = "/admin/partnerships/organization/"
    form = {"action": "merge_selected", "_selected_action": [survivor.pk, loser.pk]}
    page = client.post(url, form)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Choose what to keep" in text and "Ville de Zhangjiakou" in text
    swapped = client.post(url, {**form, "survivor": survivor.pk, "swap": "1"})
    assert f'name="survivor" value="{loser.pk}"' in swapped.content.decode()
    done = client.post(url, {**form, "survivor": survivor.pk, "apply": "1", "kind": "survivor"})
    assert done.status_code == 302
    assert not Organization.objects.filter(pk=loser.pk).exists()
    assert "Ville de Zhangjiakou" in Organization.objects.get(pk=survivor.pk).aliases


def test_the_admin_action_refuses_anything_but_two_rows(admin_user, pair):
    survivor, loser = pair
    third = factories.OrganizationFactory()
    client = client_for(admin_user)
    for selected in ([survivor.pk], [survivor.pk, loser.pk, third.pk]):
        response = client.post(
            "/admin/partnerships/organization/",
            {"action": "merge_selected", "_selected_action": selected},
            follow=True,
        )
        assert "Select exactly two records to merge" in response.content.decode()
    assert Organization.objects.count() == 3


def test_the_admin_merges_contacts(admin_user):
    survivor, loser = factories.ContactFactory(), factories.ContactFactory()
    response = client_for(admin_user).post(
        "/admin/partnerships/contact/",
        {
            "action": "merge_selected",
            "_selected_action": [survivor.pk, loser.pk],
            "survivor": survivor.pk,
            "apply": "1",
            "name": "loser",
            "organization": "survivor",
        },
    )
    assert response.status_code == 302
    assert Contact.objects.get(pk=survivor.pk).name == loser.name

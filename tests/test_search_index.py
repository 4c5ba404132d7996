"""Search finds what every entry point writes, and stops finding what they
rename or delete (issue 10): on SQLite through the FTS5 trigram indexes that
triggers keep true (partnerships/search_index.py), which each test also checks
against the tables themselves with FTS5's own ``integrity-check``."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection

from partnerships import lifecycle, search_index
from partnerships.models import Action, Contact, Meeting, Organization, Partnership
from tests import factories
from tests.api.conftest import token_client
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 index")


def assert_indexes_true() -> None:
    """Every FTS index holds exactly its table's ``search_text`` (FTS5 compares
    the index with the content table row by row and raises when they differ)."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for table in search_index.TABLES:
            fts = search_index.fts_table(table)
            cursor.execute(f'INSERT INTO "{fts}"("{fts}", rank) VALUES (\'integrity-check\', 1)')  # noqa: S608


def titles(queryset) -> set[str]:
    return {str(row) for row in queryset}


def found_on_the_search_page(user, query: str) -> str:
    response = client_for(user).get("/search/", {"q": query})
    assert response.status_code == 200
    return response.content.decode()


def test_saved_records_are_found_and_renamed_ones_only_by_their_new_name(owner):
    organization = factories.OrganizationFactory(name="Edelweiss Tourism Office")
    contact = factories.ContactFactory(name="Zhou Xiaoyun", organization=organization)
    meeting = factories.MeetingFactory(title="Edelweiss fair", locality="Chambéry")
    assert list(Organization.objects.search("edelweiss")) == [organization]
    assert list(Contact.objects.search("xiaoyun")) == [contact]
    assert list(Meeting.objects.search("CHAMBERY")) == [meeting]

    organization.name = "Gentiane Tourism Office"
    organization.save()
    assert not Organization.objects.search("edelweiss").exists()
    assert list(Organization.objects.search("gentiane")) == [organization]
    assert "Gentiane Tourism Office" in found_on_the_search_page(owner, "gentiane")
    assert_indexes_true()


def test_a_partnership_renamed_through_the_api_is_found_by_its_new_title(owner, partnership):
    api = token_client(owner)
    response = api.patch(
        f"/api/partnerships/{partnership.pk}/",
        {"title": "Marmotte exchange programme", "version": partnership.version},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert list(Partnership.objects.search("marmotte")) == [partnership]
    assert api.get("/api/partnerships/", {"search": "marmotte"}).json()["count"] == 1
    assert client_for(owner).get("/partnerships/", {"search": "marmotte"}).status_code == 200
    assert "Marmotte exchange programme" in found_on_the_search_page(owner, "marmotte")
    assert_indexes_true()


def test_a_partnership_is_found_by_its_parties_organizations(partnership):
    organization = factories.OrganizationFactory(name="Bouquetin Valley Council")
    factories.PartnershipPartyFactory(partnership=partnership, organization=organization)
    assert list(Partnership.objects.search("bouquetin")) == [partnership]
    assert list(Partnership.objects.search("bouquetin valley")) == [partnership]
    assert not Partnership.objects.search("bouquetin zzz").exists()


def test_bulk_writes_and_raw_sql_keep_the_index_true(owner):
    organizations = Organization.objects.bulk_create(
        [
            factories.OrganizationFactory.build(name=f"Myrtille {i}", search_text=f"myrtille {i}")
            for i in range(3)
        ]
    )
    assert Organization.objects.search("myrtille").count() == 3
    Organization.objects.filter(pk=organizations[0].pk).update(search_text="airelle 0")
    assert Organization.objects.search("myrtille").count() == 2
    assert Organization.objects.search("airelle").count() == 1
    organizations[1].search_text = "framboise 1"
    Organization.objects.bulk_update([organizations[1]], ["search_text"])
    assert titles(Organization.objects.search("framboise")) == {organizations[1].name}
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE partnerships_organization SET search_text = %s WHERE id = %s",
            ["groseille 2", organizations[2].pk],
        )
    assert Organization.objects.search("groseille").count() == 1
    assert not Organization.objects.search("myrtille").exists()
    assert_indexes_true()


def test_deleted_records_are_no_longer_found(owner, partnership):
    organization = factories.OrganizationFactory(name="Chamois Alpine Club")
    action = factories.ActionFactory(partnership=partnership, title="Book the Chamois hut")
    assert list(Action.objects.search("chamois hut")) == [action]

    lifecycle.soft_delete(action, by=owner)
    assert not Action.objects.search("chamois hut").exists()
    Action.all_objects.filter(pk=action.pk).delete()  # and for good
    Organization.objects.filter(pk=organization.pk).delete()
    assert not Organization.objects.search("chamois").exists()
    assert "Chamois Alpine Club" not in found_on_the_search_page(owner, "chamois")
    assert_indexes_true()


def test_a_merged_organization_is_found_under_the_survivor_only(manager):
    survivor = factories.OrganizationFactory(name="Ville de Briançon")
    loser = factories.OrganizationFactory(name="Briancon City Hall")
    lifecycle.merge_organizations(survivor=survivor, loser=loser, by=manager)
    # The loser's name became an alias of the survivor.
    assert list(Organization.objects.search("city hall")) == [survivor]
    assert list(Organization.objects.search("briancon")) == [survivor]
    assert_indexes_true()


def test_seed_scale_s_batches_are_found(db):
    call_command("seed_scale", partnerships=20, stdout=io.StringIO(), stderr=io.StringIO())
    partnership = Partnership.objects.order_by("pk").first()
    word = max(partnership.search_text.split(), key=len)
    assert partnership in Partnership.objects.search(word)
    meeting = Meeting.objects.order_by("pk").first()
    word = max(meeting.search_text.split(), key=len)
    assert meeting in Meeting.objects.search(word)
    assert_indexes_true()


def test_terms_too_short_for_trigrams_still_match(db):
    organization = factories.OrganizationFactory(name="Zhangjiakou", local_name="张家口市")
    assert list(Organization.objects.search("张家")) == [organization]
    assert list(Organization.objects.search("zh")) == [organization]
    assert list(Organization.objects.search('zh"a')) == []


@sqlite_only
def test_a_lost_trigger_is_put_back_and_the_index_rebuilt_after_migrate(db):
    """What a migration that rebuilds a searched table leaves: no trigger."""
    with connection.cursor() as cursor:
        cursor.execute('DROP TRIGGER "partnerships_organization_fts_insert"')
    organization = factories.OrganizationFactory(name="Lagopède Reserve")
    assert search_index.ensure(connection) == ["partnerships_organization"]
    assert list(Organization.objects.search("lagopede")) == [organization]
    assert search_index.ensure(connection) == []
    assert_indexes_true()


@sqlite_only
def test_searches_read_the_index_on_sqlite():
    sql = str(Organization.objects.search("alpine").query)
    assert "partnerships_organization_fts" in sql and "MATCH" in sql
    sql = str(Organization.objects.search("al").query)
    assert "MATCH" not in sql

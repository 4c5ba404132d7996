"""Merging duplicates: the workflows (every reference moved, unique
constraints, aliases, history) and the near-duplicate keys."""

from __future__ import annotations

import pytest
from django.apps import apps

from partnerships import duplicates, history, lifecycle, merging
from partnerships.models import (
    Action,
    Contact,
    DocumentSignatory,
    Organization,
    OrganizationRelation,
    PartnershipParty,
    PartyRole,
    RelationKind,
)
from tests import factories
from tests.clock import TODAY

pytestmark = pytest.mark.django_db


def build_organization_with_every_reference(other_party_of, sector):
    """An organization that every kind of record names."""
    org = factories.OrganizationFactory(name="Ville de Zhangjiakou", aliases="ZJK")
    org.sectors.add(sector)
    factories.PartnershipPartyFactory(partnership=other_party_of, organization=org)
    meeting = factories.MeetingFactory()
    meeting.organizations.add(org)
    action = factories.ActionFactory(lead_organization=org)
    third = factories.OrganizationFactory(name="Chambéry", country="FR")
    factories.OrganizationRelationFactory(source=org, target=third, kind=RelationKind.PARTNER)
    factories.OrganizationRelationFactory(source=third, target=org, kind=RelationKind.MEMBER)
    child = factories.OrganizationFactory(name="Zhangjiakou Foreign Affairs Office", parent=org)
    contact = factories.ContactFactory(organization=org)
    return org, {"meeting": meeting, "action": action, "child": child, "contact": contact}


def test_every_reference_to_the_loser_moves_to_the_survivor(manager, partnership):
    sector = factories.SectorFactory()
    survivor = factories.OrganizationFactory(
        name="Zhangjiakou", local_name="张家口市", romanization="Zhangjiakou", kind="city"
    )
    loser, rows = build_organization_with_every_reference(partnership, sector)

    lifecycle.merge_organizations(survivor=survivor, loser=loser, keep={}, by=manager)

    assert not Organization.objects.filter(pk=loser.pk).exists()
    for link in merging.links_to(Organization):
        assert not link.model._base_manager.filter(**{link.field.attname: loser.pk}).exists(), link
    assert PartnershipParty.objects.get(partnership=partnership).organization == survivor
    assert list(rows["meeting"].organizations.all()) == [survivor]
    assert Action.objects.get(pk=rows["action"].pk).lead_organization == survivor
    assert Organization.objects.get(pk=rows["child"].pk).parent == survivor
    assert Contact.objects.get(pk=rows["contact"].pk).organization == survivor
    assert survivor.relations_from.count() == 1 and survivor.relations_to.count() == 1
    assert list(survivor.sectors.all()) == [sector]


def test_the_losers_names_become_aliases_and_the_chosen_values_are_kept(manager):
    survivor = factories.OrganizationFactory(name="张家口市", kind="city", website="")
    loser = factories.OrganizationFactory(
        name="Ville de Zhangjiakou",
        romanization="Zhangjiakou",
        aliases="City of Zhangjiakou\nZJK",
        website="https://www.zjk.gov.cn/",
        kind="government",
        locality="Zhangjiakou",
    )
    merged = lifecycle.merge_organizations(
        survivor=survivor, loser=loser, keep={"kind": "survivor", "name": "survivor"}, by=manager
    )
    merged.refresh_from_db()
    assert merged.name == "张家口市"
    assert merged.kind == "city"
    assert merged.website == "https://www.zjk.gov.cn/"  # the survivor had none
    assert merged.romanization == "Zhangjiakou"
    assert merged.alias_list() == ["Ville de Zhangjiakou", "City of Zhangjiakou", "ZJK"]
    # Stored columns stay true.
    assert merged.search_text == merged.build_search_text()
    assert merged.match_key == "zhangjiakou"
    assert Organization.objects.search("ville de zhangjiakou").get() == merged


def test_taking_the_losers_name_keeps_the_survivors_old_name_as_an_alias(manager):
    survivor = factories.OrganizationFactory(name="Zhangjiakou City")
    loser = factories.OrganizationFactory(name="Zhangjiakou")
    merged = lifecycle.merge_organizations(
        survivor=survivor, loser=loser, keep={"name": "loser"}, by=manager
    )
    merged.refresh_from_db()
    assert merged.name == "Zhangjiakou"
    assert merged.alias_list() == ["Zhangjiakou City"]


def test_rows_that_would_repeat_or_link_the_survivor_to_itself_are_dropped(manager, partnership):
    survivor = factories.OrganizationFactory(name="Zhangjiakou")
    loser = factories.OrganizationFactory(name="Ville de Zhangjiakou")
    third = factories.OrganizationFactory(name="Hebei")
    for org in (survivor, loser):
        factories.PartnershipPartyFactory(
            partnership=partnership, organization=org, role=PartyRole.SIGNATORY
        )
        factories.OrganizationRelationFactory(source=org, target=third)
    factories.OrganizationRelationFactory(source=loser, target=survivor)
    meeting = factories.MeetingFactory()
    meeting.organizations.add(survivor, loser)
    sector = factories.SectorFactory()
    survivor.sectors.add(sector)
    loser.sectors.add(sector, factories.SectorFactory())

    lifecycle.merge_organizations(survivor=survivor, loser=loser, by=manager)

    assert PartnershipParty.objects.filter(partnership=partnership).count() == 1
    assert list(OrganizationRelation.objects.values_list("source", "target")) == [
        (survivor.pk, third.pk)
    ]
    assert list(meeting.organizations.all()) == [survivor]
    assert survivor.sectors.count() == 2


def test_a_loser_inside_the_survivor_leaves_the_survivor_where_it_was(manager):
    hebei = factories.OrganizationFactory(name="Hebei")
    survivor = factories.OrganizationFactory(name="Zhangjiakou", parent=hebei)
    loser = factories.OrganizationFactory(name="Zhangjiakou office", parent=survivor)
    merged = lifecycle.merge_organizations(
        survivor=survivor, loser=loser, keep={"parent": "loser"}, by=manager
    )
    merged.refresh_from_db()
    assert merged.parent == hebei


def test_a_record_cannot_be_merged_into_itself(manager):
    org = factories.OrganizationFactory()
    with pytest.raises(lifecycle.MergeRefused, match="itself"):
        lifecycle.merge_organizations(survivor=org, loser=org, by=manager)
    assert Organization.objects.filter(pk=org.pk).exists()


def test_unknown_fields_and_sides_are_refused_and_nothing_is_written(manager):
    survivor, loser = factories.OrganizationFactory(), factories.OrganizationFactory()
    with pytest.raises(lifecycle.MergeRefused, match="cannot be chosen"):
        lifecycle.merge_organizations(
            survivor=survivor, loser=loser, keep={"id": "loser"}, by=manager
        )
    with pytest.raises(lifecycle.MergeRefused, match="survivor"):
        lifecycle.merge_organizations(
            survivor=survivor, loser=loser, keep={"name": "both"}, by=manager
        )
    assert Organization.objects.filter(pk=loser.pk).exists()


def test_a_name_taken_by_a_third_organization_is_refused_and_nothing_is_written(manager):
    factories.OrganizationFactory(name="Zhangjiakou", country="FR")
    survivor = factories.OrganizationFactory(name="Zhangjiakou", country="CN")
    loser = factories.OrganizationFactory(name="ZJK", country="FR")
    contact = factories.ContactFactory(organization=loser)
    with pytest.raises(lifecycle.MergeRefused):
        lifecycle.merge_organizations(
            survivor=survivor, loser=loser, keep={"country": "loser"}, by=manager
        )
    assert Organization.objects.filter(pk=loser.pk).exists()
    assert Contact.objects.get(pk=contact.pk).organization_id == loser.pk


def test_the_history_records_the_merge(manager, settings):
    survivor = factories.OrganizationFactory(name="张家口市")
    loser = factories.OrganizationFactory(name="Ville de Zhangjiakou")
    lifecycle.merge_organizations(survivor=survivor, loser=loser, by=manager)
    reason = f"Merged Ville de Zhangjiakou (#{loser.pk}) into 张家口市 (#{survivor.pk})"
    assert survivor.history.first().history_change_reason == reason, (
        survivor.history.first().history_change_reason
    )
    assert survivor.history.first().history_user == manager
    entries = history.history_of(survivor)
    assert entries[0].reason == reason
    from django.utils import translation

    with translation.override("fr"):
        french = history.history_of(survivor)[0].reason
    assert french.startswith("Fusion de Ville de Zhangjiakou")


def test_history_rows_of_other_records_name_the_survivor(manager):
    survivor = factories.OrganizationFactory(name="Zhangjiakou")
    loser = factories.OrganizationFactory(name="Ville de Zhangjiakou")
    meeting = factories.MeetingFactory()
    meeting.organizations.add(loser)
    lifecycle.merge_organizations(survivor=survivor, loser=loser, by=manager)
    m2m_history = apps.get_model("partnerships", "HistoricalMeeting_organizations")
    assert not m2m_history.objects.filter(organization_id=loser.pk).exists()


def test_merging_contacts_moves_meetings_and_signatures_once(manager):
    org = factories.OrganizationFactory()
    survivor = factories.ContactFactory(organization=org, name="Wang Wei", email="")
    loser = factories.ContactFactory(
        organization=org, name="WANG Wei", local_name="王伟", email="wang@zjk.example"
    )
    both = factories.DocumentFactory()
    only_loser = factories.DocumentFactory()
    factories.DocumentSignatoryFactory(document=both, contact=survivor, title_at_signing="Mayor")
    factories.DocumentSignatoryFactory(document=both, contact=loser, title_at_signing="Vice-mayor")
    factories.DocumentSignatoryFactory(
        document=only_loser, contact=loser, title_at_signing="Director"
    )
    meeting = factories.MeetingFactory()
    meeting.contacts.add(survivor, loser)

    merged = lifecycle.merge_contacts(survivor=survivor, loser=loser, by=manager)

    merged.refresh_from_db()
    assert merged.email == "wang@zjk.example" and merged.local_name == "王伟"
    assert not Contact.objects.filter(pk=loser.pk).exists()
    assert dict(
        DocumentSignatory.objects.filter(contact=merged).values_list("document", "title_at_signing")
    ) == {both.pk: "Mayor", only_loser.pk: "Director"}
    assert list(meeting.contacts.all()) == [merged]
    assert merged.history.first().history_change_reason.startswith("Merged WANG Wei")


def test_a_merged_person_holds_one_current_post_the_one_kept(manager):
    """Both records have a current post: the merged person keeps their past
    posts, and one current post, at the organization and title chosen."""
    city = factories.OrganizationFactory(name="Zhangjiakou")
    office = factories.OrganizationFactory(name="Foreign Affairs Office of Zhangjiakou")
    survivor = factories.ContactFactory(organization=office, name="Li Ming", title="Director")
    loser = factories.ContactFactory(organization=city, name="LI Ming", title="Vice-mayor")
    lifecycle.change_position(
        contact=loser, organization=city, title="Deputy mayor", since=TODAY, by=manager
    )

    merged = lifecycle.merge_contacts(
        survivor=survivor,
        loser=loser,
        keep={"organization": "loser", "title": "loser"},
        by=manager,
    )

    merged.refresh_from_db()
    assert (merged.organization, merged.title) == (city, "Deputy mayor")
    current = [(p.organization, p.title) for p in merged.positions.current()]
    assert current == [(city, "Deputy mayor")]
    assert [p.title for p in merged.positions.past()] == ["Vice-mayor"]


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Ville de Zhangjiakou", "zhangjiakou"),
        ("City of Zhangjiakou", "zhangjiakou"),
        ("张家口市", "zhangjiakou"),
        ("张家口市人民政府", "zhangjiakou"),
        ("Zhangjiakou Municipal People's Government", "zhangjiakou"),
        ("Province of Hebei", "hebei"),
        ("河北省", "hebei"),
        ("Région Auvergne-Rhône-Alpes", "auvergnerhonealpes"),
        ("Auvergne-Rhône-Alpes Region", "auvergnerhonealpes"),
        ("MND Group", "mnd"),
        ("MND SA", "mnd"),
        ("Zhangjiakou Wintersports Co., Ltd", "zhangjiakouwintersports"),
        ("Région", "region"),
    ],
)
def test_names_reduce_to_one_comparison_key(name, key):
    assert duplicates.name_comparison_key(name) == key


def test_an_organization_is_compared_through_its_local_name_or_romanization():
    assert duplicates.organization_key("Zhangjiakou City", "张家口市", "") == "zhangjiakou"
    assert duplicates.organization_key("ZJK", "", "Zhangjiakou") == "zhangjiakou"
    assert duplicates.person_key("Mme Élise DUPONT") == "elisedupont"
    assert duplicates.person_key("Wang Wei") == duplicates.person_key("Mr Wang", "王伟")


def test_the_near_duplicate_warning_uses_the_same_keys(owner):
    existing = factories.OrganizationFactory(name="Zhangjiakou", local_name="张家口市")
    new = Organization(name="Ville de Zhangjiakou", country="CN", kind="city")
    with pytest.raises(lifecycle.NearDuplicate) as refused:
        lifecycle.create_organization(new, by=owner)
    assert refused.value.similar == [existing]
    other_country = Organization(name="Ville de Zhangjiakou", country="FR", kind="city")
    assert lifecycle.create_organization(other_country, by=owner).pk

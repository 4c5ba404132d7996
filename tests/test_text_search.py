"""Normalized search: accents, case, spacing and local scripts."""

from __future__ import annotations

import pytest

from partnerships import text_search
from partnerships.models import Organization, Partnership
from tests import factories


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("Chambéry", "chambery"),
        ("  Ville   de  CHAMBÉRY ", "ville de chambery"),
        ("张家口市", "张家口市"),
        ("Université Savoie Mont Blanc", "universite savoie mont blanc"),
        ("Straße", "strasse"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalize_folds_case_accents_and_spaces(raw, normalized):
    assert text_search.normalize(raw) == normalized


def test_name_key_ignores_punctuation_too():
    assert text_search.name_key("Ville-de-Chambéry") == text_search.name_key("ville de chambery")


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["zhang", "ZHANGJIAKOU", "张家口", "kalgan"])
def test_organizations_are_found_by_name_local_name_romanization_or_alias(query):
    org = factories.OrganizationFactory(
        name="Zhangjiakou", local_name="张家口市", romanization="Zhangjiakou", aliases="Kalgan"
    )
    assert list(Organization.objects.search(query)) == [org]


@pytest.mark.django_db
def test_every_word_must_match():
    factories.OrganizationFactory(name="Savoie Technolac")
    factories.OrganizationFactory(name="Savoie Grand Revard")
    assert [o.name for o in Organization.objects.search("savoie revard")] == ["Savoie Grand Revard"]


@pytest.mark.django_db
def test_partnerships_are_found_by_title_or_by_a_partys_local_name(owner):
    by_party = factories.PartnershipFactory(owner=owner, title="Ski lifts")
    factories.PartnershipPartyFactory(
        partnership=by_party, organization=factories.OrganizationFactory(local_name="太舞滑雪小镇")
    )
    by_title = factories.PartnershipFactory(owner=owner, title="Téléski de Thaiwoo")
    factories.PartnershipFactory(owner=owner, title="Unrelated")

    assert set(Partnership.objects.search("太舞")) == {by_party}
    assert set(Partnership.objects.search("teleski")) == {by_title}


@pytest.mark.django_db
def test_actions_have_a_normalized_search_column_filled_for_existing_rows_too():
    from importlib import import_module

    from django.apps import apps

    from partnerships.models import Action

    action = factories.ActionFactory(title="Réserver l'HÔTEL à Zhangjiakou")
    assert action.search_text == "reserver l'hotel a zhangjiakou"
    Action.objects.filter(pk=action.pk).update(search_text="")  # a row from before 0010

    import_module("partnerships.migrations.0010_action_search_text").fill(apps, None)

    assert list(Action.objects.search("HOTEL zhangjiakou")) == [action]

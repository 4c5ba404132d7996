"""seed_demo loads the real programmes of SPEC section 5, idempotently
(seed_scale's tests are in test_seed_scale.py: they need an empty database)."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command

from partnerships.models import (
    Action,
    Meeting,
    Organization,
    OrganizationRelation,
    Partnership,
)
from tests.conftest import shared_rows

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo data, loaded once for the module (each test's writes are undone)."""
    yield from shared_rows(
        django_db_blocker, lambda: call_command("seed_demo", stdout=io.StringIO())
    )


def table_counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_app_config("partnerships").get_models()
    } | {"users": get_user_model().objects.count()}


def stage_path(title: str) -> list[tuple[str, datetime.date]]:
    partnership = Partnership.objects.get(title=title)
    return list(partnership.stage_changes.values_list("to_stage", "effective_date"))


def test_seed_demo_twice_changes_nothing(demo):
    before = table_counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert table_counts() == before


def test_demo_users_have_their_roles(demo):
    users = {u.username: u for u in get_user_model().objects.prefetch_related("groups")}
    assert users["admin"].is_superuser
    assert [g.name for g in users["manager"].groups.all()] == ["Manager"]
    assert [g.name for g in users["julien"].groups.all()] == ["Staff"]
    assert [g.name for g in users["mei"].groups.all()] == ["Staff"]
    assert users["manager"].check_password("manager-demo-2026")


def test_demo_organizations_carry_local_names_and_parents(demo):
    zhangjiakou = Organization.objects.get(local_name="张家口市")
    assert zhangjiakou.name == "Zhangjiakou" and zhangjiakou.parent.local_name == "河北省"
    assert (
        Organization.objects.get(local_name="成都高新技术产业开发区").parent.name
        == "Sichuan Province"
    )
    assert Organization.objects.get(local_name="郑州市").country == "CN"
    assert Organization.objects.search("张家口").filter(pk=zhangjiakou.pk).exists()
    assert set(Organization.objects.search("chambery").values_list("name", flat=True)) == {
        "Ville de Chambéry",
        "French Tech Chambéry",
    }
    assert OrganizationRelation.objects.filter(
        source__name="MND", kind="joint_venture", target__name="CCZMMA"
    ).exists()


def test_chambery_zhangjiakou_follows_the_documented_sequence(demo):
    path = stage_path("Chambéry – Zhangjiakou cooperation")
    assert path[1:] == [("letter_of_intent", D(2017, 2, 16)), ("agreement", D(2018, 11, 29))]
    partnership = Partnership.objects.get(title="Chambéry – Zhangjiakou cooperation")
    assert {p.organization.name for p in partnership.parties.all()} >= {
        "Ville de Chambéry",
        "Zhangjiakou",
        "Université Savoie Mont Blanc",
        "Savoie Technolac",
        "Savoie Grand Revard",
        "French Tech Chambéry",
    }
    mission = Meeting.objects.get(title="Mission to Zhangjiakou and Beijing")
    assert (mission.start_date, mission.end_date) == (D(2017, 2, 14), D(2017, 2, 18))
    assert mission.partnerships.filter(pk=partnership.pk).exists()


def test_region_agreement_and_twelve_contracts_day(demo):
    agreement = Partnership.objects.get(title="Auvergne-Rhône-Alpes – Hebei cooperation agreement")
    assert agreement.stage == "agreement" and agreement.signed_on == D(2018, 11, 29)
    assert agreement.origin_meeting.title == "Forum on Beijing 2022 Winter Games business"
    assert agreement.origin_meeting.locality == "Chambéry"
    contracts = Partnership.objects.filter(
        title__endswith="– Hebei partnership contract", stage="contract"
    )
    names = {p.parties.get(role="signatory").organization.name for p in contracts}
    assert names == {
        "MND",
        "CDA",
        "Club Med",
        "PVCP",
        "Sanisphere",
        "SNOOC",
        "ESF Val Thorens",
        "4footsolutions",
        "Plasticval",
    }
    assert all(p.signed_on == D(2018, 11, 29) for p in contracts)


def test_company_deals_carry_their_values(demo):
    poma = Partnership.objects.get(title__startswith="POMA")
    assert (poma.value_amount, poma.value_currency, poma.stage) == (
        Decimal("200000000.00"),
        "EUR",
        "contract",
    )
    assert [stage for stage, _ in stage_path(poma.title)] == [
        "prospect",
        "letter_of_intent",
        "contract",
    ]
    assert stage_path(poma.title)[1][1] == D(2017, 2, 15)
    mnd = Partnership.objects.get(title="MND – Snowland turnkey contract")
    assert mnd.value_amount == Decimal("110000000.00")


def test_other_programmes_are_there(demo):
    assert Partnership.objects.get(title__startswith="Chamonix – Yanqing").stage == "agreement"
    ruijin = Partnership.objects.get(title__startswith="Ruijin hospital")
    assert ruijin.stage == "renewal" and stage_path(ruijin.title)[-1][1] == D(2017, 4, 12)
    assert Partnership.objects.filter(title__startswith="Sitri – CEA-Leti").exists()
    sister_parks = Partnership.objects.get(title__contains="Sister Parks")
    assert (
        sister_parks.signed_on == D(2016, 7, 2) and sister_parks.signed_on.weekday() == 5
    )  # a Saturday
    delegation = Meeting.objects.get(title="Delegation from Zhengzhou received in Amiens")
    assert (delegation.start_date, delegation.end_date, delegation.kind) == (
        D(2019, 8, 25),
        D(2019, 8, 27),
        "inbound_delegation",
    )
    assert Partnership.objects.filter(
        title__startswith="Zhengzhou International Hub", stage="prospect"
    ).exists()
    assert Partnership.objects.filter(title__startswith="Yutong", stage="prospect").exists()


def test_follow_up_actions_have_owners_and_due_dates(demo):
    air_route = Action.objects.get(title__startswith="Study of a direct Lyon–China air route")
    assert air_route.lead_organization.name == "Aéroports de Lyon"
    assert air_route.owner.username == "manager" and air_route.due_date is not None
    assert (
        Action.objects.get(title="ESF Val Thorens ski school in Zhangjiakou").owner.username
        == "julien"
    )
    alpitec = Action.objects.get(title="Cluster Montagne mission to Alpitec China")
    assert alpitec.status == "done" and alpitec.completed_on == D(2019, 1, 19)
    assert Action.objects.filter(title="Bids on training sites next to the Olympic venues").exists()
    assert Action.objects.overdue().exists()  # the demo always has something late


def test_every_demo_stage_history_starts_with_the_first_stage(demo):
    for partnership in Partnership.objects.all():
        first = partnership.stage_changes.first()
        assert (
            first.from_stage == ""
            and partnership.stage_changes.last().to_stage == partnership.stage
        )

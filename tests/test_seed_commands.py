"""seed_demo loads the real programmes of SPEC section 5, idempotently;
seed_scale makes proportional synthetic data."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from partnerships import reports, text_search
from partnerships.management.commands import seed_scale as seed_scale_command
from partnerships.models import (
    Action,
    ActionStatus,
    Contact,
    Meeting,
    Organization,
    OrganizationRelation,
    Partnership,
    PartnershipParty,
    Stage,
    StageChange,
    Status,
)

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=io.StringIO())


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


# seed_scale --------------------------------------------------------------------------

# The day the synthetic data is made around (the tests never read the clock).
TODAY = D(2026, 3, 2)


def seed_scale(partnerships: int, **options) -> str:
    out = io.StringIO()
    options.setdefault("owners", 3)
    call_command(
        "seed_scale",
        partnerships=partnerships,
        today=TODAY,
        stdout=out,
        stderr=io.StringIO(),
        **options,
    )
    return out.getvalue()


def test_seed_scale_makes_proportional_data():
    seed_scale(20)
    assert Partnership.objects.count() == 20
    assert Meeting.objects.count() == 100
    assert Action.objects.count() == 200
    assert StageChange.objects.count() >= 20
    assert Organization.objects.count() >= 50
    # Derived columns are filled although rows were bulk-inserted.
    assert not Partnership.objects.filter(search_text="").exists()
    assert set(Partnership.objects.values_list("stage", flat=True)) > {"prospect"}


def test_seed_scale_leaves_some_partnerships_quiet_for_the_stalled_report():
    seed_scale(40)
    report = reports.stalled(today=TODAY)
    open_count = Partnership.objects.open().count()
    assert 0 < report.count < open_count
    assert all(row.days_quiet > 90 for row in report.rows)
    # Actions were created over the past months, not all at the moment of seeding.
    assert Action.objects.filter(created_at__date__lt=TODAY - datetime.timedelta(days=90)).exists()


def test_seed_scale_spreads_the_data_over_stages_statuses_owners_and_places():
    seed_scale(300, owners=5)
    partnerships = Partnership.objects.all()
    assert set(partnerships.values_list("stage", flat=True)) == set(Stage.values)
    assert set(partnerships.values_list("status", flat=True)) == set(Status.values)
    assert partnerships.values("owner").distinct().count() == 5
    assert set(Action.objects.values_list("status", flat=True)) == set(ActionStatus.values)
    assert Organization.objects.values("country").distinct().count() > 5
    assert Meeting.objects.values("country").distinct().count() > 5
    assert Partnership.sectors.through.objects.count() == 2 * 300
    assert PartnershipParty.objects.count() == 2 * 300
    # About one in four has gone quiet: nothing in the last 100 days.
    recent = TODAY - datetime.timedelta(days=100)
    quiet = partnerships.exclude(reports.active_since(day=recent, today=TODAY))
    assert 0.15 < quiet.count() / 300 < 0.35
    # Dates spread over years around today, some ahead.
    assert Action.objects.filter(due_date__gt=TODAY).exists()
    assert Action.objects.filter(due_date__lt=TODAY - datetime.timedelta(days=300)).exists()
    assert Meeting.objects.filter(start_date__gt=TODAY).exists()
    assert Meeting.objects.filter(start_date__lt=TODAY - datetime.timedelta(days=700)).exists()


def test_seed_scale_derived_columns_are_what_the_models_would_store():
    """Rows skip save(): their search text, name keys and renewal dates must be
    what save() computes from the same fields."""
    seed_scale(30)
    for model in (Partnership, Meeting, Action, Organization, Contact):
        rows = list(model._base_manager.all())
        assert rows
        assert [row.search_text for row in rows] == [row.build_search_text() for row in rows]
    for partnership in Partnership.objects.all():
        assert partnership.renewal_due_on == partnership.compute_renewal_due_on()
    for organization in Organization.objects.all():
        assert organization.name_key == text_search.name_key(organization.name)
    # Local names in Chinese script are searchable, as the benchmark's 张家口 needs.
    assert Organization.objects.filter(country="CN").exclude(local_name="").exists()


def test_seed_scale_rows_tell_a_consistent_story():
    seed_scale(40)
    tz = timezone.get_current_timezone()
    for partnership in Partnership.objects.prefetch_related("stage_changes", "parties"):
        changes = list(partnership.stage_changes.all())
        assert changes[0].from_stage == ""
        assert [c.from_stage for c in changes[1:]] == [c.to_stage for c in changes[:-1]]
        assert changes[-1].to_stage == partnership.stage
        assert changes[-1].effective_date == partnership.stage_changed_on <= TODAY
        assert all(c.changed_by_id == partnership.owner_id for c in changes)
        parties = list(partnership.parties.all())
        assert len(parties) == 2 and parties[0].role == "signatory"
        assert (partnership.status == "abandoned") == (partnership.abandon_reason_id is not None)
        if partnership.start_date and partnership.end_date:
            assert partnership.start_date <= partnership.end_date
    for meeting in Meeting.objects.prefetch_related("partnerships", "organizations"):
        assert meeting.status == ("planned" if meeting.start_date > TODAY else "held")
        assert len(meeting.partnerships.all()) == 1 and len(meeting.organizations.all()) == 1
    for action in Action.objects.all():
        created = timezone.localtime(action.created_at, tz)
        assert 8 <= created.hour <= 18 and created.date() <= TODAY
        assert (action.status in ("done", "cancelled")) == (action.completed_on is not None)
        if action.completed_on:
            assert created.date() <= action.completed_on <= TODAY
    # Rows the command stamps "now" are stamped on the day it was given.
    assert set(Partnership.objects.values_list("created_at__date", flat=True)) == {TODAY}


def test_seed_scale_adds_to_what_is_there_and_the_app_can_write_after_it():
    seed_scale(10)
    users = get_user_model().objects.count()
    first = set(Partnership.objects.values_list("pk", flat=True))
    seed_scale(10)
    assert Partnership.objects.count() == 20 and Meeting.objects.count() == 100
    assert Partnership.objects.values("title").distinct().count() == 20
    assert get_user_model().objects.count() == users  # the owners are reused
    second = set(Partnership.objects.values_list("pk", flat=True)) - first
    assert min(second) > max(first)
    # The ids handed out by the command leave the database's own counters
    # (PostgreSQL's sequences) past them.
    owner = get_user_model().objects.get(username="scale-owner-000")
    created = Partnership.objects.create(title="After the seed", owner=owner)
    organization = Organization.objects.create(name="After the seed", country="FR")
    meeting = Meeting.objects.create(title="After the seed", start_date=TODAY, logged_by=owner)
    assert created.pk > max(second)
    assert organization.pk > Organization.objects.exclude(pk=organization.pk).latest("pk").pk
    assert meeting.pk > Meeting.objects.exclude(pk=meeting.pk).latest("pk").pk


def test_seed_scale_runs_the_same_queries_for_few_and_many_partnerships(
    django_assert_max_num_queries,
):
    """Rows go in by the batch, never a query per row (the bound holds for 5
    and for 150 partnerships)."""
    seed_scale(1)  # the owners exist from here on, as on a second run
    with django_assert_max_num_queries(25):
        seed_scale(5)
    with django_assert_max_num_queries(25):
        seed_scale(150)
    assert Partnership.objects.count() == 156


def test_seed_scale_writes_in_batches_of_the_size_asked():
    seed_scale(25, batch_size=10)
    assert Partnership.objects.count() == 25
    assert Action.objects.count() == 250
    assert Action.objects.values("partnership").distinct().count() == 25


def test_seed_scale_calls_the_stored_columns_hook_once_with_the_new_partnerships(monkeypatch):
    seed_scale(5)
    calls = []

    def record(partnerships, *, today):
        calls.append((set(partnerships.values_list("pk", flat=True)), today))

    monkeypatch.setattr(seed_scale_command, "recompute_stored_columns", record)
    before = set(Partnership.objects.values_list("pk", flat=True))
    seed_scale(7)
    new = set(Partnership.objects.values_list("pk", flat=True)) - before
    assert calls == [(new, TODAY)] and len(new) == 7


def test_seed_scale_shows_a_progress_bar_when_asked():
    errors = io.StringIO()
    call_command(
        "seed_scale",
        partnerships=12,
        owners=2,
        today=TODAY,
        progress=True,
        stdout=io.StringIO(),
        stderr=errors,
    )
    assert "12/12" in errors.getvalue() and "100%" in errors.getvalue()


def test_seed_scale_refuses_a_size_below_one_and_writes_nothing():
    before = table_counts()
    errors = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("seed_scale", partnerships=0, stdout=io.StringIO(), stderr=errors)
    assert exit_.value.code == 2 and "at least 1" in errors.getvalue()
    assert table_counts() == before


def test_seed_scale_stops_on_a_required_column_it_does_not_fill(monkeypatch):
    """A column added later without a default must be given a value in the
    command: it says which, and nothing is written."""
    before = table_counts()
    monkeypatch.setattr(Partnership._meta.get_field("signed_on"), "null", False)
    with pytest.raises(CommandError, match=r"partnerships\.Partnership\.signed_on"):
        seed_scale(3)
    assert table_counts() == before


def test_seed_scale_puts_the_sqlite_settings_back():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's page cache setting")

    def cache_size() -> int:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            return cursor.fetchone()[0]

    before = cache_size()
    seed_scale(3)
    assert cache_size() == before

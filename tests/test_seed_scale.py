"""seed_scale makes proportional synthetic data, fast (batches written as they
are made, linear in the number of partnerships), with quiet partnerships, and
fills the stored activity the workflows keep."""

from __future__ import annotations

import datetime
import io

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
    Partnership,
    PartnershipParty,
    Stage,
    StageChange,
    Status,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def table_counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_app_config("partnerships").get_models()
    } | {"users": get_user_model().objects.count()}


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
    quiet = partnerships.filter(last_activity_on__lte=recent)
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
    for contact in Contact.objects.all():
        assert contact.name_key == text_search.name_key(contact.name)
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
    and for 150 partnerships; two of them compute the stored activity, one the
    value in euros)."""
    seed_scale(1)  # the owners exist from here on, as on a second run
    with django_assert_max_num_queries(28):
        seed_scale(5)
    with django_assert_max_num_queries(28):
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


def test_seed_scale_stores_each_partnerships_activity_as_the_workflows_would():
    from tests.test_stored_activity import assert_stored_activity_is_true

    seed_scale(30)

    assert_stored_activity_is_true(TODAY)

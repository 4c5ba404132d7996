"""seed_scale makes proportional synthetic data, fast, with quiet partnerships."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from partnerships import reports
from partnerships.models import Action, Meeting, Organization, Partnership, StageChange

pytestmark = pytest.mark.django_db


def test_seed_scale_makes_proportional_data():
    call_command("seed_scale", partnerships=20, owners=3, stdout=io.StringIO())
    assert Partnership.objects.count() == 20
    assert Meeting.objects.count() == 100
    assert Action.objects.count() == 200
    assert StageChange.objects.count() >= 20
    assert Organization.objects.count() >= 50
    # Derived columns are filled although rows were bulk-inserted.
    assert not Partnership.objects.filter(search_text="").exists()
    assert set(Partnership.objects.values_list("stage", flat=True)) > {"prospect"}


def test_seed_scale_leaves_some_partnerships_quiet_for_the_stalled_report():
    call_command("seed_scale", partnerships=40, owners=3, stdout=io.StringIO())
    today = timezone.localdate()
    report = reports.stalled(today=today)
    open_count = Partnership.objects.open().count()
    assert 0 < report.count < open_count
    assert all(row.days_quiet > 90 for row in report.rows)
    # Actions were created over the past months, not all at the moment of seeding.
    assert Action.objects.filter(created_at__date__lt=today - datetime.timedelta(days=90)).exists()

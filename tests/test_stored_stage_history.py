"""The stored stage history (partnerships/stage_history.py) stays what a
recomputation from scratch gives, whichever way stages change: the pages and
the board, the API, the admin (its form and its bulk actions), spreadsheet
imports, renewals, deleting and restoring, seed_scale, and
``refresh_activity --all``. And the reports read from it give the figures the
history gives.

The recomputation here is written in Python over the raw rows, independently of
the SQL in ``stage_history.py``, so a mistake in either shows.
"""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from partnerships import reports
from partnerships.models import Partnership, Stage, StageChange
from tests import factories
from tests.api.conftest import token_client
from tests.clock import TODAY
from tests.conftest import client_for
from tests.pages.conftest import partnership_form_data
from tests.test_imports import csv_file, imported

pytestmark = pytest.mark.django_db


def ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def expected_history() -> tuple[dict, dict]:
    """(stays by stage change id, funnel values by partnership id), from the rows."""
    stays, funnel_values = {}, {}
    for partnership in Partnership.all_objects.all():
        changes = sorted(
            StageChange.all_objects.filter(partnership=partnership),
            key=lambda change: (change.effective_date, change.pk),
        )
        for change, following in zip(changes, [*changes[1:], None], strict=True):
            left_on = following.effective_date if following else None
            days = (left_on - change.effective_date).days if left_on else None
            stays[change.pk] = (left_on, days)
        furthest = max((Stage.rank(c.to_stage) for c in changes), default=None)
        entered = min((c.effective_date for c in changes if not c.from_stage), default=None)
        funnel_values[partnership.pk] = (
            "" if furthest is None else Stage.values[furthest],
            entered,
        )
    return stays, funnel_values


def assert_stored_history_is_true() -> None:
    stays, funnel_values = expected_history()
    stored_stays = {
        change.pk: (change.left_on, change.stay_days) for change in StageChange.all_objects.all()
    }
    stored_funnel = {
        p.pk: (p.furthest_stage, p.entered_pipeline_on) for p in Partnership.all_objects.all()
    }
    assert stored_stays == stays
    assert stored_funnel == funnel_values


def done(response):
    """The request was carried out (a redirect after a page form, a 2xx from the API)."""
    assert response.status_code in (200, 201, 204, 302), response.content.decode()[:500]
    return response


@pytest.fixture
def two(owner):
    first = factories.PartnershipFactory(
        owner=owner, title="Chambéry – Zhangjiakou", stage_changed_on=ago(400)
    )
    second = factories.PartnershipFactory(
        owner=owner,
        title="Sophia Antipolis – Chengdu",
        stage="agreement",
        stage_changed_on=ago(300),
        start_date=ago(300),
        end_date=ago(-60),
    )
    assert_stored_history_is_true()
    return first, second


def fresh(partnership: Partnership) -> Partnership:
    return Partnership.all_objects.get(pk=partnership.pk)


def test_through_the_pages_and_the_board(owner, manager, two):
    first, second = two
    client = client_for(owner)

    done(
        client.post(
            "/partnerships/new/",
            partnership_form_data(
                title="Grenoble – Harbin",
                owner=owner.pk,
                stage="letter_of_intent",
                stage_since=ago(50).isoformat(),
            ),
        )
    )
    assert_stored_history_is_true()
    created = Partnership.objects.get(title="Grenoble – Harbin")
    assert (created.furthest_stage, created.entered_pipeline_on) == ("letter_of_intent", ago(50))

    # Forward, skipping a stage, on the page; then back, with a note, on the board.
    done(
        client.post(
            f"/partnerships/{first.pk}/move/",
            {"stage": "agreement", "effective_date": ago(100), "version": first.version},
        )
    )
    assert_stored_history_is_true()
    done(
        client.post(
            reverse("pipeline_move", args=[first.pk]),
            {"stage": "letter_of_intent", "note": "Back to talks", "version": fresh(first).version},
        )
    )
    assert_stored_history_is_true()
    first = fresh(first)
    assert first.furthest_stage == "agreement"  # a move back does not undo it
    stays = list(first.stage_changes.order_by("effective_date", "pk"))
    assert [(s.to_stage, s.stay_days) for s in stays] == [
        ("prospect", 300),
        ("agreement", 100),
        ("letter_of_intent", None),
    ]

    # Renewed: a successor at the renewal stage, the predecessor concluded.
    done(
        client.post(
            f"/partnerships/{second.pk}/renew/",
            {"start": ago(-61).isoformat(), "title": "", "version": second.version},
        )
    )
    assert_stored_history_is_true()

    # Deleted and restored by a manager: the stored values stay, the reports skip it.
    boss = client_for(manager)
    done(boss.post(f"/partnerships/{first.pk}/delete/"))
    assert_stored_history_is_true()
    assert reports.funnel(period=reports.Period())[2].reached == 2  # second, successor
    done(boss.post(reverse("restore", args=["partnership", first.pk])))
    assert_stored_history_is_true()
    assert reports.funnel(period=reports.Period())[2].reached == 3


def test_through_the_api(owner, two):
    first, second = two
    api = token_client(owner)

    created = api.post("/api/partnerships/", {"title": "Chamonix – Yanqing", "stage": "agreement"})
    assert created.status_code == 201, created.content
    assert_stored_history_is_true()

    done(
        api.post(
            f"/api/partnerships/{first.pk}/move/",
            {"stage": "contract", "effective_date": ago(2).isoformat(), "version": first.version},
        )
    )
    assert_stored_history_is_true()
    done(
        api.post(
            f"/api/partnerships/{second.pk}/renew/",
            {"start": ago(-61).isoformat(), "version": second.version},
        )
    )
    assert_stored_history_is_true()


def test_through_the_admin(admin_user, owner, two):
    first, second = two
    client = client_for(admin_user)

    done(
        client.post(
            reverse("admin:partnerships_partnership_add"),
            {
                "title": "Annecy – Jilin",
                "kind": "institutional",
                "stage": "prospect",
                "status": "active",
                "owner": owner.pk,
                "value_currency": "EUR",
                "version": 1,
                "parties-TOTAL_FORMS": 0,
                "parties-INITIAL_FORMS": 0,
                "stage_changes-TOTAL_FORMS": 0,
                "stage_changes-INITIAL_FORMS": 0,
                "documents-TOTAL_FORMS": 0,
                "documents-INITIAL_FORMS": 0,
                "indicator_lines-TOTAL_FORMS": 0,
                "indicator_lines-INITIAL_FORMS": 0,
            },
        )
    )
    assert Partnership.objects.filter(title="Annecy – Jilin").exists()
    assert_stored_history_is_true()

    changelist = reverse("admin:partnerships_partnership_changelist")
    done(
        client.post(
            changelist,
            {
                "action": "move_stage",
                "_selected_action": [first.pk, Partnership.objects.get(title="Annecy – Jilin").pk],
                "apply": "1",
                "stage": "contract",
                "note": "",
                "effective_date": ago(3).isoformat(),
            },
        )
    )
    assert fresh(first).stage == "contract"
    assert_stored_history_is_true()
    done(
        client.post(
            changelist,
            {"action": "renew_selected", "_selected_action": [second.pk], "apply": "1"},
        )
    )
    assert Partnership.objects.filter(predecessor=second).exists()
    assert_stored_history_is_true()


def test_through_a_spreadsheet_import(admin_user, owner):
    client = client_for(admin_user)
    header = ["title", "owner", "stage", "letter_of_intent_on", "agreement_on"]
    imported(
        client,
        "/admin/partnerships/partnership/",
        csv_file(
            [header, ["Albertville – Harbin", owner.username, "agreement", ago(600), ago(300)]]
        ),
    )
    assert_stored_history_is_true()
    imported(
        client,
        "/admin/partnerships/partnership/",
        csv_file(
            [["title", "stage", "contract_on"], ["Albertville – Harbin", "contract", ago(10)]]
        ),
    )
    partnership = Partnership.objects.get()
    assert (partnership.stage, partnership.furthest_stage) == ("contract", "contract")
    assert_stored_history_is_true()


def test_refresh_all_recomputes_every_partnership_and_stay(owner, two):
    first, _second = two
    client_for(owner).post(
        f"/partnerships/{first.pk}/move/",
        {"stage": "agreement", "effective_date": ago(100), "version": first.version},
    )
    StageChange.all_objects.update(left_on=None, stay_days=None)
    Partnership.all_objects.update(furthest_stage="", entered_pipeline_on=None)

    call_command("refresh_activity", "--all", stdout=io.StringIO())

    assert_stored_history_is_true()
    assert StageChange.all_objects.filter(stay_days=300).count() == 1


def test_seed_scale_stores_the_stage_history_as_the_workflows_would():
    from tests.test_seed_scale import seed_scale

    seed_scale(40)

    assert StageChange.all_objects.filter(stay_days__isnull=False).exists()
    assert_stored_history_is_true()


def _window_funnel(period: reports.Period) -> list[int]:
    """The funnel as the reports computed it before it was stored: for each
    stage, the live partnerships whose history reached it or a later one."""
    reached = [0] * len(Stage.values)
    for partnership in Partnership.objects.all():
        changes = list(StageChange.all_objects.filter(partnership=partnership))
        if not changes:
            continue
        if not period.is_all_time and not any(
            not c.from_stage
            and (period.start is None or c.effective_date >= period.start)
            and (period.end is None or c.effective_date <= period.end)
            for c in changes
        ):
            continue
        for rank in range(max(Stage.rank(c.to_stage) for c in changes) + 1):
            reached[rank] += 1
    return reached


@pytest.mark.parametrize(
    "period",
    [reports.Period(), reports.Period(ago(365), TODAY), reports.Period(ago(3000), ago(1000))],
    ids=["all-time", "a-year", "long-ago"],
)
def test_the_reports_read_from_it_what_the_history_gives(period):
    from tests.test_seed_scale import seed_scale

    seed_scale(40)
    deleted = Partnership.objects.order_by("pk")[:3]
    Partnership.all_objects.filter(pk__in=[p.pk for p in deleted]).update(deleted_at=timezone.now())

    assert [step.reached for step in reports.funnel(period=period)] == _window_funnel(period)
    stays: dict[str, list[int]] = {}
    stays_expected, _funnel = expected_history()
    live = set(Partnership.objects.values_list("pk", flat=True))
    for change in StageChange.all_objects.filter(partnership__in=live):
        left_on, days = stays_expected[change.pk]
        if (
            left_on is not None
            and (period.start is None or left_on >= period.start)
            and (period.end is None or left_on <= period.end)
        ):
            stays.setdefault(change.to_stage, []).append(days)
    durations = reports.time_in_stage(period=period, today=TODAY)
    for duration in durations:
        expected = sorted(stays.get(duration.stage, []))
        assert duration.completed.count == len(expected)
        if expected:
            assert (duration.completed.minimum, duration.completed.maximum) == (
                expected[0],
                expected[-1],
            )

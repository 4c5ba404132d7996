"""Every metric of the managers' reports against figures computed by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from partnerships import reports
from partnerships.models import Action, ActionStatus, ExchangeRate, MeetingStatus
from partnerships.reports import Period, Spread, quantile
from tests import clock, factories
from tests.builders import TODAY, action_on, meeting_on, noon, with_history

D = clock.day  # dates written as seen from 15 June 2026, moved with TODAY


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(noon(TODAY), tick=False):
        yield


@pytest.fixture
def rates(db):
    factories.ExchangeRateFactory(currency="CNY", rate_to_eur="0.200000", valid_from=D(2025, 1, 1))
    factories.ExchangeRateFactory(currency="CNY", rate_to_eur="0.128000", valid_from=D(2026, 1, 1))
    factories.ExchangeRateFactory(currency="USD", rate_to_eur="0.920000", valid_from=D(2026, 1, 1))
    return ExchangeRate.objects.rates_on(TODAY)


# Quantiles -----------------------------------------------------------------------


def test_quantile_interpolates_between_the_two_middle_values():
    assert quantile([(2, 1), (4, 1), (6, 1), (10, 1)], 0.5) == 5
    assert quantile([(2, 1), (4, 1), (6, 1), (10, 1)], 0.25) == 3.5


def test_quantile_reads_repeated_values_from_their_counts():
    # 1, 1, 1, 5, 9: the median is the third value.
    assert quantile([(1, 3), (5, 1), (9, 1)], 0.5) == 1
    assert quantile([(1, 3), (5, 1), (9, 1)], 1.0) == 9


def test_spread_of_nothing_is_empty():
    assert Spread.of([]).count == 0
    assert Spread.of([]).median is None


# Funnel ------------------------------------------------------------------------------


@pytest.fixture
def histories(db):
    """Six partnerships with hand-written stage histories (see each comment)."""
    return {
        # prospect 22 days, letter of intent 28 days, then agreement since 1 March.
        "a": with_history(
            [
                ("prospect", D(2026, 1, 10)),
                ("letter_of_intent", D(2026, 2, 1)),
                ("agreement", D(2026, 3, 1)),
            ]
        ),
        # prospect 71 days, then straight to contract (skipping two stages).
        "b": with_history([("prospect", D(2026, 1, 20)), ("contract", D(2026, 4, 1))]),
        # prospect since 10 February, on hold.
        "c": with_history([("prospect", D(2026, 2, 10))], status="on_hold"),
        # created at the letter of intent stage.
        "d": with_history([("letter_of_intent", D(2026, 3, 5))]),
        # started in 2025: prospect 276 days, letter of intent since 1 February.
        "e": with_history([("prospect", D(2025, 5, 1)), ("letter_of_intent", D(2026, 2, 1))]),
        # prospect 27 days, contract 28 days, then back to agreement.
        "f": with_history(
            [
                ("prospect", D(2026, 1, 5)),
                ("contract", D(2026, 2, 1)),
                ("agreement", D(2026, 3, 1)),
            ]
        ),
    }


def _reached(steps):
    return [step.reached for step in steps]


def test_funnel_counts_partnerships_that_started_in_the_period_by_furthest_stage(histories):
    steps = reports.funnel(period=Period(D(2026, 1, 1), D(2026, 6, 15)))

    # Started in 2026: a, b, c, d, f. Furthest: a agreement, b contract, c prospect,
    # d letter of intent, f contract (its move back does not undo it).
    assert _reached(steps) == [5, 4, 3, 2, 0]
    assert [step.stage for step in steps] == [
        "prospect",
        "letter_of_intent",
        "agreement",
        "contract",
        "renewal",
    ]


def test_funnel_conversion_is_the_share_that_reached_the_next_stage(histories):
    steps = reports.funnel(period=Period(D(2026, 1, 1), D(2026, 6, 15)))

    assert [step.conversion_to_next for step in steps[:4]] == [4 / 5, 3 / 4, 2 / 3, 0.0]
    assert steps[4].conversion_to_next is None
    assert steps[0].conversion_percent == 80


def test_funnel_over_all_time_includes_partnerships_started_earlier(histories):
    steps = reports.funnel(period=Period())

    assert _reached(steps) == [6, 5, 3, 2, 0]


def test_funnel_ignores_deleted_partnerships(histories):
    histories["b"].deleted_at = timezone.now()
    histories["b"].save()

    assert _reached(reports.funnel(period=Period())) == [5, 4, 2, 1, 0]


def test_funnel_of_an_empty_period_has_no_conversion(histories):
    steps = reports.funnel(period=Period(D(2020, 1, 1), D(2020, 12, 31)))

    assert _reached(steps) == [0, 0, 0, 0, 0]
    assert all(step.conversion_to_next is None for step in steps)


# Time in stage -------------------------------------------------------------------------


def _by_stage(durations):
    return {duration.stage: duration for duration in durations}


def test_time_in_stage_gives_median_and_quartiles_of_completed_stays(histories):
    durations = _by_stage(reports.time_in_stage(period=Period(), today=TODAY))

    # Prospect stays that ended: a 22, f 27, b 71, e 276 days.
    prospect = durations["prospect"].completed
    assert prospect.count == 4
    assert prospect.median == 49  # (27 + 71) / 2
    assert prospect.p25 == 25.75  # 22 + 0.75 * (27 - 22)
    assert prospect.p75 == 122.25  # 71 + 0.25 * (276 - 71)
    assert (prospect.minimum, prospect.maximum) == (22, 276)
    # Letter of intent: a 28. Contract: f 28. Agreement and renewal: none ended.
    assert durations["letter_of_intent"].completed.median == 28
    assert durations["contract"].completed.median == 28
    assert durations["agreement"].completed.count == 0
    assert durations["renewal"].completed.count == 0


def test_time_in_stage_counts_stays_that_ended_in_the_period(histories):
    period = Period(D(2026, 2, 15), D(2026, 6, 15))
    durations = _by_stage(reports.time_in_stage(period=period, today=TODAY))

    # Only b left the prospect stage after 15 February (on 1 April, after 71 days).
    assert durations["prospect"].completed.count == 1
    assert durations["prospect"].completed.median == 71
    assert durations["letter_of_intent"].completed.median == 28
    assert durations["contract"].completed.median == 28


def test_time_in_stage_reports_the_current_stay_of_open_partnerships_apart(histories):
    factories.PartnershipFactory(
        stage="prospect", stage_changed_on=D(2020, 1, 1), status="concluded"
    )
    durations = _by_stage(reports.time_in_stage(period=Period(), today=TODAY))

    # Now: a and f in agreement since 1 March (106 days), b in contract since 1 April
    # (75), c in prospect since 10 February (125, on hold counts), d and e in letter of
    # intent (102 and 134). The concluded one is left out.
    assert durations["agreement"].current.median == 106
    assert durations["contract"].current.median == 75
    assert durations["prospect"].current.count == 1
    assert durations["prospect"].current.median == 125
    assert durations["letter_of_intent"].current.median == 118  # (102 + 134) / 2


# Stalled ---------------------------------------------------------------------------------


@pytest.fixture
def quiet_and_busy(db):
    """Partnerships whose last stage move was on 1 January, and what else
    happened to them. 90 days before 15 June is 17 March."""
    old = [("prospect", D(2026, 1, 1))]
    names = ["s1", "s2", "s3", "s4", "s5", "s6", "s7", "s9"]
    made = {name: with_history(old, title=name) for name in names}
    made["s8"] = with_history(old, title="s8", status="concluded")
    made["s9"].status = "on_hold"
    made["s9"].save()
    made["s10"] = with_history(
        [("prospect", D(2026, 1, 1)), ("agreement", D(2026, 4, 1))], title="s10"
    )
    meeting_on(made["s2"], D(2026, 4, 1))  # a meeting after 17 March
    meeting_on(made["s3"], D(2026, 3, 17))  # exactly 90 days ago: still quiet
    action_on(made["s4"], created=D(2026, 5, 1))  # an action created recently
    action_on(  # an old action, done recently
        made["s5"],
        created=D(2025, 12, 1),
        status=ActionStatus.DONE,
        completed_on=D(2026, 5, 1),
        due_date=D(2026, 4, 1),
    )
    meeting_on(made["s6"], D(2026, 7, 1), status=MeetingStatus.PLANNED)  # not yet held
    meeting_on(made["s7"], D(2026, 5, 1), status=MeetingStatus.CANCELLED)
    action_on(made["s1"], created=D(2025, 12, 1), due_date=D(2026, 9, 1))  # old, pending
    return made


def test_stalled_lists_open_partnerships_without_activity_for_90_days(quiet_and_busy):
    report = reports.stalled(today=TODAY, days=90)

    assert report.since == D(2026, 3, 17)
    assert report.count == 5
    assert [p.title for p in report.rows] == ["s1", "s6", "s7", "s9", "s3"]
    assert [p.days_quiet for p in report.rows] == [165, 165, 165, 165, 90]
    assert {stage: n for stage, _label, n in report.by_stage}["prospect"] == 5


def test_stalled_uses_the_setting_by_default(quiet_and_busy, settings):
    settings.STALLED_AFTER_DAYS = 200

    report = reports.stalled(today=TODAY)

    assert report.days == 200
    assert report.count == 0


def test_stalled_threshold_can_be_shorter(quiet_and_busy):
    # 30 days: everything quiet since 16 May, so s2 (April meeting), s4, s5 and s10
    # (April move) join the list.
    assert reports.stalled(today=TODAY, days=30).count == 9


def test_the_stored_last_activity_is_what_the_stalled_test_reads(quiet_and_busy):
    from partnerships.models import Partnership

    last = dict(Partnership.objects.values_list("title", "last_activity_on"))
    assert last["s2"] == D(2026, 4, 1)
    assert last["s3"] == D(2026, 3, 17)
    assert last["s4"] == D(2026, 5, 1)
    assert last["s5"] == D(2026, 5, 1)
    assert last["s6"] == D(2026, 1, 1)
    assert last["s10"] == D(2026, 4, 1)


# Expiring ----------------------------------------------------------------------------


@pytest.fixture
def signed(db):
    def make(title, stage, end, notice=None, **fields):
        return factories.PartnershipFactory(
            title=title, stage=stage, end_date=end, renewal_notice_days=notice, **fields
        )

    return [
        make("x1", "agreement", D(2026, 8, 14), 30),  # decide by 15 July: 30 days
        make("x2", "contract", D(2026, 12, 31), 90),  # decide by 2 October: 109 days
        make("x3", "renewal", D(2026, 9, 13), status="on_hold"),  # 13 September: 90 days
        make("x4", "contract", D(2026, 7, 1), 60),  # decide by 2 May: late, still running
        make("x5", "contract", D(2026, 6, 1), 30),  # ended two weeks ago, still open
        make("x6", "prospect", D(2026, 7, 1), 10),  # not a signed stage
        make("x7", "contract", D(2026, 7, 1), 10, status="concluded"),
        make("x8", "contract", D(2027, 6, 1), 30),  # decide by 2 May 2027: too far
    ]


def test_expiring_counts_renewal_decisions_due_within_30_90_and_180_days(signed):
    report = reports.expiring(today=TODAY)

    assert report.within == [(30, 1), (90, 2), (180, 3)]
    assert report.late == 1
    assert report.ended_but_open == 1


def test_expiring_lists_late_decisions_first_then_by_decision_date(signed):
    report = reports.expiring(today=TODAY)

    assert [p.title for p in report.rows] == ["x4", "x1", "x3", "x2"]
    assert [p.days_left for p in report.rows] == [-44, 30, 90, 109]


# Owners ----------------------------------------------------------------------------------


@pytest.fixture
def owners_work(db, rates):
    alice = factories.StaffFactory(username="alice", first_name="Alice", last_name="A")
    bob = factories.StaffFactory(username="bob", first_name="Bob", last_name="B")

    def action(owner, due, status=ActionStatus.OPEN, **fields):
        if status == ActionStatus.DONE:
            fields["completed_on"] = D(2026, 5, 2)
        return factories.ActionFactory(
            owner=owner, due_date=due, status=status, partnership=None, **fields
        )

    action(alice, D(2026, 6, 1))  # overdue
    action(alice, D(2026, 6, 10), ActionStatus.IN_PROGRESS)  # overdue
    action(alice, D(2026, 6, 20))  # due this week (15 to 21 June)
    action(alice, D(2026, 5, 1), ActionStatus.DONE)
    action(alice, None)  # to do, no due date
    action(bob, D(2026, 6, 14))  # overdue
    action(bob, D(2026, 6, 22))  # next week
    action(bob, D(2026, 6, 1), deleted_at=timezone.now())  # deleted: ignored
    factories.PartnershipFactory(owner=alice, value_amount=1000, value_currency="EUR")
    factories.PartnershipFactory(
        owner=alice, value_amount=10000, value_currency="CNY", status="on_hold"
    )
    factories.PartnershipFactory(owner=alice, value_amount=5, status="concluded")
    factories.PartnershipFactory(owner=bob, value_amount=100, value_currency="USD")
    return alice, bob


def test_workload_counts_open_partnerships_and_actions_per_owner(owners_work, rates):
    alice, bob = owners_work
    loads = {load.owner: load for load in reports.workload(today=TODAY, rates=rates)}

    assert loads[alice].open_partnerships == 2
    assert loads[alice].open_value_eur == Decimal(2280)  # 1000 + 10000 × 0.128
    assert loads[alice].pending_actions == 4
    assert loads[alice].overdue_actions == 2
    assert loads[alice].due_this_week == 1
    assert loads[alice].oldest_overdue == D(2026, 6, 1)
    assert loads[bob].open_partnerships == 1
    assert loads[bob].open_value_eur == Decimal(92)  # 100 × 0.92
    assert (loads[bob].pending_actions, loads[bob].overdue_actions) == (2, 1)
    assert loads[bob].due_this_week == 0


def test_overdue_by_owner_lists_the_most_overdue_first(owners_work, rates):
    alice, bob = owners_work
    loads = reports.workload(today=TODAY, rates=rates)

    overdue = reports.overdue_by_owner(loads)

    assert [(load.owner, load.overdue_actions) for load in overdue] == [(alice, 2), (bob, 1)]
    assert Action.all_objects.filter(owner=bob, deleted_at__isnull=False).count() == 1


# Value by sector and by partner country ---------------------------------------------------


@pytest.fixture
def valued(db, rates):
    ski = factories.SectorFactory(slug="ski", name="Ski")
    tourism = factories.SectorFactory(slug="tourism", name="Tourism")

    def make(amount, currency, sectors, countries, **fields):
        partnership = factories.PartnershipFactory(
            value_amount=amount, value_currency=currency, **fields
        )
        partnership.sectors.set(sectors)
        for country in countries:
            factories.PartnershipPartyFactory(
                partnership=partnership, organization__country=country
            )
        return partnership

    make(1_000_000, "EUR", [ski, tourism], ["CN", "FR"])
    make(10_000_000, "CNY", [ski], ["CN", "CN"])  # two Chinese parties: China once
    make(1_000_000, "USD", [], ["FR"])
    make(500_000, "EUR", [ski], ["CN"], status="concluded")  # closed: left out
    make(None, "EUR", [tourism], ["JP"])  # no value
    return ski, tourism


def test_value_by_sector_converts_currencies_and_counts_each_sector(valued, rates):
    rows = {row.key: (row.count, row.total_eur) for row in reports.value_by_sector(rates=rates)}

    assert rows == {
        "ski": (2, Decimal(2_280_000)),  # 1,000,000 + 10,000,000 × 0.128
        "tourism": (2, Decimal(1_000_000)),
        "": (1, Decimal(920_000)),  # no sector: 1,000,000 USD × 0.92
    }


def test_value_by_country_counts_a_partnership_once_per_country(valued, rates):
    rows = {row.key: (row.count, row.total_eur) for row in reports.value_by_country(rates=rates)}

    assert rows == {
        "CN": (2, Decimal(2_280_000)),
        "FR": (2, Decimal(1_920_000)),
        "JP": (1, Decimal(0)),
    }
    assert [row.key for row in reports.value_by_country(rates=rates)] == ["CN", "FR", "JP"]


def test_values_in_a_currency_without_rate_are_left_out_of_totals(db):
    factories.PartnershipFactory(value_amount=100, value_currency="EUR")
    factories.PartnershipFactory(value_amount=100, value_currency="USD")
    rates = ExchangeRate.objects.rates_on(TODAY)

    assert reports.missing_rates(rates) == ["CNY", "USD"]
    assert reports.value_by_sector(rates=rates)[0].total_eur == Decimal(100)

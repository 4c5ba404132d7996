"""The managers' pages read no large table whole (issue 10, point 2): the
board, its columns' "show more", the reports' sections and the partnership
export, on SQLite and on PostgreSQL (tests/query_plans.py says how each is
asked). Every query the page runs is explained, not a chosen few.

The funnel and the completed stays read the stored stage history
(partnerships/stage_history.py) from its indexes, not the history itself.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from partnerships import reports
from tests import factories
from tests.query_plans import page_queries, recorded_queries, scans_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def pipeline(owner):
    """A few partnerships in every stage, with parties in two countries,
    sectors, pending and overdue actions, and stage history."""
    today = timezone.localdate()
    factories.ExchangeRateFactory(currency="CNY", rate_to_eur="0.128000", valid_from=today)
    sector = factories.SectorFactory(name="Winter sports", slug="winter-sports")
    china = factories.OrganizationFactory(name="Zhangjiakou", country="CN")
    france = factories.OrganizationFactory(name="Chambéry", country="FR")
    for number, stage in enumerate(
        ["prospect", "letter_of_intent", "agreement", "contract", "renewal"] * 2
    ):
        partnership = factories.PartnershipFactory(
            owner=owner,
            title=f"Partnership {number}",
            stage=stage,
            value_amount=Decimal(1000 * (number + 1)),
            value_currency="CNY",
            end_date=today + datetime.timedelta(days=60),
            stage_changed_on=today - datetime.timedelta(days=200),
        )
        partnership.sectors.add(sector)
        factories.PartnershipPartyFactory(partnership=partnership, organization=china)
        factories.PartnershipPartyFactory(partnership=partnership, organization=france, order=2)
        factories.ActionFactory(
            owner=owner, partnership=partnership, due_date=today - datetime.timedelta(days=3)
        )
    return sector


@pytest.mark.parametrize(
    "params",
    [{}, {"country": "CN"}, {"sector": "winter-sports", "country": "CN"}],
    ids=["board", "china", "sector-and-china"],
)
def test_the_board_reads_no_large_table_whole(manager, pipeline, params):
    queries = page_queries(manager, reverse("pipeline"), params)

    assert scans_in(queries) == {}


def test_a_columns_show_more_reads_no_large_table_whole(manager, pipeline):
    queries = page_queries(manager, reverse("pipeline_column", args=["agreement"]), {"offset": 1})

    assert scans_in(queries) == {}


def test_the_partnership_export_walks_the_index_of_its_order(manager, pipeline):
    """An export reads every row by definition; it must read them in the
    list's order from that order's index, so that the first rows go out at
    once, rather than sort the whole table first."""
    queries = page_queries(manager, reverse("export_partnerships"), {"format": "csv"})

    if connection.vendor == "sqlite":
        assert scans_in(queries, reads_all=("partnership_recent",)) == {}
    else:
        assert scans_in(queries) == {}


def _section_queries(section) -> list:
    with recorded_queries() as queries:
        section()
    return queries


TODAY = datetime.date(2026, 6, 1)
A_YEAR = reports.Period(TODAY - datetime.timedelta(days=365), TODAY)


@pytest.mark.parametrize(
    "section",
    [
        pytest.param(lambda: reports.workload(today=TODAY, rates={}), id="workload"),
        pytest.param(lambda: reports.stalled(today=TODAY), id="stalled"),
        pytest.param(lambda: reports.stalled(today=TODAY, days=30), id="stalled-30-days"),
        pytest.param(lambda: reports.expiring(today=TODAY), id="expiring"),
        pytest.param(
            lambda: reports.time_in_stage(period=reports.Period(), today=TODAY),
            id="time-in-stage",
        ),
        pytest.param(
            lambda: reports.time_in_stage(period=A_YEAR, today=TODAY), id="time-in-stage-a-year"
        ),
        pytest.param(lambda: reports.funnel(period=reports.Period()), id="funnel"),
        pytest.param(lambda: reports.funnel(period=A_YEAR), id="funnel-a-year"),
        # An index range, but one holding every open partnership: served by an
        # index, and still slow at 100,000 (docs/performance.md).
        pytest.param(lambda: reports.value_by_sector(rates={}), id="by-sector"),
        pytest.param(lambda: reports.value_by_country(rates={}), id="by-country"),
    ],
)
def test_a_report_section_reads_no_large_table_whole(pipeline, section):
    queries = _section_queries(section)

    assert queries
    assert scans_in(queries) == {}

"""Durations read as people say them, in English and French: "9 years ago",
not "3378 days ago"; "3 months", not "91 days"; "today" and "yesterday"."""

from __future__ import annotations

import pytest
import time_machine
from django.utils import translation

from partnerships import humanize
from tests import clock, factories
from tests.builders import TODAY, with_history
from tests.conftest import client_for

D = clock.day


@pytest.mark.parametrize(
    ("days", "english", "french"),
    [
        (-3, "today", "aujourd’hui"),
        (0, "today", "aujourd’hui"),
        (1, "yesterday", "hier"),
        (2, "2 days ago", "il y a 2\u00a0jours"),
        (13, "13 days ago", "il y a 13\u00a0jours"),
        (14, "2 weeks ago", "il y a 2\u00a0semaines"),
        (59, "8 weeks ago", "il y a 8\u00a0semaines"),
        (60, "2 months ago", "il y a 2\u00a0mois"),
        (91, "3 months ago", "il y a 3\u00a0mois"),
        (365, "12 months ago", "il y a 12\u00a0mois"),
        (729, "24 months ago", "il y a 24\u00a0mois"),
        (730, "2 years ago", "il y a 2\u00a0ans"),
        (1095, "3 years ago", "il y a 3\u00a0ans"),
        (3378, "9 years ago", "il y a 9\u00a0ans"),
    ],
)
def test_how_long_ago_in_both_languages(days, english, french):
    with translation.override("en"):
        assert humanize.ago(days) == english
    with translation.override("fr"):
        assert humanize.ago(days) == french


@pytest.mark.parametrize(
    ("days", "english", "french"),
    [
        (0, "today", "aujourd’hui"),
        (1, "tomorrow", "demain"),
        (45, "in 6 weeks", "dans 6\u00a0semaines"),
        (400, "in 13 months", "dans 13\u00a0mois"),
    ],
)
def test_how_far_ahead_in_both_languages(days, english, french):
    with translation.override("en"):
        assert humanize.ahead(days) == english
    with translation.override("fr"):
        assert humanize.ahead(days) == french


def test_lateness_ignores_the_sign_and_grows_its_unit():
    with translation.override("en"):
        assert humanize.late(-1) == "1 day late"
        assert humanize.late(-400) == "13 months late"
    with translation.override("fr"):
        assert humanize.late(-400) == "13\u00a0mois de retard"


@pytest.mark.django_db
def test_a_board_card_quiet_for_years_says_so_in_years(manager):
    quiet = with_history([("agreement", D(2017, 2, 1))], title="Quiet for years")
    factories.PartnershipPartyFactory(partnership=quiet)

    with time_machine.travel(TODAY, tick=False):
        english = client_for(manager).get("/pipeline/").content.decode()
        french = client_for(manager).get("/pipeline/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "9 years ago" in english
    assert "days ago" not in english
    assert "il y a 9\u00a0ans" in french


@pytest.mark.django_db
def test_the_reports_give_time_in_stage_in_months_or_years(manager):
    # Two partnerships that spent five years in "agreement" before a contract.
    for title in ("First", "Second"):
        with_history(
            [("agreement", D(2020, 3, 1)), ("contract", D(2025, 3, 20))],
            title=title,
            owner=manager,
        )

    with time_machine.travel(TODAY, tick=False):
        html = client_for(manager).get("/reports/?start=2025-01-01").content.decode()

    assert "<strong>5 years</strong>" in html
    assert "middle half 5 years" in html
    assert "1845" not in html


FRENCH_MONTHS = [
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
    "septembre", "octobre", "novembre", "décembre",
]  # fmt: skip


@pytest.mark.django_db
def test_french_pages_write_the_first_of_the_month_as_an_ordinal(owner):
    first = TODAY.replace(day=1)
    second = first.replace(day=2)
    meeting = factories.MeetingFactory(start_date=first, end_date=second, logged_by=owner)

    with time_machine.travel(TODAY, tick=False):
        french = client_for(owner).get(meeting.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr")
        english = client_for(owner).get(meeting.get_absolute_url())

    month = FRENCH_MONTHS[first.month - 1]
    assert f"1er {month} {first.year} → 2 {month} {first.year}" in french.content.decode()
    assert f"{clock.written(first)} → {clock.written(second)}" in english.content.decode()

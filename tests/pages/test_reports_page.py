"""The reports page: managers only, its options, its charts, and its query
count. The figures themselves are checked in tests/test_reports.py."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.urls import reverse

from tests import clock, factories
from tests.builders import TODAY, noon, populate, with_history
from tests.clock import written
from tests.conftest import client_for

D = clock.day  # dates written as seen from 15 June 2026, moved with TODAY
URL = "/reports/"


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(noon(TODAY), tick=False):
        yield


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("owner", 403),
        ("teammate", 403),
        ("outsider", 403),
        ("manager", 200),
        ("admin", 200),
        ("no_role", 403),
    ],
)
def test_only_managers_and_admins_see_the_reports(personas, partnership, persona, status):
    response = client_for(personas[persona]).get(URL)

    assert response.status_code == status


def test_anonymous_visitor_is_sent_to_sign_in(db):
    response = client_for(None).get(URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_reports_link_is_in_the_menu_of_managers_only(personas, partnership):
    assert 'href="/reports/"' in client_for(personas["manager"]).get("/").content.decode()
    assert 'href="/reports/"' not in client_for(personas["owner"]).get("/").content.decode()


@pytest.fixture
def history(db):
    with_history([("prospect", D(2025, 3, 1)), ("agreement", D(2025, 6, 1))], title="Old")
    with_history([("prospect", D(2026, 2, 1)), ("contract", D(2026, 4, 1))], title="New")


def _reached(response) -> list[int]:
    return [bar.item.reached for bar in response.context["funnel_bars"]]


def test_every_section_is_on_the_page(history, manager):
    html = client_for(manager).get(URL).content.decode()

    for title in [
        "Funnel",
        "Time in stage",
        "renewal decisions due",
        "Stalled partnerships",
        "Overdue actions by owner",
        "Workload per owner",
        "Value by sector",
        "Value by partner country",
    ]:
        assert title in html


def test_the_period_chooses_the_partnerships_of_the_funnel(history, manager):
    client = client_for(manager)

    all_time = client.get(URL)
    this_year = client.get(URL, {"start": str(D(2026, 1, 1)), "end": str(TODAY)})

    assert _reached(all_time) == [2, 2, 2, 1, 0]
    assert _reached(this_year) == [1, 1, 1, 1, 0]
    assert f"from {written(D(2026, 1, 1))} to {written(TODAY)}" in this_year.content.decode()


def test_a_period_that_ends_before_it_starts_is_explained_and_not_replaced(history, manager):
    response = client_for(manager).get(
        URL, {"start": str(D(2026, 6, 1)), "end": str(D(2026, 1, 1))}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "cannot be before its start" in page
    assert "funnel_bars" not in response.context  # not figures for all time instead
    assert page.count("Not shown until the period above is corrected.") == 2
    assert response.context["stalled"].days == 90  # what the period does not govern stays


def test_a_stalled_threshold_that_cannot_be_read_is_not_replaced(history, manager):
    response = client_for(manager).get(URL, {"stalled_days": "-5"})

    page = response.content.decode()
    assert response.context["stalled"] is None
    assert "Not shown until the number of days above is corrected." in page
    assert 'name="stalled_days" id="id_stalled_days" min="1" max="3650" value="-5"' in page
    assert _reached(response) == [2, 2, 2, 1, 0]


def test_the_stalled_threshold_comes_from_the_query_string(history, manager, settings):
    settings.STALLED_AFTER_DAYS = 90
    client = client_for(manager)

    assert client.get(URL).context["stalled"].days == 90
    assert client.get(URL, {"stalled_days": "30"}).context["stalled"].days == 30


def test_chart_sizes_are_written_with_a_dot_in_every_language(history, manager):
    factories.PartnershipFactory(value_amount=3, stage="contract")
    factories.PartnershipFactory(value_amount=1, stage="contract")
    client = client_for(manager)
    client.cookies["django_language"] = "fr"

    html = client.get(URL).content.decode()

    widths = re.findall(r'(?:width|x|x1|x2)="([^"]+)"', html)
    assert widths
    assert all("," not in width for width in widths)
    assert 'width="75.00%"' in html  # the contract stage: 3 of 4


def test_the_pages_follow_the_content_security_policy(history, manager):
    client = client_for(manager)

    for url in (URL, "/pipeline/", "/accounts/profile/"):
        html = client.get(url).content.decode()
        assert " style=" not in html
        assert re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html) is None
        assert re.search(r"\son[a-z]+=", html) is None


@pytest.mark.parametrize("size", [3, 30])
def test_the_reports_run_a_fixed_number_of_queries(
    db, manager, size, django_assert_max_num_queries
):
    populate(size)
    client = client_for(manager)
    client.get(URL)

    # Issue 14 added the targets against results (by year, country, sector and
    # programme) and the signed partnerships gone quiet: 7 more.
    with django_assert_max_num_queries(25):
        response = client.get(URL, {"start": str(D(2025, 1, 1)), "end": str(TODAY)})

    assert response.status_code == 200
    assert _reached(response)[0] == size

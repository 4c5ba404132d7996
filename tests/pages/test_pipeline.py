"""The pipeline board: who sees it, what its columns and cards show, how the
filters change them, "show more", moves from the board, and its query count."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from partnerships import lifecycle
from partnerships.models import Partnership, StageChange
from partnerships.pipeline import PER_COLUMN
from tests import clock, factories
from tests.builders import TODAY, action_on, meeting_on, noon, with_history
from tests.clock import written
from tests.conftest import client_for
from tests.pages.conftest import db_snapshot

D = clock.day  # dates written as seen from 15 June 2026, moved with TODAY
URL = "/pipeline/"


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(noon(TODAY), tick=False):
        yield


@pytest.fixture
def rates(db):
    factories.ExchangeRateFactory(currency="CNY", rate_to_eur="0.128000", valid_from=D(2026, 1, 1))
    factories.ExchangeRateFactory(currency="USD", rate_to_eur="0.900000", valid_from=D(2026, 1, 1))


def _columns(response) -> dict:
    return {column.stage: column for column in response.context["columns"]}


def _titles(column) -> list[str]:
    return [card.partnership.title for card in column.cards]


# Who sees the board --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("owner", 200),
        ("teammate", 200),
        ("outsider", 200),
        ("manager", 200),
        ("admin", 200),
        ("no_role", 403),
    ],
)
def test_everyone_with_a_role_sees_the_board(personas, partnership, persona, status):
    response = client_for(personas[persona]).get(URL)
    more = client_for(personas[persona]).get("/pipeline/stage/prospect/", {"offset": 0})

    assert response.status_code == status
    assert more.status_code == status


def test_anonymous_visitor_is_sent_to_sign_in(db):
    for url in (URL, "/pipeline/stage/prospect/"):
        response = client_for(None).get(url)

        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


# Columns: counts and totals -------------------------------------------------------------


@pytest.fixture
def board_data(db, rates, owner):
    ski = factories.SectorFactory(slug="ski", name="Ski")
    health = factories.SectorFactory(slug="health", name="Health")
    zhangjiakou = factories.OrganizationFactory(name="Zhangjiakou", country="CN")
    lyon = factories.OrganizationFactory(name="Hospices Civils de Lyon", country="FR")

    def make(title, stage, amount, currency, sector, org, **fields):
        partnership = factories.PartnershipFactory(
            title=title, stage=stage, value_amount=amount, value_currency=currency, **fields
        )
        partnership.sectors.add(sector)
        factories.PartnershipPartyFactory(partnership=partnership, organization=org)
        return partnership

    return {
        "lifts": make("Ski lifts", "contract", 1_000_000, "EUR", ski, zhangjiakou, owner=owner),
        "resort": make("Resort", "contract", 10_000_000, "CNY", ski, zhangjiakou),
        "school": make("Ski school", "prospect", 100_000, "USD", ski, zhangjiakou),
        "hospital": make("Hospital", "agreement", 2_000_000, "EUR", health, lyon),
        "closed": make(
            "Closed", "contract", 5_000_000, "EUR", ski, zhangjiakou, status="concluded"
        ),
    }


def test_columns_show_their_count_and_total_in_euros(board_data, manager):
    response = client_for(manager).get(URL)
    columns = _columns(response)

    assert [c.stage for c in response.context["columns"]] == [
        "prospect",
        "letter_of_intent",
        "agreement",
        "contract",
        "renewal",
    ]
    assert {stage: c.count for stage, c in columns.items()} == {
        "prospect": 1,
        "letter_of_intent": 0,
        "agreement": 1,
        "contract": 2,  # the concluded one is not on the board by default
        "renewal": 0,
    }
    assert columns["contract"].total_eur == Decimal(2_280_000)  # 1,000,000 + 10,000,000 × 0.128
    assert columns["prospect"].total_eur == Decimal(90_000)  # 100,000 USD × 0.9
    assert columns["agreement"].total_eur == Decimal(2_000_000)
    assert response.context["total_eur"] == Decimal(4_370_000)


def test_filtering_by_sector_changes_counts_totals_and_cards_together(board_data, manager):
    response = client_for(manager).get(URL, {"sector": "health"})
    columns = _columns(response)

    assert columns["contract"].count == 0
    assert columns["contract"].total_eur == 0
    assert _titles(columns["agreement"]) == ["Hospital"]
    assert response.context["total_count"] == 1


def test_filtering_by_country_owner_organization_status_and_text(board_data, manager, owner):
    client = client_for(manager)
    zhangjiakou = board_data["lifts"].parties.get().organization

    def total(**query):
        return client.get(URL, query).context["total_count"]

    assert total(country="FR") == 1
    assert total(owner=owner.pk) == 1
    assert total(organization=zhangjiakou.pk) == 3
    assert total(status="concluded") == 1
    assert total(status=["active", "concluded"]) == 5
    assert total(search="ski") == 2  # "Ski lifts" and "Ski school"


def test_the_url_keeps_the_filters_so_a_view_can_be_shared(board_data, manager):
    response = client_for(manager).get(URL, {"sector": "ski", "country": "CN"})
    html = response.content.decode()

    assert re.search(r'<input[^>]*name="sector"[^>]*value="ski"[^>]*checked', html)
    assert "sector=ski" in response.context["board_query"]
    assert "country=CN" in response.context["board_query"]
    assert "sector=ski" in html  # in the "show more" and export links


def test_an_invalid_filter_value_empties_the_board_and_says_why(board_data, manager):
    response = client_for(manager).get(URL, {"owner": "nobody", "search": "ski"})

    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["total_count"] == 0
    assert "These filters could not be applied, so nothing is shown" in page
    assert "Owner: Select a valid choice." in page


def test_filters_left_empty_are_not_set(board_data, manager):
    response = client_for(manager).get(URL, {"owner": "", "sector": "", "search": ""})

    assert response.context["total_count"] == 4
    assert "could not be applied" not in response.content.decode()


# Cards ---------------------------------------------------------------------------------


def test_a_card_shows_title_parties_owner_value_activity_and_next_due_date(db, manager, rates):
    partnership = with_history(
        [("prospect", D(2026, 1, 1)), ("agreement", D(2026, 5, 1))],
        title="Chambéry – Zhangjiakou",
        value_amount=50_000_000,
        value_currency="CNY",
        owner=factories.StaffFactory(first_name="Julien", last_name="Morel"),
    )
    factories.PartnershipPartyFactory(
        partnership=partnership, organization__name="Ville de Chambéry", organization__country="FR"
    )
    meeting_on(partnership, D(2026, 6, 5))
    action_on(partnership, created=D(2026, 4, 1), due_date=D(2026, 6, 10))  # overdue
    action_on(partnership, created=D(2026, 4, 1), due_date=D(2026, 7, 1))

    response = client_for(manager).get(URL)
    card = _columns(response)["agreement"].cards[0]
    html = response.content.decode()

    assert card.days_since_activity == 10  # the meeting on 5 June
    assert card.next_due == D(2026, 6, 10)
    assert card.is_overdue
    assert card.value_eur == Decimal(6_400_000)
    assert "Chambéry – Zhangjiakou" in html
    assert "Ville de Chambéry" in html
    assert ">FR</abbr>" in html
    assert "Julien Morel" in html
    assert "CNY 50 M" in html
    assert "EUR 6.4 M" in html
    assert "10 days ago" in html
    # The overdue next action says how late it is; its day is in the title.
    assert (
        f'<span class="late" title="{written(D(2026, 6, 10), short=True)}">5 days late</span>'
        in html
    )


def test_cards_put_the_most_overdue_next_action_first(db, manager):
    def make(title, due, value=None):
        partnership = factories.PartnershipFactory(
            title=title, stage="contract", value_amount=value
        )
        if due:
            action_on(partnership, created=D(2026, 1, 1), due_date=due)
        return partnership

    make("no action, small", None, 10)
    make("no action, big", None, 1000)
    make("due next month", D(2026, 7, 15))
    make("late by a week", D(2026, 6, 8))
    make("late by a month", D(2026, 5, 15))

    column = _columns(client_for(manager).get(URL))["contract"]

    assert _titles(column) == [
        "late by a month",
        "late by a week",
        "due next month",
        "no action, big",
        "no action, small",
    ]


def test_a_column_shows_its_first_cards_and_a_link_to_show_more(db, manager):
    for index in range(PER_COLUMN + 3):
        factories.PartnershipFactory(
            title=f"P{index:02d}", stage="prospect", value_amount=index + 1
        )

    response = client_for(manager).get(URL)
    column = _columns(response)["prospect"]

    assert column.count == PER_COLUMN + 3
    assert len(column.cards) == PER_COLUMN
    assert column.remaining == 3
    assert "Show more (3 left)" in response.content.decode()


def test_show_more_appends_the_next_cards_of_the_column(db, manager):
    for index in range(PER_COLUMN + 3):
        factories.PartnershipFactory(
            title=f"P{index:02d}", stage="prospect", value_amount=index + 1
        )
    url = reverse("pipeline_column", args=["prospect"])
    client = client_for(manager)

    fragment = client.get(url, {"offset": PER_COLUMN}, headers={"HX-Request": "true"})
    page = client.get(url, {"offset": PER_COLUMN})

    assert fragment.status_code == 200
    assert _titles(fragment.context["column"]) == ["P02", "P01", "P00"]  # smallest values last
    assert "<html" not in fragment.content.decode()
    assert 'id="more-prospect" hx-swap-oob="true"' in fragment.content.decode()
    assert "<html" in page.content.decode()
    assert page.context["column"].offset == PER_COLUMN


@pytest.mark.parametrize("offset", ["9" * 23, "-5", "many"])
def test_show_more_beyond_any_column_shows_no_card(db, manager, offset):
    factories.PartnershipFactory(stage="prospect")

    response = client_for(manager).get("/pipeline/stage/prospect/", {"offset": offset})

    assert response.status_code == 200
    shown = len(response.context["column"].cards)
    assert shown == (1 if offset in ("-5", "many") else 0)  # read as 0, or past the end


def test_show_more_for_an_unknown_stage_is_not_found(db, manager):
    response = client_for(manager).get("/pipeline/stage/nowhere/")

    assert response.status_code == 404


# Moving cards --------------------------------------------------------------------------------


def _move_url(partnership: Partnership) -> str:
    return reverse("pipeline_move", args=[partnership.pk])


def test_a_manager_moves_a_card_forward_from_the_board(partnership, manager):
    response = client_for(manager).post(
        _move_url(partnership),
        {"stage": "agreement", "next": "/pipeline/?sector=ski", "version": partnership.version},
    )

    assert response.status_code == 302
    assert response.url == "/pipeline/?sector=ski"
    partnership.refresh_from_db()
    assert partnership.stage == "agreement"
    change = StageChange.objects.filter(partnership=partnership).latest("pk")
    assert (change.from_stage, change.to_stage, change.changed_by) == (
        "prospect",
        "agreement",
        manager,
    )


def test_the_board_script_gets_a_json_answer(partnership, manager):
    response = client_for(manager).post(
        _move_url(partnership),
        {"stage": "contract", "version": partnership.version},
        headers={"Accept": "application/json"},
    )

    assert response.status_code == 200
    assert response.json()["ok"] is True
    assert response.json()["stage"] == "contract"


def test_moving_backward_without_a_reason_is_refused(partnership, manager):
    Partnership.objects.filter(pk=partnership.pk).update(stage="contract")
    before = db_snapshot()

    response = client_for(manager).post(
        _move_url(partnership),
        {"stage": "prospect", "version": partnership.version},
        headers={"Accept": "application/json"},
    )

    assert response.status_code == 400
    assert response.json() == {
        "ok": False,
        "message": "Moving back to an earlier stage needs a note saying why.",
        "field": "note",
    }
    assert db_snapshot() == before


def test_moving_backward_with_a_reason_is_recorded(partnership, manager):
    Partnership.objects.filter(pk=partnership.pk).update(stage="contract")

    client_for(manager).post(
        _move_url(partnership),
        {"stage": "agreement", "note": "The contract fell through.", "version": 1},
    )

    change = StageChange.objects.filter(partnership=partnership).latest("pk")
    assert (change.to_stage, change.note) == ("agreement", "The contract fell through.")


def test_a_refused_move_without_javascript_comes_back_with_a_message(partnership, manager):
    Partnership.objects.filter(pk=partnership.pk).update(stage="contract")
    client = client_for(manager)

    response = client.post(
        _move_url(partnership), {"stage": "prospect", "version": partnership.version}, follow=True
    )

    assert response.redirect_chain[-1][0] == URL
    assert "needs a note" in response.content.decode()


def test_a_move_from_a_stale_board_is_a_409_for_the_script(partnership, manager):
    stale = partnership.version
    partnership.title = "Renamed meanwhile"
    partnership.save()
    before = db_snapshot()

    response = client_for(manager).post(
        _move_url(partnership),
        {"stage": "agreement", "version": stale},
        headers={"Accept": "application/json"},
    )

    assert response.status_code == 409
    assert response.json()["stale"] is True
    assert "Someone else changed this partnership" in response.json()["message"]
    assert db_snapshot() == before


def test_a_move_from_a_stale_board_without_javascript_keeps_the_choice(partnership, manager):
    stale = partnership.version
    lifecycle.move_stage(
        partnership, to="agreement", by=manager, expected_version=partnership.version
    )
    before = db_snapshot()

    response = client_for(manager).post(
        _move_url(partnership),
        {"stage": "contract", "note": "Signed", "version": stale, "next": "/pipeline/?owner=1"},
    )

    page = response.content.decode()
    assert response.status_code == 409
    assert db_snapshot() == before
    assert "it is now at the agreement stage" in page
    assert response.context["form"]["stage"].value() == "contract"
    assert response.context["form"]["note"].value() == "Signed"
    assert '<input type="hidden" name="next" value="/pipeline/?owner=1">' in page

    again = client_for(manager).post(
        _move_url(partnership),
        {
            "stage": "contract",
            "version": response.context["form"]["version"].value(),
            "next": "/pipeline/?owner=1",
        },
    )

    partnership.refresh_from_db()
    assert (again.status_code, again.url) == (302, "/pipeline/?owner=1")
    assert partnership.stage == "contract"


def test_a_move_without_a_version_is_refused(partnership, manager):
    before = db_snapshot()

    response = client_for(manager).post(
        _move_url(partnership), {"stage": "agreement"}, headers={"Accept": "application/json"}
    )

    assert response.status_code == 400
    assert response.json()["field"] == "version"
    assert db_snapshot() == before


def test_each_movable_card_carries_its_version(partnership, manager):
    lifecycle.move_stage(
        partnership, to="agreement", by=manager, expected_version=partnership.version
    )

    page = client_for(manager).get(URL).content.decode()

    assert f'data-version="{partnership.version}"' in page
    assert f'<input type="hidden" name="version" value="{partnership.version}">' in page


@pytest.mark.parametrize(
    ("persona", "status"),
    [("owner", 302), ("teammate", 302), ("outsider", 403), ("manager", 302), ("admin", 302)],
)
def test_who_may_move_a_card(personas, partnership, persona, status):
    response = client_for(personas[persona]).post(
        _move_url(partnership), {"stage": "agreement", "version": partnership.version}
    )

    assert response.status_code == status
    partnership.refresh_from_db()
    assert partnership.stage == ("agreement" if status == 302 else "prospect")


def test_no_role_and_anonymous_cannot_move_a_card(personas, partnership):
    assert client_for(personas["no_role"]).post(_move_url(partnership)).status_code == 403
    assert client_for(None).post(_move_url(partnership)).status_code == 302
    partnership.refresh_from_db()
    assert partnership.stage == "prospect"


def test_a_move_must_be_posted(partnership, manager):
    assert client_for(manager).get(_move_url(partnership)).status_code == 405


def test_move_controls_are_offered_only_where_the_user_may_move(partnership, personas):
    other = factories.PartnershipFactory(title="Someone else's")

    def movable(user):
        response = client_for(user).get(URL)
        cards = _columns(response)["prospect"].cards
        return {card.partnership.pk: card.can_move for card in cards}

    assert movable(personas["manager"]) == {partnership.pk: True, other.pk: True}
    assert movable(personas["teammate"]) == {partnership.pk: True, other.pk: False}
    assert movable(personas["outsider"]) == {partnership.pk: False, other.pk: False}
    html = client_for(personas["outsider"]).get(URL).content.decode()
    assert "data-move-url" not in html
    assert 'draggable="true"' not in html


def test_the_redirect_after_a_move_stays_on_this_site(partnership, manager):
    response = client_for(manager).post(
        _move_url(partnership),
        {"stage": "agreement", "next": "https://evil.example/", "version": partnership.version},
    )

    assert response.url == URL


# Query count ------------------------------------------------------------------------------


@pytest.mark.parametrize("populated", [3, 30], indirect=True)
class TestQueryCounts:
    """The same data for both pages, made once for each size."""

    def test_the_board_runs_a_fixed_number_of_queries(
        self, db, manager, rates, populated, django_assert_max_num_queries
    ):
        client = client_for(manager)
        client.get(URL)  # warm the session and the user's groups

        # Four more than before the board read each column's first cards
        # with one query per stage (five stages, whatever the rows).
        with django_assert_max_num_queries(18):
            response = client.get(URL, {"sector": "", "search": ""})

        assert response.context["total_count"] == len(populated)

    def test_show_more_runs_a_fixed_number_of_queries(
        self, db, manager, rates, populated, django_assert_max_num_queries
    ):
        client = client_for(manager)
        url = reverse("pipeline_column", args=["prospect"])
        client.get(url)

        with django_assert_max_num_queries(9):
            response = client.get(url, {"offset": 1}, headers={"HX-Request": "true"})

        assert response.status_code == 200

"""The pipeline board in a real Chromium: a manager filters it by sector,
moves cards forward (drag and drop, and the keyboard-usable form) and back
(with a reason), and sees the column counts follow."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from partnerships.models import Partnership, StageChange
from tests import factories
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def count(page, stage: str) -> str:
    return page.locator(f".board-column[data-stage='{stage}'] [data-count]").inner_text()


def drag(page, partnership: Partnership, stage: str) -> None:
    """Drag a card onto another column's head with a real mouse, in small
    steps, as a person would (a single jump does not always start an HTML drag
    in headless Chromium)."""
    card = page.locator(f"#card-{partnership.pk}")
    card.scroll_into_view_if_needed()
    card.locator(".card-facts").hover()
    page.mouse.down()
    head = page.locator(f".board-column[data-stage='{stage}'] .column-head").bounding_box()
    page.mouse.move(head["x"] + head["width"] / 2, head["y"] + head["height"] / 2, steps=8)
    page.mouse.up()


@pytest.fixture
def board(db):
    # The reference list's own sectors (get or create: the data migration's).
    ski = factories.SectorFactory(slug="mountain-winter-sports", name="Mountain and winter sports")
    health = factories.SectorFactory(slug="health", name="Health")
    factories.ManagerFactory(username="manager", first_name="Mona", last_name="Manager")

    def make(title, stage, sector):
        partnership = factories.PartnershipFactory(title=title, stage=stage, value_amount=1000)
        partnership.sectors.add(sector)
        return partnership

    return {
        "lifts": make("Ski lifts for Thaiwoo", "prospect", ski),
        "school": make("Ski school in Zhangjiakou", "prospect", ski),
        "hospital": make("Ruijin hospital", "prospect", health),
        "park": make("Snow park", "agreement", ski),
    }


def test_a_manager_filters_the_board_and_moves_cards(page, board):
    sign_in(page, "manager")
    page.goto("/pipeline/")
    assert count(page, "prospect") == "3"

    # Filter by sector: the counts and the cards follow, and the URL keeps it.
    page.locator(".filter-sector > summary").click()
    page.get_by_label("Mountain and winter sports").check()
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**/pipeline/?*sector=mountain-winter-sports*")
    assert count(page, "prospect") == "2"
    assert count(page, "letter_of_intent") == "0"
    assert page.get_by_text("Ruijin hospital").count() == 0

    # Drag a card one stage forward.
    lifts = board["lifts"]
    drag(page, lifts, "letter_of_intent")
    page.get_by_role("status").filter(has_text="moved to Letter of intent").wait_for()
    assert count(page, "prospect") == "1"
    assert count(page, "letter_of_intent") == "1"
    assert page.locator(f".board-column[data-stage='letter_of_intent'] #card-{lifts.pk}").count()
    lifts.refresh_from_db()
    assert lifts.stage == "letter_of_intent"

    # The same with the keyboard: the move form on the card.
    school = page.locator(f"#card-{board['school'].pk}")
    school.locator("summary", has_text="Move…").focus()
    page.keyboard.press("Enter")
    school.get_by_label("New stage").select_option(label="Agreement")
    school.get_by_role("button", name="Move").click()
    page.get_by_role("status").filter(has_text="moved to Agreement").wait_for()
    assert count(page, "prospect") == "0"
    assert count(page, "agreement") == "2"

    assert page.console_errors == []


def test_moving_a_card_back_asks_for_the_reason(page, board):
    sign_in(page, "manager")
    page.goto("/pipeline/?sector=mountain-winter-sports")
    park = board["park"]

    drag(page, park, "prospect")
    dialog = page.get_by_role("dialog", name="Why does it move back?")
    dialog.get_by_label("Reason").fill("The partner wants to renegotiate.")
    dialog.get_by_role("button", name="Move back").click()

    page.get_by_role("status").filter(has_text="moved to Prospect").wait_for()
    assert count(page, "prospect") == "3"
    assert count(page, "agreement") == "0"
    change = StageChange.objects.filter(partnership=park).latest("pk")
    assert (change.to_stage, change.note) == ("prospect", "The partner wants to renegotiate.")
    assert page.console_errors == []


def test_cancelling_the_reason_leaves_the_card_where_it_was(page, board):
    sign_in(page, "manager")
    page.goto("/pipeline/")
    park = board["park"]

    drag(page, park, "prospect")
    page.get_by_role("dialog").get_by_role("button", name="Cancel").click()

    page.get_by_role("status").filter(has_text="Move cancelled").wait_for()
    assert Partnership.objects.get(pk=park.pk).stage == "agreement"
    assert count(page, "agreement") == "1"


def test_show_more_loads_the_next_cards_of_a_column(page, db):
    factories.ManagerFactory(username="manager")
    for index in range(15):
        factories.PartnershipFactory(title=f"Prospect {index:02d}", value_amount=index + 1)
    sign_in(page, "manager")
    page.goto("/pipeline/")
    column = page.locator(".board-column[data-stage='prospect']")
    assert column.locator("[data-card]").count() == 12

    column.get_by_role("link", name="Show more (3 left)").click()

    expect(column.locator("[data-card]")).to_have_count(15)
    assert column.get_by_role("link", name="Show more").count() == 0
    assert page.console_errors == []

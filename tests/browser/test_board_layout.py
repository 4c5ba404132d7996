"""The pipeline board's layout in a real Chromium: compact cards and bounded
columns at a desk; on a phone one column at a time under its stage tabs
(click, arrow keys, the choice kept in the address), with no dead scroll."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

LONG = "Auvergne-Rhône-Alpes – Hebei cooperation agreement on winter sports and mountain tourism"

VISIBLE_COLUMNS = """() => Array.from(document.querySelectorAll(".board-column"))
  .filter(column => column.getBoundingClientRect().height > 0)
  .map(column => column.dataset.stage)"""


@pytest.fixture
def crowded_board(db):
    """Fifteen prospects with long titles and four parties each, and one
    partnership in every other stage."""
    factories.ManagerFactory(username="manager")
    cities = [
        factories.OrganizationFactory(name=name, country=country)
        for name, country in [
            ("Zhengzhou International Hub for Cooperation", "CN"),
            ("Université Savoie Mont Blanc", "FR"),
            ("Hospices Civils de Lyon", "FR"),
            ("Beijing Raissun Investment Group", "CN"),
        ]
    ]
    for index in range(15):
        partnership = factories.PartnershipFactory(
            title=f"{LONG} {index}", value_amount=1_250_000 + index, value_currency="CNY"
        )
        for order, city in enumerate(cities):
            factories.PartnershipPartyFactory(
                partnership=partnership, organization=city, order=order
            )
    for stage in ("letter_of_intent", "agreement", "contract", "renewal"):
        factories.PartnershipFactory(title=f"In {stage}", stage=stage)


def test_at_a_desk_cards_are_short_and_columns_bounded(page, crowded_board):
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in(page, "manager")
    page.goto("/pipeline/")

    column = page.locator(".board-column[data-stage='prospect']")
    heights = column.locator("[data-card]").evaluate_all(
        "cards => cards.map(card => card.getBoundingClientRect().height)"
    )
    assert len(heights) == 12
    assert max(heights) <= 120, heights
    # Twelve cards and "show more": under two screens, where eight-line cards made 3,500 px.
    assert column.bounding_box()["height"] <= 1_600
    assert page.evaluate(VISIBLE_COLUMNS) == [
        "prospect",
        "letter_of_intent",
        "agreement",
        "contract",
        "renewal",
    ]
    assert page.get_by_role("tablist").count() == 0  # the tabs are a phone's
    assert page.console_errors == []


def test_on_a_phone_the_board_shows_one_column_under_its_stage_tabs(page, crowded_board):
    page.set_viewport_size({"width": 375, "height": 812})
    sign_in(page, "manager")
    page.goto("/pipeline/")

    tabs = page.get_by_role("tablist")
    prospect = tabs.get_by_role("tab", name="Prospect")
    expect(prospect).to_have_attribute("aria-selected", "true")
    assert page.evaluate(VISIBLE_COLUMNS) == ["prospect"]
    panel = page.get_by_role("tabpanel")
    assert panel.get_attribute("aria-labelledby") == prospect.get_attribute("id")
    # No dead scroll: the page ends a little under the one column shown.
    column_bottom = page.locator(".board-column[data-stage='prospect']").evaluate(
        "column => column.getBoundingClientRect().bottom + window.scrollY"
    )
    assert page.evaluate("document.documentElement.scrollHeight") <= column_bottom + 200
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    # A tap on a tab shows its column, and the address keeps it across a reload.
    tabs.get_by_role("tab", name="Contract").click()
    assert page.evaluate(VISIBLE_COLUMNS) == ["contract"]
    assert page.url.endswith("#stage-contract")
    page.reload()
    expect(page.get_by_role("tab", name="Contract")).to_have_attribute("aria-selected", "true")
    assert page.evaluate(VISIBLE_COLUMNS) == ["contract"]

    # The keyboard: arrows move between tabs (one tab stop), Home and End go to the ends.
    contract = page.get_by_role("tab", name="Contract")
    contract.focus()
    page.keyboard.press("ArrowRight")
    renewal = page.get_by_role("tab", name="Renewal")
    expect(renewal).to_be_focused()
    expect(renewal).to_have_attribute("aria-selected", "true")
    assert page.evaluate(VISIBLE_COLUMNS) == ["renewal"]
    assert contract.get_attribute("tabindex") == "-1"
    page.keyboard.press("ArrowRight")  # wraps round to the first
    expect(prospect).to_be_focused()
    page.keyboard.press("End")
    expect(renewal).to_be_focused()
    page.keyboard.press("ArrowLeft")
    expect(contract).to_be_focused()
    assert page.evaluate(VISIBLE_COLUMNS) == ["contract"]
    assert page.console_errors == []


def test_without_javascript_a_phone_lists_every_column(browser, live_server, crowded_board):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 375, "height": 812}
    )
    page = context.new_page()
    sign_in(page, "manager")
    page.goto("/pipeline/")
    stages = page.locator(".board-column").evaluate_all(
        "columns => columns.filter(c => c.getBoundingClientRect().height > 0).length"
    )
    assert stages == 5
    assert page.get_by_role("tablist").count() == 0
    page.get_by_role("link", name="Renewal 1").click()
    assert page.url.endswith("#column-renewal")
    context.close()

"""The partnership page on a phone: moving the stage, changing the status and
the documents are near the top (they were 3,300 to 4,000 px down), in the
same order for the eye and for the keyboard, and at a desk the page keeps its
two columns with the quick actions above them."""

from __future__ import annotations

import datetime

import pytest

from partnerships.models import UserProfile
from tests import factories
from tests.browser.conftest import sign_in
from tests.builders import TODAY

pytestmark = pytest.mark.django_db(transaction=True)

# Two phone screens (812 px each): reached with one flick of the thumb.
WITHIN = 1_624

TOP = (
    "selector => Math.round(document.querySelector(selector).getBoundingClientRect().top + scrollY)"
)


@pytest.fixture
def busy_partnership(db):
    owner = factories.StaffFactory(username="julien")
    partnership = factories.PartnershipFactory(
        owner=owner,
        title="Chambéry – Zhangjiakou cooperation",
        stage="agreement",
        summary=" ".join(["Priority themes: mountain tourism, training and winter sports."] * 8),
    )
    for index in range(3):
        factories.PartnershipPartyFactory(partnership=partnership)
        factories.ActionFactory(
            partnership=partnership,
            owner=owner,
            title=f"Confirm the date of call number {index} with Zhangjiakou",
            due_date=TODAY + datetime.timedelta(days=index),
        )
    factories.DocumentFactory(partnership=partnership, title="Cooperation agreement")
    factories.DocumentFactory(partnership=partnership, title="Press release")
    return partnership


@pytest.mark.parametrize("language", ["en", "fr"])
def test_on_a_phone_move_status_and_documents_are_near_the_top(page, busy_partnership, language):
    UserProfile.objects.for_user(busy_partnership.owner).choose_language(language)
    page.set_viewport_size({"width": 375, "height": 812})
    sign_in(page, "julien")
    page.goto(busy_partnership.get_absolute_url())

    tops = {
        name: page.evaluate(TOP, f"#{name}")
        for name in (
            "move-title",
            "status-title",
            "documents-title",
            "open-actions",
            "facts-title",
        )
    }
    move_form_top = page.evaluate(TOP, "form[action$='/move/']")
    assert move_form_top < WITHIN
    assert tops["documents-title"] < WITHIN, tops
    # The order on screen is the order in the page (and so of the Tab key).
    assert (
        tops["move-title"] < tops["status-title"] < tops["documents-title"] < tops["open-actions"]
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.console_errors == []


def test_at_a_desk_the_quick_actions_sit_above_the_two_columns(page, busy_partnership):
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in(page, "julien")
    page.goto(busy_partnership.get_absolute_url())

    box = {
        name: page.locator(f"#{name}").bounding_box()
        for name in ("move-title", "status-title", "open-actions", "documents-title", "facts-title")
    }
    assert box["move-title"]["y"] == box["status-title"]["y"]  # side by side
    assert box["status-title"]["x"] == box["facts-title"]["x"]  # the side column's width
    assert box["move-title"]["y"] < box["documents-title"]["y"] < box["open-actions"]["y"]
    assert box["documents-title"]["y"] == box["facts-title"]["y"]  # the two columns start together
    assert page.evaluate("document.documentElement.scrollWidth") <= 1440

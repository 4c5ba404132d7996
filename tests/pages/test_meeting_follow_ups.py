"""Follow-up actions logged with a meeting belong to the partnership the meeting
discusses: opened from a partnership, the form starts with it for the meeting
and for each new action; a meeting about one partnership gives it to the
actions left without one; with several, each action's picker offers the
meeting's partnerships first. The action then shows where people look for the
partnership's work: its open actions, next step, timeline and board card."""

from __future__ import annotations

import re

import pytest

from partnerships.models import Action, Meeting
from tests import factories
from tests.conftest import client_for
from tests.pages.conftest import db_snapshot, meeting_form_data

pytestmark = pytest.mark.django_db


def selected_values(page: str, name: str) -> list[str]:
    match = re.search(rf'<select name="{re.escape(name)}"[^>]*>(.*?)</select>', page, re.S)
    assert match, f"no select {name}"
    return re.findall(r'<option value="([^"]*)"[^>]*selected', match.group(1))


def action_row(title: str, **fields) -> dict:
    return {
        "title": title,
        "due_date": "2026-12-20",
        "priority": "normal",
        "side": "ours",
        **fields,
    }


@pytest.fixture
def other(owner):
    return factories.PartnershipFactory(owner=owner, title="Sophia Antipolis – Chengdu")


def test_opened_from_a_partnership_the_form_starts_with_it_for_the_meeting_and_each_action(
    owner, partnership
):
    page = client_for(owner).get(f"/meetings/new/?partnerships={partnership.pk}").content.decode()

    assert selected_values(page, "partnerships") == [str(partnership.pk)]
    assert selected_values(page, "actions-0-partnership") == [str(partnership.pk)]
    # The row added by "Add a follow-up action" starts the same way.
    assert selected_values(page, "actions-__prefix__-partnership") == [str(partnership.pk)]


def test_opened_from_the_partnership_page_the_link_carries_it(owner, partnership):
    page = client_for(owner).get(f"/partnerships/{partnership.pk}/").content.decode()

    assert f'href="/meetings/new/?partnerships={partnership.pk}"' in page


def test_an_action_left_without_partnership_gets_the_one_the_meeting_discusses(
    owner, teammate, partnership
):
    data = meeting_form_data(
        title="Call with Zhangjiakou",
        partnerships=[partnership.pk],
        actions=[action_row("Send the draft agreement", owner=teammate.pk)],
    )

    response = client_for(owner).post("/meetings/new/", data)

    assert response.status_code == 302
    action = Action.objects.get(title="Send the draft agreement")
    assert action.partnership == partnership
    assert action.meeting == Meeting.objects.get(title="Call with Zhangjiakou")


def test_the_action_shows_on_the_partnership_page_board_and_timeline(owner, partnership):
    data = meeting_form_data(
        title="Call with Zhangjiakou",
        partnerships=[partnership.pk],
        actions=[action_row("Send the draft agreement", owner=owner.pk, due_date="2026-12-02")],
    )
    client = client_for(owner)
    client.post("/meetings/new/", data)
    action = Action.objects.get(title="Send the draft agreement")

    detail = client.get(f"/partnerships/{partnership.pk}/")
    board = client.get("/pipeline/")

    assert action in detail.context["open_actions"]
    assert detail.context["next_action"] == action
    timeline_titles = [entry.title for entry in detail.context["timeline"]]
    assert "Action: Send the draft agreement" in timeline_titles
    card = next(
        card
        for column in board.context["columns"]
        for card in column.cards
        if card.partnership.pk == partnership.pk
    )
    assert card.next_due == action.due_date


def test_an_action_keeps_the_partnership_the_person_picked(owner, partnership, other):
    data = meeting_form_data(
        title="Call with Zhangjiakou",
        partnerships=[partnership.pk],
        actions=[action_row("Ask Chengdu for dates", owner=owner.pk, partnership=other.pk)],
    )

    client_for(owner).post("/meetings/new/", data)

    assert Action.objects.get(title="Ask Chengdu for dates").partnership == other


def test_with_several_partnerships_an_action_gets_the_one_chosen_or_none(owner, partnership, other):
    data = meeting_form_data(
        title="Forum with both programmes",
        partnerships=[partnership.pk, other.pk],
        actions=[
            action_row("Chengdu follow-up", owner=owner.pk, partnership=other.pk),
            action_row("General follow-up", owner=owner.pk),
        ],
    )

    client_for(owner).post("/meetings/new/", data)

    assert Action.objects.get(title="Chengdu follow-up").partnership == other
    assert Action.objects.get(title="General follow-up").partnership is None


def test_each_action_row_offers_the_meetings_partnerships_first(owner, partnership, other):
    page = (
        client_for(owner)
        .get(f"/meetings/new/?partnerships={partnership.pk}&partnerships={other.pk}")
        .content.decode()
    )

    row_picker = re.search(
        r'<div class="picker"[^>]*>\s*<select name="actions-0-partnership"', page
    )
    assert row_picker and 'data-suggest-from="partnerships"' in row_picker.group(0)
    # With two partnerships, no row is pre-filled: the person picks.
    assert selected_values(page, "actions-0-partnership") == []


def test_new_actions_added_when_editing_get_the_meetings_only_partnership(owner, partnership):
    meeting = factories.MeetingFactory(logged_by=owner, title="Mission to Hebei")
    meeting.partnerships.add(partnership)
    client = client_for(owner)

    page = client.get(f"/meetings/{meeting.pk}/edit/").content.decode()
    data = meeting_form_data(meeting, actions=[action_row("Book the return visit", owner=owner.pk)])
    response = client.post(f"/meetings/{meeting.pk}/edit/", data)

    assert selected_values(page, "actions-0-partnership") == [str(partnership.pk)]
    assert response.status_code == 302
    assert Action.objects.get(title="Book the return visit").partnership == partnership


def test_a_bad_action_row_saves_neither_the_meeting_nor_any_action(owner, partnership):
    data = meeting_form_data(
        title="Call with Zhangjiakou",
        partnerships=[partnership.pk],
        actions=[
            action_row("Send the draft agreement", owner=owner.pk),
            action_row("", owner=owner.pk, due_date="not a date"),
        ],
    )
    before = db_snapshot()

    response = client_for(owner).post("/meetings/new/", data)

    assert response.status_code == 400
    assert db_snapshot() == before

"""``/``, "My work": my overdue actions, my actions due in the next 7 days, my
partnerships by stage, renewals coming due, my recent meetings, and a prominent
"Log a meeting" button."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine

from partnerships import lifecycle
from tests import factories
from tests.clock import TODAY, at
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

NOW = at(TODAY, 10)


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def section(page: str, title_id: str) -> str:
    """The HTML of the card whose heading has ``title_id``."""
    start = page.index(f'id="{title_id}"')
    return page[start : page.index("</section>", start)]


@pytest.fixture
def my_work(owner, teammate, manager):
    with time_machine.travel(NOW, tick=False):
        mine = factories.PartnershipFactory(owner=owner, title="Mine", stage="contract")
        factories.PartnershipFactory(owner=owner, title="Mine too", stage="contract")
        factories.PartnershipFactory(owner=owner, title="My prospect", stage="prospect")
        closed = factories.PartnershipFactory(owner=owner, title="Closed", stage="agreement")
        lifecycle.conclude(closed, by=owner)
        factories.PartnershipFactory(owner=teammate, title="Theirs", stage="agreement")

        def action(title, due, **fields):
            fields.setdefault("owner", owner)
            return factories.ActionFactory(
                title=title, due_date=days(due) if due is not None else None,
                partnership=mine, **fields,
            )  # fmt: skip

        action("Late by a week", -7)
        action("Late by a day", -1, priority="high")
        action("Due today", 0)
        action("Due in a week", 7)
        action("Due in eight days", 8)
        action("No due date", None)
        action("Someone else's late one", -2, owner=teammate)
        lifecycle.complete_action(action("Done late one", -3), by=owner)
        lifecycle.soft_delete(action("Deleted late one", -4), by=manager)

        def renewal(title, end_in, notice, **fields):
            fields.setdefault("owner", owner)
            return factories.PartnershipFactory(
                title=title, end_date=days(end_in), renewal_notice_days=notice, **fields
            )

        renewal("Decide this month", 60, 40)
        renewal("Decision overdue", 10, 20)
        renewal("As a teammate", 100, 30, owner=teammate, team=[owner])
        renewal("Far away", 400, 30)
        renewal("Someone else's renewal", 60, 40, owner=teammate)
        lifecycle.conclude(renewal("Concluded renewal", 60, 40), by=owner)

        def meeting(title, start_in, **fields):
            fields.setdefault("logged_by", owner)
            return factories.MeetingFactory(title=title, start_date=days(start_in), **fields)

        meeting("I logged it", -3)
        meeting("I attended it", -10, logged_by=teammate).attendees.set([owner])
        meeting("Planned next week", 7, status="planned")
        meeting("Long ago", -45)
        meeting("Not mine", -2, logged_by=teammate)


def test_my_work_lists_my_overdue_actions_most_urgent_first(owner, my_work):
    with time_machine.travel(NOW, tick=False):
        page = client_for(owner).get("/").content.decode()

    overdue = section(page, "overdue-title")
    titles = re.findall(r'class="row-title" href="[^"]*">([^<]*)</a>', overdue)
    assert titles == ["Late by a week", "Late by a day"]
    assert "You have 2 overdue actions." in page


def test_my_work_lists_my_actions_due_in_the_next_seven_days(owner, my_work):
    with time_machine.travel(NOW, tick=False):
        page = client_for(owner).get("/").content.decode()

    soon = section(page, "soon-title")
    titles = re.findall(r'class="row-title" href="[^"]*">([^<]*)</a>', soon)
    assert titles == ["Due today", "Due in a week"]


def test_my_actions_can_be_completed_from_my_work_in_one_click(owner, my_work):
    with time_machine.travel(NOW, tick=False):
        page = client_for(owner).get("/").content.decode()

    assert section(page, "overdue-title").count('hx-post="/actions/') == 2


def test_my_work_counts_my_open_partnerships_by_stage(owner, my_work):
    with time_machine.travel(NOW, tick=False):
        page = client_for(owner).get("/").content.decode()

    stages = section(page, "stages-title")
    counts = {
        label: int(count)
        for count, label in re.findall(
            r'<span class="n">(\d+)</span><span class="l">([^<]+)<', stages
        )
    }
    # Three of the renewals above are open prospects of mine too.
    assert counts == {
        "Prospect": 4,
        "Letter of intent": 0,
        "Agreement": 0,
        "Contract": 2,
        "Renewal": 0,
    }


def test_my_work_lists_renewals_of_my_partnerships_coming_due(owner, my_work):
    with time_machine.travel(NOW, tick=False):
        page = client_for(owner).get("/").content.decode()

    renewals = section(page, "renewals-title")
    titles = re.findall(r'class="item-title" href="[^"]*">([^<]*)</a>', renewals)
    assert titles == ["Decision overdue", "Decide this month", "As a teammate"]
    assert "decision 10 days late" in renewals
    assert "decide within 20 days" in renewals


def test_my_work_lists_the_meetings_i_logged_or_attended_recently(owner, my_work):
    with time_machine.travel(NOW, tick=False):
        page = client_for(owner).get("/").content.decode()

    meetings = section(page, "meetings-title")
    titles = re.findall(r'class="item-title" href="[^"]*">([^<]*)</a>', meetings)
    assert titles == ["Planned next week", "I logged it", "I attended it"]


def test_my_work_has_a_prominent_log_a_meeting_button(owner):
    page = client_for(owner).get("/").content.decode()

    assert '<a class="button primary large" href="/meetings/new/">+ Log a meeting</a>' in page


def test_my_work_is_mine_alone(teammate, my_work):
    with time_machine.travel(NOW, tick=False):
        page = client_for(teammate).get("/").content.decode()

    overdue = section(page, "overdue-title")
    assert "Someone else&#x27;s late one" in overdue
    assert "Late by a week" not in overdue
    assert "I attended it" in section(page, "meetings-title")
    assert "I logged it" not in section(page, "meetings-title")


def test_my_work_is_calm_when_there_is_nothing_to_do(owner):
    page = client_for(owner).get("/").content.decode()

    assert "Nothing overdue. Well done." in page
    assert "Nothing due this week." in page
    assert "No renewal decision due in the next 90 days." in page

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
        lifecycle.conclude(closed, by=owner, expected_version=closed.version)
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
        done = action("Done late one", -3)
        lifecycle.complete_action(done, by=owner, expected_version=done.version)
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
        concluded = renewal("Concluded renewal", 60, 40)
        lifecycle.conclude(concluded, by=owner, expected_version=concluded.version)

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
    assert "decide in 3 weeks" in renewals  # 20 days


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


# A person who owns thousands of records --------------------------------------------


@pytest.fixture
def busy(owner):
    """1,200 overdue actions, 10 due this week, 12 renewals to decide."""
    from partnerships.models import Action

    with time_machine.travel(NOW, tick=False):
        partnership = factories.PartnershipFactory(owner=owner, title="Busy")
        Action.objects.bulk_create(
            Action(
                title=f"Late {n:04d}",
                owner=owner,
                partnership=partnership,
                due_date=days(-1 - n % 300),
            )
            for n in range(1200)
        )
        for n in range(10):
            factories.ActionFactory(
                owner=owner, partnership=partnership, title=f"Soon {n}", due_date=days(n % 7)
            )
        for n in range(12):
            factories.PartnershipFactory(
                owner=owner,
                title=f"Renewal {n:02d}",
                stage="contract",
                end_date=days(40 + n),
                renewal_notice_days=30,
            )


def test_my_work_shows_the_first_rows_of_each_section_and_links_to_the_rest(owner, busy):
    with time_machine.travel(NOW, tick=False):
        page = client_for(owner).get("/").content.decode()

    overdue = section(page, "overdue-title")
    assert len(re.findall(r'class="row-title"', overdue)) == 5
    assert '<span class="count" data-live="count-overdue">1,000+</span>' in overdue
    assert "You have more than 1,000 overdue actions." in page
    assert (
        f'href="/actions/?owner={owner.pk}&amp;overdue=true">See all (more than 1,000)' in overdue
    )

    soon = section(page, "soon-title")
    assert len(re.findall(r'class="row-title"', soon)) == 5
    assert '<span class="count" data-live="count-due_soon">10</span>' in soon
    assert "and 5 more: see all" in soon

    renewals = section(page, "renewals-title")
    assert len(re.findall(r'class="item-title"', renewals)) == 5
    assert "and 7 more: see all" in renewals


def test_the_see_all_links_list_what_the_section_counts(owner, busy):
    client = client_for(owner)
    with time_machine.travel(NOW, tick=False):
        context = client.get("/").context
        soon = client.get(context["due_soon"].url)
        renewals = client.get(context["renewals"].url)

    assert soon.context["listing"].page.paginator.count == 10
    assert renewals.context["listing"].page.paginator.count == 12


def test_my_work_makes_as_many_queries_for_thousands_of_rows_as_for_a_few(
    owner, busy, django_assert_max_num_queries
):
    client = client_for(owner)
    client.get("/")  # the session is set up

    with time_machine.travel(NOW, tick=False), django_assert_max_num_queries(8 + 3):
        client.get("/")


# A manager's team view ---------------------------------------------------------------------


def test_a_manager_sees_the_teams_overdue_and_due_soon_work_by_owner(manager, my_work):
    with time_machine.travel(NOW, tick=False):
        page = client_for(manager).get("/").content.decode()

    team = section(page, "team-work-title")
    rows = re.findall(r'<td class="col-title"><a href="[^"]*">([^<]+)</a>', team)
    # The owner has two overdue actions and two due in the next 7 days (today
    # and in a week); the teammate one overdue.
    assert rows == ["Olivia Owner", "Tom Teammate"]
    assert re.search(r'overdue=true">2</a>.*?<td class="num"[^>]*>2</td>', team, re.S)
    assert "All pending work" in team


def test_a_manager_sees_the_overdue_work_of_someone_who_has_left(manager, teammate, my_work):
    teammate.is_active = False
    teammate.save(update_fields=["is_active"])
    with time_machine.travel(NOW, tick=False):
        page = client_for(manager).get("/").content.decode()

    team = section(page, "team-work-title")
    assert "Tom Teammate" in team


def test_a_manager_sees_stalled_partnerships_and_renewals_to_decide_of_everyone(manager, my_work):
    with time_machine.travel(NOW, tick=False):
        quiet = factories.PartnershipFactory(title="Quiet for a year", owner=manager)
        type(quiet).objects.filter(pk=quiet.pk).update(last_activity_on=days(-365))
        page = client_for(manager).get("/").content.decode()

    assert "Quiet for a year" in section(page, "team-stalled-title")
    assert "last activity 12 months ago" in section(page, "team-stalled-title")
    renewals = section(page, "team-renewals-title")
    assert "Someone else&#x27;s renewal" in renewals and "Decision overdue" in renewals
    assert "Concluded renewal" not in renewals


def test_staff_see_no_team_view(owner, my_work):
    with time_machine.travel(NOW, tick=False):
        page = client_for(owner).get("/").content.decode()

    assert 'id="team-title"' not in page


def test_a_managers_work_page_makes_as_many_queries_for_a_busy_team(
    manager, owner, busy, django_assert_max_num_queries
):
    client = client_for(manager)
    client.get("/")  # the session is set up

    # My own work (8 + 3 counts), then the team: owners and their names, and
    # the stalled and renewal sections with their counts.
    with time_machine.travel(NOW, tick=False), django_assert_max_num_queries(8 + 3 + 6):
        client.get("/")


def test_the_action_list_opens_on_everyones_pending_work_for_a_manager(manager, owner):
    assert client_for(manager).get("/actions/")["Location"] == "/actions/?pending=true"
    assert client_for(owner).get("/actions/")["Location"] == (
        f"/actions/?owner={owner.pk}&pending=true"
    )

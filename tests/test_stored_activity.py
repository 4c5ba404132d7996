"""A partnership's stored last activity and next due date stay what a
recomputation from scratch gives, whichever way the data changes: the pages,
the API, the admin, and the daily ``refresh_activity`` for what time alone
changes (a planned meeting whose day has come).

The recomputation here is written in Python over the raw rows, independently of
the SQL in ``partnerships/activity.py``, so a mistake in either shows.
"""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from partnerships.models import Action, Meeting, Partnership
from tests import factories
from tests.api.conftest import token_client
from tests.conftest import client_for
from tests.pages.conftest import meeting_form_data

pytestmark = pytest.mark.django_db

PENDING = {"open", "in_progress"}


def expected_activity(partnership: Partnership, today: datetime.date):
    """(last activity, next due) from the rows, as docs/managers.md defines them."""
    days = [partnership.stage_changed_on]
    meetings = Meeting.objects.filter(partnerships=partnership)
    days += [m.start_date for m in meetings if m.status != "cancelled" and m.start_date <= today]
    actions = list(Action.objects.filter(partnership=partnership))
    days += [timezone.localdate(a.created_at) for a in actions]
    days += [a.completed_on for a in actions if a.status == "done" and a.completed_on]
    due = [a.due_date for a in actions if a.status in PENDING and a.due_date]
    return max(days), min(due, default=None)


def assert_stored_activity_is_true(today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    wrong = {}
    for partnership in Partnership.all_objects.all():
        stored = (partnership.last_activity_on, partnership.next_due_on)
        expected = expected_activity(partnership, today)
        if stored != expected:
            wrong[partnership.title] = {"stored": stored, "expected": expected}
    assert wrong == {}


def done(response):
    """The request was carried out (a redirect after a page form, a 2xx from the API)."""
    assert response.status_code in (200, 201, 204, 302), response.content.decode()[:500]
    return response


def days_ago(n: int) -> str:
    return (timezone.localdate() - datetime.timedelta(days=n)).isoformat()


def days_ahead(n: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


@pytest.fixture
def quiet(owner):
    """A partnership quiet for a year, and a second one."""
    first = factories.PartnershipFactory(
        owner=owner,
        title="Chambéry – Zhangjiakou",
        stage_changed_on=timezone.localdate() - datetime.timedelta(days=365),
    )
    second = factories.PartnershipFactory(
        owner=owner,
        title="Sophia Antipolis – Chengdu",
        stage_changed_on=timezone.localdate() - datetime.timedelta(days=400),
    )
    assert_stored_activity_is_true()
    return first, second


def test_through_the_pages(owner, manager, quiet):
    first, second = quiet
    client = client_for(owner)

    # A meeting held ten days ago, with a follow-up action due next week.
    done(
        client.post(
            "/meetings/new/",
            meeting_form_data(
                title="Call with Zhangjiakou",
                start_date=days_ago(10),
                partnerships=[first.pk],
                actions=[
                    {"title": "Send the draft", "owner": owner.pk, "due_date": days_ahead(7)},
                ],
            ),
        )
    )
    assert_stored_activity_is_true()
    assert Partnership.objects.get(pk=first.pk).next_due_on is not None

    # An action created on its own page for the second partnership, then moved
    # to the first, its due date changed.
    done(
        client.post(
            "/actions/new/",
            {
                "title": "Book the visit",
                "owner": owner.pk,
                "due_date": days_ahead(3),
                "priority": "normal",
                "side": "ours",
                "partnership": second.pk,
            },
        )
    )
    assert_stored_activity_is_true()
    booked = Action.objects.get(title="Book the visit")
    done(
        client.post(
            f"/actions/{booked.pk}/edit/",
            {
                "title": "Book the visit",
                "owner": owner.pk,
                "due_date": days_ahead(2),
                "priority": "normal",
                "side": "ours",
                "partnership": first.pk,
                "version": booked.version,
            },
        )
    )
    assert_stored_activity_is_true()

    # Completed, reopened, cancelled.
    booked.refresh_from_db()
    done(
        client.post(f"/actions/{booked.pk}/complete/", {"version": booked.version, "outcome": "ok"})
    )
    assert_stored_activity_is_true()
    booked.refresh_from_db()
    done(client.post(f"/actions/{booked.pk}/reopen/", {"version": booked.version}))
    assert_stored_activity_is_true()
    booked.refresh_from_db()
    done(client.post(f"/actions/{booked.pk}/cancel/", {"version": booked.version}))
    assert_stored_activity_is_true()

    # A stage move dated five days ago, on the page and on the board.
    first.refresh_from_db()
    done(
        client.post(
            f"/partnerships/{first.pk}/move/",
            {"stage": "agreement", "effective_date": days_ago(5), "version": first.version},
        )
    )
    assert_stored_activity_is_true()
    second.refresh_from_db()
    done(
        client.post(
            reverse("pipeline_move", args=[second.pk]),
            {"stage": "letter_of_intent", "version": second.version},
        )
    )
    assert_stored_activity_is_true()

    # The meeting moved into the future, then deleted and restored by a manager.
    meeting = Meeting.objects.get(title="Call with Zhangjiakou")
    done(
        client.post(
            f"/meetings/{meeting.pk}/edit/",
            meeting_form_data(meeting, start_date=days_ahead(20)),
        )
    )
    assert_stored_activity_is_true()
    boss = client_for(manager)
    done(boss.post(f"/meetings/{meeting.pk}/delete/"))
    assert_stored_activity_is_true()
    done(boss.post(reverse("restore", args=["meeting", meeting.pk])))
    assert_stored_activity_is_true()

    # The partnership deleted (its actions with it) and restored.
    done(boss.post(f"/partnerships/{first.pk}/delete/"))
    assert_stored_activity_is_true()
    done(boss.post(reverse("restore", args=["partnership", first.pk])))
    assert_stored_activity_is_true()


def test_through_the_api(owner, manager, quiet):
    first, second = quiet
    api = token_client(owner)

    created = api.post(
        "/api/meetings/",
        {
            "kind": "call",
            "title": "Call with Chengdu",
            "start_date": days_ago(3),
            "partnerships": [second.pk],
            "actions": [{"title": "Send the programme", "due_date": days_ahead(9)}],
        },
    )
    assert created.status_code == 201, created.content
    assert_stored_activity_is_true()

    action = api.post(
        "/api/actions/", {"title": "Call back", "partnership": first.pk, "due_date": days_ahead(1)}
    ).json()
    assert_stored_activity_is_true()
    done(
        api.patch(
            f"/api/actions/{action['id']}/",
            {"partnership": second.pk, "version": action["version"]},
        )
    )
    assert_stored_activity_is_true()
    action = api.get(f"/api/actions/{action['id']}/").json()
    done(api.post(f"/api/actions/{action['id']}/complete/", {"version": action["version"]}))
    assert_stored_activity_is_true()

    first.refresh_from_db()
    done(
        api.post(
            f"/api/partnerships/{first.pk}/move/",
            {"stage": "contract", "effective_date": days_ago(2), "version": first.version},
        )
    )
    assert_stored_activity_is_true()

    meeting = created.json()
    done(
        api.patch(
            f"/api/meetings/{meeting['id']}/",
            {"partnerships": [first.pk], "version": meeting["version"]},
        )
    )
    assert_stored_activity_is_true()

    boss = token_client(manager)
    done(boss.delete(f"/api/actions/{action['id']}/"))
    assert_stored_activity_is_true()
    done(boss.post(f"/api/actions/{action['id']}/restore/"))
    assert_stored_activity_is_true()
    done(boss.delete(f"/api/meetings/{meeting['id']}/"))
    assert_stored_activity_is_true()


def test_through_the_admin(admin_user, owner, quiet):
    first, second = quiet
    client = client_for(admin_user)

    done(
        client.post(
            reverse("admin:partnerships_action_add"),
            {
                "title": "Prepare the forum",
                "owner": owner.pk,
                "side": "ours",
                "priority": "normal",
                "status": "open",
                "due_date": days_ahead(4),
                "partnership": first.pk,
                "version": 1,
            },
        )
    )
    assert Action.objects.filter(title="Prepare the forum").exists()
    assert_stored_activity_is_true()

    done(
        client.post(
            reverse("admin:partnerships_meeting_add"),
            {
                "kind": "forum",
                "status": "held",
                "title": "Forum in Chengdu",
                "start_date": days_ago(1),
                "logged_by": owner.pk,
                "partnerships": [second.pk],
                "version": 1,
                "actions-TOTAL_FORMS": 1,
                "actions-INITIAL_FORMS": 0,
                "actions-0-title": "Send the minutes",
                "actions-0-owner": owner.pk,
                "actions-0-side": "ours",
                "actions-0-priority": "normal",
                "actions-0-due_date": days_ahead(6),
            },
        )
    )
    assert Meeting.objects.filter(title="Forum in Chengdu").exists()
    assert_stored_activity_is_true()

    prepare = Action.objects.get(title="Prepare the forum")
    done(
        client.post(
            reverse("admin:partnerships_action_changelist"),
            {
                "action": "complete_selected",
                "_selected_action": [prepare.pk],
                "apply": "1",
                "outcome": "Done",
                "completed_on": "",
            },
        )
    )
    assert Action.objects.get(pk=prepare.pk).status == "done"
    assert_stored_activity_is_true()

    done(
        client.post(
            reverse("admin:partnerships_meeting_delete", args=[Meeting.objects.get().pk]),
            {"post": "yes"},
        )
    )
    assert_stored_activity_is_true()


def test_the_daily_refresh_counts_a_planned_meeting_once_its_day_has_come(owner, quiet):
    first, _second = quiet
    client_for(owner).post(
        "/meetings/new/",
        meeting_form_data(
            title="Visit planned in three days",
            status="planned",
            start_date=days_ahead(3),
            partnerships=[first.pk],
        ),
    )
    assert_stored_activity_is_true()
    out = io.StringIO()

    with time_machine.travel(timezone.now() + datetime.timedelta(days=4)):
        today = timezone.localdate()
        with pytest.raises(AssertionError):
            assert_stored_activity_is_true(today)  # time alone made it wrong
        call_command("refresh_activity", stdout=out)
        assert_stored_activity_is_true(today)
        call_command("refresh_activity", stdout=out)

    assert out.getvalue().splitlines() == [
        "1 partnership(s) refreshed.",
        "0 partnership(s) refreshed.",  # idempotent: a second run finds nothing
    ]


def test_refresh_all_recomputes_every_partnership(owner, quiet):
    _first, second = quiet
    Partnership.all_objects.update(last_activity_on=datetime.date(2000, 1, 1), next_due_on=None)
    factories.ActionFactory(owner=owner, partnership=second, due_date=timezone.localdate())
    out = io.StringIO()

    call_command("refresh_activity", "--all", stdout=out)

    assert out.getvalue().strip() == "2 partnership(s) refreshed."
    assert_stored_activity_is_true()


def test_a_meeting_edit_does_not_touch_the_partnerships_version(owner, quiet):
    """The stored columns are derived: an edit someone has open on the
    partnership is not made stale by a meeting logged about it."""
    first, _second = quiet
    version = first.version

    client_for(owner).post(
        "/meetings/new/",
        meeting_form_data(title="Call", start_date=days_ago(1), partnerships=[first.pk]),
    )

    first.refresh_from_db()
    assert first.version == version
    assert first.last_activity_on == timezone.localdate() - datetime.timedelta(days=1)

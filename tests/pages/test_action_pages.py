"""Action pages: the lists (mine, everyone's, overdue, by partnership) and their
filters, create and edit, reassign, and the one-click workflow buttons (complete
with an outcome, cancel, reopen), which answer htmx with the updated row."""

from __future__ import annotations

import datetime
import html
import re

import pytest
import time_machine

from partnerships import lifecycle
from partnerships.models import Action
from tests import factories
from tests.clock import TODAY, at, written
from tests.conftest import client_for
from tests.pages.conftest import action_form_data, db_snapshot

pytestmark = pytest.mark.django_db

NOW = at(TODAY, 10)


def action_titles(response) -> list[str]:
    titles = re.findall(
        r'class="row-title" href="/actions/\d+/">([^<]*)</a>', response.content.decode()
    )
    return [html.unescape(title) for title in titles]


def field_errors(response, name: str) -> str:
    match = re.search(
        rf'<ul class="errorlist" id="id_{re.escape(name)}_error">(.*?)</ul>',
        response.content.decode(),
        re.S,
    )
    return match.group(1) if match else ""


def selected_options(response, name: str) -> list[str]:
    html = response.content.decode()
    match = re.search(rf'<select name="{re.escape(name)}"[^>]*>(.*?)</select>', html, re.S)
    assert match, f"no select {name}"
    return re.findall(r'<option value="([^"]*)"[^>]*selected', match.group(1))


# Lists -------------------------------------------------------------------------------


@pytest.fixture
def todo(owner, teammate, partnership):
    """Actions of two people, late, due soon, done, on two partnerships."""
    with time_machine.travel(NOW, tick=False):
        other = factories.PartnershipFactory(owner=teammate, title="Sophia – Chengdu")
        rows = {
            "late": factories.ActionFactory(
                title="Réserver l'hôtel",
                owner=owner,
                partnership=partnership,
                due_date=TODAY - datetime.timedelta(days=3),
                priority="high",
            ),
            "soon": factories.ActionFactory(
                title="Send the agenda",
                owner=owner,
                partnership=other,
                due_date=TODAY + datetime.timedelta(days=2),
                side="partner",
            ),
            "theirs": factories.ActionFactory(
                title="Call the airport",
                owner=teammate,
                partnership=other,
                due_date=TODAY - datetime.timedelta(days=1),
            ),
            "done": factories.ActionFactory(
                title="Book the room",
                owner=owner,
                partnership=partnership,
                due_date=TODAY - datetime.timedelta(days=10),
            ),
        }
        lifecycle.complete_action(
            rows["done"], by=owner, outcome="Booked", expected_version=rows["done"].version
        )
    return {key: action.title for key, action in rows.items()}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"owner": "ME", "pending": "true"}, ["late", "soon"]),
        ({"owner": "ME", "overdue": "true"}, ["late"]),
        ({"pending": "true"}, ["late", "theirs", "soon"]),
        ({"overdue": "true"}, ["late", "theirs"]),
        ({"status": "done"}, ["done"]),
        ({"partnership": "PARTNERSHIP"}, ["done", "late"]),
        ({"priority": "high"}, ["late"]),
        ({"side": "partner"}, ["soon"]),
        ({"due_after": TODAY.isoformat()}, ["soon"]),
        ({"search": "agenda"}, ["soon"]),
        ({"search": "chengdu"}, ["theirs", "soon"]),
        ({"search": "hôtel"}, ["late"]),
        ({"search": "Réserver"}, ["late"]),
        ({"search": "RÉSERVER L'HOTEL"}, ["late"]),
        ({"search": "reserver"}, ["late"]),
        ({"search": "AGENDA chengdu"}, ["soon"]),
    ],
)
def test_the_action_lists_show_what_their_filters_say(owner, partnership, todo, query, expected):
    query = {
        key: {"ME": owner.pk, "PARTNERSHIP": partnership.pk}.get(value, value)
        for key, value in query.items()
    }
    with time_machine.travel(NOW, tick=False):
        response = client_for(owner).get("/actions/", query)

    assert response.status_code == 200
    assert action_titles(response) == [todo[key] for key in expected]


def test_the_tabs_mark_the_view_in_use(owner, todo):
    with time_machine.travel(NOW, tick=False):
        response = client_for(owner).get("/actions/", {"overdue": "true"})

    assert '<a href="?overdue=true" aria-current="page">' in response.content.decode()


def test_a_deleted_action_is_not_listed(owner, manager, action):
    lifecycle.soft_delete(action, by=manager)

    response = client_for(owner).get("/actions/", {"pending": "true"})

    assert action_titles(response) == []


# Create and edit ---------------------------------------------------------------------


def test_staff_create_an_action_for_a_colleague(outsider, teammate, partnership, meeting):
    response = client_for(outsider).post(
        "/actions/new/",
        action_form_data(
            title="Prepare the Alpitec stand",
            owner=teammate.pk,
            due_date="2027-01-10",
            priority="high",
            side="ours",
            partnership=partnership.pk,
            meeting=meeting.pk,
            details="Two tables",
        ),
    )

    action = Action.objects.get(title="Prepare the Alpitec stand")
    assert response.status_code == 302
    assert response["Location"] == f"/actions/{action.pk}/"
    assert (action.owner, action.created_by, action.partnership, action.meeting) == (
        teammate,
        outsider,
        partnership,
        meeting,
    )
    assert action.due_date == datetime.date(2027, 1, 10)


def test_the_new_action_form_starts_from_the_partnership_and_with_me_as_owner(
    outsider, partnership
):
    response = client_for(outsider).get("/actions/new/", {"partnership": partnership.pk})

    assert selected_options(response, "partnership") == [str(partnership.pk)]
    assert selected_options(response, "owner") == [str(outsider.pk)]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"owner": ""}, "owner", "This field is required."),
        ({"owner": "999999"}, "owner", "Select a valid choice."),
        ({"title": ""}, "title", "This field is required."),
        ({"due_date": "tomorrow"}, "due_date", "Enter a valid date."),
        ({"partnership": "999999"}, "partnership", "Select a valid choice."),
        ({"partnership": "DELETED"}, "partnership", "Select a valid choice."),
        ({"meeting": "999999"}, "meeting", "Select a valid choice."),
        ({"lead_organization": "999999"}, "lead_organization", "Select a valid choice."),
        ({"priority": "urgent"}, "priority", "Select a valid choice."),
    ],
    ids=[
        "missing owner",
        "unknown owner",
        "missing title",
        "bad date",
        "unknown partnership",
        "deleted partnership",
        "unknown meeting",
        "unknown organization",
        "unknown priority",
    ],
)
def test_a_bad_action_saves_nothing_and_keeps_what_was_typed(
    owner, manager, partnership, changes, field, message
):
    gone = factories.PartnershipFactory(owner=owner)
    lifecycle.soft_delete(gone, by=manager)
    changes = {k: str(gone.pk) if v == "DELETED" else v for k, v in changes.items()}
    data = action_form_data(
        title="Study the Lyon–Beijing air route",
        owner=owner.pk,
        due_date="2027-03-01",
        details="With Aéroports de Lyon",
        partnership=partnership.pk,
    )
    data.update(changes)
    before = db_snapshot()

    response = client_for(owner).post("/actions/new/", data)

    html = response.content.decode()
    assert response.status_code == 400
    assert message in field_errors(response, field)
    assert db_snapshot() == before
    assert "With Aéroports de Lyon</textarea>" in html
    if "title" not in changes:
        assert 'value="Study the Lyon–Beijing air route"' in html


def test_the_owner_edits_their_action(owner, action):
    response = client_for(owner).post(
        f"/actions/{action.pk}/edit/",
        action_form_data(action, title="Send the signed agreement", due_date="2026-12-24"),
    )

    action.refresh_from_db()
    assert response.status_code == 302
    assert (action.title, action.due_date, action.version) == (
        "Send the signed agreement",
        datetime.date(2026, 12, 24),
        2,
    )


def test_a_manager_opening_someones_action_sees_its_real_owner(owner, manager, action):
    response = client_for(manager).get(f"/actions/{action.pk}/edit/")

    assert selected_options(response, "owner") == [str(owner.pk)]


def test_an_action_edit_from_a_stale_copy_is_refused(owner, manager, action):
    stale = action_form_data(action, title="Owner's title")
    client_for(manager).post(
        f"/actions/{action.pk}/edit/", action_form_data(action, title="Manager's title")
    )
    before = db_snapshot()

    response = client_for(owner).post(f"/actions/{action.pk}/edit/", stale)

    assert response.status_code == 400
    assert "Someone else changed this record" in response.content.decode()
    assert db_snapshot() == before


# Reassign ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["owner", "manager"])
def test_the_owner_or_a_manager_reassigns_an_action(personas, teammate, action, persona):
    client = client_for(personas[persona])

    response = client.post(f"/actions/{action.pk}/reassign/", {"owner": teammate.pk})
    detail = client.get(response["Location"])

    action.refresh_from_db()
    assert action.owner == teammate
    assert "Action reassigned." in detail.content.decode()


def test_an_action_is_not_reassigned_to_an_inactive_user(owner, action):
    gone = factories.StaffFactory(username="gone", is_active=False)
    client = client_for(owner)
    before = db_snapshot()

    response = client.post(f"/actions/{action.pk}/reassign/", {"owner": gone.pk})
    detail = client.get(response["Location"])

    assert db_snapshot() == before
    assert "Choose an active user" in detail.content.decode()


# One-click workflow -----------------------------------------------------------------------


def test_completing_an_action_from_a_list_returns_the_updated_row(owner, action):
    with time_machine.travel(NOW, tick=False):
        response = client_for(owner).post(
            f"/actions/{action.pk}/complete/",
            {"outcome": "Sent by e-mail", "next": "/actions/?pending=true", "version": 1},
            HTTP_HX_REQUEST="true",
        )

    action.refresh_from_db()
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<tr id="action-{action.pk}" class="is-done">')
    assert f"done {written(TODAY, short=True)}" in html
    assert "<html" not in html
    assert (action.status, action.outcome, action.completed_by, action.completed_on) == (
        "done",
        "Sent by e-mail",
        owner,
        TODAY,
    )


def test_a_row_completed_on_my_work_page_stays_compact(owner, action):
    with time_machine.travel(NOW, tick=False):
        home = client_for(owner).get("/").content.decode()
        response = client_for(owner).post(
            f"/actions/{action.pk}/complete/",
            {"outcome": "", "next": "/", "compact": "1", "version": 1},
            HTTP_HX_REQUEST="true",
        )

    row = response.content.decode()
    assert 'name="compact" value="1"' in home
    assert row.count("<td") == 1
    assert 'data-label="Owner"' not in row


def test_completing_without_htmx_goes_back_where_the_button_was(owner, action):
    response = client_for(owner).post(
        f"/actions/{action.pk}/complete/",
        {"outcome": "Done", "next": "/actions/?overdue=true", "version": action.version},
    )

    assert response.status_code == 302
    assert response["Location"] == "/actions/?overdue=true"


def test_completing_never_redirects_to_another_site(owner, action):
    response = client_for(owner).post(
        f"/actions/{action.pk}/complete/",
        {"next": "https://evil.example/", "version": action.version},
    )

    assert response["Location"] == f"/actions/{action.pk}/"
    assert Action.objects.get(pk=action.pk).status == "done"


@pytest.mark.parametrize(
    ("prepare", "data", "message"),
    [
        (
            None,
            {"completed_on": str(TODAY + datetime.timedelta(days=1))},
            "cannot be in the future",
        ),
        (None, {"completed_on": "soon"}, "Enter a valid date."),
        ("done", {}, "already done"),
        ("cancelled", {}, "reopen it first"),
    ],
    ids=["future date", "bad date", "already done", "cancelled"],
)
def test_a_refused_completion_shows_why_in_the_row_and_changes_nothing(
    owner, action, prepare, data, message
):
    with time_machine.travel(NOW, tick=False):
        if prepare == "done":
            lifecycle.complete_action(action, by=owner, expected_version=action.version)
        elif prepare == "cancelled":
            lifecycle.cancel_action(action, by=owner, expected_version=action.version)
        before = db_snapshot()
        response = client_for(owner).post(
            f"/actions/{action.pk}/complete/",
            {**data, "version": action.version},
            HTTP_HX_REQUEST="true",
        )

    assert response.status_code == 200
    assert 'class="row-error" role="alert"' in response.content.decode()
    assert message in response.content.decode()
    assert db_snapshot() == before


def test_an_action_is_cancelled_then_reopened(owner, action):
    client = client_for(owner)

    client.post(
        f"/actions/{action.pk}/cancel/",
        {"note": "Not needed any more", "version": action.version},
    )
    action.refresh_from_db()
    assert (action.status, action.outcome) == ("cancelled", "Not needed any more")

    response = client.post(
        f"/actions/{action.pk}/reopen/", {"version": action.version}, HTTP_HX_REQUEST="true"
    )
    action.refresh_from_db()
    assert action.status == "open"
    assert action.completed_on is None
    assert "✓ Done" in response.content.decode()


def test_a_manager_completes_someone_elses_action(manager, action):
    client_for(manager).post(
        f"/actions/{action.pk}/complete/", {"outcome": "Chased", "version": action.version}
    )

    action.refresh_from_db()
    assert (action.status, action.completed_by) == ("done", manager)


@pytest.mark.parametrize("path", ["complete", "cancel", "reopen"])
def test_an_action_button_pressed_on_a_stale_row_is_refused_and_shows_the_row_as_it_is_now(
    owner, manager, action, path
):
    stale = action.version
    if path == "reopen":
        lifecycle.complete_action(action, by=owner, expected_version=action.version)
        stale = action.version
    action.title = "Renamed by the manager"
    action._history_user = manager
    action.save()
    before = db_snapshot()

    row = client_for(owner).post(
        f"/actions/{action.pk}/{path}/",
        {"version": stale, "outcome": "Sent on Monday"},
        HTTP_HX_REQUEST="true",
    )

    html = row.content.decode()
    assert db_snapshot() == before
    assert "Someone else changed this action in the meantime" in html
    assert "Renamed by the manager" in html
    assert f'name="version" value="{action.version}"' in html
    if path == "complete":
        assert 'value="Sent on Monday"' in html  # what was typed in the row is kept


@pytest.mark.parametrize("path", ["complete", "cancel", "reopen"])
def test_an_action_button_without_a_version_is_refused(owner, action, path):
    if path == "reopen":
        lifecycle.complete_action(action, by=owner, expected_version=action.version)
    before = db_snapshot()

    row = client_for(owner).post(f"/actions/{action.pk}/{path}/", HTTP_HX_REQUEST="true")

    assert "reload the page" in row.content.decode()
    assert db_snapshot() == before


def test_the_done_button_is_shown_only_to_whoever_may_use_it(owner, outsider, action):
    button = f'action="/actions/{action.pk}/complete/"'

    assert button in client_for(owner).get(f"/actions/{action.pk}/").content.decode()
    assert button not in client_for(outsider).get(f"/actions/{action.pk}/").content.decode()
    assert button not in client_for(outsider).get("/actions/?pending=true").content.decode()


def test_the_workflow_buttons_only_answer_posts(owner, action):
    for path in ("complete", "cancel", "reopen", "reassign", "delete"):
        assert client_for(owner).get(f"/actions/{action.pk}/{path}/").status_code == 405


def test_a_manager_deletes_an_action(manager, action):
    response = client_for(manager).post(f"/actions/{action.pk}/delete/")

    assert response.status_code == 302
    assert Action.all_objects.get(pk=action.pk).is_deleted


@pytest.mark.parametrize(
    ("path", "prepare", "message"),
    [("cancel", "done", "Only an open or in-progress"), ("reopen", None, "already open")],
    ids=["cancel a done action", "reopen an open action"],
)
def test_a_refused_cancel_or_reopen_says_why_and_changes_nothing(
    owner, action, path, prepare, message
):
    if prepare == "done":
        lifecycle.complete_action(action, by=owner, expected_version=action.version)
    client = client_for(owner)
    before = db_snapshot()

    data = {"version": action.version}
    row = client.post(f"/actions/{action.pk}/{path}/", data, HTTP_HX_REQUEST="true")
    page = client.post(f"/actions/{action.pk}/{path}/", data, follow=True)

    assert message in row.content.decode()
    assert message in page.content.decode()
    assert db_snapshot() == before


def test_the_action_page_shows_who_completed_it_and_the_outcome(owner, manager, action):
    with time_machine.travel(NOW, tick=False):
        lifecycle.complete_action(
            action, by=manager, outcome="Chased by phone", expected_version=action.version
        )
        page = client_for(owner).get(f"/actions/{action.pk}/").content.decode()

    assert "Chased by phone" in page
    assert f"{written(TODAY)} · Mona Manager" in page
    assert f'action="/actions/{action.pk}/reopen/"' in page

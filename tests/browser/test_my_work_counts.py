"""'My work' after a one-click completion: the counts under the greeting, on
the section and, for a manager, in the team's view follow without a reload;
reopening brings them back."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import sign_in
from tests.builders import TODAY

pytestmark = pytest.mark.django_db(transaction=True)


def test_completing_an_action_updates_the_counts_without_a_reload(page, db):
    staff = factories.StaffFactory(username="julien")
    for title in ("Send the draft", "Call the consulate"):
        factories.ActionFactory(
            owner=staff, title=title, due_date=TODAY - datetime.timedelta(days=3)
        )
    factories.ActionFactory(
        owner=staff, title="Book the room", due_date=TODAY + datetime.timedelta(days=2)
    )
    sign_in(page, "julien")
    page.goto("/")
    overdue = page.locator("[data-live='count-overdue']")
    summary = page.locator("[data-live='summary']")
    expect(overdue).to_have_text("2")
    expect(summary).to_contain_text("You have 2 overdue actions.")
    page.evaluate("window.notReloaded = true")

    row = page.locator("tr", has_text="Send the draft")
    row.get_by_role("button", name="Done").click()

    expect(overdue).to_have_text("1")
    expect(summary).to_contain_text("You have 1 overdue action.")
    expect(page.locator("[data-live='count-due_soon']")).to_have_text("1")
    expect(row.get_by_role("button", name="Reopen")).to_be_visible()
    assert page.evaluate("window.notReloaded") is True

    row.get_by_role("button", name="Reopen").click()
    expect(overdue).to_have_text("2")
    assert page.evaluate("window.notReloaded") is True
    assert page.console_errors == []


def test_a_managers_team_view_follows_a_completion(page, db):
    manager = factories.ManagerFactory(username="manager", first_name="Mona", last_name="Manager")
    factories.ActionFactory(
        owner=manager, title="Sign the letter", due_date=TODAY - datetime.timedelta(days=1)
    )
    sign_in(page, "manager")
    page.goto("/")
    team = page.locator("[data-live='team']")
    expect(team.get_by_role("row", name="Mona Manager")).to_be_visible()

    page.locator("tr", has_text="Sign the letter").get_by_role("button", name="Done").click()

    expect(page.locator("[data-live='count-overdue']")).to_have_text("0")
    expect(team.get_by_text("Nobody in the team has overdue work")).to_be_visible()
    assert page.console_errors == []

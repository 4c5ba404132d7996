"""Key staff journeys in a real Chromium: log a meeting with follow-up actions and
a contact created on the way, move a partnership, keep what was typed after an
error, and use the French interface."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from partnerships.models import Action, Contact, Meeting, Stage
from tests import factories
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def pick(page, field_label: str, query: str, option: str) -> None:
    """Type in a search-as-you-type selector and choose a result."""
    box = page.get_by_label(field_label, exact=True)
    box.fill(query)
    page.get_by_role("option", name=option).first.click()


def test_staff_logs_a_meeting_with_two_actions_and_a_new_contact_then_finds_them(page):
    staff = factories.StaffFactory(username="julien", first_name="Julien", last_name="Morel")
    colleague = factories.StaffFactory(username="mei", first_name="Mei", last_name="Zhang")
    zhangjiakou = factories.OrganizationFactory(name="Zhangjiakou", local_name="张家口市")
    factories.PartnershipFactory(owner=staff, title="Chambéry – Zhangjiakou cooperation")
    sign_in(page, "julien")

    page.get_by_role("link", name="Log a meeting").first.click()
    page.get_by_label("Title").first.fill("Visit of the Zhangjiakou delegation")
    page.get_by_label("Kind").first.select_option(label="Inbound delegation")
    page.get_by_label("Start date").fill(timezone.localdate().isoformat())
    page.get_by_label("Place").fill("Chambéry")

    pick(page, "Organizations", "张家口", "Zhangjiakou (张家口市)")
    pick(page, "Partnerships discussed", "chambery", "Chambéry – Zhangjiakou cooperation")

    # A contact who is not in the CRM yet, created without leaving the form.
    page.get_by_label("Contacts", exact=True).fill("Wang Lei")
    page.get_by_role("option", name="Create “Wang Lei”…").click()
    dialog = page.locator("#quick-create-contact")
    dialog.get_by_label("Title").fill("Foreign Affairs Office")
    dialog.get_by_label("Organization").fill("zhang")
    dialog.get_by_role("option", name="Zhangjiakou (张家口市)").click()
    dialog.get_by_role("button", name="Create and select").click()
    page.locator(".chip", has_text="Wang Lei").wait_for()

    page.get_by_label("Summary").fill("Discussed Nordic ski training in Savoie.")
    first = page.locator("[data-formset='actions'] [data-formset-row]").nth(0)
    first.get_by_label("Title").fill("Send the training programme")
    first.get_by_label("Due date").fill(
        (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    )
    page.get_by_role("button", name="Add a follow-up action").click()
    second = page.locator("[data-formset='actions'] [data-formset-row]").nth(1)
    second.get_by_label("Title").fill("Get the list of delegates")
    second.get_by_label("Owner").select_option(label="Mei Zhang")
    second.get_by_label("Whose commitment").select_option("partner")
    second.get_by_label("Due date").fill(
        (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    )

    page.get_by_role("button", name="Save the meeting").click()
    page.get_by_text("Meeting logged.").wait_for()

    meeting = Meeting.objects.get(title="Visit of the Zhangjiakou delegation")
    assert list(meeting.organizations.all()) == [zhangjiakou]
    assert Contact.objects.get(name="Wang Lei").organization == zhangjiakou
    assert [c.name for c in meeting.contacts.all()] == ["Wang Lei"]
    assert {
        (a.title, a.owner.username, a.side) for a in Action.objects.filter(meeting=meeting)
    } == {
        ("Send the training programme", "julien", "ours"),
        ("Get the list of delegates", "mei", "partner"),
    }
    assert colleague.owned_actions.count() == 1

    page.get_by_role("link", name="My work").first.click()
    due_soon = page.locator(
        "section", has=page.get_by_role("heading", name="Due in the next 7 days")
    )
    assert due_soon.get_by_role("link", name="Send the training programme").is_visible()
    assert page.console_errors == []


def test_staff_moves_a_partnership_to_agreement_and_sees_it_on_the_timeline(page):
    staff = factories.StaffFactory(username="julien")
    partnership = factories.PartnershipFactory(
        owner=staff, title="Chamonix – Yanqing", stage=Stage.LETTER_OF_INTENT
    )
    sign_in(page, "julien")
    page.goto(f"/partnerships/{partnership.pk}/")

    move = page.locator("section", has=page.get_by_role("heading", name="Move to another stage"))
    move.get_by_label("New stage").select_option("agreement")
    move.get_by_label("Note").fill("Signed at the forum")
    move.get_by_role("button", name="Move").click()

    page.get_by_text("Moved to Agreement.").wait_for()
    timeline = page.locator(".timeline")
    assert timeline.get_by_text("Moved from Letter of intent to Agreement").is_visible()
    assert timeline.get_by_text("Signed at the forum").is_visible()
    assert page.locator(".stage-track [aria-current=step]").inner_text() == "Agreement"
    partnership.refresh_from_db()
    assert partnership.stage == Stage.AGREEMENT


def test_a_form_error_keeps_everything_that_was_typed(page):
    factories.StaffFactory(username="julien")
    factories.OrganizationFactory(name="Hebei Province", local_name="河北省")
    sign_in(page, "julien")
    page.goto("/meetings/new/")

    page.get_by_label("Title").first.fill("Mission to Hebei")
    page.get_by_label("Start date").fill("2026-11-20")
    page.get_by_label("End date").fill("2026-11-18")  # before the start: refused
    pick(page, "Organizations", "hebei", "Hebei Province (河北省)")
    page.get_by_label("Outcomes").fill("Two letters of intent to prepare.")
    page.locator("[data-formset='actions'] [data-formset-row]").first.get_by_label("Title").fill(
        "Draft the letters"
    )
    page.get_by_role("button", name="Save the meeting").click()

    page.get_by_text("The end date cannot be before the start date.").wait_for()
    assert page.get_by_label("Title").first.input_value() == "Mission to Hebei"
    assert page.get_by_label("Outcomes").input_value() == "Two letters of intent to prepare."
    assert page.locator(".chip", has_text="Hebei Province").is_visible()
    row = page.locator("[data-formset='actions'] [data-formset-row]").first
    assert row.get_by_label("Title").input_value() == "Draft the letters"
    assert Meeting.objects.count() == 0 and Action.objects.count() == 0


def test_the_french_interface_shows_and_is_remembered(page):
    factories.StaffFactory(username="julien")
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Français").click()
    page.get_by_label("Nom d’utilisateur").fill("julien")
    page.get_by_label("Mot de passe").fill("password")
    page.get_by_role("button", name="Se connecter").click()

    nav = page.get_by_role("navigation", name="Principale")
    assert nav.get_by_role("link", name="Mon travail").is_visible()
    assert nav.get_by_role("link", name="Réunions").is_visible()
    page.goto("/meetings/new/")
    assert page.get_by_role("heading", name="Consigner une réunion").is_visible()
    assert page.get_by_role("button", name="Enregistrer la réunion").is_visible()
    assert page.evaluate("document.documentElement.lang") == "fr"


def test_an_actions_partnership_picker_offers_the_meetings_partnerships_first(page):
    staff = factories.StaffFactory(username="julien", first_name="Julien", last_name="Morel")
    chambery = factories.PartnershipFactory(owner=staff, title="Chambéry – Zhangjiakou")
    sophia = factories.PartnershipFactory(owner=staff, title="Sophia Antipolis – Chengdu")
    factories.PartnershipFactory(owner=staff, title="Chamonix – Yanqing")
    sign_in(page, "julien")

    page.goto(f"/meetings/new/?partnerships={chambery.pk}&partnerships={sophia.pk}")
    page.get_by_label("Title").first.fill("Forum with both programmes")
    page.get_by_label("Start date").fill(timezone.localdate().isoformat())
    row = page.locator("[data-formset='actions'] [data-formset-row]").nth(0)
    row.get_by_label("Title").fill("Ask Chengdu for dates")
    box = row.get_by_label("Partnership")
    offered = row.locator(".picker-results [role=option]")

    def titles() -> list[str]:
        return [item.splitlines()[0].strip() for item in offered.all_inner_texts()]

    # Before typing: the two the meeting discusses, and nothing else.
    box.focus()
    offered.first.wait_for()
    assert sorted(titles()) == ["Chambéry – Zhangjiakou", "Sophia Antipolis – Chengdu"]
    # Typing: a discussed one first, then the others found.
    box.fill("cha")
    offered.filter(has_text="Chamonix").wait_for()
    assert titles() == ["Chambéry – Zhangjiakou", "Chamonix – Yanqing"]
    box.fill("")
    box.press("ArrowDown")
    offered.filter(has_text="Sophia").click()

    page.get_by_role("button", name="Save the meeting").click()
    page.get_by_text("Meeting logged.").wait_for()

    assert Action.objects.get(title="Ask Chengdu for dates").partnership == sophia

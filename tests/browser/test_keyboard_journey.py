"""Every key journey by keyboard alone, as someone who cannot use a mouse does
it: sign in, log a meeting with a follow-up action, move the partnership to
another stage, upload a document, complete an action, export the list. The
test presses Tab, Shift+Tab, arrows, Enter, Space and types; it never clicks."""

from __future__ import annotations

import pytest

from partnerships.models import Action, ActionStatus, Document, Meeting, Stage
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

FOCUSED_NAME = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "";
  const label = el.labels && el.labels.length ? el.labels[0].textContent : "";
  return (el.getAttribute("aria-label") || label || el.textContent || el.value || "")
    .replace(/\\s+/g, " ").replace(/\\*/g, "").trim();
}"""


def tab_to(page, name: str, *, limit: int = 150) -> None:
    """Press Tab until the focused control is called ``name``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED_NAME) == name:
            return
    raise AssertionError(f"Tab never reached {name!r}")


def type_into(page, name: str, text: str) -> None:
    tab_to(page, name)
    page.keyboard.type(text)


def test_the_key_journeys_by_keyboard_alone(page):
    manager = factories.ManagerFactory(username="claire", first_name="Claire", last_name="Roux")
    partnership = factories.PartnershipFactory(
        owner=manager, title="Chambéry – Zhangjiakou", stage=Stage.LETTER_OF_INTENT
    )
    factories.PartnershipPartyFactory(partnership=partnership)
    # Playwright subscribes to file choosers without waiting for the browser to
    # confirm, so a chooser opened right after ``expect_file_chooser`` can
    # escape it on a loaded machine. A listener held for the whole test keeps
    # the subscription on from the start.
    page.on("filechooser", lambda chooser: None)
    page.goto("/accounts/login/")

    # Sign in.
    type_into(page, "Username", "claire")
    type_into(page, "Password", "password")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    # Log a meeting about the partnership, with a follow-up action, from its page.
    page.goto(f"/partnerships/{partnership.pk}/")
    tab_to(page, "+ Log a meeting")
    page.keyboard.press("Enter")
    page.wait_for_url("**/meetings/new/**")
    type_into(page, "Title", "Visit of the Zhangjiakou delegation")
    tab_to(page, "Summary")
    page.keyboard.type("Nordic ski training in Savoie.")
    tab_to(page, "Title")  # the follow-up action's, after the meeting's
    page.keyboard.type("Send the training programme")
    tab_to(page, "Save the meeting")
    page.keyboard.press("Enter")
    page.get_by_text("Meeting logged.").wait_for()
    meeting = Meeting.objects.get(title="Visit of the Zhangjiakou delegation")
    action = Action.objects.get(meeting=meeting)
    assert action.partnership == partnership

    # Move the partnership to agreement.
    page.goto(f"/partnerships/{partnership.pk}/")
    tab_to(page, "New stage")
    page.keyboard.type("Agreement")  # a select's type-ahead picks the option
    assert page.evaluate("document.activeElement.value") == "agreement"
    tab_to(page, "Move")
    page.keyboard.press("Enter")
    page.get_by_text("Moved to Agreement.").wait_for()
    partnership.refresh_from_db()
    assert partnership.stage == Stage.AGREEMENT

    # Upload a document: the file input opens the chooser from the keyboard.
    tab_to(page, "Add")
    page.keyboard.press("Enter")
    page.wait_for_url("**/documents/new/")
    tab_to(page, "File")
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(
        files=[{"name": "minutes.txt", "mimeType": "text/plain", "buffer": b"Signed minutes."}]
    )
    type_into(page, "Title", "Minutes of the visit")
    tab_to(page, "Upload")
    page.keyboard.press("Enter")
    page.get_by_text("Document added.").wait_for()
    assert Document.objects.filter(partnership=partnership, title="Minutes of the visit").exists()

    # Complete the follow-up action from the partnership's open actions.
    tab_to(page, "✓ Done")
    page.keyboard.press("Enter")
    page.get_by_text("Send the training programme").first.wait_for()
    for _ in range(50):
        action.refresh_from_db()
        if action.status == ActionStatus.DONE:
            break
        page.wait_for_timeout(100)
    assert action.status == ActionStatus.DONE

    # Export the partnership list.
    page.goto("/partnerships/")
    tab_to(page, "Export CSV")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename.endswith(".csv")

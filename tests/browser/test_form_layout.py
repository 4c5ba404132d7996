"""The meeting form as people use it at a desk and on a phone: no select
cut short of its text ("Our commitm"), remove buttons big enough to tap, and
Enter in a one-line field never sends the form half filled in."""

from __future__ import annotations

import pytest

from partnerships.models import Meeting, UserProfile
from tests import factories
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

# For each visible select: the width its chosen text needs (measured in the
# select's own font, plus room for the arrow) against the width it has.
CLIPPED_SELECTS = """() => {
  const probe = document.createElement("span");
  probe.style.cssText = "position:absolute;visibility:hidden;white-space:nowrap";
  document.body.appendChild(probe);
  const clipped = [];
  document.querySelectorAll("form select").forEach(select => {
    if (!select.offsetParent || select.multiple) return;
    const style = getComputedStyle(select);
    probe.style.font = style.font;
    probe.textContent = select.options[select.selectedIndex]?.text || "";
    const needed = probe.offsetWidth + parseFloat(style.paddingLeft) + 20;
    if (select.clientWidth < needed) clipped.push(select.name + ": " + probe.textContent);
  });
  probe.remove();
  return clipped;
}"""

SMALL_TARGETS = """() => Array.from(document.querySelectorAll("form button, form [role=button]"))
  .filter(el => el.offsetParent)
  .map(el => [el.textContent.trim() || el.getAttribute("aria-label"), el.getBoundingClientRect()])
  .filter(([, box]) => box.width < 24 || box.height < 24)
  .map(([name, box]) => name + " " + Math.round(box.width) + "x" + Math.round(box.height))"""


@pytest.mark.parametrize("width", [1440, 375])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_meeting_form_cuts_no_select_and_has_tappable_buttons(page, language, width):
    staff = factories.StaffFactory(username="julien")
    UserProfile.objects.for_user(staff).choose_language(language)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "julien")
    page.goto("/meetings/new/")
    page.locator("[data-formset-add=actions]").click()

    assert page.evaluate(CLIPPED_SELECTS) == []
    assert page.evaluate(SMALL_TARGETS) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_enter_in_a_text_field_does_not_send_the_meeting_form(page):
    factories.StaffFactory(username="julien")
    sign_in(page, "julien")
    page.goto("/meetings/new/")

    title = page.locator("form[data-keep-draft] input[name=title]")
    title.fill("Mission to Hebei")
    title.press("Enter")
    page.wait_for_timeout(300)

    assert page.url.endswith("/meetings/new/")
    assert title.input_value() == "Mission to Hebei"
    assert Meeting.objects.count() == 0

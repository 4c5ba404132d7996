"""Every page at 375 px (and at 1440 px), in English and French: nothing wider
than the window, no select narrower than its chosen text, and every button
and form control at least 24×24 px to tap. The axe test
(test_accessibility.py) walks the main pages; this one adds the forms and the
pages it does not open (new and edit forms, moves, status, reassign, upload,
the bin, a pipeline column, the password and sign-in pages)."""

from __future__ import annotations

import datetime
import re

import pytest

from partnerships import lifecycle
from partnerships.models import UserProfile
from tests import factories
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import _world
from tests.browser.test_form_layout import CLIPPED_SELECTS as ALL_SELECTS
from tests.builders import TODAY

pytestmark = pytest.mark.django_db(transaction=True)

# The selects one can see (a closed "Move…" on a board card hides its own).
_SHOWN = "if (!select.offsetParent || select.multiple) return;"
assert _SHOWN in ALL_SELECTS
CLIPPED_SELECTS = ALL_SELECTS.replace(
    _SHOWN,
    'if (!select.offsetParent || select.multiple || select.closest("details:not([open])")) return;',
)

# Buttons, link buttons and form controls (inline links in text are exempt, as WCAG 2.5.8 says).
SMALL_TARGETS = """() => {
  // A checkbox or radio is tapped through its label too: the target is both.
  const target = el => {
    const box = el.getBoundingClientRect();
    if (!["checkbox", "radio"].includes(el.type) || !el.labels || !el.labels.length) return box;
    const label = el.labels[0].getBoundingClientRect();
    const left = Math.min(box.left, label.left), top = Math.min(box.top, label.top);
    return {width: Math.max(box.right, label.right) - left,
            height: Math.max(box.bottom, label.bottom) - top};
  };
  return Array.from(document.querySelectorAll(
    "button, .button, summary, input:not([type=hidden]), select, textarea, [role=tab]"))
  .filter(el => el.offsetParent && getComputedStyle(el).visibility !== "hidden")
  .filter(el => !el.closest(".visually-hidden"))
  .filter(el => el.tagName === "SUMMARY" || !el.closest("details:not([open])"))
  .map(el => [el.tagName.toLowerCase() + (el.name ? "[" + el.name + "]" : "") + " " +
              (el.textContent.trim() || el.getAttribute("aria-label") || "").slice(0, 30),
              target(el)])
  .filter(([, box]) => box.width < 24 || box.height < 24)
  .map(([name, box]) => name + " " + Math.round(box.width) + "x" + Math.round(box.height));
}"""


# Content that runs out of its card (a card clips or scrolls it, so the window
# itself does not grow): the team's table on a manager's "My work" did, in French.
OUT_OF_CARD = """() => Array.from(document.querySelectorAll(".card table, .card .card-header"))
  .filter(el => el.offsetParent)
  .filter(el => el.getBoundingClientRect().right
                > el.closest(".card").getBoundingClientRect().right + 1)
  .map(el => "out of its card: " + el.tagName.toLowerCase() + " "
             + el.textContent.trim().slice(0, 30))
"""


def _record_id(paths, kind):
    """The id in the walk's first detail page of that kind ("/contacts/7/")."""
    pattern = re.compile(rf"/{kind}/(\d+)/")
    return next(int(match[1]) for path in paths if (match := pattern.fullmatch(path)))


def _more_pages(admin, paths):
    """The pages the axe walk does not open, with the records they need."""
    kinds = ("partnerships", "meetings", "actions", "organizations", "contacts")
    p, m, a, o, c = (_record_id(paths, kind) for kind in kinds)
    gone = factories.PartnershipFactory(owner=admin, title="Old Hebei forum")
    lifecycle.soft_delete(gone, by=admin)
    factories.ActionFactory(owner=admin, due_date=TODAY - datetime.timedelta(days=2))
    # A picked record with a long name: its chip must shorten, not widen the form.
    visit = factories.MeetingFactory(
        title="Chambéry delegation to Beijing and Zhangjiakou for the 2022 Winter Games",
        logged_by=admin,
    )
    born_of_a_visit = factories.PartnershipFactory(owner=admin, origin_meeting=visit)
    return [
        "/partnerships/new/",
        f"/partnerships/{p}/move/",
        f"/partnerships/{p}/status/?to=on_hold",
        f"/partnerships/{p}/status/?to=abandoned",
        f"/partnerships/{p}/reassign/",
        f"/partnerships/{p}/documents/new/",
        f"/partnerships/{born_of_a_visit.pk}/edit/",
        f"/meetings/{m}/edit/",
        "/actions/new/",
        f"/actions/{a}/edit/",
        "/organizations/new/",
        f"/organizations/{o}/edit/",
        "/contacts/new/",
        f"/contacts/{c}/edit/",
        "/deleted/",
        "/pipeline/stage/prospect/",
        "/accounts/password/",
    ]


@pytest.mark.parametrize("width", [375, 1440])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_no_page_overflows_clips_a_select_or_has_a_tiny_target(page, language, width):
    admin, paths = _world()
    pages = [p for p in paths if not p.startswith("/admin/")] + _more_pages(admin, paths)
    UserProfile.objects.for_user(admin).choose_language(language)
    page.set_viewport_size({"width": width, "height": 812})
    sign_in(page, "ada")

    found = {}
    for path in pages:
        response = page.goto(path)
        assert response.status == 200, path
        problems = page.evaluate(CLIPPED_SELECTS) + page.evaluate(SMALL_TARGETS)
        problems += page.evaluate(OUT_OF_CARD)
        if page.evaluate("document.documentElement.scrollWidth") > width:
            problems.append("wider than the window")
        if problems:
            found[path] = problems

    summary = {path: sorted(set(problems)) for path, problems in found.items()}
    assert found == {}, "\n".join(f"{path}: {problems}" for path, problems in summary.items())
    assert page.console_errors == []


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_sign_in_page_fits_a_phone(browser, live_server, language):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 375, "height": 812},
        locale="fr-FR" if language == "fr" else "en-GB",
    )
    page = context.new_page()
    page.goto("/accounts/login/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.evaluate(SMALL_TARGETS) == []
    context.close()

"""axe-core (vendored under tests/vendor/axe-core, never fetched) on every app
page and on the admin's lists and change forms, in English and French, at a
desk (1440×900) and on a phone (375×812): no serious or critical violation, and
no page wider than the window."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from partnerships.models import UserProfile
from tests import factories
from tests.browser.conftest import sign_in
from tests.builders import TODAY

pytestmark = pytest.mark.django_db(transaction=True)

AXE = (Path(__file__).parents[1] / "vendor" / "axe-core" / "axe.min.js").read_text()
SERIOUS = ("serious", "critical")
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter(v => ["serious", "critical"].includes(v.impact))
    .map(v => v.id + " (" + v.impact + "): " + v.nodes.map(n => n.target.join(" ")).join(", "));
}"""


def _world():
    """One of each record, linked as people link them; the pages to check."""
    admin = factories.AdminFactory(username="ada", first_name="Ada", last_name="Admin")
    city = factories.OrganizationFactory(name="Zhangjiakou", local_name="张家口市", country="CN")
    province = factories.OrganizationFactory(name="Hebei Province", local_name="河北省")
    factories.OrganizationRelationFactory(source=city, target=province)
    person = factories.ContactFactory(organization=city, name="Wang Lei", title="Director")
    partnership = factories.PartnershipFactory(owner=admin, title="Chambéry – Zhangjiakou")
    factories.PartnershipPartyFactory(partnership=partnership, organization=city)
    meeting = factories.MeetingFactory(title="Visit of the delegation", logged_by=admin)
    meeting.partnerships.add(partnership)
    meeting.organizations.add(city)
    meeting.contacts.add(person)
    action = factories.ActionFactory(
        partnership=partnership,
        meeting=meeting,
        owner=admin,
        due_date=TODAY + datetime.timedelta(days=3),
    )
    p, m, o, c, a = partnership.pk, meeting.pk, city.pk, person.pk, action.pk
    return admin, [
        "/",
        "/partnerships/",
        f"/partnerships/{p}/",
        f"/partnerships/{p}/edit/",
        "/meetings/",
        f"/meetings/{m}/",
        "/meetings/new/",
        "/actions/",
        f"/actions/{a}/",
        "/organizations/",
        f"/organizations/{o}/",
        f"/organizations/{o}/dossier/",
        f"/meetings/{m}/dossier/",
        "/contacts/",
        f"/contacts/{c}/",
        "/pipeline/",
        "/reports/",
        "/search/?q=zhang",
        "/accounts/profile/",
        "/admin/",
        "/admin/partnerships/partnership/",
        f"/admin/partnerships/partnership/{p}/change/",
        "/admin/partnerships/meeting/",
        f"/admin/partnerships/meeting/{m}/change/",
        "/admin/partnerships/action/",
        f"/admin/partnerships/action/{a}/change/",
        "/admin/partnerships/organization/",
        f"/admin/partnerships/organization/{o}/change/",
        f"/admin/partnerships/contact/{c}/change/",
        f"/admin/auth/user/{admin.pk}/change/",
    ]


@pytest.fixture
def axe_page(browser, live_server):
    """A page on which axe can be injected: the app's Content-Security-Policy
    allows no inline script, so this context alone bypasses it."""
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("width,height", [(1440, 900), (375, 812)], ids=["desk", "phone"])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_no_serious_accessibility_violation_on_any_page(axe_page, language, width, height):
    page = axe_page
    admin, paths = _world()
    UserProfile.objects.for_user(admin).choose_language(language)
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, "ada")

    found = {}
    for path in paths:
        response = page.goto(path)
        assert response.status == 200, path
        assert page.evaluate("document.documentElement.lang") == language
        if path.startswith("/admin/"):
            # The admin's widgets are built after the load event, and named
            # by static/js/admin_a11y.js just after.
            page.wait_for_timeout(150)
        page.add_script_tag(content=AXE)
        violations = page.evaluate(RUN_AXE)
        too_wide = page.evaluate("document.documentElement.scrollWidth") > width
        if violations or too_wide:
            found[path] = violations + (["wider than the window"] if too_wide else [])

    assert found == {}

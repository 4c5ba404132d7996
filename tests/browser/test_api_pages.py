"""The API's pages in a real Chromium: API tokens on the profile page, and the
interactive API documentation, offline and under the strict Content-Security-Policy."""

from __future__ import annotations

import pytest

from tests import factories
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def staff():
    user = factories.StaffFactory(username="julien", first_name="Julien", last_name="Morel")
    factories.PartnershipFactory(owner=user, title="Chambéry – Zhangjiakou", stage="contract")
    return user


def test_a_token_is_created_shown_once_used_and_revoked_from_the_profile_page(page, staff):
    sign_in(page, "julien")
    page.goto("/accounts/profile/")

    page.get_by_label("Token name").fill("Regional dashboard export")
    page.get_by_role("button", name="Create token").click()
    raw = page.locator("#new-api-token").input_value()
    assert raw.startswith("crm_")

    api = page.request.get(
        "/api/partnerships/?stage=contract", headers={"Authorization": f"Bearer {raw}"}
    )
    assert api.status == 200
    assert api.json()["results"][0]["title"] == "Chambéry – Zhangjiakou"

    page.reload()
    assert raw not in page.content()
    page.on("dialog", lambda dialog: dialog.accept())
    page.locator("#api-tokens").get_by_role("button", name="Revoke").click()
    page.locator("#api-tokens .badge", has_text="revoked").wait_for()

    refused = page.request.get("/api/partnerships/", headers={"Authorization": f"Bearer {raw}"})
    assert refused.status == 401
    assert page.console_errors == []


def test_the_api_docs_work_offline_under_the_content_security_policy(page, staff, live_server):
    outside: list[str] = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith((live_server.url, "data:"))
            else None
        ),
    )
    sign_in(page, "julien")

    page.goto("/api/docs/")
    page.locator(".swagger-ui .opblock").first.wait_for()
    page.locator(".opblock-summary-path", has_text="/api/partnerships/").first.click()
    page.get_by_role("button", name="Try it out").first.click()
    page.get_by_role("button", name="Execute").first.click()
    page.locator(".live-responses-table .response-col_status", has_text="200").wait_for()

    assert outside == []  # nothing from a CDN
    assert page.console_errors == []  # no Content-Security-Policy violation

"""The page's scripts run on the suite's frozen date, as the server does."""

from __future__ import annotations

import pytest

from tests.clock import TODAY

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_page_sees_the_suites_today(page):
    page.goto("/accounts/login/")

    assert page.evaluate("new Date().toISOString().slice(0, 10)") == TODAY.isoformat()

"""Dates written by the page scripts follow the page's language, as the
server's do: the draft prompt on a French page says "1er juin 2026", not
"6/1/2026, 7:14:31 PM"."""

from __future__ import annotations

import datetime

import pytest

from partnerships.models import UserProfile
from tests import factories
from tests.browser.conftest import sign_in
from tests.builders import TODAY
from tests.test_human_durations import FRENCH_MONTHS

pytestmark = pytest.mark.django_db(transaction=True)


def _draft_prompt(page, language: str) -> str:
    staff = factories.StaffFactory(username="julien")
    UserProfile.objects.for_user(staff).choose_language(language)
    first = TODAY.replace(day=1)
    page.clock.set_system_time(datetime.datetime(first.year, first.month, 1, 12, 0))
    sign_in(page, "julien")
    page.goto("/meetings/new/")
    page.locator("form[data-keep-draft] input[name=title]").fill("Mission to Hebei")
    page.wait_for_function("() => Object.keys(localStorage).some(k => k.startsWith('crm-draft:'))")

    page.reload()
    return page.locator("form[data-keep-draft] .message.info").inner_text()


def test_the_draft_prompt_writes_its_date_in_french_on_a_french_page(page):
    first = TODAY.replace(day=1)

    prompt = _draft_prompt(page, "fr")

    assert f"1er {FRENCH_MONTHS[first.month - 1]} {first.year}" in prompt
    assert "/" not in prompt and "PM" not in prompt


def test_the_draft_prompt_writes_its_date_in_english_on_an_english_page(page):
    first = TODAY.replace(day=1)

    prompt = _draft_prompt(page, "en")

    assert f"1 {first.strftime('%B')} {first.year}" in prompt

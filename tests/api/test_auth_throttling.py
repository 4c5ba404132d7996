"""Guessing API tokens: after ten failures a minute from one address, that
address gets 429 with Retry-After, whatever token it sends, until the window
has passed; other addresses are not affected. The counts are in the shared
cache (a database table), so every app server counts the same failures."""

from __future__ import annotations

import pytest
import time_machine
from django.core.cache import cache
from rest_framework.test import APIClient

from partnerships.models import ApiToken

pytestmark = pytest.mark.django_db

START = "2026-11-25 09:00 +01:00"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def guess(address: str = "203.0.113.7", token: str = "crm_guessed-token", **extra):
    client = APIClient(REMOTE_ADDR=address)
    return client.get("/api/sectors/", HTTP_AUTHORIZATION=f"Bearer {token}", **extra)


def test_guessed_tokens_get_429_with_retry_after_after_ten_failures(owner):
    _token, raw = ApiToken.issue(user=owner, name="script")
    with time_machine.travel(START, tick=False):
        statuses = [guess(token=f"crm_guess-{i}").status_code for i in range(12)]
        right_token = guess(token=raw)

    assert statuses == [401] * 10 + [429] * 2
    assert right_token.status_code == 429
    assert 0 < int(right_token["Retry-After"]) <= 60
    assert "Too many failed authentications" in right_token.json()["detail"]


def test_other_addresses_are_not_throttled_and_the_window_passes(owner):
    _token, raw = ApiToken.issue(user=owner, name="script")
    with time_machine.travel(START, tick=False) as clock:
        for i in range(10):
            guess(token=f"crm_guess-{i}")
        elsewhere = guess(address="198.51.100.20", token=raw)
        clock.shift(61)
        later = guess(token=raw)

    assert elsewhere.status_code == 200
    assert later.status_code == 200


def test_malformed_headers_count_as_failures(db):
    with time_machine.travel(START, tick=False):
        statuses = [
            APIClient(REMOTE_ADDR="203.0.113.7")
            .get("/api/sectors/", HTTP_AUTHORIZATION="Bearer two words")
            .status_code
            for _ in range(11)
        ]

    assert statuses == [401] * 10 + [429]


def test_anonymous_requests_and_good_tokens_are_not_counted(owner):
    _token, raw = ApiToken.issue(user=owner, name="script")
    with time_machine.travel(START, tick=False):
        anonymous = [APIClient(REMOTE_ADDR="203.0.113.7").get("/api/sectors/") for _ in range(12)]
        good = [guess(token=raw) for _ in range(12)]

    assert {response.status_code for response in anonymous} == {401}
    assert {response.status_code for response in good} == {200}


def test_behind_the_proxy_the_client_address_is_the_one_the_proxy_appended(db, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    with time_machine.travel(START, tick=False):
        for i in range(10):
            guess(address="127.0.0.1", HTTP_X_FORWARDED_FOR=f"10.9.9.{i}, 203.0.113.7")
        attacker = guess(address="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
        colleague = guess(address="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.20")

    assert attacker.status_code == 429
    assert colleague.status_code == 401


def test_the_failure_counts_live_in_the_shared_database_cache(db):
    from django.db import connection

    with time_machine.travel(START, tick=False):
        guess()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM crm_cache")
        assert cursor.fetchone()[0] == 1


def test_an_empty_rate_turns_the_throttle_off(db, settings):
    settings.API_AUTH_FAILURE_RATE = None
    with time_machine.travel(START, tick=False):
        statuses = {guess(token=f"crm_guess-{i}").status_code for i in range(12)}

    assert statuses == {401}

"""Sign-in throttling (django-axes): five failures for one user name from one
address lock that pair out for the cool-off, the right password included,
on the app's sign-in page and the admin's; the lock-outs are listed and
cleared in the admin."""

from __future__ import annotations

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client

from tests.conftest import client_for

pytestmark = pytest.mark.django_db

START = "2026-11-25 09:00 +01:00"
APP_LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
LOCKED = "Too many failed sign-ins for this user name from your address"


def sign_in(client: Client, url: str, username: str, password: str, **extra):
    return client.post(url, {"username": username, "password": password}, **extra)


def signed_in(response) -> bool:
    return "_auth_user_id" in response.wsgi_request.session


def fail(client: Client, url: str, username: str, times: int, **extra) -> list[int]:
    return [
        sign_in(client, url, username, "wrong-password", **extra).status_code for _ in range(times)
    ]


@pytest.mark.parametrize("url", [APP_LOGIN, ADMIN_LOGIN])
def test_five_failures_lock_the_pair_out_even_with_the_right_password(admin_user, url):
    client = Client()
    with time_machine.travel(START, tick=False):
        statuses = fail(client, url, "admin", 5)
        right = sign_in(client, url, "admin", "password")

    assert statuses == [200, 200, 200, 200, 429]
    assert right.status_code == 429
    assert not signed_in(right)
    page = right.content.decode()
    assert LOCKED in page and "15 minutes" in page
    assert 'name="username"' in page  # the same sign-in page, with the reason
    assert right["Retry-After"] == "900"


def test_the_lock_out_message_is_in_french_for_a_french_browser(owner):
    client = Client(headers={"accept-language": "fr"})
    with time_machine.travel(START, tick=False):
        fail(client, APP_LOGIN, "owner", 5)
        refused = sign_in(client, APP_LOGIN, "owner", "password")

    assert refused.status_code == 429
    assert "Trop de tentatives" in refused.content.decode()


def test_the_right_password_works_again_after_the_cool_off(owner):
    client = Client()
    with time_machine.travel(START, tick=False) as clock:
        fail(client, APP_LOGIN, "owner", 5)
        clock.shift(14 * 60)
        still_locked = sign_in(client, APP_LOGIN, "owner", "password")
        clock.shift(16 * 60)  # the refused try restarted the cool-off
        after = sign_in(client, APP_LOGIN, "owner", "password")

    assert still_locked.status_code == 429
    assert after.status_code == 302 and signed_in(after)


def test_the_lock_out_is_for_that_user_name_from_that_address_only(owner, teammate):
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    with time_machine.travel(START, tick=False):
        fail(attacker, APP_LOGIN, "owner", 5)
        owner_elsewhere = sign_in(
            Client(REMOTE_ADDR="198.51.100.20"), APP_LOGIN, "owner", "password"
        )
        teammate_same_address = sign_in(attacker, APP_LOGIN, "teammate", "password")

    assert owner_elsewhere.status_code == 302
    assert teammate_same_address.status_code == 302


def test_a_successful_sign_in_clears_the_failures(owner):
    with time_machine.travel(START, tick=False):
        fail(Client(), APP_LOGIN, "owner", 4)
        assert sign_in(Client(), APP_LOGIN, "owner", "password").status_code == 302
        statuses = fail(Client(), APP_LOGIN, "owner", 4)
        last = sign_in(Client(), APP_LOGIN, "owner", "password")

    assert statuses == [200, 200, 200, 200]
    assert last.status_code == 302


def test_behind_the_proxy_each_client_address_is_counted_and_forged_entries_are_ignored(
    owner, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    with time_machine.travel(START, tick=False):
        # The attacker rotates a forged left-most entry; the proxy appends the real one.
        for forged in range(5):
            sign_in(
                Client(**proxy),
                APP_LOGIN,
                "owner",
                "wrong",
                HTTP_X_FORWARDED_FOR=f"10.0.0.{forged}, 203.0.113.7",
            )
        attacker = sign_in(
            Client(**proxy), APP_LOGIN, "owner", "password", HTTP_X_FORWARDED_FOR="203.0.113.7"
        )
        colleague = sign_in(
            Client(**proxy), APP_LOGIN, "owner", "password", HTTP_X_FORWARDED_FOR="198.51.100.20"
        )

    assert attacker.status_code == 429
    assert colleague.status_code == 302
    assert AccessAttempt.objects.get().ip_address == "203.0.113.7"


def test_an_admin_sees_the_lock_out_and_clears_it(owner, admin_user):
    with time_machine.travel(START, tick=False):
        fail(Client(), APP_LOGIN, "owner", 5)
        admin = client_for(admin_user)
        listing = admin.get("/admin/axes/accessattempt/")
        attempt = AccessAttempt.objects.get(username="owner")
        cleared = admin.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
        after = sign_in(Client(), APP_LOGIN, "owner", "password")

    assert listing.status_code == 200
    assert "owner" in listing.content.decode()
    assert cleared.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert after.status_code == 302 and signed_in(after)


def test_staff_cannot_see_or_clear_lock_outs(owner, manager):
    with time_machine.travel(START, tick=False):
        fail(Client(), APP_LOGIN, "owner", 5)
        attempt = AccessAttempt.objects.get(username="owner")
        listing = client_for(manager).get("/admin/axes/accessattempt/")
        clearing = client_for(manager).post(
            f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"}
        )

    assert listing.status_code == clearing.status_code == 403
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()

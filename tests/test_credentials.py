"""Tokens die with the password: changing it (on the page, with
``manage.py changepassword`` or from a script), an admin resetting it, or an
admin deactivating the account revokes the person's API tokens and gives
their calendar feed a new secret address. Tokens show their last use and may
carry an expiry date chosen when they are created."""

from __future__ import annotations

import datetime
import io
import re

import pytest
import time_machine
from django.core.management import call_command
from rest_framework.test import APIClient

from partnerships import lifecycle
from partnerships.models import ApiToken, UserProfile
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Hebei-Savoie-2026!"
TOKEN = re.compile(r"crm_[A-Za-z0-9_-]{20,}")


def api_status(raw: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client.get("/api/sectors/").status_code


def feed_status(secret: str) -> int:
    return APIClient().get(f"/calendar/{secret}.ics").status_code


@pytest.fixture
def credentials(owner, teammate):
    """The owner's two tokens and feed secret, and a teammate's token."""
    _one, first = ApiToken.issue(user=owner, name="Nightly sync")
    _two, second = ApiToken.issue(user=owner, name="Dashboard")
    _other, teammates = ApiToken.issue(user=teammate, name="Teammate's script")
    secret = UserProfile.objects.for_user(owner).calendar_token
    assert (api_status(first), api_status(second), feed_status(secret)) == (200, 200, 200)
    return {"tokens": [first, second], "secret": secret, "teammate": teammates}


def assert_revoked(owner, credentials) -> None:
    assert [api_status(raw) for raw in credentials["tokens"]] == [401, 401]
    assert feed_status(credentials["secret"]) == 404
    new_secret = UserProfile.objects.get(user=owner).calendar_token
    assert new_secret != credentials["secret"]
    assert not ApiToken.objects.filter(user=owner).active().exists()
    # Someone else's credentials are untouched.
    assert api_status(credentials["teammate"]) == 200


def test_changing_ones_password_revokes_tokens_and_the_feed_address(owner, credentials):
    client = client_for(owner)
    response = client.post(
        "/accounts/password/",
        {"old_password": "password", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    done = client.get(response["Location"])

    assert response.status_code == 302
    assert "your API tokens were revoked" in done.content.decode()
    assert_revoked(owner, credentials)
    assert feed_status(UserProfile.objects.get(user=owner).calendar_token) == 200


def test_a_refused_password_change_revokes_nothing(owner, credentials):
    response = client_for(owner).post(
        "/accounts/password/",
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert [api_status(raw) for raw in credentials["tokens"]] == [200, 200]
    assert feed_status(credentials["secret"]) == 200


def test_an_admin_resetting_a_password_revokes_that_persons_credentials(
    owner, admin_user, credentials
):
    admin = client_for(admin_user)
    response = admin.post(
        f"/admin/auth/user/{owner.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    page = admin.get(response["Location"])

    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password(NEW_PASSWORD)
    assert_revoked(owner, credentials)
    assert "2 API tokens of owner revoked" in page.content.decode()


def user_change_data(client, user, **changes) -> dict:
    """What the admin's user page posts for ``user``, with ``changes``."""
    form = client.get(f"/admin/auth/user/{user.pk}/change/").context["adminform"].form
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "groups": [group.pk for group in user.groups.all()],
        "date_joined_0": form.initial["date_joined"].strftime("%Y-%m-%d"),
        "date_joined_1": form.initial["date_joined"].strftime("%H:%M:%S"),
        "crm_profile-TOTAL_FORMS": 1,
        "crm_profile-INITIAL_FORMS": 1,
        "crm_profile-0-id": UserProfile.objects.get(user=user).pk,
        "crm_profile-0-user": user.pk,
        "crm_profile-0-language": "",
    }
    if user.is_active:
        data["is_active"] = "on"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_an_admin_deactivating_an_account_revokes_its_credentials(owner, admin_user, credentials):
    admin = client_for(admin_user)

    response = admin.post(
        f"/admin/auth/user/{owner.pk}/change/", user_change_data(admin, owner, is_active=None)
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    owner.refresh_from_db()
    assert not owner.is_active
    assert_revoked(owner, credentials)


def test_an_admin_editing_an_active_account_revokes_nothing(owner, admin_user, credentials):
    admin = client_for(admin_user)

    response = admin.post(
        f"/admin/auth/user/{owner.pk}/change/", user_change_data(admin, owner, first_name="Olive")
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    owner.refresh_from_db()
    assert owner.first_name == "Olive" and owner.is_active
    assert [api_status(raw) for raw in credentials["tokens"]] == [200, 200]
    assert feed_status(credentials["secret"]) == 200


def test_manage_py_changepassword_revokes_credentials(owner, credentials, monkeypatch):
    from django.contrib.auth.management.commands import changepassword

    # The command reads the new password twice from the terminal.
    monkeypatch.setattr(changepassword.getpass, "getpass", lambda prompt="": NEW_PASSWORD)
    call_command("changepassword", owner.username, stdout=io.StringIO())

    owner.refresh_from_db()
    assert owner.check_password(NEW_PASSWORD)
    assert_revoked(owner, credentials)


def test_a_script_setting_a_password_revokes_credentials(owner, credentials):
    owner.set_password(NEW_PASSWORD)
    owner.save()

    assert_revoked(owner, credentials)


def test_a_new_account_gets_no_feed_address_until_it_opens_its_profile(django_user_model):
    newcomer = django_user_model.objects.create_user("newcomer", password=NEW_PASSWORD)

    assert not UserProfile.objects.filter(user=newcomer).exists()


def test_the_password_form_says_what_a_new_password_takes_away(owner):
    page = client_for(owner).get("/accounts/password/")

    assert "A new password revokes your API tokens" in page.content.decode()


def test_revoking_credentials_twice_is_harmless(owner, credentials):
    assert lifecycle.revoke_credentials(user=owner, by=None, reason="test") == 2
    assert lifecycle.revoke_credentials(user=owner, by=None, reason="test") == 0
    assert_revoked(owner, credentials)


# Expiry and last use ---------------------------------------------------------------------


def test_a_token_with_an_expiry_date_works_through_that_day_and_no_later(owner):
    with time_machine.travel("2026-11-25 09:00 +01:00", tick=False) as clock:
        client = client_for(owner)
        created = client.post(
            "/accounts/tokens/new/", {"name": "Audit export", "expires_on": "2026-11-30"}
        )
        profile = client.get("/accounts/profile/").content.decode()
        raw = TOKEN.search(profile).group(0)
        on_the_day = []
        clock.move_to("2026-11-30 23:30 +01:00")
        on_the_day.append(api_status(raw))
        clock.move_to("2026-12-01 00:30 +01:00")
        after = api_status(raw)
        later_profile = client_for(owner).get("/accounts/profile/").content.decode()

    assert created.status_code == 302
    assert "works until" in profile
    assert on_the_day == [200]
    assert after == 401
    assert "expired after" in later_profile


def test_an_expiry_date_in_the_past_is_refused_and_no_token_is_made(owner):
    with time_machine.travel("2026-11-25 09:00 +01:00", tick=False):
        client = client_for(owner)
        response = client.post(
            "/accounts/tokens/new/", {"name": "Backdated", "expires_on": "2026-11-24"}
        )
        page = client.get(response["Location"]).content.decode()

    assert "The expiry date is in the past" in page
    assert not ApiToken.objects.exists()


def test_the_profile_shows_when_each_token_was_last_used(owner):
    _token, raw = ApiToken.issue(user=owner, name="Nightly sync")
    with time_machine.travel(
        datetime.datetime(2026, 11, 25, 8, 15, tzinfo=datetime.UTC), tick=False
    ):
        assert api_status(raw) == 200

    page = client_for(owner).get("/accounts/profile/").content.decode()

    row = page[page.index("Nightly sync") :].split("</tr>")[0]
    assert "never" not in row
    assert "09:15" in row or "9:15" in row  # Paris time
    assert ApiToken.objects.get().last_used_at == datetime.datetime(
        2026, 11, 25, 8, 15, tzinfo=datetime.UTC
    )


def test_a_new_password_shorter_than_twelve_characters_is_refused(owner, credentials):
    """OWASP ASVS 2.1.1 (level 2): at least 12 characters."""
    response = client_for(owner).post(
        "/accounts/password/",
        {"old_password": "password", "new_password1": "Zj-2026-ok", "new_password2": "Zj-2026-ok"},
    )

    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()
    owner.refresh_from_db()
    assert owner.check_password("password")
    assert [api_status(raw) for raw in credentials["tokens"]] == [200, 200]

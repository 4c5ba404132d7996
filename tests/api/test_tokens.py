"""Personal API tokens: created, named and revoked on the profile page, stored
hashed, used as ``Authorization: Bearer <token>``; and the session, with CSRF."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from partnerships.models import ApiToken
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r"crm_[A-Za-z0-9_-]{20,}")


def _create_on_profile_page(user, name: str = "Regional dashboard export") -> tuple[Client, str]:
    client = client_for(user)
    response = client.post("/accounts/tokens/new/", {"name": name})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/profile/"
    page = client.get("/accounts/profile/").content.decode()
    return client, TOKEN.search(page).group(0)


def _bearer(raw: str, keyword: str = "Bearer") -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{keyword} {raw}")
    return client


def test_a_token_created_on_the_profile_page_opens_the_api(owner, partnership):
    _client, raw = _create_on_profile_page(owner)

    response = _bearer(raw).get("/api/partnerships/")

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [partnership.pk]
    token = ApiToken.objects.get(user=owner)
    assert token.name == "Regional dashboard export"
    assert raw.startswith(token.prefix)


def test_only_the_hash_of_a_token_is_stored(owner):
    _client, raw = _create_on_profile_page(owner)

    stored = ApiToken.objects.values_list("name", "prefix", "key_hash")
    assert all(raw not in value for row in stored for value in row)
    assert ApiToken.objects.authenticate(raw).user == owner


def test_a_new_token_is_shown_once(owner):
    client, raw = _create_on_profile_page(owner)

    again = client.get("/accounts/profile/").content.decode()

    assert raw not in again
    assert "Regional dashboard export" in again  # still listed, by name and prefix
    assert ApiToken.objects.get().prefix in again


def test_a_token_needs_a_name(owner):
    client = client_for(owner)

    response = client.post("/accounts/tokens/new/", {"name": ""}, follow=True)

    assert not ApiToken.objects.exists()
    assert "The token was not created" in response.content.decode()


def test_the_bearer_keyword_and_the_token_keyword_both_work(owner):
    _client, raw = _create_on_profile_page(owner)

    assert _bearer(raw, "Bearer").get("/api/sectors/").status_code == 200
    assert _bearer(raw, "Token").get("/api/sectors/").status_code == 200
    assert _bearer(raw, "bearer").get("/api/sectors/").status_code == 200


def test_a_revoked_token_is_refused(owner):
    client, raw = _create_on_profile_page(owner)
    token = ApiToken.objects.get()

    response = client.post(f"/accounts/tokens/{token.pk}/revoke/")

    assert response.status_code == 302
    refused = _bearer(raw).get("/api/partnerships/")
    assert refused.status_code == 401
    assert refused.json() == {"detail": "Invalid, revoked or expired token."}
    assert "revoked" in client.get("/accounts/profile/").content.decode()


def test_nobody_revokes_someone_elses_token(owner, outsider):
    _client, raw = _create_on_profile_page(owner)
    token = ApiToken.objects.get()

    response = client_for(outsider).post(f"/accounts/tokens/{token.pk}/revoke/")

    assert response.status_code == 404
    assert _bearer(raw).get("/api/sectors/").status_code == 200


def test_revoking_needs_a_post(owner):
    client, _raw = _create_on_profile_page(owner)
    token = ApiToken.objects.get()

    assert client.get(f"/accounts/tokens/{token.pk}/revoke/").status_code == 405
    assert ApiToken.objects.get().is_active


def test_a_user_without_a_role_cannot_create_tokens(no_role):
    response = client_for(no_role).post("/accounts/tokens/new/", {"name": "x"})

    assert response.status_code == 403
    assert not ApiToken.objects.exists()


def test_an_anonymous_visitor_cannot_create_tokens(db):
    response = Client().post("/accounts/tokens/new/", {"name": "x"})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    "header",
    [
        "Bearer crm_not-a-real-token",
        "Bearer not-even-prefixed",
        "Bearer",
        "Bearer two words",
        "Token",
    ],
)
def test_a_wrong_token_is_a_401(db, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)

    response = client.get("/api/partnerships/")

    assert response.status_code == 401
    assert "detail" in response.json()


def test_another_authorization_scheme_is_not_mistaken_for_a_token(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz")

    response = client.get("/api/partnerships/")

    assert response.status_code == 401


def test_the_token_of_a_deactivated_account_is_refused(owner):
    _client, raw = _create_on_profile_page(owner)
    owner.is_active = False
    owner.save()

    assert _bearer(raw).get("/api/partnerships/").status_code == 401


def test_the_token_of_an_account_without_a_role_opens_nothing(no_role):
    _token, raw = ApiToken.issue(user=no_role, name="old script")

    assert _bearer(raw).get("/api/partnerships/").status_code == 403


def test_last_use_is_noted_at_most_once_a_minute(owner):
    token, raw = ApiToken.issue(user=owner, name="sync")
    start = timezone.now()
    client = _bearer(raw)

    with time_machine.travel(start, tick=False):
        client.get("/api/sectors/")
    token.refresh_from_db()
    assert token.last_used_at == start

    with time_machine.travel(start + datetime.timedelta(seconds=30), tick=False):
        client.get("/api/sectors/")
    token.refresh_from_db()
    assert token.last_used_at == start

    later = start + datetime.timedelta(minutes=2)
    with time_machine.travel(later, tick=False):
        client.get("/api/sectors/")
    token.refresh_from_db()
    assert token.last_used_at == later


def test_the_profile_page_shows_when_each_token_was_last_used(owner):
    _token, raw = ApiToken.issue(user=owner, name="Nightly sync")
    page_before = client_for(owner).get("/accounts/profile/").content.decode()
    _bearer(raw).get("/api/sectors/")
    page_after = client_for(owner).get("/accounts/profile/").content.decode()

    assert "Nightly sync" in page_before
    assert "never" in page_before
    assert "never" not in page_after


def test_the_session_works_for_reading_and_needs_csrf_for_writing(owner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    body = {"name": "Yanqing District", "country": "CN", "kind": "city"}

    assert client.get("/api/organizations/").status_code == 200
    refused = client.post("/api/organizations/", body, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]

    client.get("/accounts/profile/")  # sets the CSRF cookie, as any page does
    csrf = client.cookies["csrftoken"].value
    accepted = client.post(
        "/api/organizations/", body, content_type="application/json", headers={"X-CSRFToken": csrf}
    )
    assert accepted.status_code == 201

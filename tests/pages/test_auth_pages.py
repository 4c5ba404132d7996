"""Signing in and out, changing one's password, and the language switch (dates
and numbers follow the active language)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client

from partnerships.models import UserProfile
from tests import factories
from tests.clock import TODAY, at
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

NOW = at(TODAY, 10)
NEW_PASSWORD = "Hebei-Savoie-2026!"


def signed_in_user(client: Client):
    user_id = client.session.get("_auth_user_id")
    return get_user_model().objects.get(pk=user_id) if user_id else None


# Signing in ------------------------------------------------------------------------------


def test_the_sign_in_page_is_shown_to_anonymous_visitors(db):
    response = Client().get("/accounts/login/?next=/partnerships/")

    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="username"' in page and 'name="password"' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert 'name="next" value="/partnerships/"' in page


def test_signing_in_leads_to_my_work(owner):
    client = Client()

    response = client.post("/accounts/login/", {"username": "owner", "password": "password"})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert signed_in_user(client) == owner
    assert client.get("/").status_code == 200


def test_signing_in_returns_to_the_page_asked_for(owner):
    response = Client().post(
        "/accounts/login/",
        {"username": "owner", "password": "password", "next": "/partnerships/"},
    )

    assert response["Location"] == "/partnerships/"


def test_signing_in_never_sends_to_another_site(owner):
    response = Client().post(
        "/accounts/login/",
        {"username": "owner", "password": "password", "next": "https://evil.example/"},
    )

    assert response["Location"] == "/"


@pytest.mark.parametrize(
    ("username", "password"), [("owner", "wrong"), ("nobody", "password"), ("owner", "")]
)
def test_a_wrong_sign_in_is_refused_with_a_message(owner, username, password):
    client = Client()

    response = client.post("/accounts/login/", {"username": username, "password": password})

    assert response.status_code == 200
    assert signed_in_user(client) is None
    assert 'class="errorlist' in response.content.decode()


def test_an_inactive_account_cannot_sign_in(db):
    factories.StaffFactory(username="left", is_active=False)
    client = Client()

    client.post("/accounts/login/", {"username": "left", "password": "password"})

    assert signed_in_user(client) is None


def test_a_signed_in_person_is_sent_away_from_the_sign_in_page(owner):
    response = client_for(owner).get("/accounts/login/")

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_an_account_without_a_role_signs_in_and_is_told_why_it_sees_nothing(no_role):
    client = Client()

    client.post("/accounts/login/", {"username": "norole", "password": "password"})
    response = client.get("/")

    assert signed_in_user(client) == no_role
    assert response.status_code == 403
    assert "Your account has no role yet" in response.content.decode()


# Signing out -----------------------------------------------------------------------------


def test_signing_out_is_a_post_that_ends_the_session(owner):
    client = client_for(owner)

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert signed_in_user(client) is None
    assert client.get("/").status_code == 302


def test_signing_out_by_following_a_link_does_nothing(owner):
    client = client_for(owner)

    response = client.get("/accounts/logout/")

    assert response.status_code == 405
    assert signed_in_user(client) == owner


def test_every_page_offers_the_sign_out_button(owner):
    page = client_for(owner).get("/").content.decode()

    assert '<form action="/accounts/logout/" method="post"' in page


# Password ---------------------------------------------------------------------------------


def test_a_person_changes_their_password_and_stays_signed_in(owner):
    client = client_for(owner)

    form = client.get("/accounts/password/")
    response = client.post(
        "/accounts/password/",
        {
            "old_password": "password",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    done = client.get(response["Location"])

    owner.refresh_from_db()
    assert form.status_code == 200
    assert response["Location"] == "/accounts/password/done/"
    assert done.status_code == 200
    assert owner.check_password(NEW_PASSWORD)
    assert signed_in_user(client) == owner
    # Signing in through the page, as the throttle needs a request to count.
    signed_in = Client().post("/accounts/login/", {"username": "owner", "password": NEW_PASSWORD})
    refused = Client().post("/accounts/login/", {"username": "owner", "password": "password"})
    assert signed_in.status_code == 302
    assert refused.status_code == 200 and "_auth_user_id" not in refused.client.session


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"old_password": "wrong", "new_password1": NEW_PASSWORD}, "old_password"),
        (
            {"old_password": "password", "new_password1": NEW_PASSWORD, "new_password2": "other"},
            "new_password2",
        ),
        ({"old_password": "password", "new_password1": "1234"}, "new_password2"),
    ],
    ids=["wrong old password", "mismatch", "too weak"],
)
def test_a_refused_password_change_keeps_the_old_password(owner, data, field):
    data.setdefault("new_password2", data["new_password1"])

    response = client_for(owner).post("/accounts/password/", data)

    owner.refresh_from_db()
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in response.content.decode()
    assert owner.check_password("password")


def test_anonymous_visitors_cannot_reach_the_password_page(db):
    response = Client().get("/accounts/password/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# Language ----------------------------------------------------------------------------------


@pytest.fixture
def dated(owner):
    """A meeting and a partnership with a date and an amount to show."""
    with time_machine.travel(NOW, tick=False):
        meeting = factories.MeetingFactory(
            logged_by=owner, title="Forum", start_date=datetime.date(2026, 11, 23)
        )
        partnership = factories.PartnershipFactory(
            owner=owner,
            title="Thaiwoo ski lifts",
            value_amount=Decimal("200000000.50"),
            end_date=datetime.date(2027, 2, 14),
        )
    return {"meeting": meeting, "partnership": partnership}


def switch_language(client: Client, language: str, next_url: str = "/"):
    return client.post("/i18n/setlang/", {"language": language, "next": next_url})


def test_the_language_switch_is_remembered_in_a_cookie(owner):
    client = client_for(owner)

    response = switch_language(client, "fr", "/partnerships/")

    assert response.status_code == 302
    assert response["Location"] == "/partnerships/"
    assert response.cookies["django_language"].value == "fr"
    assert '<html lang="fr">' in client.get("/partnerships/").content.decode()
    assert '<html lang="fr">' in client.get("/meetings/").content.decode()


def test_dates_follow_the_active_language(owner, dated):
    client = client_for(owner)
    url = f"/meetings/{dated['meeting'].pk}/"

    with time_machine.travel(NOW, tick=False):
        english = client.get(url).content.decode()
        switch_language(client, "fr")
        french = client.get(url).content.decode()
        french_list = client.get("/partnerships/").content.decode()

    assert "23 November 2026" in english
    assert "23 novembre 2026" in french
    assert "14/02/2027" in french_list


def test_numbers_follow_the_active_language(owner, dated):
    client = client_for(owner)

    english = client.get("/partnerships/").content.decode()
    switch_language(client, "fr")
    french = client.get("/partnerships/").content.decode()

    assert "EUR 200,000,000.50" in english
    assert "EUR 200\xa0000\xa0000,50" in french


def test_switching_back_to_english_is_remembered_too(owner, dated):
    client = client_for(owner)
    switch_language(client, "fr")

    switch_language(client, "en")

    assert '<html lang="en">' in client.get("/").content.decode()


def test_the_sign_in_page_can_be_switched_to_french_before_signing_in(db):
    client = Client()

    switch_language(client, "fr", "/accounts/login/")

    assert '<html lang="fr">' in client.get("/accounts/login/").content.decode()


def test_an_unknown_language_is_ignored(owner):
    client = client_for(owner)

    response = switch_language(client, "xx")

    assert "django_language" not in response.cookies
    assert '<html lang="en">' in client.get("/").content.decode()


def test_the_language_chosen_is_stored_on_the_profile_and_restored_at_sign_in(owner):
    switch_language(client_for(owner), "fr")
    assert UserProfile.objects.get(user=owner).language == "fr"

    elsewhere = Client()  # another browser: no language cookie
    response = elsewhere.post("/accounts/login/", {"username": "owner", "password": "password"})

    assert response.cookies["django_language"].value == "fr"
    assert response.cookies["django_language"]["max-age"] == 365 * 24 * 60 * 60
    assert '<html lang="fr">' in elsewhere.get("/").content.decode()


def test_a_language_chosen_on_the_sign_in_page_wins_and_is_stored(owner):
    switch_language(client_for(owner), "fr")  # stored on the profile earlier
    client = Client()
    switch_language(client, "en", "/accounts/login/")  # chosen before signing in

    response = client.post("/accounts/login/", {"username": "owner", "password": "password"})

    assert "django_language" not in response.cookies  # the browser's choice stands
    assert UserProfile.objects.get(user=owner).language == "en"
    assert '<html lang="en">' in client.get("/").content.decode()


def test_an_unknown_language_is_not_stored(owner):
    switch_language(client_for(owner), "xx")

    assert not UserProfile.objects.filter(user=owner).exclude(language="").exists()


def test_the_profile_page_offers_the_language_switch(owner):
    page = client_for(owner).get("/accounts/profile/").content.decode()

    assert 'id="language-title"' in page
    assert page.count('name="language" value="fr"') == 2  # the user menu and the profile

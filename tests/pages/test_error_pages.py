"""Error pages render for everyone, signed in or not."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_a_missing_public_address_shows_the_404_page_to_an_anonymous_visitor(settings):
    settings.DEBUG = False
    response = Client().get("/calendar/not-a-token.ics/nothing-here")
    assert response.status_code == 404


def test_the_404_page_renders_for_an_anonymous_visitor():
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    request = RequestFactory().get("/missing/")
    request.user = AnonymousUser()
    with translation.override("en"):
        html = render_to_string("404.html", request=request)
    assert "This page doesn’t exist" in html
    assert "Sign out" not in html

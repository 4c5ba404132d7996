"""Personas and shared fixtures.

Every page and endpoint is tried by: an owner (staff), a teammate (staff on the
team), an outsider (staff, not on it), a manager, an admin, a user with no role,
and an anonymous visitor.
"""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client

from tests import clock, factories


@pytest.fixture(scope="session", autouse=True)
def _frozen_today():
    """The whole session runs on ``clock.TODAY`` (CRM_TEST_TODAY), whatever the
    machine's clock says: session-scoped data, factories, fixtures, the live
    server's threads and the code under test all read it. The clock starts at
    noon and ticks, so rows saved one after the other keep their order and
    sessions, tokens and cookies age as they would; a test that needs a fixed
    instant travels there itself (``time_machine.travel(..., tick=False)``)."""
    with time_machine.travel(clock.noon(clock.TODAY), tick=True):
        yield


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def owner(db):
    return factories.StaffFactory(username="owner", first_name="Olivia", last_name="Owner")


@pytest.fixture
def teammate(db):
    return factories.StaffFactory(username="teammate", first_name="Tom", last_name="Teammate")


@pytest.fixture
def outsider(db):
    return factories.StaffFactory(username="outsider", first_name="Oscar", last_name="Outsider")


@pytest.fixture
def manager(db):
    return factories.ManagerFactory(username="manager", first_name="Mona", last_name="Manager")


@pytest.fixture
def admin_user(db):
    return factories.AdminFactory(username="admin", first_name="Ada", last_name="Admin")


@pytest.fixture
def no_role(db):
    return factories.UserFactory(username="norole")


@pytest.fixture
def partnership(owner, teammate):
    return factories.PartnershipFactory(
        owner=owner, team=[teammate], title="Chambéry – Zhangjiakou"
    )


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def personas(owner, teammate, outsider, manager, admin_user, no_role):
    return {
        "owner": owner,
        "teammate": teammate,
        "outsider": outsider,
        "manager": manager,
        "admin": admin_user,
        "no_role": no_role,
        "anonymous": None,
    }

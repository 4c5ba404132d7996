"""Personas and shared fixtures.

Every page and endpoint is tried by: an owner (staff), a teammate (staff on the
team), an outsider (staff, not on it), a manager, an admin, a user with no role,
and an anonymous visitor.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Callable, Iterator
from typing import TypeVar

import pytest
import time_machine
from django.db import transaction
from django.test import Client, override_settings

from tests import clock, factories

T = TypeVar("T")


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


@pytest.fixture(scope="session")
def shared_media_root(tmp_path_factory):
    """Where the files of rows made by session- or module-scoped fixtures go. Each
    test has a media folder of its own; one that opens such files (downloads a
    shared document) sets ``settings.MEDIA_ROOT = shared_media_root``."""
    return tmp_path_factory.mktemp("shared-media")


@pytest.fixture(scope="session", autouse=True)
def _fast_for_the_whole_session(shared_media_root):
    """Cheap passwords and no real e-mail from the first fixture on, session- and
    module-scoped ones included; files they save go to a throwaway folder."""
    with override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        MEDIA_ROOT=shared_media_root,
    ):
        yield


_media_folders = itertools.count()


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path_factory):
    """Each test saves its files in a folder of its own, made only when a file is
    saved (not a tmp_path per test: pytest deletes thousands of them later)."""
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media" / str(next(_media_folders))


def shared_rows(django_db_blocker, build: Callable[[], T]) -> Iterator[T]:
    """Rows that many tests read, made once, for a module-, class- or
    session-scoped fixture whose set-up is expensive::

        @pytest.fixture(scope="module")
        def demo(django_db_setup, django_db_blocker):
            yield from shared_rows(django_db_blocker, load_the_demo_data)

    As Django's ``setUpTestData``: ``build`` runs in a transaction that stays
    open while the tests run and is rolled back after the last one, so nothing is
    left behind, on SQLite and PostgreSQL alike. Each test still runs in its own
    savepoint (the ``db`` fixture), so whatever it writes is undone before the
    next test reads the shared rows. The rows are there from the first test
    that asks for the fixture to the end of its scope, for every test in it: give
    such tests a module (or a class) of their own. Only for tests that use ``db``:
    ``transactional_db`` and ``live_server`` empty the tables after each test.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        # Like TestCase's class-wide atomic blocks: not the code's own, so a
        # durable atomic block inside a test is still allowed.
        transaction.get_connection().atomic_blocks[-1]._from_testcase = True
        try:
            value = build()
        except BaseException:
            outer.__exit__(*sys.exc_info())
            raise
    try:
        yield value
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(scope="class")
def populated(request, django_db_setup, django_db_blocker):
    """``tests.builders.populate(n)`` made once for the tests of a class that ask for
    the same ``n``, through an indirect parameter::

        @pytest.mark.parametrize("populated", [3, 30], indirect=True)
        class TestQueryCounts:
            def test_the_board(self, populated, ...): ...

    (pytest runs the tests of one size together, and ``make test`` gives a class
    to one worker.) Gives the partnerships."""
    from tests.builders import populate

    yield from shared_rows(django_db_blocker, lambda: populate(request.param))


# Personas: the fixtures below, or make_personas() for rows shared by many tests.
PERSONAS = {
    "owner": (factories.StaffFactory, "owner", "Olivia", "Owner"),
    "teammate": (factories.StaffFactory, "teammate", "Tom", "Teammate"),
    "outsider": (factories.StaffFactory, "outsider", "Oscar", "Outsider"),
    "manager": (factories.ManagerFactory, "manager", "Mona", "Manager"),
    "admin": (factories.AdminFactory, "admin", "Ada", "Admin"),
    "no_role": (factories.UserFactory, "norole", None, None),
}


def make_persona(name: str):
    factory, username, first_name, last_name = PERSONAS[name]
    names = {"first_name": first_name, "last_name": last_name} if first_name else {}
    return factory(username=username, **names)


def make_personas() -> dict[str, object]:
    """Every persona by name, as the ``personas`` fixture gives them."""
    return {name: make_persona(name) for name in PERSONAS} | {"anonymous": None}


@pytest.fixture
def owner(db):
    return make_persona("owner")


@pytest.fixture
def teammate(db):
    return make_persona("teammate")


@pytest.fixture
def outsider(db):
    return make_persona("outsider")


@pytest.fixture
def manager(db):
    return make_persona("manager")


@pytest.fixture
def admin_user(db):
    return make_persona("admin")


@pytest.fixture
def no_role(db):
    return make_persona("no_role")


@pytest.fixture
def partnership(owner, teammate):
    return make_partnership(owner, teammate)


def make_partnership(owner, teammate):
    """What the ``partnership`` fixture gives, for rows shared by many tests."""
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

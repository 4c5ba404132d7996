"""Two people move the same partnership at the same moment: exactly one move
applies, the other is told someone else changed it (409), and exactly one
stage change is written. Real threads, real transactions, on SQLite and on
PostgreSQL (run the module with DATABASE_URL pointing at a PostgreSQL server).

Each request starts from the same page (the same version), as two people who
opened the partnership before either of them moved it. Without the version in
the request both moves were valid on their own (prospect to agreement, prospect
to contract) and both applied.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator

import pytest
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from partnerships.models import Action, Partnership, StageChange, StatusChange
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

Request = Callable[[], object]


@pytest.fixture(autouse=True)
def _a_database_two_connections_can_share(transactional_db, tmp_path) -> Iterator[None]:
    """The tests' SQLite database lives in memory, in a shared cache that
    refuses a second writer outright ("database table is locked") instead of
    making it wait. For these tests it is copied to a file, where SQLite
    behaves as in production: an IMMEDIATE transaction waits for the other
    writer (the settings' busy timeout). PostgreSQL needs nothing."""
    if connection.vendor != "sqlite":
        yield
        return
    memory_name = connection.settings_dict["NAME"]
    connection.ensure_connection()
    copy = sqlite3.connect(tmp_path / "race.sqlite3")
    connection.connection.backup(copy)
    copy.close()
    memory = connection.connection  # kept open: closing it would drop the database
    connection.connection = None
    connection.settings_dict["NAME"] = str(tmp_path / "race.sqlite3")
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = memory_name
        connection.connection = memory


def race(*requests: Request) -> list:
    """Run the requests in threads that start together; their responses, in
    the order given."""
    barrier = threading.Barrier(len(requests))
    responses: list = [None] * len(requests)

    def run(index: int, request: Request) -> None:
        try:
            barrier.wait(timeout=10)
            responses[index] = request()
        except Exception as error:  # reported by the assertions below
            responses[index] = error
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=run, args=item) for item in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return responses


def _page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _api_client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _codes(responses: list) -> list:
    return [getattr(response, "status_code", response) for response in responses]


@pytest.mark.parametrize("attempt", range(3))
def test_of_two_simultaneous_api_moves_exactly_one_applies(owner, teammate, partnership, attempt):
    url = f"/api/partnerships/{partnership.pk}/move/"
    version = partnership.version
    moves_before = StageChange.objects.count()
    mine, theirs = _api_client(owner), _api_client(teammate)

    responses = race(
        lambda: mine.post(url, {"stage": "agreement", "version": version}, format="json"),
        lambda: theirs.post(url, {"stage": "contract", "version": version}, format="json"),
    )

    codes = _codes(responses)
    assert sorted(codes) == [200, 409], codes
    winner = responses[codes.index(200)].json()["stage"]
    loser = responses[codes.index(409)].json()
    assert "Someone else changed this partnership" in loser["detail"]
    assert StageChange.objects.count() == moves_before + 1
    assert StageChange.objects.latest("pk").to_stage == winner
    assert Partnership.objects.get(pk=partnership.pk).stage == winner


def test_of_two_simultaneous_moves_from_the_detail_page_exactly_one_applies(
    owner, teammate, partnership
):
    url = f"/partnerships/{partnership.pk}/move/"
    version = partnership.version
    moves_before = StageChange.objects.count()
    mine, theirs = _page_client(owner), _page_client(teammate)

    responses = race(
        lambda: mine.post(url, {"stage": "agreement", "note": "Mine", "version": version}),
        lambda: theirs.post(url, {"stage": "contract", "note": "Theirs", "version": version}),
    )

    codes = _codes(responses)
    assert sorted(codes) == [302, 409], codes
    loser = responses[codes.index(409)].content.decode()
    assert "Someone else changed this partnership in the meantime" in loser
    assert ("Mine" if codes[0] == 409 else "Theirs") in loser  # the refused note is kept
    assert StageChange.objects.count() == moves_before + 1


def test_a_board_move_and_a_status_change_at_the_same_moment_do_not_both_apply(
    owner, manager, partnership
):
    version = partnership.version
    changes_before = StageChange.objects.count() + StatusChange.objects.count()
    board, page = _page_client(manager), _page_client(owner)

    responses = race(
        lambda: board.post(
            f"/pipeline/{partnership.pk}/move/",
            {"stage": "agreement", "version": version},
            headers={"Accept": "application/json"},
        ),
        lambda: page.post(
            f"/partnerships/{partnership.pk}/status/",
            {"status": "on_hold", "note": "Elections", "version": version},
        ),
    )

    codes = _codes(responses)
    assert codes in ([200, 409], [409, 302]), codes
    assert StageChange.objects.count() + StatusChange.objects.count() == changes_before + 1


def test_of_two_simultaneous_completions_of_an_action_exactly_one_applies(owner, manager):
    action = factories.ActionFactory(owner=owner, title="Send the draft agreement")
    url = f"/api/actions/{action.pk}/complete/"
    mine, theirs = _api_client(owner), _api_client(manager)

    responses = race(
        lambda: mine.post(url, {"outcome": "Sent", "version": action.version}, format="json"),
        lambda: theirs.post(url, {"outcome": "Chased", "version": action.version}, format="json"),
    )

    codes = _codes(responses)
    assert sorted(codes) == [200, 409], codes
    done = Action.objects.get(pk=action.pk)
    assert (done.status, done.version) == ("done", action.version + 1)
    assert done.outcome == ("Sent" if codes[0] == 200 else "Chased")

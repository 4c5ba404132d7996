"""/api/actions/: create, edit with versions, and the complete, cancel and
reopen endpoints (the only ways the status changes)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from partnerships import lifecycle
from partnerships.models import Action
from tests import factories
from tests.api.conftest import db_snapshot

pytestmark = pytest.mark.django_db


def _detail(action) -> str:
    return f"/api/actions/{action.pk}/"


def test_an_action_reads_with_its_owner_and_partnership_by_name(api, world, owner):
    data = api.get(_detail(world.action)).json()

    assert data["owner"] == owner.pk
    assert data["owner_name"] == "Olivia Owner"
    assert data["partnership"] == world.partnership.pk
    assert data["partnership_title"] == "Chambéry – Zhangjiakou"
    assert data["status"] == "open"
    assert data["is_overdue"] is False
    assert data["version"] == 1


def test_an_overdue_action_says_so(api, owner):
    late = factories.ActionFactory(
        owner=owner, due_date=timezone.localdate() - datetime.timedelta(days=1)
    )

    assert api.get(_detail(late)).json()["is_overdue"] is True


def test_creating_an_action_makes_the_creator_owner_by_default(api, owner, world):
    response = api.post(
        "/api/actions/",
        {
            "title": "Book the delegation's hotel",
            "due_date": "2026-03-01",
            "priority": "high",
            "side": "ours",
            "partnership": world.partnership.pk,
            "meeting": world.meeting.pk,
            "lead_organization": world.organization.pk,
        },
    )

    assert response.status_code == 201, response.content
    data = response.json()
    assert data["owner"] == owner.pk
    assert data["meeting_title"] == "Mission to Hebei"
    assert data["lead_organization_name"] == "Zhangjiakou"
    created = Action.objects.get(pk=data["id"])
    assert created.created_by == owner
    assert created.status == "open"


def test_an_action_cannot_be_created_done(api):
    response = api.post("/api/actions/", {"title": "Already done?", "status": "done"})

    assert response.status_code == 201
    assert response.json()["status"] == "open"


def test_completing_records_who_when_and_the_outcome(api, world, owner):
    response = api.post(
        f"{_detail(world.action)}complete/",
        {"outcome": "Draft sent to Zhangjiakou", "completed_on": "2026-01-05", "version": 1},
    )

    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == "done"
    assert data["completed_on"] == "2026-01-05"
    assert data["completed_by"] == owner.pk
    assert data["completed_by_name"] == "Olivia Owner"
    assert data["outcome"] == "Draft sent to Zhangjiakou"
    assert data["version"] == 2


def test_completing_twice_is_refused(api, world, owner):
    lifecycle.complete_action(world.action, by=owner, expected_version=world.action.version)

    response = api.post(f"{_detail(world.action)}complete/", {"version": world.action.version})

    assert response.status_code == 400
    assert response.json() == {"status": ["This action is already done."]}


def test_completing_in_the_future_is_refused(api, world):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = api.post(
        f"{_detail(world.action)}complete/", {"completed_on": str(tomorrow), "version": 1}
    )

    assert response.status_code == 400
    assert response.json() == {"completed_on": ["The completion date cannot be in the future."]}


def test_completing_from_a_stale_version_is_a_409(api, world):
    world.action.title = "Changed meanwhile"
    world.action.save()
    before = db_snapshot()

    response = api.post(f"{_detail(world.action)}complete/", {"version": 1})

    assert response.status_code == 409
    assert db_snapshot() == before


@pytest.mark.parametrize("path", ["complete", "cancel", "reopen"])
def test_an_action_workflow_needs_the_version_it_was_read_at(api, world, owner, path):
    if path == "reopen":
        lifecycle.complete_action(world.action, by=owner, expected_version=world.action.version)
    before = db_snapshot()

    response = api.post(f"{_detail(world.action)}{path}/", {"outcome": "Sent", "note": "x"})

    assert response.status_code == 400
    assert list(response.json()) == ["version"]
    assert "nobody else's change is overwritten" in response.json()["version"][0]
    assert db_snapshot() == before


def test_a_teammate_cannot_complete_the_owners_action(api_for, teammate, world):
    before = db_snapshot()

    response = api_for(teammate).post(f"{_detail(world.action)}complete/", {"version": 1})

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Only the owner of this action and managers can complete it."
    }
    assert db_snapshot() == before


def test_a_manager_completes_anyones_action(api_for, manager, world):
    response = api_for(manager).post(f"{_detail(world.action)}complete/", {"version": 1})

    assert response.status_code == 200
    assert response.json()["completed_by"] == manager.pk


def test_cancelling_and_reopening(api, world):
    cancelled = api.post(
        f"{_detail(world.action)}cancel/", {"note": "Merged with another", "version": 1}
    )
    reopened = api.post(f"{_detail(world.action)}reopen/", {"version": 2})

    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["outcome"] == "Merged with another"
    assert reopened.status_code == 200
    assert reopened.json()["status"] == "open"
    assert reopened.json()["completed_on"] is None


def test_reopening_an_open_action_is_refused(api, world):
    response = api.post(f"{_detail(world.action)}reopen/", {"version": 1})

    assert response.status_code == 400
    assert response.json() == {"status": ["This action is already open."]}


@pytest.mark.parametrize("persona", ["teammate", "outsider"])
def test_only_the_owner_and_managers_reopen(api_for, personas, world, owner, persona):
    lifecycle.complete_action(world.action, by=owner, expected_version=world.action.version)

    response = api_for(personas[persona]).post(
        f"{_detail(world.action)}reopen/", {"version": world.action.version}
    )

    assert response.status_code == 403


def test_a_plain_update_cannot_change_the_status(api, world):
    response = api.patch(_detail(world.action), {"status": "done", "version": 1})

    assert response.status_code == 400
    assert "/complete/" in response.json()["status"][0]


def test_completion_fields_are_read_only(api, world, outsider):
    response = api.patch(
        _detail(world.action),
        {
            "version": 1,
            "completed_on": "2020-01-01",
            "completed_by": outsider.pk,
            "outcome": "Sneaky",
            "created_by": outsider.pk,
        },
    )

    assert response.status_code == 200
    world.action.refresh_from_db()
    assert world.action.completed_on is None
    assert world.action.outcome == ""
    assert world.action.created_by is None


def test_the_owner_hands_an_action_over(api, world, teammate):
    response = api.patch(_detail(world.action), {"owner": teammate.pk, "version": 1})

    assert response.status_code == 200
    assert response.json()["owner_name"] == "Tom Teammate"


def test_an_action_update_needs_its_version(api, world):
    response = api.put(_detail(world.action), {"title": "No version"})

    assert response.status_code == 400
    assert list(response.json()) == ["version"]


def test_a_manager_deletes_and_restores_an_action(api_for, manager, world):
    client = api_for(manager)

    assert client.delete(_detail(world.action)).status_code == 204
    assert not Action.objects.filter(pk=world.action.pk).exists()
    assert client.get("/api/actions/").json()["count"] == 0

    restored = client.post(f"{_detail(world.action)}restore/")

    assert restored.status_code == 200
    assert restored.json()["status"] == "open"

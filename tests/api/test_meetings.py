"""/api/meetings/: logging, editing with versions, links by id, soft delete."""

from __future__ import annotations

import pytest

from partnerships.models import Action, Meeting
from tests import factories
from tests.api.conftest import db_snapshot

pytestmark = pytest.mark.django_db


def _detail(meeting) -> str:
    return f"/api/meetings/{meeting.pk}/"


def test_logging_a_meeting_links_everything_by_id(api, owner, teammate, world):
    response = api.post(
        "/api/meetings/",
        {
            "kind": "inbound_delegation",
            "status": "held",
            "title": "Zhengzhou delegation in Amiens",
            "start_date": "2019-08-25",
            "end_date": "2019-08-27",
            "locality": "Amiens",
            "country": "FR",
            "parent": world.meeting.pk,
            "organizations": [world.organization.pk],
            "contacts": [world.contact.pk],
            "attendees": [owner.pk, teammate.pk],
            "partnerships": [world.partnership.pk],
            "summary": "Visit of the Silk Road train hub",
        },
    )

    assert response.status_code == 201, response.content
    data = response.json()
    assert data["logged_by"] == owner.pk
    assert data["logged_by_name"] == "Olivia Owner"
    assert data["organization_names"] == ["Zhangjiakou"]
    assert data["parent_title"] == "Mission to Hebei"
    assert sorted(data["attendees"]) == sorted([owner.pk, teammate.pk])
    assert data["partnerships"] == [world.partnership.pk]
    assert data["version"] == 1
    assert Meeting.objects.get(pk=data["id"]).logged_by == owner


def test_a_meeting_ending_before_it_starts_is_refused(api):
    response = api.post(
        "/api/meetings/", {"title": "Odd", "start_date": "2020-02-02", "end_date": "2020-02-01"}
    )

    assert response.status_code == 400
    assert response.json() == {"end_date": ["The end date cannot be before the start date."]}


def test_a_meeting_cannot_be_part_of_itself(api, world):
    response = api.patch(_detail(world.meeting), {"parent": world.meeting.pk, "version": 1})

    assert response.status_code == 400
    assert response.json() == {
        "parent": ["A meeting cannot be part of itself or of one of its side meetings."]
    }


def test_an_unknown_country_is_refused(api):
    response = api.post(
        "/api/meetings/", {"title": "Nowhere", "start_date": "2020-02-02", "country": "XX"}
    )

    assert response.status_code == 400
    assert "country" in response.json()


def test_an_attendee_edits_the_meeting_and_the_version_goes_up(api_for, teammate, world):
    response = api_for(teammate).patch(
        _detail(world.meeting), {"outcomes": "Two follow-ups", "version": 1}
    )

    assert response.status_code == 200
    assert response.json()["version"] == 2


def test_editing_a_meeting_from_a_stale_copy_is_a_409(api, world):
    world.meeting.summary = "Edited by someone else"
    world.meeting.save()
    before = db_snapshot()

    response = api.patch(_detail(world.meeting), {"summary": "Mine", "version": 1})

    assert response.status_code == 409
    assert db_snapshot() == before


def test_replacing_the_links_of_a_meeting(api, world, outsider):
    response = api.patch(
        _detail(world.meeting), {"attendees": [outsider.pk], "organizations": [], "version": 1}
    )

    assert response.status_code == 200
    assert response.json()["attendees"] == [outsider.pk]
    assert response.json()["organization_names"] == []


def test_who_logged_a_meeting_cannot_be_rewritten(api, world, outsider, owner):
    response = api.patch(_detail(world.meeting), {"logged_by": outsider.pk, "version": 1})

    assert response.status_code == 200
    world.meeting.refresh_from_db()
    assert world.meeting.logged_by == owner


def test_a_deleted_meeting_disappears_and_a_manager_brings_it_back(api_for, manager, world):
    client = api_for(manager)

    assert client.delete(_detail(world.meeting)).status_code == 204
    assert client.get(_detail(world.meeting)).status_code == 404
    assert client.post(f"{_detail(world.meeting)}restore/").status_code == 200
    assert client.get(_detail(world.meeting)).status_code == 200


# Follow-up actions logged with the meeting ----------------------------------------------


def _meeting_with_actions(world, partnerships, actions) -> dict:
    return {
        "kind": "call",
        "title": "Call with Zhangjiakou",
        "start_date": "2026-11-20",
        "partnerships": partnerships,
        "actions": actions,
    }


def test_actions_sent_with_a_meeting_about_one_partnership_get_that_partnership(
    api, owner, teammate, world
):
    body = _meeting_with_actions(
        world,
        [world.partnership.pk],
        [
            {"title": "Send the draft agreement", "owner": teammate.pk, "due_date": "2026-12-20"},
            {"title": "Chase the visa letters", "side": "partner"},
        ],
    )

    response = api.post("/api/meetings/", body)

    assert response.status_code == 201, response.content
    meeting_id = response.json()["id"]
    listed = api.get(f"/api/actions/?meeting={meeting_id}").json()["results"]
    assert sorted((a["title"], a["partnership"], a["owner"]) for a in listed) == [
        ("Chase the visa letters", world.partnership.pk, owner.pk),
        ("Send the draft agreement", world.partnership.pk, teammate.pk),
    ]
    assert "actions" not in response.json()  # write-only: listed through /api/actions/


def test_with_several_partnerships_an_api_action_keeps_its_own_or_none(api, owner, world):
    other = factories.PartnershipFactory(owner=owner, title="Sophia Antipolis – Chengdu")
    body = _meeting_with_actions(
        world,
        [world.partnership.pk, other.pk],
        [
            {"title": "Chengdu follow-up", "partnership": other.pk},
            {"title": "General follow-up"},
        ],
    )

    response = api.post("/api/meetings/", body)

    assert response.status_code == 201, response.content
    assert Action.objects.get(title="Chengdu follow-up").partnership == other
    assert Action.objects.get(title="General follow-up").partnership is None


def test_a_bad_action_in_a_new_meeting_saves_nothing(api, world):
    body = _meeting_with_actions(
        world,
        [world.partnership.pk],
        [{"title": "Fine"}, {"title": "", "due_date": "soon", "owner": 99999999}],
    )
    before = db_snapshot()

    response = api.post("/api/meetings/", body)

    assert response.status_code == 400
    errors = response.json()["actions"]["1"]  # only the row in error, by position
    assert set(errors) == {"title", "due_date", "owner"}
    assert db_snapshot() == before


def test_a_meeting_has_optional_times_of_day_without_a_time_zone(api, owner):
    created = api.post(
        "/api/meetings/",
        {"title": "Visit", "start_date": "2026-06-24", "start_time": "09:30", "end_time": "17:00"},
        format="json",
    )
    assert created.status_code == 201, created.content
    data = created.json()
    assert (data["start_time"], data["end_time"]) == ("09:30", "17:00")

    for bad in ("02:53:28-11:14", "9h30", "25:00", 930):
        refused = api.patch(
            f"/api/meetings/{data['id']}/",
            {"start_time": bad, "version": data["version"]},
            format="json",
        )
        assert refused.status_code == 400, bad
        assert list(refused.json()) == ["start_time"]
    backwards = api.patch(
        f"/api/meetings/{data['id']}/",
        {"start_time": "18:00", "version": data["version"]},
        format="json",
    )
    assert backwards.status_code == 400
    assert backwards.json() == {"end_time": ["The end time cannot be before the start time."]}

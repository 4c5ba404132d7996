"""Read-only lists: stage changes, sectors, abandon reasons and users."""

from __future__ import annotations

import pytest

from partnerships import lifecycle

pytestmark = pytest.mark.django_db


def test_stage_changes_list_every_move_with_names(api, partnership, owner):
    lifecycle.move_stage(
        partnership, to="contract", by=owner, note="Signed", expected_version=partnership.version
    )

    rows = api.get(f"/api/stage-changes/?partnership={partnership.pk}").json()["results"]

    assert [(r["from_stage"], r["to_stage"]) for r in rows] == [
        ("", "prospect"),
        ("prospect", "contract"),
    ]
    assert rows[1]["changed_by_name"] == "Olivia Owner"
    assert rows[1]["partnership_title"] == "Chambéry – Zhangjiakou"
    assert rows[1]["note"] == "Signed"
    assert rows[1]["is_backward"] is False


def test_stage_changes_of_deleted_partnerships_are_hidden(api, partnership, manager):
    lifecycle.soft_delete(partnership, by=manager)

    assert api.get("/api/stage-changes/").json()["count"] == 0


def test_stage_changes_filter_by_stage_person_and_date(api, partnership, owner, outsider):
    lifecycle.move_stage(
        partnership, to="agreement", by=owner, expected_version=partnership.version
    )
    url = "/api/stage-changes/"

    assert api.get(f"{url}?to_stage=agreement").json()["count"] == 1
    assert api.get(f"{url}?from_stage=prospect").json()["count"] == 1
    assert api.get(f"{url}?changed_by={owner.pk}").json()["count"] == 2
    assert api.get(f"{url}?changed_by={outsider.pk}").json()["count"] == 0
    assert api.get(f"{url}?effective_after=2999-01-01").json()["count"] == 0
    assert api.get(f"{url}?effective_before=2999-01-01").json()["count"] == 2


def test_stage_changes_are_read_only(api, partnership):
    change = partnership.stage_changes.get()

    assert api.patch(f"/api/stage-changes/{change.pk}/", {"note": "x"}).status_code == 405
    assert api.delete(f"/api/stage-changes/{change.pk}/").status_code == 405


def test_users_list_only_what_choosing_an_owner_needs(api, owner, outsider):
    rows = api.get("/api/users/").json()["results"]

    assert {
        "id": owner.pk,
        "username": "owner",
        "full_name": "Olivia Owner",
        "is_active": True,
    } in (rows)
    assert set(rows[0]) == {"id", "username", "full_name", "is_active"}


def test_users_filter_by_name_and_activity(api, owner, outsider):
    outsider.is_active = False
    outsider.save()

    assert [u["username"] for u in api.get("/api/users/?search=oliv").json()["results"]] == [
        "owner"
    ]
    assert "outsider" not in [
        u["username"] for u in api.get("/api/users/?is_active=true").json()["results"]
    ]


def test_sectors_come_from_the_reference_list(api):
    rows = api.get("/api/sectors/?page_size=200").json()["results"]

    assert rows  # seeded by a data migration
    assert set(rows[0]) == {"id", "name", "name_fr", "slug", "order"}


def test_abandon_reasons_are_listed_for_status_changes(api):
    rows = api.get("/api/abandon-reasons/").json()["results"]

    assert rows
    assert {"id", "name", "is_active"} <= set(rows[0])

"""/api/partnerships/: reading with names, creating through the lifecycle,
updating with versions, and the move, status, delete and restore endpoints."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from partnerships import lifecycle
from partnerships.models import Partnership, PartnershipParty, StageChange, StatusChange
from tests import factories
from tests.api.conftest import db_snapshot

pytestmark = pytest.mark.django_db


def _detail(partnership) -> str:
    return f"/api/partnerships/{partnership.pk}/"


# Reading ---------------------------------------------------------------------------


def test_a_partnership_reads_with_its_parties_owner_and_sectors_by_name(api, world, owner):
    world.partnership.sectors.add(world.sector)

    data = api.get(_detail(world.partnership)).json()

    assert data["title"] == "Chambéry – Zhangjiakou"
    assert data["owner"] == owner.pk
    assert data["owner_name"] == "Olivia Owner"
    assert data["parties"] == [
        {
            "organization": world.organization.pk,
            "organization_name": "Zhangjiakou",
            "organization_country": "CN",
            "role": "partner",
        }
    ]
    assert data["sectors"] == [world.sector.pk]
    assert data["sector_names"] == ["Winter sports"]
    assert data["stage"] == "prospect"
    assert data["status"] == "active"
    assert data["version"] == 1


def test_a_deleted_partnership_is_neither_listed_nor_found(api, partnership, manager):
    lifecycle.soft_delete(partnership, by=manager)

    assert api.get("/api/partnerships/").json()["count"] == 0
    assert api.get(_detail(partnership)).status_code == 404


# Creating --------------------------------------------------------------------------


def test_creating_records_the_starting_stage_and_the_creator(api, owner, world, teammate):
    response = api.post(
        "/api/partnerships/",
        {
            "title": "Chamonix – Yanqing cross tourism",
            "kind": "institutional",
            "stage": "agreement",
            "stage_changed_on": "2017-02-15",
            "team": [teammate.pk],
            "sectors": [world.sector.pk],
            "parties": [
                {"organization": world.organization.pk, "role": "signatory"},
                {"organization": world.organization.pk, "role": "funder"},
            ],
            "value_amount": "1500000.00",
            "value_currency": "CNY",
        },
    )

    assert response.status_code == 201, response.content
    data = response.json()
    created = Partnership.objects.get(pk=data["id"])
    assert created.stage == "agreement"
    assert created.owner == owner  # the creator by default
    assert created.created_by == owner
    assert list(created.team.all()) == [teammate]
    first = StageChange.objects.get(partnership=created)
    assert (first.from_stage, first.to_stage) == ("", "agreement")
    assert first.effective_date == datetime.date(2017, 2, 15)
    assert [p["role"] for p in data["parties"]] == ["signatory", "funder"]
    assert data["owner_name"] == "Olivia Owner"
    assert data["version"] == 1


def test_creating_with_another_owner_is_allowed(api, outsider):
    response = api.post("/api/partnerships/", {"title": "For Oscar", "owner": outsider.pk})

    assert response.status_code == 201
    assert response.json()["owner"] == outsider.pk


def test_a_starting_date_in_the_future_is_refused_on_its_field(api):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = api.post(
        "/api/partnerships/", {"title": "Too early", "stage_changed_on": tomorrow.isoformat()}
    )

    assert response.status_code == 400
    assert response.json() == {"stage_changed_on": ["The effective date cannot be in the future."]}
    assert not Partnership.objects.exists()


def test_a_party_listed_twice_in_the_same_role_is_refused(api, world):
    party = {"organization": world.organization.pk, "role": "partner"}

    response = api.post("/api/partnerships/", {"title": "Twice", "parties": [party, party]})

    assert response.status_code == 400
    assert response.json() == {"parties": ["Zhangjiakou is listed twice with the same role."]}


def test_an_unknown_party_is_a_field_error_and_nothing_is_created(api):
    response = api.post(
        "/api/partnerships/", {"title": "Ghost", "parties": [{"organization": 999999}]}
    )

    assert response.status_code == 400
    assert response.json() == {
        "parties": {"0": {"organization": ['Invalid pk "999999" - object does not exist.']}}
    }
    assert not Partnership.objects.exists()


def test_dates_out_of_order_are_refused_on_the_end_date(api):
    response = api.post(
        "/api/partnerships/",
        {"title": "Backwards", "start_date": "2020-01-01", "end_date": "2019-01-01"},
    )

    assert response.status_code == 400
    assert response.json() == {"end_date": ["The end date cannot be before the start date."]}


def test_model_constraints_become_field_errors(api):
    response = api.post("/api/partnerships/", {"title": "Free", "value_amount": "0"})

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["The value must be greater than zero."]}


def test_a_renewal_notice_longer_than_ten_years_is_refused(api):
    response = api.post("/api/partnerships/", {"title": "Long", "renewal_notice_days": 4000})

    assert response.status_code == 400
    assert "renewal_notice_days" in response.json()


# Updating -----------------------------------------------------------------------------


def test_the_owner_edits_and_the_version_goes_up(api, partnership):
    response = api.patch(_detail(partnership), {"title": "Chambéry – Zhangjiakou 2", "version": 1})

    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Chambéry – Zhangjiakou 2"
    assert response.json()["version"] == 2
    partnership.refresh_from_db()
    assert partnership.version == 2


def test_an_update_without_a_version_is_refused_with_a_message(api, partnership):
    before = db_snapshot()

    response = api.patch(_detail(partnership), {"title": "Blind"})

    assert response.status_code == 400
    assert "version" in response.json()
    assert "overwritten" in response.json()["version"][0]
    assert db_snapshot() == before


def test_an_update_from_a_stale_copy_is_a_409(api, partnership, teammate):
    partnership.title = "Changed by the teammate"
    partnership.save()  # now at version 2
    before = db_snapshot()

    response = api.patch(_detail(partnership), {"title": "Mine", "version": 1})

    assert response.status_code == 409
    assert "Someone else changed this partnership" in response.json()["detail"]
    assert db_snapshot() == before


def test_put_replaces_the_parties_keeping_those_that_stay(api, world):
    kept = PartnershipParty.objects.get(partnership=world.partnership)
    other = factories.OrganizationFactory(name="Savoie Mont Blanc University", country="FR")

    response = api.put(
        _detail(world.partnership),
        {
            "title": "Chambéry – Zhangjiakou",
            "version": 1,
            "parties": [
                {"organization": other.pk, "role": "signatory"},
                {"organization": world.organization.pk, "role": "partner"},
            ],
        },
    )

    assert response.status_code == 200, response.content
    parties = list(PartnershipParty.objects.filter(partnership=world.partnership))
    assert [(p.organization, p.role, p.order) for p in parties] == [
        (other, "signatory", 0),
        (world.organization, "partner", 1),
    ]
    assert kept.pk in [p.pk for p in parties]
    assert [p["organization_name"] for p in response.json()["parties"]] == [
        "Savoie Mont Blanc University",
        "Zhangjiakou",
    ]


def test_a_patch_of_parties_needs_whole_parties(api, world):
    url = _detail(world.partnership)

    incomplete = api.patch(url, {"parties": [{"role": "funder"}], "version": 1})
    no_role = api.patch(url, {"parties": [{"organization": world.organization.pk}], "version": 1})

    assert incomplete.status_code == 400
    assert incomplete.json() == {"parties": {"0": {"organization": ["This field is required."]}}}
    assert no_role.status_code == 200
    assert no_role.json()["parties"][0]["role"] == "partner"


def test_a_patch_without_parties_leaves_them_alone(api, world):
    response = api.patch(_detail(world.partnership), {"summary": "Nordic skiing", "version": 1})

    assert response.status_code == 200
    assert PartnershipParty.objects.filter(partnership=world.partnership).count() == 1


def test_a_plain_update_cannot_change_the_stage(api, partnership):
    before = db_snapshot()

    response = api.patch(_detail(partnership), {"stage": "contract", "version": 1})

    assert response.status_code == 400
    assert "/move/" in response.json()["stage"][0]
    assert db_snapshot() == before


def test_a_plain_update_cannot_change_the_status(api, partnership):
    response = api.patch(_detail(partnership), {"status": "concluded", "version": 1})

    assert response.status_code == 400
    assert "/status/" in response.json()["status"][0]


def test_sending_back_what_was_read_is_a_valid_update(api, world):
    read = api.get(_detail(world.partnership)).json()
    read["title"] = "Read, changed, written"

    response = api.put(_detail(world.partnership), read)

    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Read, changed, written"
    assert response.json()["stage"] == read["stage"]


def test_creator_timestamps_and_history_fields_are_read_only(api, partnership, outsider):
    created_at = partnership.created_at

    response = api.patch(
        _detail(partnership),
        {
            "version": 1,
            "created_by": outsider.pk,
            "created_at": "2001-01-01T00:00:00Z",
            "updated_at": "2001-01-01T00:00:00Z",
            "stage_changed_on": "2001-01-01",
            "renewal_due_on": "2001-01-01",
        },
    )

    assert response.status_code == 200
    partnership.refresh_from_db()
    assert partnership.created_by is None  # the factory does not set it; still not the outsider
    assert partnership.created_at == created_at
    assert partnership.stage_changed_on != datetime.date(2001, 1, 1)
    assert partnership.updated_at.year != 2001


def test_staff_cannot_reassign_a_partnership_by_editing_its_owner(api, partnership, outsider):
    before = db_snapshot()

    response = api.patch(_detail(partnership), {"owner": outsider.pk, "version": 1})

    assert response.status_code == 403
    assert response.json() == {"detail": "Only managers can reassign a partnership."}
    assert db_snapshot() == before


def test_a_manager_reassigns_a_partnership(api_for, manager, partnership, outsider):
    response = api_for(manager).patch(_detail(partnership), {"owner": outsider.pk, "version": 1})

    assert response.status_code == 200
    assert response.json()["owner_name"] == "Oscar Outsider"


def test_an_inactive_user_cannot_become_owner(api_for, manager, partnership, outsider):
    outsider.is_active = False
    outsider.save()

    response = api_for(manager).patch(_detail(partnership), {"owner": outsider.pk, "version": 1})

    assert response.status_code == 400
    assert "owner" in response.json()


# Stage moves ------------------------------------------------------------------------


def test_moving_forward_records_the_move(api, partnership, owner):
    response = api.post(
        f"{_detail(partnership)}move/",
        {"stage": "contract", "note": "Signed in Chambéry", "version": 1},
    )

    assert response.status_code == 200, response.content
    assert response.json()["stage"] == "contract"
    assert response.json()["version"] == 2
    move = StageChange.objects.filter(partnership=partnership).last()
    assert (move.from_stage, move.to_stage, move.changed_by) == ("prospect", "contract", owner)
    assert move.note == "Signed in Chambéry"


def test_moving_back_without_a_note_is_a_400_with_a_clear_message(api, partnership, owner):
    lifecycle.move_stage(
        partnership, to="agreement", by=owner, expected_version=partnership.version
    )
    before = db_snapshot()

    response = api.post(f"{_detail(partnership)}move/", {"stage": "prospect", "version": 2})

    assert response.status_code == 400
    assert response.json() == {"note": ["Moving back to an earlier stage needs a note saying why."]}
    assert db_snapshot() == before


def test_moving_back_with_a_note_is_recorded(api, partnership, owner):
    lifecycle.move_stage(
        partnership, to="agreement", by=owner, expected_version=partnership.version
    )

    response = api.post(
        f"{_detail(partnership)}move/",
        {"stage": "prospect", "note": "The agreement lapsed", "version": 2},
    )

    assert response.status_code == 200
    assert StageChange.objects.filter(partnership=partnership).last().is_backward


def test_an_outsider_cannot_move_someone_elses_partnership(api_for, outsider, partnership):
    before = db_snapshot()

    response = api_for(outsider).post(
        f"{_detail(partnership)}move/", {"stage": "contract", "version": 1}
    )

    assert response.status_code == 403
    assert db_snapshot() == before


def test_a_move_to_an_unknown_stage_is_a_field_error(api, partnership):
    response = api.post(f"{_detail(partnership)}move/", {"stage": "signed", "version": 1})

    assert response.status_code == 400
    assert response.json() == {"stage": ['"signed" is not a valid choice.']}


def test_a_move_in_the_future_is_refused(api, partnership):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = api.post(
        f"{_detail(partnership)}move/",
        {"stage": "contract", "effective_date": str(tomorrow), "version": 1},
    )

    assert response.status_code == 400
    assert response.json() == {"effective_date": ["The effective date cannot be in the future."]}


def test_a_move_from_a_stale_version_is_a_409(api, partnership, owner):
    lifecycle.move_stage(
        partnership, to="agreement", by=owner, expected_version=partnership.version
    )  # version 2 now

    response = api.post(f"{_detail(partnership)}move/", {"stage": "contract", "version": 1})

    assert response.status_code == 409


@pytest.mark.parametrize(
    ("path", "body"), [("move", {"stage": "contract"}), ("status", {"status": "on_hold"})]
)
def test_a_move_or_status_change_without_a_version_is_a_400(api, partnership, path, body):
    before = db_snapshot()

    response = api.post(f"{_detail(partnership)}{path}/", body)

    assert response.status_code == 400
    assert list(response.json()) == ["version"]
    assert "nobody else's change is overwritten" in response.json()["version"][0]
    assert db_snapshot() == before


def test_a_status_change_from_a_stale_version_is_a_409(api, partnership, owner):
    lifecycle.move_stage(
        partnership, to="agreement", by=owner, expected_version=partnership.version
    )
    before = db_snapshot()

    response = api.post(f"{_detail(partnership)}status/", {"status": "on_hold", "version": 1})

    assert response.status_code == 409
    assert "Someone else changed this partnership" in response.json()["detail"]
    assert db_snapshot() == before


def test_a_closed_partnership_does_not_move(api, partnership, owner):
    lifecycle.change_status(
        partnership, to="concluded", by=owner, expected_version=partnership.version
    )

    response = api.post(f"{_detail(partnership)}move/", {"stage": "contract", "version": 2})

    assert response.status_code == 400
    assert "reopen it first" in response.json()["stage"][0]


def test_a_move_can_cite_a_document_of_the_partnership_only(api, world):
    other = factories.DocumentFactory()
    url = f"{_detail(world.partnership)}move/"

    refused = api.post(url, {"stage": "agreement", "document": other.pk, "version": 1})
    accepted = api.post(url, {"stage": "agreement", "document": world.document.pk, "version": 1})

    assert refused.status_code == 400
    assert refused.json() == {"document": ["The document belongs to another partnership."]}
    assert accepted.status_code == 200
    assert StageChange.objects.filter(partnership=world.partnership).last().document == (
        world.document
    )


# Status --------------------------------------------------------------------------------


def test_abandoning_needs_a_reason_and_a_note(api, partnership):
    reason = factories.AbandonReasonFactory(name="Political change")
    url = f"{_detail(partnership)}status/"

    no_reason = api.post(url, {"status": "abandoned", "note": "New governor", "version": 1})
    no_note = api.post(url, {"status": "abandoned", "reason": reason.pk, "version": 1})
    done = api.post(
        url, {"status": "abandoned", "reason": reason.pk, "note": "New governor", "version": 1}
    )

    assert no_reason.status_code == 400
    assert no_reason.json() == {"reason": ["Choose why the partnership is abandoned."]}
    assert no_note.status_code == 400
    assert "note" in no_note.json()
    assert done.status_code == 200
    assert done.json()["status"] == "abandoned"
    assert done.json()["abandon_reason_name"] == "Political change"
    assert StatusChange.objects.get(partnership=partnership).reason == reason


def test_putting_on_hold_and_resuming(api, partnership):
    url = f"{_detail(partnership)}status/"

    assert api.post(url, {"status": "on_hold", "version": 1}).json()["status"] == "on_hold"
    assert api.post(url, {"status": "active", "version": 2}).json()["status"] == "active"
    assert StatusChange.objects.filter(partnership=partnership).count() == 2


# Delete and restore --------------------------------------------------------------------


def test_a_manager_deletes_softly_and_restores(api_for, manager, partnership):
    client = api_for(manager)

    deleted = client.delete(_detail(partnership))

    assert deleted.status_code == 204
    assert Partnership.all_objects.get(pk=partnership.pk).deleted_by == manager
    assert client.get(_detail(partnership)).status_code == 404

    restored = client.post(f"{_detail(partnership)}restore/")

    assert restored.status_code == 200
    assert restored.json()["id"] == partnership.pk
    assert client.get(_detail(partnership)).status_code == 200


def test_staff_cannot_restore(api_for, manager, owner, partnership):
    lifecycle.soft_delete(partnership, by=manager)

    response = api_for(owner).post(f"{_detail(partnership)}restore/")

    assert response.status_code == 403
    assert Partnership.all_objects.get(pk=partnership.pk).is_deleted


def test_restoring_an_unknown_partnership_is_a_404(api_for, manager):
    assert api_for(manager).post("/api/partnerships/424242/restore/").status_code == 404


def test_the_history_records_who_changed_what_through_the_api(api, api_for, partnership, owner):
    api.patch(_detail(partnership), {"summary": "Savoie Technolac joins", "version": 1})
    api.post(f"{_detail(partnership)}move/", {"stage": "agreement", "version": 2})

    latest, edit = partnership.history.order_by("-history_id")[:2]
    assert (latest.stage, latest.history_user) == ("agreement", owner)
    assert (edit.summary, edit.history_user) == ("Savoie Technolac joins", owner)

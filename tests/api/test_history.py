"""GET /api/<resource>/<id>/history/: a record's changes, read-only, field by
field (old → new), for managers and admins only."""

from __future__ import annotations

import pytest

from partnerships import lifecycle
from partnerships.lifecycle import Party
from partnerships.models import Partnership
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def edited(owner, manager):
    zhangjiakou = factories.OrganizationFactory(name="Zhangjiakou", country="CN")
    partnership = lifecycle.create_partnership(
        Partnership(title="Winter cooperation", owner=owner), by=owner
    )
    partnership.title = "Winter sports cooperation"
    lifecycle.update_partnership(
        partnership,
        by=manager,
        expected_version=partnership.version,
        parties=[Party(zhangjiakou, "signatory")],
    )
    return partnership


def test_a_manager_reads_the_changes_of_a_partnership_newest_first(api_for, manager, edited):
    response = api_for(manager).get(f"/api/partnerships/{edited.pk}/history/")

    assert response.status_code == 200
    latest, first = response.json()
    assert (latest["kind"], latest["by"], first["kind"]) == ("changed", manager.pk, "created")
    changes = {change["field"]: (change["old"], change["new"]) for change in latest["changes"]}
    assert changes["title"] == ("Winter cooperation", "Winter sports cooperation")
    assert changes["parties"] == ("—", "Zhangjiakou (Signatory)")


@pytest.mark.parametrize("resource", ["organizations", "contacts", "meetings", "actions"])
def test_every_record_has_its_history(api_for, manager, owner, resource):
    record = {
        "organizations": lambda: factories.OrganizationFactory(),
        "contacts": lambda: factories.ContactFactory(),
        "meetings": lambda: factories.MeetingFactory(logged_by=owner),
        "actions": lambda: factories.ActionFactory(owner=owner),
    }[resource]()

    response = api_for(manager).get(f"/api/{resource}/{record.pk}/history/")

    assert response.status_code == 200
    assert response.json()[-1]["kind"] == "created"


def test_staff_are_refused_the_history_and_it_cannot_be_written(api_for, api, manager, edited):
    refused = api.get(f"/api/partnerships/{edited.pk}/history/")
    written = api_for(manager).post(f"/api/partnerships/{edited.pk}/history/", {})

    assert refused.status_code == 403
    assert refused.json()["detail"] == "The history of records is for managers."
    assert written.status_code == 405

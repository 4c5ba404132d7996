"""Dormancy alerts through the API (issue 14): ``/api/dormancy-alerts/``, read
only, for whom the digest and the report show them, filterable, in a fixed
number of queries."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from partnerships import activity, lifecycle
from partnerships.models import DormancyAlert, Status
from tests import factories
from tests.api.conftest import token_client
from tests.clock import TODAY

pytestmark = pytest.mark.django_db

LIST = "/api/dormancy-alerts/"


def days_ago(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


def alerted(owner, *, title: str = "Chambéry – Zhangjiakou", days: int = 200, **extra):
    """A signed partnership quiet for ``days`` days, and the alert its owner got."""
    partnership = factories.PartnershipFactory(
        owner=owner, stage="agreement", stage_changed_on=days_ago(days), title=title, **extra
    )
    activity.refresh([partnership.pk], today=TODAY)
    partnership.refresh_from_db()
    return DormancyAlert.objects.create(
        partnership=partnership,
        quiet_since=partnership.last_engaged_on,
        alerted_on=days_ago(days - 120),
        owner=owner,
    )


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return sorted(row["partnership_title"] for row in response.json()["results"])


@pytest.fixture
def alerts(owner, teammate):
    return {
        "owners": alerted(owner, title="Owner's quiet agreement"),
        "teammates": alerted(teammate, title="Teammate's quiet agreement"),
    }


# Who sees them ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["manager", "admin"])
def test_managers_and_admins_read_every_alert_as_the_report_lists_them(persona, personas, alerts):
    response = token_client(personas[persona]).get(LIST)
    assert titles(response) == ["Owner's quiet agreement", "Teammate's quiet agreement"]


def test_staff_read_the_alerts_their_digest_sent_them(owner, outsider, alerts):
    assert titles(token_client(owner).get(LIST)) == ["Owner's quiet agreement"]
    assert titles(token_client(outsider).get(LIST)) == []
    other = alerts["teammates"].pk
    assert token_client(owner).get(f"{LIST}{other}/").status_code == 404


def test_staff_read_the_alerts_of_a_partnership_handed_to_them(owner, teammate, manager, alerts):
    partnership = alerts["teammates"].partnership
    partnership.owner = owner
    partnership.save(update_fields=["owner"])
    assert titles(token_client(owner).get(LIST)) == [
        "Owner's quiet agreement",
        "Teammate's quiet agreement",
    ]


def test_anonymous_clients_authenticate_and_roleless_ones_are_refused(no_role, alerts):
    assert token_client(None).get(LIST).status_code == 401
    assert token_client(no_role).get(LIST).status_code == 403


def test_alerts_are_read_only(manager, alerts):
    client = token_client(manager)
    pk = alerts["owners"].pk
    assert client.post(LIST, {}, format="json").status_code == 405
    assert (
        client.patch(f"{LIST}{pk}/", {"alerted_on": "2026-01-01"}, format="json").status_code == 405
    )
    assert client.delete(f"{LIST}{pk}/").status_code == 405


def test_a_deleted_partnerships_alerts_are_gone(manager, alerts):
    lifecycle.soft_delete(alerts["owners"].partnership, by=manager)
    assert titles(token_client(manager).get(LIST)) == ["Teammate's quiet agreement"]
    assert token_client(manager).get(f"{LIST}{alerts['owners'].pk}/").status_code == 404


# What they say, and filters ---------------------------------------------------------------


def test_an_alert_says_whom_it_told_and_whether_the_spell_goes_on(owner, manager, alerts):
    alert = alerts["owners"]
    body = token_client(manager).get(f"{LIST}{alert.pk}/").json()
    assert body == {
        "id": alert.pk,
        "partnership": alert.partnership_id,
        "partnership_title": "Owner's quiet agreement",
        "owner": owner.pk,
        "owner_name": owner.get_full_name() or owner.username,
        "quiet_since": days_ago(200).isoformat(),
        "alerted_on": days_ago(80).isoformat(),
        "is_open": True,
    }


def test_open_lists_the_spells_that_go_on_and_false_those_something_ended(
    owner, teammate, manager, alerts
):
    # A meeting held on the teammate's partnership ends its spell.
    meeting = factories.MeetingFactory(logged_by=teammate, start_date=days_ago(2))
    meeting.partnerships.add(alerts["teammates"].partnership)
    activity.refresh([alerts["teammates"].partnership_id], today=TODAY)
    # A concluded partnership is no longer quiet either.
    concluded = alerted(owner, title="Concluded agreement", status=Status.CONCLUDED)
    client = token_client(manager)
    assert titles(client.get(f"{LIST}?open=true")) == ["Owner's quiet agreement"]
    assert titles(client.get(f"{LIST}?open=false")) == [
        "Concluded agreement",
        "Teammate's quiet agreement",
    ]
    assert client.get(f"{LIST}{concluded.pk}/").json()["is_open"] is False


def test_alerts_filter_by_owner_and_by_partnership(owner, teammate, manager, alerts):
    client = token_client(manager)
    assert titles(client.get(f"{LIST}?owner={teammate.pk}")) == ["Teammate's quiet agreement"]
    partnership = alerts["owners"].partnership_id
    assert titles(client.get(f"{LIST}?partnership={partnership}")) == ["Owner's quiet agreement"]


def test_an_invalid_filter_is_a_400_naming_it(manager, alerts):
    response = token_client(manager).get(f"{LIST}?open=maybe")
    assert response.status_code == 400
    assert "open" in response.json()


# How many queries -------------------------------------------------------------------------

# The token, its user, their groups, the count and the page.
ALERT_LIST_QUERIES = 6


@pytest.mark.parametrize("size", [1, 15])
@pytest.mark.parametrize("persona", ["owner", "manager"])
def test_the_alert_list_takes_the_same_queries_for_one_or_many(
    size, persona, personas, django_assert_max_num_queries
):
    for i in range(size):
        alerted(personas["owner"], title=f"Quiet agreement {i}")
    client = token_client(personas[persona])
    with django_assert_max_num_queries(ALERT_LIST_QUERIES):
        response = client.get(LIST)
    assert response.json()["count"] == size
    with django_assert_max_num_queries(ALERT_LIST_QUERIES):
        assert client.get(reverse("api:dormancy-alert-list") + "?open=true").status_code == 200

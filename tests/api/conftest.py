"""API clients for each persona, authenticated the way scripts are: with a
personal token in the ``Authorization`` header."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from partnerships.models import (
    Action,
    ApiToken,
    Contact,
    Document,
    Meeting,
    Organization,
    Partnership,
    PartnershipParty,
    PartyRole,
    StageChange,
    StatusChange,
)
from tests import factories


def token_client(user) -> APIClient:
    """An API client for ``user`` (a fresh token), or anonymous for ``None``."""
    client = APIClient()
    if user is not None:
        _token, raw = ApiToken.issue(user=user, name="tests")
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def api_for(db) -> Callable[[object], APIClient]:
    return token_client


@pytest.fixture
def api(api_for, owner) -> APIClient:
    """The owner's client: a staff member."""
    return api_for(owner)


@pytest.fixture
def world(partnership, owner, teammate):
    """One record of each kind around the ``partnership`` fixture (owned by
    ``owner``, with ``teammate`` on the team): a party, a meeting the owner
    logged and the teammate attended, an action of the owner, a contact, a
    document."""
    return build_world(partnership, owner, teammate)


def build_world(partnership, owner, teammate) -> SimpleNamespace:
    """What the ``world`` fixture gives, for rows shared by many tests."""
    organization = factories.OrganizationFactory(
        name="Zhangjiakou", local_name="张家口市", country="CN"
    )
    factories.PartnershipPartyFactory(
        partnership=partnership, organization=organization, role=PartyRole.PARTNER
    )
    meeting = factories.MeetingFactory(logged_by=owner, title="Mission to Hebei")
    meeting.attendees.add(teammate)
    return SimpleNamespace(
        partnership=partnership,
        organization=organization,
        meeting=meeting,
        action=factories.ActionFactory(owner=owner, partnership=partnership, title="Send draft"),
        contact=factories.ContactFactory(organization=organization, name="Li Wei"),
        document=factories.DocumentFactory(partnership=partnership),
        sector=factories.SectorFactory(name="Winter sports", slug="winter-sports"),
    )


def db_snapshot() -> dict[str, object]:
    """Every row an API write could touch (deleted partnerships' too), to prove a
    refused request changed nothing."""
    return {
        "partnerships": list(
            Partnership.all_objects.order_by("pk").values_list(
                "pk", "version", "title", "stage", "status", "owner_id", "deleted_at"
            )
        ),
        "parties": list(PartnershipParty.all_objects.order_by("pk").values_list("pk", "role")),
        "stage_changes": StageChange.all_objects.count(),
        "status_changes": StatusChange.all_objects.count(),
        "meetings": list(
            Meeting.all_objects.order_by("pk").values_list("pk", "version", "title", "deleted_at")
        ),
        "actions": list(
            Action.all_objects.order_by("pk").values_list(
                "pk", "version", "title", "status", "owner_id", "deleted_at"
            )
        ),
        "organizations": list(
            Organization.objects.order_by("pk").values_list("pk", "name", "notes")
        ),
        "contacts": list(Contact.objects.order_by("pk").values_list("pk", "name", "title")),
        "documents": Document.all_objects.count(),
    }

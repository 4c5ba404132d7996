"""What the page tests share: one record of each kind around the `partnership`
fixture, and a snapshot of the database to prove that a refused request
changed nothing."""

from __future__ import annotations

import pytest

from partnerships.models import (
    Action,
    Contact,
    Document,
    DocumentSignatory,
    Meeting,
    Organization,
    Partnership,
    PartnershipParty,
    StageChange,
    StatusChange,
)
from tests import factories
from tests.clock import TODAY


def db_snapshot() -> dict[str, object]:
    """Every row a page could write, with the columns that a refused request
    must leave alone (versions included, so any save shows); the rows of
    deleted partnerships too."""
    return {
        "partnerships": list(
            Partnership.all_objects.order_by("pk").values_list(
                "pk", "version", "title", "stage", "status", "owner_id", "deleted_at"
            )
        ),
        "team": sorted(Partnership.team.through.objects.values_list("partnership_id", "user_id")),
        "parties": list(
            PartnershipParty.all_objects.order_by("pk").values_list("pk", "organization_id", "role")
        ),
        "stage_changes": StageChange.all_objects.count(),
        "status_changes": StatusChange.all_objects.count(),
        "meetings": list(
            Meeting.all_objects.order_by("pk").values_list(
                "pk", "version", "title", "status", "deleted_at"
            )
        ),
        "meeting_links": (
            Meeting.organizations.through.objects.count(),
            Meeting.contacts.through.objects.count(),
            Meeting.attendees.through.objects.count(),
            Meeting.partnerships.through.objects.count(),
        ),
        "actions": list(
            Action.all_objects.order_by("pk").values_list(
                "pk", "version", "title", "status", "owner_id", "outcome", "deleted_at"
            )
        ),
        "documents": list(Document.all_objects.order_by("pk").values_list("pk", "title")),
        "signatories": DocumentSignatory.all_objects.count(),
        "organizations": list(
            Organization.objects.order_by("pk").values_list("pk", "name", "parent_id")
        ),
        "contacts": list(Contact.objects.order_by("pk").values_list("pk", "name", "is_active")),
    }


@pytest.fixture
def organization(db):
    return make_organization()


@pytest.fixture
def contact(organization):
    return make_contact(organization)


@pytest.fixture
def meeting(owner, teammate, partnership, organization, contact):
    """Logged by the owner, attended by the teammate, about the partnership."""
    return make_meeting(owner, teammate, partnership, organization, contact)


@pytest.fixture
def action(owner, partnership, meeting):
    """Owned by the partnership's owner (the teammate does not own it)."""
    return make_action(owner, partnership, meeting)


@pytest.fixture
def document(owner, partnership):
    return make_document(owner, partnership)


# What the fixtures above give, for rows shared by many tests (tests.conftest.shared_rows).


def make_organization():
    return factories.OrganizationFactory(
        name="Zhangjiakou",
        local_name="张家口市",
        romanization="Zhangjiakou",
        kind="city",
        country="CN",
        locality="Zhangjiakou",
    )


def make_contact(organization):
    return factories.ContactFactory(organization=organization, name="Wang Wei", title="Mayor")


def make_meeting(owner, teammate, partnership, organization, contact):
    meeting = factories.MeetingFactory(logged_by=owner, title="Zhangjiakou delegation visit")
    meeting.attendees.set([teammate])
    meeting.partnerships.set([partnership])
    meeting.organizations.set([organization])
    meeting.contacts.set([contact])
    return meeting


def make_action(owner, partnership, meeting):
    return factories.ActionFactory(
        owner=owner, partnership=partnership, meeting=meeting, title="Send the draft agreement"
    )


def make_document(owner, partnership):
    return factories.DocumentFactory(
        partnership=partnership, uploaded_by=owner, title="Letter of intent, signed"
    )


# Form data as the pages post it ------------------------------------------------------


def _date(day) -> str:
    return day.isoformat() if day else ""


def management_form(prefix: str, *, total: int, initial: int = 0) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def partnership_form_data(partnership: Partnership | None = None, **changes) -> dict:
    """What the partnership form posts: the partnership as it stands (or a new
    one when ``partnership`` is None), with ``changes`` applied."""
    if partnership is None:
        data = {
            "title": "New partnership",
            "kind": "institutional",
            "stage": "prospect",
            "stage_since": "",
            "value_currency": "EUR",
            "parties-0-organization": "",
            "parties-0-role": "partner",
            **management_form("parties", total=1),
        }
    else:
        parties = list(partnership.parties.order_by("order", "pk"))
        data = {
            "title": partnership.title,
            "kind": partnership.kind,
            "owner": partnership.owner_id,  # only managers have the field
            "summary": partnership.summary,
            "team": [user.pk for user in partnership.team.all()],
            "sectors": [sector.pk for sector in partnership.sectors.all()],
            "value_amount": str(partnership.value_amount or ""),
            "value_currency": partnership.value_currency,
            "value_note": partnership.value_note,
            "signed_on": _date(partnership.signed_on),
            "start_date": _date(partnership.start_date),
            "end_date": _date(partnership.end_date),
            "renewal_notice_days": partnership.renewal_notice_days or "",
            "origin_meeting": partnership.origin_meeting_id or "",
            "source_url": partnership.source_url,
            "source_reference": partnership.source_reference,
            "version": partnership.version,
            **management_form("parties", total=len(parties), initial=len(parties)),
        }
        if partnership.renews_tacitly:
            data["renews_tacitly"] = "on"
        for index, party in enumerate(parties):
            data[f"parties-{index}-id"] = party.pk
            data[f"parties-{index}-partnership"] = partnership.pk
            data[f"parties-{index}-organization"] = party.organization_id
            data[f"parties-{index}-role"] = party.role
    data.update(changes)
    return data


def meeting_form_data(meeting: Meeting | None = None, *, actions=(), **changes) -> dict:
    """What the meeting form posts, with one row per follow-up action in
    ``actions`` (dicts of title, owner, due_date, priority, side, partnership)."""
    if meeting is None:
        data = {
            "kind": "meeting",
            "status": "held",
            "title": "Meeting",
            "start_date": TODAY.isoformat(),
            "end_date": "",
            "locality": "",
            "country": "",
            "parent": "",
            "summary": "",
            "outcomes": "",
        }
    else:
        data = {
            "kind": meeting.kind,
            "status": meeting.status,
            "title": meeting.title,
            "start_date": _date(meeting.start_date),
            "end_date": _date(meeting.end_date),
            "locality": meeting.locality,
            "country": str(meeting.country or ""),
            "parent": meeting.parent_id or "",
            "organizations": [o.pk for o in meeting.organizations.all()],
            "contacts": [c.pk for c in meeting.contacts.all()],
            "attendees": [u.pk for u in meeting.attendees.all()],
            "partnerships": [p.pk for p in meeting.partnerships.all()],
            "summary": meeting.summary,
            "outcomes": meeting.outcomes,
            "version": meeting.version,
        }
    data.update(management_form("actions", total=len(actions)))
    for index, row in enumerate(actions):
        values = {"priority": "normal", "side": "ours", "due_date": "", "partnership": ""}
        values.update(row)
        for name, value in values.items():
            data[f"actions-{index}-{name}"] = value
    data.update(changes)
    return data


def action_form_data(action: Action | None = None, **changes) -> dict:
    if action is None:
        data = {"title": "Action", "priority": "normal", "side": "ours", "due_date": ""}
    else:
        data = {
            "title": action.title,
            "owner": action.owner_id,
            "due_date": _date(action.due_date),
            "priority": action.priority,
            "side": action.side,
            "partnership": action.partnership_id or "",
            "meeting": action.meeting_id or "",
            "lead_organization": action.lead_organization_id or "",
            "details": action.details,
            "version": action.version,
        }
    data.update(changes)
    return data

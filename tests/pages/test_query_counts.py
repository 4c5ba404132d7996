"""Every list and detail page reads the database a fixed number of times,
whatever the number of rows it shows: the same N with one row of everything
and with many (the partnership's timeline included)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine

from partnerships import lifecycle
from partnerships.models import Partnership, Sector
from tests import factories
from tests.clock import TODAY, at
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

NOW = at(TODAY, 10)
MANY = 12


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def hub(frozen, owner, teammate, manager):
    """The records every page is about; `grow` hangs more and more rows on them."""
    region = factories.OrganizationFactory(name="Hebei Province", local_name="河北省")
    organization = factories.OrganizationFactory(
        name="Zhangjiakou", local_name="张家口市", parent=region
    )
    organization.sectors.set(Sector.objects.all()[:2])
    contact = factories.ContactFactory(organization=organization, name="Zhang Wei")
    partnership = factories.PartnershipFactory(
        owner=owner, team=[teammate], title="Zhangjiakou cooperation", value_amount=Decimal(10)
    )
    partnership.sectors.set(Sector.objects.all()[:2])
    factories.PartnershipPartyFactory(partnership=partnership, organization=organization)
    meeting = factories.MeetingFactory(title="Zhangjiakou forum", logged_by=owner)
    meeting.attendees.set([owner, teammate])
    meeting.organizations.set([organization])
    meeting.contacts.set([contact])
    meeting.partnerships.set([partnership])
    action = factories.ActionFactory(
        owner=owner, partnership=partnership, meeting=meeting, lead_organization=organization
    )
    factories.ExchangeRateFactory()
    return {
        "owner": owner,
        "teammate": teammate,
        "manager": manager,
        "organization": organization,
        "contact": contact,
        "partnership": partnership,
        "meeting": meeting,
        "action": action,
        "index": 0,
    }


def grow(hub: dict, count: int) -> None:
    """``count`` more rows of everything, each linked to the hub's records so
    that every list and every section of every detail page gets longer."""
    owner, teammate, manager = hub["owner"], hub["teammate"], hub["manager"]
    organization, contact = hub["organization"], hub["contact"]
    partnership, meeting = hub["partnership"], hub["meeting"]
    for _ in range(count):
        hub["index"] += 1
        i = hub["index"]
        person = factories.StaffFactory(username=f"colleague{i}", first_name=f"Zhang {i}")
        child = factories.OrganizationFactory(
            name=f"Zhangjiakou company {i}", parent=organization, local_name=f"公司{i}"
        )
        child.sectors.set(Sector.objects.all()[:2])
        factories.OrganizationRelationFactory(source=organization, target=child)
        factories.OrganizationRelationFactory(source=child, target=organization, kind="member")
        other_contact = factories.ContactFactory(organization=organization, name=f"Zhang {i}")
        other = factories.PartnershipFactory(
            owner=owner,
            team=[teammate, person],
            title=f"Zhangjiakou project {i}",
            value_amount=Decimal(1000 + i),
            value_currency="CNY" if i % 2 else "EUR",
            end_date=TODAY + datetime.timedelta(days=30 + i),
            renewal_notice_days=30,
            stage=["prospect", "agreement", "contract"][i % 3],
        )
        other.sectors.set(Sector.objects.all()[:3])
        # Issue 14: contracts implementing the hub agreement; past posts of the
        # hub's contact, and of people who once worked at the organization.
        other.framework = partnership
        other.save(update_fields=["framework"])
        factories.ContactPositionFactory(
            contact=contact,
            organization=child,
            title=f"Director {i}",
            start_date=datetime.date(2000 + i, 1, 1),
            end_date=datetime.date(2000 + i, 12, 31),
        )
        factories.ContactPositionFactory(
            contact=other_contact,
            organization=organization,
            title=f"Former deputy {i}",
            start_date=datetime.date(2000 + i, 1, 1),
            end_date=datetime.date(2000 + i, 6, 30),
        )
        factories.PartnershipPartyFactory(partnership=other, organization=organization)
        factories.PartnershipPartyFactory(partnership=other, organization=child)
        side = factories.MeetingFactory(
            title=f"Zhangjiakou side meeting {i}", logged_by=person, parent=meeting
        )
        side.attendees.set([owner, person])
        side.organizations.set([organization, child])
        side.contacts.set([contact, other_contact])
        side.partnerships.set([partnership, other])
        for due in (-3, 2):  # one overdue, one due this week
            factories.ActionFactory(
                title=f"Zhangjiakou follow-up {i}{due}",
                owner=owner,
                partnership=partnership,
                meeting=meeting,
                lead_organization=organization,
                due_date=TODAY + datetime.timedelta(days=due),
                created_by=person,
            )
        done = factories.ActionFactory(
            owner=person, partnership=partnership, meeting=meeting, created_by=person
        )
        lifecycle.complete_action(
            done, by=person, outcome=f"Outcome {i}", expected_version=done.version
        )
        document = factories.DocumentFactory(
            partnership=partnership, meeting=meeting, uploaded_by=person, title=f"Minutes {i}"
        )
        factories.DocumentSignatoryFactory(document=document, contact=contact)
        # The partnership's story: a move forward and back, a pause, an edit.
        current = Partnership.objects.get(pk=partnership.pk)
        lifecycle.move_stage(
            current, to="agreement", by=person, note=f"Step {i}", expected_version=current.version
        )
        lifecycle.move_stage(
            current, to="prospect", by=manager, note=f"Back {i}", expected_version=current.version
        )
        lifecycle.put_on_hold(current, by=person, expected_version=current.version)
        lifecycle.resume(current, by=person, expected_version=current.version)
        current.refresh_from_db()
        current.value_note = f"over {i} years"
        current.owner = owner if i % 2 else teammate
        current._history_user = person
        current.save()
        # Deleted rows, for the managers' list of them.
        for deleted in (
            factories.PartnershipFactory(owner=owner, title=f"Zhangjiakou dropped {i}"),
            factories.MeetingFactory(logged_by=owner),
            factories.ActionFactory(owner=owner),
        ):
            lifecycle.soft_delete(deleted, by=manager)


# The page, who opens it, and the most queries it may make: with one row of
# everything and with many. The search makes two queries per kind of record
# at most (the rows, then their count when the group is full).
LIST_PAGES = [
    # Three of them count a section that has more rows than it shows.
    ("my work", "/", "owner", 11),
    ("partnership list", "/partnerships/", "manager", 12),
    ("partnership list, filtered", "/partnerships/?search=zhang&ordering=-value", "manager", 12),
    ("meeting list", "/meetings/", "manager", 9),
    ("meeting list, filtered", "/meetings/?organization={organization}", "manager", 11),
    ("action list", "/actions/?pending=true", "manager", 6),
    ("action list, by partnership", "/actions/?partnership={partnership}", "manager", 8),
    ("organization list", "/organizations/", "manager", 7),
    ("contact list", "/contacts/", "manager", 6),
    ("search", "/search/?q=zhang", "manager", 11),
    ("deleted items", "/deleted/", "manager", 6),
    ("organization lookup", "/lookup/organizations/?q=zhang", "manager", 4),
    ("contact lookup", "/lookup/contacts/?q=zhang", "manager", 4),
    ("partnership lookup", "/lookup/partnerships/?q=zhang", "manager", 4),
    ("meeting lookup", "/lookup/meetings/?q=zhang", "manager", 4),
    ("people lookup", "/lookup/users/?q=zhang", "manager", 4),
]
# Managers and admins also get the history (partnerships/history.py): its rows,
# two for each many-to-many field it keeps (the rows, their names), one for
# each kind of record it names, and a partnership's parties.
DETAIL_PAGES = [
    # Issue 14: three more, the renewal chain, the implementing contracts and
    # the targets with their yearly results.
    ("partnership detail and timeline", "/partnerships/{partnership}/", "manager", 29),
    # One more than before issue 12: the documents' signatories; three more for issue 14.
    ("partnership detail for staff", "/partnerships/{partnership}/", "teammate", 19),
    # One more for issue 14: the contacts' posts, for the title held that day.
    ("meeting detail", "/meetings/{meeting}/", "manager", 22),
    # Three more than the empty form: the partnership new action rows start with,
    # read for the row and for the template of the next one.
    ("meeting edit form", "/meetings/{meeting}/edit/", "owner", 18),
    ("action detail", "/actions/{action}/", "manager", 10),
    # One more each for issue 14: the past holders of posts, the career.
    ("organization detail", "/organizations/{organization}/", "manager", 20),
    ("contact detail", "/contacts/{contact}/", "manager", 10),
]


def open_pages(hub: dict, pages: list, assert_max_queries) -> dict[str, int]:
    """Open every page within its query budget; the size of each answer."""
    ids = {key: value.pk for key, value in hub.items() if hasattr(value, "pk")}
    sizes = {}
    for name, template, viewer, most in pages:
        client = client_for(hub[viewer])
        with assert_max_queries(most, info=name):
            response = client.get(template.format(**ids))
        assert response.status_code == 200, name
        sizes[name] = len(response.content)
    return sizes


# One test per group of pages, each growing the data once: building many rows
# of everything is the slow part.


def test_list_pages_make_as_many_queries_for_many_rows_as_for_one(
    hub, django_assert_max_num_queries
):
    grow(hub, 1)
    small = open_pages(hub, LIST_PAGES, django_assert_max_num_queries)
    grow(hub, MANY)
    large = open_pages(hub, LIST_PAGES, django_assert_max_num_queries)

    assert [name for name in small if large[name] <= small[name]] == []


def test_detail_pages_make_as_many_queries_for_many_rows_as_for_one(
    hub, django_assert_max_num_queries
):
    grow(hub, 1)
    small = open_pages(hub, DETAIL_PAGES, django_assert_max_num_queries)
    grow(hub, MANY)
    large = open_pages(hub, DETAIL_PAGES, django_assert_max_num_queries)

    assert [name for name in small if large[name] <= small[name]] == []

"""Every list runs a fixed number of queries, whatever the number of rows or the
page size: the same bound holds for 2 rows and for 30 fully linked ones."""

from __future__ import annotations

import datetime

import pytest

from partnerships.models import DormancyAlert
from tests import factories
from tests.conftest import make_persona, shared_rows

pytestmark = pytest.mark.django_db

# Authentication (the address's failure count in the shared cache: 1, token
# and user: 1, the user's role groups: 1, noting the token's use: 1), the page
# count, the rows, and one query per prefetched link.
LISTS = {
    "/api/partnerships/": 9,  # + parties, sectors, team
    "/api/stage-changes/": 6,
    "/api/meetings/": 10,  # + organizations, contacts, attendees, partnerships
    "/api/actions/": 6,
    "/api/organizations/": 7,  # + sectors
    "/api/contacts/": 7,  # + positions with their organizations
    "/api/contact-positions/": 6,
    "/api/documents/": 7,  # + signatories with their contacts
    "/api/sectors/": 6,
    "/api/users/": 6,
    "/api/abandon-reasons/": 6,
    "/api/dormancy-alerts/": 6,  # partnership and owner joined
}


def _linked_rows(count: int, users: list) -> None:
    """``count`` of each record, each with every link a list shows."""
    owner, teammate = users
    sector = factories.SectorFactory()
    for _ in range(count):
        organization = factories.OrganizationFactory(parent=factories.OrganizationFactory())
        organization.sectors.add(sector)
        contact = factories.ContactFactory(organization=organization)
        factories.ContactPositionFactory(
            contact=contact,
            start_date=datetime.date(2015, 1, 1),
            end_date=datetime.date(2019, 1, 1),
        )
        partnership = factories.PartnershipFactory(owner=owner, team=[teammate])
        partnership.sectors.add(sector)
        factories.PartnershipPartyFactory(partnership=partnership, organization=organization)
        factories.PartnershipPartyFactory(partnership=partnership, role="funder")
        meeting = factories.MeetingFactory(logged_by=owner, parent=factories.MeetingFactory())
        meeting.organizations.add(organization)
        meeting.contacts.add(contact)
        meeting.attendees.add(teammate)
        meeting.partnerships.add(partnership)
        factories.ActionFactory(
            owner=owner, partnership=partnership, meeting=meeting, lead_organization=organization
        )
        document = factories.DocumentFactory(partnership=partnership, meeting=meeting)
        factories.DocumentSignatoryFactory(document=document, contact=contact)
        DormancyAlert.objects.create(
            partnership=partnership,
            quiet_since=datetime.date(2020, 1, 1),
            alerted_on=datetime.date(2020, 5, 1),
            owner=owner,
        )
        factories.UserFactory()


@pytest.fixture(scope="module")
def linked_rows(request, django_db_setup, django_db_blocker):
    """``_linked_rows(n)`` for the owner and the teammate, made once for the tests
    that ask for the same ``n`` (an indirect parameter); gives ``n``."""

    def build() -> int:
        _linked_rows(request.param, [make_persona("owner"), make_persona("teammate")])
        return request.param

    yield from shared_rows(django_db_blocker, build)


@pytest.mark.parametrize("linked_rows", [2, 30], indirect=True)
def test_every_list_runs_the_same_number_of_queries_for_few_and_many_rows(
    api_for, owner, linked_rows, django_assert_max_num_queries
):
    rows = linked_rows
    for url, queries in LISTS.items():
        client = api_for(owner)  # a fresh token: its first use is noted, as in real life
        with django_assert_max_num_queries(queries, info=url):
            response = client.get(f"{url}?page_size=200")
        assert response.status_code == 200
        assert len(response.json()["results"]) >= min(rows, 2)


FILTERED = {
    "/api/partnerships/": "owner={owner}&member={owner}&search=a&sector=s&ordering=-created",
    "/api/meetings/": "logged_by={owner}&attendee={owner}&search=a&ordering=-created",
    "/api/actions/": "owner={owner}&pending=true&search=a&ordering=-updated",
    "/api/dormancy-alerts/": "owner={owner}&open=false&ordering=-alerted_on",
}


@pytest.mark.parametrize("linked_rows", [30], indirect=True)
def test_filters_add_a_fixed_number_of_queries(
    api_for, owner, linked_rows, django_assert_max_num_queries
):
    factories.SectorFactory(slug="s")

    for url, query in FILTERED.items():
        client = api_for(owner)
        # + one look-up per filter naming a record (a user, a sector)
        bound = LISTS[url] + query.count("{owner}") + 1
        with django_assert_max_num_queries(bound, info=url):
            response = client.get(f"{url}?{query.format(owner=owner.pk)}&page_size=200")
        assert response.status_code == 200, response.content

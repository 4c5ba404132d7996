"""Every filter of every list, through the pages' FilterSets; invalid values are
400s naming the parameter; ordering is stable (pages of results: test_pagination.py)."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from partnerships import lifecycle
from partnerships.models import Partnership
from tests import factories
from tests.clock import TODAY
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _ids(client, url: str) -> list[int]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def catalogue(owner, teammate, outsider, manager):
    """Three partnerships that differ on every filtered field."""
    winter = factories.SectorFactory(name="Winter sports", slug="winter-sports")
    health = factories.SectorFactory(name="Health care", slug="health-care")
    zhangjiakou = factories.OrganizationFactory(
        name="Zhangjiakou", local_name="张家口市", kind="city", country="CN"
    )
    poma = factories.OrganizationFactory(name="POMA", kind="company", country="FR")
    ruijin = factories.OrganizationFactory(name="Ruijin Hospital", kind="hospital", country="CN")

    twinning = factories.PartnershipFactory(
        title="Chambéry – Zhangjiakou", owner=owner, team=[teammate], kind="institutional"
    )
    twinning.sectors.add(winter)
    factories.PartnershipPartyFactory(partnership=twinning, organization=zhangjiakou)

    lifts = factories.PartnershipFactory(
        title="POMA ski lifts for Thaiwoo",
        owner=outsider,
        kind="commercial",
        stage="contract",
        value_amount=200_000_000,
        end_date=datetime.date(2027, 1, 1),
        renewal_notice_days=90,
    )
    lifts.sectors.add(winter)
    factories.PartnershipPartyFactory(partnership=lifts, organization=poma)
    factories.ActionFactory(
        partnership=lifts, owner=outsider, due_date=TODAY - datetime.timedelta(days=3)
    )

    hospitals = factories.PartnershipFactory(
        title="Ruijin – Lyon university hospitals",
        owner=manager,
        kind="health",
        stage="renewal",
        end_date=datetime.date(2030, 6, 30),
    )
    hospitals.sectors.add(health)
    factories.PartnershipPartyFactory(partnership=hospitals, organization=ruijin)
    lifecycle.change_status(hospitals, to="on_hold", by=manager, expected_version=hospitals.version)

    return SimpleNamespace(
        twinning=twinning,
        lifts=lifts,
        hospitals=hospitals,
        zhangjiakou=zhangjiakou,
        poma=poma,
        winter=winter,
    )


# Partnerships -------------------------------------------------------------------------

PARTNERSHIP_QUERIES = [
    ("stage=contract", ["lifts"]),
    ("stage=contract&stage=renewal", ["lifts", "hospitals"]),
    ("status=on_hold", ["hospitals"]),
    ("status=active", ["twinning", "lifts"]),
    ("kind=health", ["hospitals"]),
    ("sector=winter-sports", ["twinning", "lifts"]),
    ("sector=health-care&sector=winter-sports", ["twinning", "lifts", "hospitals"]),
    ("country=FR", ["lifts"]),
    ("country=CN", ["twinning", "hospitals"]),
    ("organization_kind=hospital", ["hospitals"]),
    ("overdue=true", ["lifts"]),
    ("overdue=false", ["twinning", "hospitals"]),
    ("search=zhangjiakou", ["twinning"]),
    ("search=张家口", ["twinning"]),
    ("search=chambery", ["twinning"]),  # without the accent
    ("end_after=2028-01-01", ["hospitals"]),
    ("end_before=2028-01-01", ["lifts"]),
    ("renewal_due_before=2026-12-31", ["lifts"]),
    ("ordering=title", ["twinning", "lifts", "hospitals"]),
    ("ordering=-value", ["lifts", "twinning", "hospitals"]),  # no value: last, then by id
    ("ordering=end_date", ["lifts", "hospitals", "twinning"]),
    ("ordering=stage", ["lifts", "twinning", "hospitals"]),
]


@pytest.mark.parametrize(("query", "expected"), PARTNERSHIP_QUERIES)
def test_partnership_filters(api, catalogue, query, expected):
    ids = _ids(api, f"/api/partnerships/?{query}")

    if query.startswith("ordering"):
        assert ids[: len(expected)] == [getattr(catalogue, name).pk for name in expected]
    else:
        assert sorted(ids) == sorted(getattr(catalogue, name).pk for name in expected)


def test_partnerships_filter_by_owner_member_and_organization(
    api, catalogue, owner, teammate, outsider
):
    assert _ids(api, f"/api/partnerships/?owner={outsider.pk}") == [catalogue.lifts.pk]
    assert _ids(api, f"/api/partnerships/?member={teammate.pk}") == [catalogue.twinning.pk]
    assert _ids(api, f"/api/partnerships/?organization={catalogue.poma.pk}") == [catalogue.lifts.pk]


def test_partnerships_filter_by_last_update(api, catalogue):
    Partnership.objects.filter(pk=catalogue.lifts.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=400)
    )
    since = (timezone.now() - datetime.timedelta(days=30)).isoformat()

    ids = _ids(api, "/api/partnerships/?" + f"updated_after={since}".replace("+", "%2B"))

    assert sorted(ids) == sorted([catalogue.twinning.pk, catalogue.hospitals.pk])


@pytest.mark.parametrize(
    "query",
    [
        "stage=contract",
        "status=active&sector=winter-sports",
        "country=CN&ordering=-updated",
        "search=hospital",
        "overdue=true",
    ],
)
def test_the_api_and_the_partnership_list_page_agree(catalogue, owner, api, query):
    page = client_for(owner).get(f"/partnerships/?{query}")
    on_the_page = [row.pk for row in page.context["listing"].rows]

    assert _ids(api, f"/api/partnerships/?{query}") == on_the_page


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("stage=signed", "stage"),
        ("status=lost", "status"),
        ("owner=abc", "owner"),
        ("owner=99999999999999999999999", "owner"),
        ("member=-1", "member"),
        ("sector=no-such-sector", "sector"),
        ("country=XX", "country"),
        ("overdue=maybe", "overdue"),
        ("end_after=2024-13-45", "end_after"),
        ("updated_after=yesterday", "updated_after"),
        ("updated_after=0001-01-01T00:00", "updated_after"),
        ("ordering=password", "ordering"),
        ("organization=1.5", "organization"),
        ("owner=", "owner"),
        ("owner=%D9%A3", "owner"),  # an Arabic-Indic digit
        ("overdue=", "overdue"),
        ("end_after=25/12/2024", "end_after"),
        ("updated_after=2024-12-25", "updated_after"),
        ("updated_after=2024-13-45T10:00", "updated_after"),
    ],
)
def test_an_invalid_filter_value_is_a_400_naming_the_parameter(api, catalogue, query, field):
    response = api.get(f"/api/partnerships/?{query}")

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_a_yes_no_filter_takes_only_true_or_false(api, world):
    assert api.get("/api/contacts/?is_active=true").status_code == 200
    response = api.get("/api/contacts/?is_active=maybe")

    assert response.status_code == 400
    assert response.json() == {"is_active": ["Give true or false."]}


def test_unknown_parameters_are_ignored(api, catalogue):
    assert len(_ids(api, "/api/partnerships/?colour=blue")) == 3


# Actions ---------------------------------------------------------------------------------


@pytest.fixture
def todo(owner, outsider, catalogue):
    meeting = factories.MeetingFactory(title="Mission to Hebei", logged_by=owner)
    late = factories.ActionFactory(
        title="Send the ski school proposal",
        owner=owner,
        partnership=catalogue.twinning,
        priority="high",
        due_date=TODAY - datetime.timedelta(days=2),
        meeting=meeting,
        lead_organization=catalogue.zhangjiakou,
    )
    partner_side = factories.ActionFactory(
        title="Receive the air route study",
        owner=outsider,
        partnership=catalogue.lifts,
        side="partner",
        priority="low",
        due_date=TODAY + datetime.timedelta(days=20),
    )
    done = factories.ActionFactory(
        title="Book the hall", owner=owner, partnership=None, due_date=TODAY
    )
    lifecycle.complete_action(done, by=owner, expected_version=done.version)
    return SimpleNamespace(late=late, partner_side=partner_side, done=done, meeting=meeting)


def test_action_filters(api, todo, owner, outsider, catalogue):
    url = "/api/actions/?"
    late, partner_side, done = todo.late.pk, todo.partner_side.pk, todo.done.pk
    lifts_overdue = catalogue.lifts.actions.get(title__startswith="Action").pk

    assert sorted(_ids(api, url + "status=done")) == [done]
    assert late in _ids(api, url + "pending=true")
    assert done not in _ids(api, url + "pending=true")
    assert done in _ids(api, url + "pending=false")
    assert sorted(_ids(api, url + f"owner={owner.pk}")) == sorted([late, done])
    assert _ids(api, url + "side=partner") == [partner_side]
    assert _ids(api, url + "priority=low") == [partner_side]
    assert sorted(_ids(api, url + "overdue=true")) == sorted([late, lifts_overdue])
    assert _ids(api, url + f"meeting={todo.meeting.pk}") == [late]
    assert _ids(api, url + f"lead_organization={catalogue.zhangjiakou.pk}") == [late]
    assert sorted(_ids(api, url + f"partnership={catalogue.lifts.pk}")) == sorted(
        [partner_side, lifts_overdue]
    )
    assert _ids(api, url + "search=ski school") == [late]
    assert _ids(api, url + f"due_after={TODAY + datetime.timedelta(days=10)}") == [partner_side]
    assert late in _ids(api, url + f"due_before={TODAY - datetime.timedelta(days=1)}")
    assert _ids(api, url + "ordering=-due_date")[0] == partner_side


def test_actions_default_to_the_most_urgent_first(api, todo, catalogue):
    ids = _ids(api, "/api/actions/?pending=true")

    assert ids[0] == catalogue.lifts.actions.get(title__startswith="Action").pk  # 3 days late
    assert ids[1] == todo.late.pk


@pytest.mark.parametrize("query", ["status=late", "priority=urgent", "due_after=soon", "side=x"])
def test_invalid_action_filters_are_400s(api, todo, query):
    assert api.get(f"/api/actions/?{query}").status_code == 400


# Meetings --------------------------------------------------------------------------------


def test_meeting_filters(api, owner, teammate, outsider, catalogue):
    forum = factories.MeetingFactory(
        title="Forum on Winter Games business",
        kind="forum",
        country="FR",
        locality="Chambéry",
        start_date=datetime.date(2018, 11, 29),
        logged_by=owner,
    )
    forum.organizations.add(catalogue.zhangjiakou)
    forum.partnerships.add(catalogue.twinning)
    forum.attendees.add(teammate)
    signing = factories.MeetingFactory(
        title="Signing ceremony",
        kind="signing",
        status="planned",
        country="CN",
        start_date=datetime.date(2019, 1, 15),
        parent=forum,
        locality="Beijing",
        logged_by=outsider,
    )
    url = "/api/meetings/?"

    assert _ids(api, url + "kind=forum") == [forum.pk]
    assert _ids(api, url + "status=planned") == [signing.pk]
    assert _ids(api, url + "country=CN") == [signing.pk]
    assert _ids(api, url + f"organization={catalogue.zhangjiakou.pk}") == [forum.pk]
    assert _ids(api, url + f"partnership={catalogue.twinning.pk}") == [forum.pk]
    assert _ids(api, url + f"attendee={teammate.pk}") == [forum.pk]
    assert _ids(api, url + f"logged_by={outsider.pk}") == [signing.pk]
    assert _ids(api, url + f"parent={forum.pk}") == [signing.pk]
    assert _ids(api, url + "start_after=2019-01-01") == [signing.pk]
    assert _ids(api, url + "start_before=2019-01-01") == [forum.pk]
    assert _ids(api, url + "search=chambery") == [forum.pk]
    assert _ids(api, url + "ordering=start_date") == [forum.pk, signing.pk]
    assert _ids(api, url) == [signing.pk, forum.pk]  # the most recent first


# Organizations and contacts ---------------------------------------------------------------


def test_organization_filters(api, catalogue):
    chongli = factories.OrganizationFactory(
        name="Chongli District", kind="city", country="CN", parent=catalogue.zhangjiakou
    )
    catalogue.poma.sectors.add(catalogue.winter)
    url = "/api/organizations/?"

    assert sorted(_ids(api, url + "kind=city")) == sorted([catalogue.zhangjiakou.pk, chongli.pk])
    assert _ids(api, url + "country=FR") == [catalogue.poma.pk]
    assert _ids(api, url + "sector=winter-sports") == [catalogue.poma.pk]
    assert _ids(api, url + f"parent={catalogue.zhangjiakou.pk}") == [chongli.pk]
    assert _ids(api, url + "search=张家口") == [catalogue.zhangjiakou.pk]
    assert _ids(api, url + "ordering=-name")[0] == catalogue.zhangjiakou.pk


def test_contact_filters(api, catalogue):
    li = factories.ContactFactory(name="Li Wei", organization=catalogue.zhangjiakou)
    marc = factories.ContactFactory(name="Marc Dupont", organization=catalogue.poma)
    gone = factories.ContactFactory(name="Ann Former", organization=catalogue.poma, is_active=False)
    url = "/api/contacts/?"

    assert _ids(api, url + f"organization={catalogue.poma.pk}&ordering=name") == [
        gone.pk,
        marc.pk,
    ]
    assert _ids(api, url + "country=CN") == [li.pk]
    assert _ids(api, url + "organization_kind=company&is_active=true") == [marc.pk]
    assert _ids(api, url + "is_active=false") == [gone.pk]
    assert _ids(api, url + "search=dupont") == [marc.pk]
    assert _ids(api, url + "ordering=organization,name") == [gone.pk, marc.pk, li.pk]


# Documents ---------------------------------------------------------------------------------


def test_document_filters(api, catalogue):
    agreement = factories.DocumentFactory(
        partnership=catalogue.twinning, kind="agreement", title="Agreement"
    )
    meeting = factories.MeetingFactory(title="Signing in Beijing")
    minutes = factories.DocumentFactory(
        partnership=catalogue.lifts,
        kind="minutes",
        title="Minutes",
        meeting=meeting,
        signed_on=datetime.date(2017, 2, 15),
    )
    url = "/api/documents/?"

    assert _ids(api, url + "kind=minutes") == [minutes.pk]
    assert _ids(api, url + f"partnership={catalogue.lifts.pk}") == [minutes.pk]
    assert _ids(api, url + f"meeting={meeting.pk}") == [minutes.pk]
    assert _ids(api, url + "signed_before=2018-01-01") == [minutes.pk]
    assert _ids(api, url + "signed_after=2018-01-01") == []
    assert _ids(api, url + "ordering=-uploaded") == [minutes.pk, agreement.pk]
    assert _ids(api, url + "ordering=title") == [agreement.pk, minutes.pk]

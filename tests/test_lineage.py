"""Issue 14, point 5: agreement lineage. A partnership is renewed into a
successor (``lifecycle.renew_into_successor``) from its page, the API and the
admin; amendments are documents with a date and a summary in the timeline;
the page shows the chain and the implementing contracts of a framework; the
renewal cockpit counts a lineage once."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from partnerships import lifecycle, reports
from partnerships.errors import DomainError
from partnerships.models import Partnership, Stage, Status
from tests import factories
from tests.api.conftest import token_client
from tests.clock import TODAY
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_for(db):
    """The API's token clients, as in tests/api/."""
    return token_client


START = TODAY - datetime.timedelta(days=3 * 365)
END = TODAY + datetime.timedelta(days=20)


@pytest.fixture
def agreement(owner, teammate):
    partnership = factories.PartnershipFactory(
        owner=owner,
        team=[teammate],
        title="Chambéry – Zhangjiakou cooperation agreement",
        stage=Stage.AGREEMENT,
        value_amount=Decimal("250000"),
        value_currency="CNY",
        start_date=START,
        end_date=END,
        renewal_notice_days=60,
    )
    sector = factories.SectorFactory()
    partnership.sectors.add(sector)
    factories.PartnershipPartyFactory(partnership=partnership, role="signatory")
    factories.PartnershipPartyFactory(partnership=partnership, role="partner")
    return Partnership.objects.get(pk=partnership.pk)


def renew(partnership, *, by, **dates):
    return lifecycle.renew_into_successor(
        partnership=partnership,
        by=by,
        start=dates.get("start", END + datetime.timedelta(days=1)),
        end=dates.get("end", END + datetime.timedelta(days=3 * 365)),
    )


# The workflow ---------------------------------------------------------------------


def test_a_renewal_copies_parties_sectors_team_and_terms_and_concludes_the_predecessor(
    agreement, owner, teammate
):
    successor = renew(agreement, by=owner)

    agreement.refresh_from_db()
    assert agreement.status == Status.CONCLUDED
    assert (agreement.start_date, agreement.end_date) == (START, END)  # dates kept
    assert successor.predecessor == agreement
    assert successor.stage == Stage.RENEWAL and successor.status == Status.ACTIVE
    assert (successor.title, successor.owner, successor.value_amount) == (
        agreement.title,
        owner,
        agreement.value_amount,
    )
    assert successor.value_currency == "CNY" and successor.renewal_notice_days == 60
    assert list(successor.team.all()) == [teammate]
    assert set(successor.sectors.all()) == set(agreement.sectors.all())
    assert [(p.organization_id, p.role) for p in successor.parties.all()] == [
        (p.organization_id, p.role) for p in agreement.parties.all()
    ]
    assert successor.start_date == END + datetime.timedelta(days=1)


def test_a_chain_of_renewals_reads_in_order(agreement, owner):
    second = renew(agreement, by=owner)
    third = renew(
        second,
        by=owner,
        start=second.end_date + datetime.timedelta(days=1),
        end=second.end_date + datetime.timedelta(days=700),
    )

    assert [p.pk for p in third.lineage()] == [agreement.pk, second.pk, third.pk]
    assert [p.pk for p in agreement.lineage()] == [agreement.pk, second.pk, third.pk]


def test_a_partnership_is_renewed_once(agreement, owner):
    renew(agreement, by=owner)

    with pytest.raises(DomainError, match="already been renewed"):
        renew(Partnership.objects.get(pk=agreement.pk), by=owner)


def test_dates_out_of_order_are_refused_and_nothing_is_written(agreement, owner):
    before = Partnership.all_objects.count()
    with pytest.raises(DomainError):
        renew(agreement, by=owner, end=END - datetime.timedelta(days=400), start=END)

    assert Partnership.all_objects.count() == before
    agreement.refresh_from_db()
    assert agreement.status == Status.ACTIVE


def test_the_renewal_cockpit_counts_a_renewed_agreement_once(agreement, owner):
    before = reports.expiring(today=TODAY)
    assert agreement.pk in [p.pk for p in before.rows]

    renew(agreement, by=owner)

    after = reports.expiring(today=TODAY)
    assert agreement.pk not in [p.pk for p in after.rows]
    # The successor's decision is three years away: nothing is left to decide.
    assert after.rows == [] and all(count == 0 for _days, count in after.within)


# Pages ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("owner", 302),
        ("teammate", 302),
        ("outsider", 403),
        ("manager", 302),
        ("admin", 302),
        ("no_role", 403),
    ],
)
def test_who_may_renew_from_the_page(personas, agreement, persona, status):
    response = client_for(personas[persona]).post(
        f"/partnerships/{agreement.pk}/renew/",
        {
            "start": (END + datetime.timedelta(days=1)).isoformat(),
            "end": (END + datetime.timedelta(days=900)).isoformat(),
            "title": "",
            "version": agreement.version,
        },
    )

    assert response.status_code == status
    renewed = Partnership.objects.filter(predecessor=agreement).first()
    assert (renewed is not None) is (status == 302)
    if renewed is not None:
        assert response["Location"] == renewed.get_absolute_url()


def test_the_renew_form_proposes_the_day_after_the_end(agreement, owner):
    page = client_for(owner).get(f"/partnerships/{agreement.pk}/renew/").content.decode()

    assert (END + datetime.timedelta(days=1)).isoformat() in page


def test_a_renewal_with_an_end_before_its_start_is_refused_on_the_page(agreement, owner):
    response = client_for(owner).post(
        f"/partnerships/{agreement.pk}/renew/",
        {"start": END.isoformat(), "end": START.isoformat(), "version": agreement.version},
    )

    assert response.status_code == 400
    assert "The end date cannot be before the start date." in response.content.decode()
    assert not Partnership.objects.filter(predecessor=agreement).exists()


def test_the_page_shows_the_chain_and_offers_no_second_renewal(agreement, owner):
    successor = renew(agreement, by=owner)

    old = client_for(owner).get(agreement.get_absolute_url()).content.decode()
    new = client_for(owner).get(successor.get_absolute_url()).content.decode()

    assert "renews this one" in old and f"/partnerships/{successor.pk}/" in old
    assert f"/partnerships/{agreement.pk}/renew/" not in old
    assert "renewed by this one" in new and f"/partnerships/{agreement.pk}/" in new
    assert "Renews “" in new  # the timeline


def test_an_amendment_is_in_the_timeline_on_its_day_with_its_summary(agreement, owner):
    factories.DocumentFactory(
        partnership=agreement,
        kind="amendment",
        title="Amendment 1",
        summary="Adds a tourism exchange programme.",
        signed_on=TODAY - datetime.timedelta(days=100),
    )

    page = client_for(owner).get(agreement.get_absolute_url()).content.decode()

    assert "Amendment: Amendment 1" in page
    assert "Adds a tourism exchange programme." in page


def test_an_amendment_without_a_date_or_summary_is_refused(agreement, owner):
    upload = SimpleUploadedFile("amendment.txt", b"amendment", content_type="text/plain")
    response = client_for(owner).post(
        f"/partnerships/{agreement.pk}/documents/new/",
        {"file": upload, "title": "Amendment 2", "kind": "amendment"},
    )

    assert response.status_code == 400
    assert not agreement.documents.exists()


def test_a_framework_shows_its_implementing_contracts(agreement, owner):
    contract = factories.PartnershipFactory(
        owner=owner, title="Ice-sports training contract", framework=agreement
    )

    framework_page = client_for(owner).get(agreement.get_absolute_url()).content.decode()
    contract_page = client_for(owner).get(contract.get_absolute_url()).content.decode()

    assert "Implementing contracts" in framework_page and contract.title in framework_page
    assert "Implements" in contract_page and agreement.title in contract_page


@pytest.mark.parametrize("renewals", [1, 4])
def test_the_partnership_page_makes_as_many_queries_for_a_long_chain(
    agreement, owner, renewals, django_assert_max_num_queries
):
    current = agreement
    for n in range(renewals):
        start = (current.end_date or END) + datetime.timedelta(days=1)
        current = renew(current, by=owner, start=start, end=start + datetime.timedelta(days=300))
        factories.PartnershipFactory(owner=owner, framework=agreement, title=f"Contract {n}")

    # The same bound for a chain of two and of five: the chain is one query
    # (the rest is the page's: its targets, documents, timeline, session...).
    with django_assert_max_num_queries(36):
        response = client_for(owner).get(agreement.get_absolute_url())

    assert response.status_code == 200
    assert response.content.decode().count('class="item-sub"') >= renewals


# API and admin -------------------------------------------------------------------


def test_the_api_renews_and_links_both_ways(api_for, agreement, owner):
    client = api_for(owner)
    response = client.post(
        f"/api/partnerships/{agreement.pk}/renew/",
        {"start": (END + datetime.timedelta(days=1)).isoformat(), "version": agreement.version},
        format="json",
    )

    assert response.status_code == 201, response.content
    successor = response.json()
    assert successor["predecessor"] == agreement.pk and successor["stage"] == "renewal"
    old = client.get(f"/api/partnerships/{agreement.pk}/").json()
    assert old["successor"] == successor["id"] and old["status"] == "concluded"


def test_outsiders_cannot_renew_through_the_api(api_for, agreement, outsider):
    response = api_for(outsider).post(
        f"/api/partnerships/{agreement.pk}/renew/",
        {"start": END.isoformat(), "version": agreement.version},
        format="json",
    )

    assert response.status_code == 403
    assert not Partnership.objects.filter(predecessor=agreement).exists()


def test_the_api_refuses_a_stale_renewal(api_for, agreement, owner):
    response = api_for(owner).post(
        f"/api/partnerships/{agreement.pk}/renew/",
        {"start": END.isoformat(), "version": agreement.version + 5},
        format="json",
    )

    assert response.status_code == 409


def test_the_admin_action_renews_each_selected_partnership(agreement, admin_user):
    response = client_for(admin_user).post(
        "/admin/partnerships/partnership/",
        {
            "action": "renew_selected",
            "_selected_action": [agreement.pk],
            "apply": "1",
            "start": "",
            "end": "",
        },
    )

    assert response.status_code == 302
    successor = Partnership.objects.get(predecessor=agreement)
    assert successor.start_date == END + datetime.timedelta(days=1)
    assert successor.end_date == successor.start_date + (END - START)


def test_a_renewal_completes_the_renewal_reminder_of_the_predecessor(agreement, owner):
    from partnerships import reminders

    reminders.create_renewal_actions(today=TODAY)
    reminder = agreement.actions.get()
    assert reminder.is_pending

    renew(agreement, by=owner)

    reminder.refresh_from_db()
    assert reminder.status == "done" and "Renewed into" in reminder.outcome

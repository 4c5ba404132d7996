"""The database itself guards what must hold, and model validation explains it."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from partnerships.models import Action, ExchangeRate, Meeting, Organization, Partnership
from tests import factories

pytestmark = pytest.mark.django_db


def assert_rejected_by_database(save) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        save()


def test_organization_names_are_unique_per_country_whatever_the_case():
    factories.OrganizationFactory(name="Zhangjiakou", country="CN")
    duplicate = Organization(name="ZHANGJIAKOU", country="CN", kind="city")

    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "already exists in this country" in str(error.value)
    assert_rejected_by_database(duplicate.save)

    Organization(name="Zhangjiakou", country="FR", kind="city").save()  # another country is fine


def test_an_organization_cannot_be_its_own_ancestor():
    hebei = factories.OrganizationFactory(name="Hebei")
    city = factories.OrganizationFactory(name="Zhangjiakou", parent=hebei)
    hebei.parent = city
    with pytest.raises(ValidationError, match="inside itself"):
        hebei.full_clean()


def test_partnership_end_date_cannot_be_before_its_start(owner):
    partnership = factories.PartnershipFactory(owner=owner)
    partnership.start_date = datetime.date(2026, 5, 1)
    partnership.end_date = datetime.date(2026, 4, 30)

    with pytest.raises(ValidationError, match="cannot be before the start date"):
        partnership.full_clean()
    assert_rejected_by_database(partnership.save)


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-5")])
def test_partnership_value_must_be_positive(owner, amount):
    partnership = factories.PartnershipFactory(owner=owner)
    partnership.value_amount = amount
    with pytest.raises(ValidationError, match="greater than zero"):
        partnership.full_clean()
    assert_rejected_by_database(partnership.save)


@pytest.mark.parametrize(
    ("field", "value"),
    [("stage", "signed"), ("status", "frozen"), ("kind", "secret"), ("value_currency", "GBP")],
)
def test_partnership_choices_are_enforced_by_the_database(owner, field, value):
    partnership = factories.PartnershipFactory(owner=owner)
    with pytest.raises(IntegrityError), transaction.atomic():
        Partnership.objects.filter(pk=partnership.pk).update(**{field: value})


def test_an_abandoned_partnership_needs_a_reason(owner):
    partnership = factories.PartnershipFactory(owner=owner)
    with pytest.raises(IntegrityError), transaction.atomic():
        Partnership.objects.filter(pk=partnership.pk).update(status="abandoned")


def test_meeting_cannot_end_before_it_starts(owner):
    meeting = Meeting(
        title="Mission",
        start_date=datetime.date(2017, 2, 18),
        end_date=datetime.date(2017, 2, 14),
        logged_by=owner,
    )
    with pytest.raises(ValidationError, match="cannot be before the start date"):
        meeting.full_clean()
    assert_rejected_by_database(meeting.save)


def test_a_done_action_needs_a_completion_date(owner):
    action = factories.ActionFactory(owner=owner)
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.filter(pk=action.pk).update(status="done")


def test_exchange_rates_are_positive_and_one_per_day():
    factories.ExchangeRateFactory(currency="CNY", valid_from=datetime.date(2026, 1, 1))
    assert_rejected_by_database(
        lambda: ExchangeRate.objects.create(
            currency="CNY", rate_to_eur=1, valid_from=datetime.date(2026, 1, 1)
        )
    )
    negative = ExchangeRate(
        currency="USD", rate_to_eur=Decimal("-1"), valid_from=datetime.date(2026, 1, 1)
    )
    with pytest.raises(ValidationError, match="greater than zero"):
        negative.full_clean()
    assert_rejected_by_database(negative.save)


def test_latest_exchange_rate_valid_on_a_day_is_used():
    factories.ExchangeRateFactory(
        currency="CNY", rate_to_eur="0.100000", valid_from=datetime.date(2025, 1, 1)
    )
    factories.ExchangeRateFactory(
        currency="CNY", rate_to_eur="0.130000", valid_from=datetime.date(2026, 1, 1)
    )

    assert ExchangeRate.objects.rates_on(datetime.date(2025, 6, 1))["CNY"] == Decimal("0.1")
    assert ExchangeRate.objects.rates_on(datetime.date(2026, 6, 1))["CNY"] == Decimal("0.13")
    assert ExchangeRate.objects.rates_on(datetime.date(2026, 6, 1))["EUR"] == 1


def test_an_organization_cannot_be_related_to_itself():
    org = factories.OrganizationFactory()
    relation = factories.OrganizationRelationFactory.build(source=org, target=org)
    with pytest.raises(ValidationError, match="related to itself"):
        relation.full_clean()
    assert_rejected_by_database(relation.save)


def test_renewal_decision_date_is_end_date_minus_notice(owner):
    partnership = factories.PartnershipFactory(
        owner=owner, end_date=datetime.date(2027, 6, 30), renewal_notice_days=180
    )
    assert partnership.renewal_due_on == datetime.date(2027, 1, 1)


def test_a_notice_period_reaching_before_year_one_is_refused_not_a_crash(owner):
    partnership = factories.PartnershipFactory(owner=owner)
    partnership.end_date = datetime.date(1, 1, 5)
    partnership.renewal_notice_days = 10
    with pytest.raises(ValidationError, match="before year 1"):
        partnership.full_clean()

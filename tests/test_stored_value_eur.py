"""A partnership's stored value in euros stays what a recomputation from
scratch gives, whichever way the data changes: the pages, the API, the admin
(partnerships and exchange rates), and the daily ``refresh_activity`` for what
time alone changes (a rate dated in advance becomes the current one).

The recomputation here is written in Python over the raw rows, independently of
the SQL in ``partnerships/valuation.py``, so a mistake in either shows.
(Imports write organizations and contacts, never a partnership's value.)
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from partnerships.models import ExchangeRate, Partnership
from tests import factories
from tests.api.conftest import token_client
from tests.conftest import client_for
from tests.pages.conftest import partnership_form_data

pytestmark = pytest.mark.django_db


def expected_value_eur(partnership: Partnership, today: datetime.date) -> Decimal | None:
    """The amount times the latest rate of its currency valid on ``today``."""
    if partnership.value_amount is None:
        return None
    if partnership.value_currency == "EUR":
        return partnership.value_amount
    rates = sorted(
        (rate.valid_from, rate.rate_to_eur)
        for rate in ExchangeRate.objects.all()
        if rate.currency == partnership.value_currency and rate.valid_from <= today
    )
    return partnership.value_amount * rates[-1][1] if rates else None


def assert_stored_value_is_true(today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    wrong = {}
    for partnership in Partnership.all_objects.all():
        expected = expected_value_eur(partnership, today)
        if partnership.value_eur != expected:
            wrong[partnership.title] = {"stored": partnership.value_eur, "expected": expected}
    assert wrong == {}


def done(response):
    assert response.status_code in (200, 201, 204, 302), response.content.decode()[:500]
    return response


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


@pytest.fixture
def yuan(owner):
    """A rate for the yuan and one for the dollar, and two partnerships valued
    in yuan and one in euros."""
    factories.ExchangeRateFactory(currency="CNY", rate_to_eur="0.128000", valid_from=days_ago(90))
    factories.ExchangeRateFactory(currency="USD", rate_to_eur="0.920000", valid_from=days_ago(90))
    first = factories.PartnershipFactory(
        owner=owner,
        title="Chambéry – Zhangjiakou",
        value_amount=Decimal("100000"),
        value_currency="CNY",
    )
    second = factories.PartnershipFactory(
        owner=owner,
        title="Sophia Antipolis – Chengdu",
        value_amount=Decimal("2500.50"),
        value_currency="CNY",
    )
    euros = factories.PartnershipFactory(
        owner=owner,
        title="Annecy – Lijiang",
        value_amount=Decimal("40000"),
        value_currency="EUR",
    )
    assert first.value_currency == "CNY"
    assert first.value_eur == Decimal("12800")
    assert_stored_value_is_true()
    return first, second, euros


def test_through_the_pages(owner, yuan):
    first, _second, _euros = yuan
    client = client_for(owner)

    done(
        client.post(
            "/partnerships/new/",
            partnership_form_data(
                title="Grenoble – Harbin",
                owner=owner.pk,
                value_amount="30000",
                value_currency="USD",
            ),
        )
    )
    created = Partnership.objects.get(title="Grenoble – Harbin")
    assert created.value_eur == Decimal("27600")
    assert_stored_value_is_true()

    done(
        client.post(
            f"/partnerships/{first.pk}/edit/",
            partnership_form_data(first, value_amount="200000", version=first.version),
        )
    )
    assert Partnership.objects.get(pk=first.pk).value_eur == Decimal("25600")
    assert_stored_value_is_true()

    done(
        client.post(
            f"/partnerships/{created.pk}/edit/",
            partnership_form_data(created, value_currency="EUR", version=created.version),
        )
    )
    assert Partnership.objects.get(pk=created.pk).value_eur == Decimal("30000")
    done(
        client.post(
            f"/partnerships/{created.pk}/edit/",
            partnership_form_data(
                Partnership.objects.get(pk=created.pk),
                value_amount="",
                version=created.version + 1,
            ),
        )
    )
    assert Partnership.objects.get(pk=created.pk).value_eur is None
    assert_stored_value_is_true()


def test_through_the_api(owner, yuan):
    first, _second, _euros = yuan
    api = token_client(owner)

    created = api.post(
        "/api/partnerships/",
        {"title": "Chamonix – Yanqing", "value_amount": "5000", "value_currency": "USD"},
    )
    assert created.status_code == 201, created.content
    assert_stored_value_is_true()

    done(
        api.patch(
            f"/api/partnerships/{first.pk}/",
            {"value_currency": "USD", "version": first.version},
        )
    )
    assert Partnership.objects.get(pk=first.pk).value_eur == Decimal("92000")
    assert_stored_value_is_true()

    # An edit that leaves the value alone keeps it.
    done(
        api.patch(
            f"/api/partnerships/{created.json()['id']}/",
            {"title": "Chamonix – Yanqing 2", "version": created.json()["version"]},
        )
    )
    assert_stored_value_is_true()


def test_through_the_admin(admin_user, owner, yuan):
    first, second, euros = yuan
    client = client_for(admin_user)

    # A new rate for the yuan, valid from today: both yuan partnerships follow.
    done(
        client.post(
            reverse("admin:partnerships_exchangerate_add"),
            {
                "currency": "CNY",
                "rate_to_eur": "0.130000",
                "valid_from": timezone.localdate().isoformat(),
            },
        )
    )
    assert Partnership.objects.get(pk=first.pk).value_eur == Decimal("13000")
    assert_stored_value_is_true()

    # Corrected, then moved to another currency: both currencies are revalued.
    rate = ExchangeRate.objects.get(currency="CNY", valid_from=timezone.localdate())
    url = reverse("admin:partnerships_exchangerate_change", args=[rate.pk])
    done(
        client.post(
            url,
            {
                "currency": "CNY",
                "rate_to_eur": "0.140000",
                "valid_from": timezone.localdate().isoformat(),
            },
        )
    )
    assert Partnership.objects.get(pk=first.pk).value_eur == Decimal("14000")
    assert_stored_value_is_true()
    done(
        client.post(
            url,
            {
                "currency": "USD",
                "rate_to_eur": "0.900000",
                "valid_from": timezone.localdate().isoformat(),
            },
        )
    )
    assert Partnership.objects.get(pk=first.pk).value_eur == Decimal("12800")
    assert_stored_value_is_true()

    # Deleted one at a time, then in bulk: no rate left for the yuan.
    done(
        client.post(
            reverse("admin:partnerships_exchangerate_delete", args=[rate.pk]), {"post": "yes"}
        )
    )
    assert_stored_value_is_true()
    done(
        client.post(
            reverse("admin:partnerships_exchangerate_changelist"),
            {
                "action": "delete_selected",
                "_selected_action": list(
                    ExchangeRate.objects.filter(currency="CNY").values_list("pk", flat=True)
                ),
                "post": "yes",
            },
        )
    )
    assert not ExchangeRate.objects.filter(currency="CNY").exists()
    assert Partnership.objects.get(pk=second.pk).value_eur is None
    assert Partnership.objects.get(pk=euros.pk).value_eur == Decimal("40000")
    assert_stored_value_is_true()

    # A partnership edited in the admin.
    done(
        client.post(
            reverse("admin:partnerships_partnership_change", args=[euros.pk]),
            {
                "title": euros.title,
                "kind": euros.kind,
                "owner": owner.pk,
                "value_amount": "41000",
                "value_currency": "USD",
                "version": euros.version,
                "parties-TOTAL_FORMS": 0,
                "parties-INITIAL_FORMS": 0,
                "stage_changes-TOTAL_FORMS": 0,
                "stage_changes-INITIAL_FORMS": 1,
                "documents-TOTAL_FORMS": 0,
                "documents-INITIAL_FORMS": 0,
                "indicator_lines-TOTAL_FORMS": 0,
                "indicator_lines-INITIAL_FORMS": 0,
            },
        )
    )
    assert Partnership.objects.get(pk=euros.pk).value_eur == Decimal("37720")
    assert_stored_value_is_true()


def test_the_daily_refresh_takes_a_rate_dated_in_advance_on_its_day(owner, yuan):
    first, _second, _euros = yuan
    in_three_days = timezone.localdate() + datetime.timedelta(days=3)
    factories.ExchangeRateFactory(currency="CNY", rate_to_eur="0.150000", valid_from=in_three_days)
    assert Partnership.objects.get(pk=first.pk).value_eur == Decimal("12800")  # not yet
    assert_stored_value_is_true()
    out = io.StringIO()

    with time_machine.travel(timezone.now() + datetime.timedelta(days=4)):
        today = timezone.localdate()
        with pytest.raises(AssertionError):
            assert_stored_value_is_true(today)  # time alone made it wrong
        call_command("refresh_activity", stdout=out)
        assert_stored_value_is_true(today)
        call_command("refresh_activity", stdout=out)

    assert out.getvalue().splitlines() == [
        "0 partnership(s) refreshed.",
        "2 value(s) in euros brought to today's rates.",
        "0 partnership(s) refreshed.",  # idempotent: the second run writes no value
    ]


def test_refresh_all_recomputes_every_value(owner, yuan):
    Partnership.all_objects.update(value_eur=Decimal(1))

    call_command("refresh_activity", "--all", stdout=io.StringIO())

    assert_stored_value_is_true()


def test_an_exchange_rate_does_not_touch_the_partnerships_version(yuan):
    first, _second, _euros = yuan
    version, updated_at = first.version, first.updated_at

    factories.ExchangeRateFactory(
        currency="CNY", rate_to_eur="0.200000", valid_from=timezone.localdate()
    )

    first.refresh_from_db()
    assert (first.version, first.updated_at) == (version, updated_at)
    assert first.value_eur == Decimal("20000")

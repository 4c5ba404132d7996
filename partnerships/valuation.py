"""A partnership's stored value in euros: ``value_eur``.

The board orders its cards by it and totals it per stage; the reports total
it per owner, sector and country; the exports print it. Converting in SQL for
every row of a 100,000-row table at each request was most of the board's
time, so the converted value is a column, indexed with what the board sorts on.

Definition: the amount times the euro rate of its currency valid today (the
latest ``ExchangeRate`` whose ``valid_from`` is not after today; EUR is 1);
empty without an amount or without a rate for its currency. Exactly what
``ExchangeRate.objects.rates_on()`` and ``reports.eur_value()`` give.

Kept true in the same transaction by the workflows of ``lifecycle.py``:
creating or editing a partnership (:func:`refresh` for that row), saving or
deleting an exchange rate (:func:`revalue` for that currency), and by the
daily ``refresh_activity`` for what time alone changes (a rate dated in the
future becomes the current one: :func:`revalue`, which only writes the rows
whose value changes). Every path computes with the one expression of
:func:`value_eur_expression`, so a stored value is always what a recomputation
gives.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.utils import timezone

from partnerships.models import Currency, ExchangeRate, Partnership
from partnerships.models.partnerships import VALUE_EUR

IDS_PER_UPDATE = 500


def rate_on(today: datetime.date, *, currency=None) -> Subquery:
    """The euro rate of ``currency`` (the partnership's own by default) valid
    on ``today``: one probe of the (currency, valid_from) unique index."""
    return Subquery(
        ExchangeRate.objects.filter(
            currency=currency if currency is not None else OuterRef("value_currency"),
            valid_from__lte=today,
        )
        .order_by("-valid_from")
        .values("rate_to_eur")[:1],
        output_field=VALUE_EUR,
    )


def value_eur_expression(*, today: datetime.date) -> Case:
    """A partnership's value in euros on ``today``, as an expression over its row."""
    return Case(
        When(value_amount__isnull=True, then=Value(None, output_field=VALUE_EUR)),
        When(value_currency=Currency.EUR, then=F("value_amount")),
        default=F("value_amount") * rate_on(today),
        output_field=VALUE_EUR,
    )


def refresh(partnership_ids: Iterable[int | None], *, today: datetime.date | None = None) -> int:
    """Recompute the value in euros of these partnerships (one UPDATE; it bumps
    neither the version nor ``updated_at``)."""
    ids = sorted({pk for pk in partnership_ids if pk is not None})
    today = today or timezone.localdate()
    done = 0
    for start in range(0, len(ids), IDS_PER_UPDATE):
        chunk = ids[start : start + IDS_PER_UPDATE]
        done += Partnership.all_objects.filter(pk__in=chunk).update(
            value_eur=value_eur_expression(today=today)
        )
    return done


def refresh_all(*, today: datetime.date | None = None, partnerships=None) -> int:
    """Recompute every partnership (or those of ``partnerships``), for
    ``seed_scale`` and ``refresh_activity --all``: one UPDATE."""
    rows = Partnership.all_objects.all() if partnerships is None else partnerships
    return rows.update(value_eur=value_eur_expression(today=today or timezone.localdate()))


def revalue(*, currencies: Iterable[str] | None = None, today: datetime.date | None = None) -> int:
    """Bring the value in euros of every partnership in ``currencies`` (all by
    default) to today's rate, writing only the rows whose value changes: one
    UPDATE per currency. Idempotent; safe from cron and after a missed day."""
    today = today or timezone.localdate()
    done = 0
    for currency in sorted(set(currencies or Currency.values)):
        if currency == Currency.EUR:
            continue  # a euro is a euro: its value never changes with a rate
        rows = Partnership.all_objects.filter(value_currency=currency, value_amount__isnull=False)
        rate = (
            ExchangeRate.objects.filter(currency=currency, valid_from__lte=today)
            .order_by("-valid_from")
            .values_list("rate_to_eur", flat=True)
            .first()
        )
        if rate is None:
            done += rows.filter(value_eur__isnull=False).update(value_eur=None)
            continue
        expected = F("value_amount") * Value(rate, output_field=VALUE_EUR)
        done += rows.filter(Q(value_eur__isnull=True) | ~Q(value_eur=expected)).update(
            value_eur=expected
        )
    return done

"""Dormancy alerts: signed partnerships gone quiet.

A partnership is **dormant** on a day when it is signed (stage agreement,
contract or renewal), active, and its last engagement (stored in
``last_engaged_on``, see ``activity.py``: its last stage move, meeting held or
action done) is ``CRM_DORMANT_AFTER_DAYS`` days old or more (120 by default).

Its owner is told once per quiet spell, in the daily digest
(``reminders.py``): the digest that lists it records a :class:`DormancyAlert`
for the spell (the partnership and its last engagement) in the same
transaction that sends it, so the next digests leave it out until something
happens (a meeting held or an action done moves the last engagement, and a new
spell begins). The managers' report lists every dormant partnership, with the
day its owner was alerted.

Every query here is served by the ``partnership_dormant`` indexes (status,
owner, last engagement, stage) and the alert's unique pair.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)

from partnerships.models import DormancyAlert, Partnership, Stage, Status

SIGNED_STAGES = (Stage.AGREEMENT, Stage.CONTRACT, Stage.RENEWAL)


def dormant_after_days() -> int:
    """``CRM_DORMANT_AFTER_DAYS`` in settings (120 by default)."""
    return int(getattr(settings, "CRM_DORMANT_AFTER_DAYS", 120))


def quiet_since_cutoff(today: datetime.date, days: int | None = None) -> datetime.date:
    """The latest last engagement that makes a partnership dormant on ``today``."""
    return today - datetime.timedelta(days=dormant_after_days() if days is None else days)


def dormant(*, today: datetime.date, days: int | None = None) -> QuerySet:
    """The signed, active partnerships with no engagement for ``days`` days."""
    return Partnership.objects.filter(
        status=Status.ACTIVE,
        stage__in=SIGNED_STAGES,
        last_engaged_on__lte=quiet_since_cutoff(today, days),
    )


def _this_spell() -> QuerySet:
    return DormancyAlert.all_objects.filter(
        partnership=OuterRef("pk"), quiet_since=OuterRef("last_engaged_on")
    )


def to_alert(*, today: datetime.date, owner) -> QuerySet:
    """``owner``'s dormant partnerships not yet alerted for their quiet spell,
    the quietest first."""
    return (
        dormant(today=today)
        .filter(owner=owner)
        .exclude(Exists(_this_spell()))
        .order_by("last_engaged_on", "pk")
    )


def owners_to_alert(*, today: datetime.date) -> QuerySet:
    """The owners of the partnerships :func:`to_alert` would list (a subquery)."""
    return dormant(today=today).exclude(Exists(_this_spell())).values("owner")


def record_alerts(partnerships: Iterable[Partnership], *, today: datetime.date) -> int:
    """Note that these partnerships' owners were told (one INSERT; a second
    run, or a race with another, adds nothing)."""
    alerts = [
        DormancyAlert(
            partnership=partnership,
            quiet_since=partnership.last_engaged_on,
            alerted_on=today,
            owner_id=partnership.owner_id,
        )
        for partnership in partnerships
    ]
    DormancyAlert.all_objects.bulk_create(alerts, ignore_conflicts=True)
    return len(alerts)


@dataclass
class DormantReport:
    days: int
    since: datetime.date
    count: int
    rows: list[Partnership]


def report(*, today: datetime.date, limit: int = 50) -> DormantReport:
    """For the managers' report: how many partnerships are dormant, and the
    ``limit`` quietest, with their owner and the day their owner was alerted
    for this spell (None while not yet). Two queries."""
    days = dormant_after_days()
    quiet = dormant(today=today, days=days)
    alerted_on = Subquery(_this_spell().values("alerted_on")[:1])
    rows = list(
        quiet.annotate(alerted_on=alerted_on)
        .select_related("owner")
        .order_by("last_engaged_on", "pk")[:limit]
    )
    for row in rows:
        row.days_quiet = (today - row.last_engaged_on).days
    count = len(rows) if len(rows) < limit else quiet.count()
    return DormantReport(days=days, since=quiet_since_cutoff(today, days), count=count, rows=rows)


def still_quiet() -> Q:
    """An alert is **open** while its spell goes on: its partnership is still
    signed and active and nothing happened since (its last engagement is still
    the alert's ``quiet_since``); a meeting held, an action done, a conclusion
    or an abandonment closes it."""
    return Q(
        partnership__status=Status.ACTIVE,
        partnership__stage__in=SIGNED_STAGES,
        partnership__last_engaged_on=F("quiet_since"),
    )


def alerts_for_list() -> QuerySet:
    """Alerts with their partnership and owner, and ``is_open`` annotated
    (:func:`still_quiet`): one query for a page of them."""
    return DormancyAlert.objects.select_related(
        "partnership", "partnership__owner", "owner"
    ).annotate(is_open=ExpressionWrapper(still_quiet(), output_field=BooleanField()))

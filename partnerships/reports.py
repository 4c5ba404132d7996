"""Managers' metrics: funnel, time in stage, stalled and expiring partnerships,
overdue work and workload per owner, value by sector and by partner country.

Performance rule, for every function here: aggregate in the database and run a
fixed number of queries whatever the amount of data. What comes back to Python
is bounded by the number of stages, owners, sectors or countries (or by an
explicit ``limit``), never by the number of partnerships. Medians and quartiles
are computed from a frequency table (how many stays lasted 0, 1, 2... days),
which the database builds with ``GROUP BY``: exact, and bounded by the number of
distinct durations.

Definitions are in docs/managers.md; the tests in tests/test_reports.py check
each one against figures computed by hand.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections
from django.db.models import (
    Case,
    Count,
    DateField,
    DecimalField,
    Exists,
    F,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.utils.translation import gettext
from django_countries import countries

from partnerships.models import (
    Action,
    Currency,
    Partnership,
    PartnershipParty,
    Sector,
    Stage,
    StageChange,
    Status,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

User = get_user_model()

# Decimal arithmetic wide enough for the sum of 100,000 large values in euros.
MONEY = DecimalField(max_digits=30, decimal_places=6)
# Stages whose partnerships rest on a signed document with an end date.
SIGNED_STAGES = (Stage.AGREEMENT, Stage.CONTRACT, Stage.RENEWAL)
EXPIRY_HORIZONS = (30, 90, 180)


# Expressions shared by the board, the reports and the exports -------------------------


class DaysBetween(Func):
    """Whole days from ``start`` to ``end`` (two dates), computed in SQL."""

    output_field = IntegerField()
    arity = 2

    def __init__(self, end, start) -> None:
        super().__init__(end, start)

    def as_sql(self, compiler, connection, **extra):
        # PostgreSQL: the difference of two dates is a whole number of days.
        end, end_params = compiler.compile(self.source_expressions[0])
        start, start_params = compiler.compile(self.source_expressions[1])
        return f"(CAST({end} AS date) - CAST({start} AS date))", (*end_params, *start_params)

    def as_sqlite(self, compiler, connection, **extra):
        end, end_params = compiler.compile(self.source_expressions[0])
        start, start_params = compiler.compile(self.source_expressions[1])
        return (
            f"CAST(ROUND(julianday({end}) - julianday({start})) AS INTEGER)",
            (*end_params, *start_params),
        )


def eur_value(rates: dict[str, Decimal], *, prefix: str = "") -> Case:
    """A partnership's value in euros, converted in SQL with ``rates`` (euros per
    unit, see ``ExchangeRate.objects.rates_on()``); NULL when there is no value
    or no rate for its currency. ``prefix`` reaches the partnership through a
    relation (``"partnership__"``)."""
    amount = F(f"{prefix}value_amount")
    whens = [
        When(
            **{f"{prefix}value_currency": currency},
            then=amount * Value(rate, output_field=MONEY),
        )
        for currency, rate in sorted(rates.items())
    ]
    return Case(*whens, default=Value(None, output_field=MONEY), output_field=MONEY)


def stage_rank(field_name: str = "stage") -> Case:
    """The position of a stage in the lifecycle (prospect 0 ... renewal 4)."""
    return Case(
        *[When(**{field_name: stage}, then=Value(rank)) for rank, stage in enumerate(Stage.values)],
        output_field=IntegerField(),
    )


def _regroup(rows: QuerySet, sql: str) -> list[tuple]:
    """Run ``sql`` over ``rows`` as a subquery (``{rows}`` in ``sql``): a
    second GROUP BY over rows the database has already computed, which the
    ORM cannot express. ``rows`` must name its columns with ``values()``."""
    inner, params = rows.query.sql_with_params()
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql.format(rows=f"({inner}) AS inner_rows"), params)
        return cursor.fetchall()


# Periods -----------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Days from ``start`` to ``end``, both included; an open end means no limit."""

    start: datetime.date | None = None
    end: datetime.date | None = None

    @property
    def is_all_time(self) -> bool:
        return self.start is None and self.end is None

    def q(self, field_name: str) -> Q:
        condition = Q()
        if self.start is not None:
            condition &= Q(**{f"{field_name}__gte": self.start})
        if self.end is not None:
            condition &= Q(**{f"{field_name}__lte": self.end})
        return condition


# Quantiles -------------------------------------------------------------------------


def quantile(frequencies: Sequence[tuple[int, int]], q: float) -> float | None:
    """The ``q`` quantile (0 to 1) of values given as sorted ``(value, count)``
    pairs, interpolating linearly between the two nearest ranks (the usual
    definition: the median of 2, 4, 6, 10 is 5)."""
    total = sum(count for _value, count in frequencies)
    if total == 0:
        return None
    position = (total - 1) * q
    low_rank, high_rank = math.floor(position), math.ceil(position)
    low = high = None
    seen = 0
    for value, count in frequencies:
        if low is None and low_rank < seen + count:
            low = value
        if high_rank < seen + count:
            high = value
            break
        seen += count
    return low + (high - low) * (position - low_rank)


@dataclass
class Spread:
    """How long something lasted, in days, over ``count`` cases."""

    count: int = 0
    minimum: int | None = None
    p10: float | None = None
    p25: float | None = None
    median: float | None = None
    p75: float | None = None
    p90: float | None = None
    maximum: int | None = None

    @classmethod
    def of(cls, frequencies: Iterable[tuple[int, int]]) -> Spread:
        pairs = sorted((int(value), int(count)) for value, count in frequencies if count)
        if not pairs:
            return cls()
        return cls(
            count=sum(count for _value, count in pairs),
            minimum=pairs[0][0],
            p10=quantile(pairs, 0.10),
            p25=quantile(pairs, 0.25),
            median=quantile(pairs, 0.5),
            p75=quantile(pairs, 0.75),
            p90=quantile(pairs, 0.90),
            maximum=pairs[-1][0],
        )


# Funnel ----------------------------------------------------------------------------


@dataclass
class FunnelStep:
    stage: str
    label: str
    reached: int
    # Share of the partnerships that reached this stage which reached the next
    # one (None for the last stage, or when none reached this one).
    conversion_to_next: float | None = None
    share_of_first: float | None = None

    @property
    def conversion_percent(self) -> float | None:
        return None if self.conversion_to_next is None else 100 * self.conversion_to_next


def funnel(*, period: Period) -> list[FunnelStep]:
    """How many partnerships reached each stage, and the conversion from each
    stage to the next, for the partnerships that entered the pipeline during
    ``period`` (their first stage change, the creation, falls in it).

    A partnership reached a stage when its history ever reached that stage or
    a later one (skipping forward implies passing through): its stored
    furthest stage (``stage_history.py``) is that stage or a later one. One
    query, a count by furthest stage read from the ``partnership_funnel``
    index (five rows back), added up from the last stage down.
    """
    # Every stage by name (a partnership without a history has none): one
    # range of the index per stage, rather than a read of all of it.
    reached = Partnership.objects.filter(furthest_stage__in=Stage.values)
    if not period.is_all_time:
        reached = reached.filter(period.q("entered_pipeline_on"))
    by_furthest = dict(reached.order_by().values_list("furthest_stage").annotate(n=Count("pk")))
    counts, running = {}, 0
    for stage in reversed(Stage.values):
        running += by_furthest.get(stage, 0)
        counts[stage] = running
    steps = [FunnelStep(stage, label, counts[stage]) for stage, label in Stage.choices]
    first = steps[0].reached
    for step, following in zip(steps, [*steps[1:], None], strict=True):
        if following is not None and step.reached:
            step.conversion_to_next = following.reached / step.reached
        if first:
            step.share_of_first = step.reached / first
    return steps


# Time in stage ---------------------------------------------------------------------


@dataclass
class StageDuration:
    stage: str
    label: str
    # Stays that ended (the partnership moved on) during the period.
    completed: Spread = field(default_factory=Spread)
    # Open partnerships in this stage today: how long they have been in it.
    current: Spread = field(default_factory=Spread)


def time_in_stage(*, period: Period, today: datetime.date) -> list[StageDuration]:
    """Median and spread of the days spent in each stage, from the stage history.

    A stay begins with a stage change and ends with the partnership's next
    one; stays that ended during ``period`` are counted (a move and its move
    back the same day make a stay of 0 days). The stay still running in the
    current stage is reported apart, for open partnerships only.

    Two queries, each returning a frequency table (stage, days, how many):
    bounded by 5 stages times the number of distinct durations. Each stay's end
    and length are stored on its stage change (``stage_history.py``) and read
    from the ``stage_change_stays`` index; the stays of deleted partnerships
    are left out with a NOT IN over the few deleted ones (their own partial
    index), not a join with every partnership.
    """
    deleted = Partnership.all_objects.filter(deleted_at__isnull=False).values("pk")
    # Every stage by name, as for the funnel: one range of the index per stage.
    stays = StageChange.all_objects.filter(
        to_stage__in=Stage.values, left_on__isnull=False
    ).exclude(partnership__in=deleted)
    if not period.is_all_time:
        stays = stays.filter(period.q("left_on"))
    completed = _frequencies(
        stays.order_by().values_list("to_stage", "stay_days").annotate(n=Count("pk"))
    )
    current = _frequencies(
        Partnership.objects.open()
        .annotate(days=DaysBetween(Value(today, output_field=DateField()), F("stage_changed_on")))
        .order_by()
        .values_list("stage", "days")
        .annotate(n=Count("pk"))
    )
    return [
        StageDuration(
            stage=stage,
            label=label,
            completed=Spread.of(completed.get(stage, [])),
            current=Spread.of(current.get(stage, [])),
        )
        for stage, label in Stage.choices
    ]


def _frequencies(rows: Iterable[tuple[str, int, int]]) -> dict[str, list[tuple[int, int]]]:
    table: dict[str, list[tuple[int, int]]] = {}
    for stage, days, count in rows:
        if days is not None:
            table.setdefault(stage, []).append((max(int(days), 0), count))
    return table


# Stalled partnerships --------------------------------------------------------------


@dataclass
class StalledReport:
    days: int
    since: datetime.date
    count: int
    by_stage: list[tuple[str, str, int]]
    rows: list[Partnership]


def stalled_after_days() -> int:
    return int(getattr(settings, "STALLED_AFTER_DAYS", 90))


def stalled(
    *,
    today: datetime.date,
    days: int | None = None,
    limit: int = 50,
    queryset: QuerySet | None = None,
) -> StalledReport:
    """Open (active or on hold) partnerships with no activity for ``days`` days
    (``settings.STALLED_AFTER_DAYS`` by default): no stage move, no meeting, no
    action created or done after ``today - days``.

    Three queries: the count by stage (EXISTS probes, which stop at the first
    sign of life), then the ``limit`` that have waited longest, with their last
    activity computed for those rows only, and their owners.
    """
    days = stalled_after_days() if days is None else days
    since = today - datetime.timedelta(days=days)
    base = Partnership.objects.all() if queryset is None else queryset
    quiet = base.open().filter(last_activity_on__lte=since)
    by_stage = dict(quiet.order_by().values_list("stage").annotate(n=Count("pk")))
    # The ids of the quietest read from the index alone, then only those rows.
    quietest = quiet.order_by("last_activity_on", "pk").values("pk")[:limit]
    rows = list(
        Partnership.objects.filter(pk__in=quietest)
        .annotate(last_activity=F("last_activity_on"))
        .select_related("owner")
        .order_by("last_activity_on", "pk")
    )
    for row in rows:
        row.days_quiet = (today - row.last_activity).days
    return StalledReport(
        days=days,
        since=since,
        count=sum(by_stage.values()),
        by_stage=[(stage, label, by_stage.get(stage, 0)) for stage, label in Stage.choices],
        rows=rows,
    )


# Expiring agreements and contracts ---------------------------------------------------------


@dataclass
class ExpiringReport:
    today: datetime.date
    # How many have their renewal decision due within each horizon (cumulative).
    within: list[tuple[int, int]]
    late: int  # decision date passed, still running
    ended_but_open: int  # end date passed, still marked active or on hold
    rows: list[Partnership]
    horizon: int

    @property
    def until(self) -> datetime.date:
        return self.today + datetime.timedelta(days=self.horizon)


def expiring(
    *, today: datetime.date, horizons: Sequence[int] = EXPIRY_HORIZONS, limit: int = 100
) -> ExpiringReport:
    """Open agreements and contracts (the agreement, contract and renewal
    stages) whose renewal decision falls due soon: the end date minus the
    notice period (``renewal_due_on``).

    Two queries on the (status, renewal_due_on) index: the counts per horizon,
    and the ``limit`` soonest within the longest horizon (late ones first).
    """
    signed = Partnership.objects.open().filter(
        stage__in=SIGNED_STAGES, renewal_due_on__isnull=False
    )
    running = Q(end_date__gte=today)
    counts = signed.aggregate(
        late=Count("pk", filter=Q(renewal_due_on__lt=today) & running),
        ended=Count("pk", filter=Q(end_date__lt=today)),
        **{
            f"d{days}": Count(
                "pk",
                filter=Q(
                    renewal_due_on__gte=today,
                    renewal_due_on__lte=today + datetime.timedelta(days=days),
                ),
            )
            for days in horizons
        },
    )
    longest = max(horizons)
    rows = list(
        signed.filter(running, renewal_due_on__lte=today + datetime.timedelta(days=longest))
        .select_related("owner")
        .order_by("renewal_due_on", "pk")[:limit]
    )
    for row in rows:
        row.days_left = (row.renewal_due_on - today).days
    return ExpiringReport(
        today=today,
        within=[(days, counts[f"d{days}"]) for days in horizons],
        late=counts["late"],
        ended_but_open=counts["ended"],
        rows=rows,
        horizon=longest,
    )


# Owners: overdue work and workload ------------------------------------------------------


@dataclass
class OwnerLoad:
    owner: AbstractBaseUser | None
    open_partnerships: int = 0
    open_value_eur: Decimal = Decimal(0)
    pending_actions: int = 0
    overdue_actions: int = 0
    due_this_week: int = 0
    oldest_overdue: datetime.date | None = None


def workload(*, today: datetime.date, rates: dict[str, Decimal]) -> list[OwnerLoad]:
    """For each person who owns open partnerships or pending actions: how many,
    the euro value of those partnerships, and how many actions are overdue or
    due in the next 7 days. Three queries (partnerships by owner, actions by
    owner, the owners), sorted by overdue actions, then pending actions."""
    loads: dict[int, OwnerLoad] = {}
    for owner_id, count, total in (
        Partnership.objects.open()
        .order_by()
        .values_list("owner")
        .annotate(n=Count("pk"), total=Sum("value_eur"))
    ):
        loads[owner_id] = OwnerLoad(
            owner=None, open_partnerships=count, open_value_eur=_euros(total)
        )
    overdue = Q(due_date__lt=today)
    week = Q(due_date__gte=today, due_date__lte=today + datetime.timedelta(days=6))
    for owner_id, pending, late, soon, oldest in (
        Action.objects.pending()
        .order_by()
        .values_list("owner")
        .annotate(
            pending=Count("pk"),
            late=Count("pk", filter=overdue),
            soon=Count("pk", filter=week),
            oldest=Min("due_date", filter=overdue),
        )
    ):
        load = loads.setdefault(owner_id, OwnerLoad(owner=None))
        load.pending_actions, load.overdue_actions, load.due_this_week = pending, late, soon
        load.oldest_overdue = oldest
    owners = User.objects.in_bulk(list(loads))
    for owner_id, load in loads.items():
        load.owner = owners.get(owner_id)
    return sorted(
        loads.values(),
        key=lambda load: (
            -load.overdue_actions,
            -load.pending_actions,
            -load.open_partnerships,
            _person_key(load.owner),
        ),
    )


def overdue_by_owner(loads: Iterable[OwnerLoad]) -> list[OwnerLoad]:
    """The owners with overdue actions, most overdue first (from :func:`workload`)."""
    return sorted(
        (load for load in loads if load.overdue_actions),
        key=lambda load: (-load.overdue_actions, _person_key(load.owner)),
    )


def _person_key(user: AbstractBaseUser | None) -> str:
    if user is None:
        return ""
    return (user.get_full_name() or user.get_username()).lower()


# Value by sector and by partner country ---------------------------------------------------


@dataclass
class ValueRow:
    key: str
    label: str
    count: int
    total_eur: Decimal


def value_by_sector(*, rates: dict[str, Decimal]) -> list[ValueRow]:
    """Open partnerships per sector, with their value in euros. A partnership
    in two sectors counts in each; those without a sector are a row of their
    own. Three queries, each returning one row per sector at most."""
    SectorLink = Partnership.sectors.through
    open_partnership = Q(partnership__deleted_at__isnull=True) & Q(
        partnership__status__in=Status.open()
    )
    totals = {
        sector_id: (count, total)
        for sector_id, count, total in SectorLink.objects.filter(open_partnership)
        .order_by()
        .values_list("sector")
        .annotate(n=Count("pk"), total=Sum("partnership__value_eur"))
    }
    sectors = Sector.objects.filter(pk__in=list(totals))
    rows = [
        ValueRow(sector.slug, sector.label, totals[sector.pk][0], _euros(totals[sector.pk][1]))
        for sector in sectors
    ]
    without = (
        Partnership.objects.open()
        .exclude(Exists(SectorLink.objects.filter(partnership=OuterRef("pk"))))
        .aggregate(n=Count("pk"), total=Sum("value_eur"))
    )
    if without["n"]:
        rows.append(ValueRow("", gettext("No sector"), without["n"], _euros(without["total"])))
    return _by_value(rows)


def value_by_country(*, rates: dict[str, Decimal]) -> list[ValueRow]:
    """Open partnerships per partner country (the countries of their parties),
    with their value in euros. A partnership with parties in two countries
    counts in each, and once per country however many parties it has there.
    One query: the distinct (partnership, country) pairs, grouped by country."""
    pairs = (
        PartnershipParty.objects.filter(
            partnership__deleted_at__isnull=True, partnership__status__in=Status.open()
        )
        .order_by()
        .annotate(country=F("organization__country"), eur=F("partnership__value_eur"))
        .values("partnership", "country", "eur")
        .distinct()
    )
    rows = _regroup(pairs, "SELECT country, COUNT(*), SUM(eur) FROM {rows} GROUP BY country")
    names = dict(countries)
    return _by_value(
        [
            ValueRow(code, names.get(code, code or "—"), count, _euros(total))
            for code, count, total in rows
        ]
    )


def _by_value(rows: list[ValueRow]) -> list[ValueRow]:
    return sorted(rows, key=lambda row: (-row.total_eur, -row.count, row.label.lower()))


def _euros(value) -> Decimal:
    """A sum from the database, rounded to whole euros (0 when empty)."""
    if value is None:
        return Decimal(0)
    return Decimal(value).quantize(Decimal(1))


def missing_rates(rates: dict[str, Decimal]) -> list[str]:
    """Currencies with no exchange rate yet: their values are left out of totals."""
    return [currency for currency in Currency.values if currency not in rates]


def max_value(values: Iterable) -> Decimal | int:
    return max((value for value in values if value is not None), default=0)

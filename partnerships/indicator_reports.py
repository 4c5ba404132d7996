"""Targets against results, for the managers' report and the exports: by
year, by partner country, by sector and by programme.

A line's **achieved** figure is the sum of its yearly results for counts and
amounts, its latest year's result for a level (flights per week). By year,
the actual is the sum of the results of that year, and the target the sum of
the targets set for that year; lines with no target year are shown as a row
of their own. By country, sector and programme, each line counts once in each
group it belongs to, with its target and what it achieved.

A **programme** is the event a partnership came from: its origin meeting's
parent event (the forum or mission it was a side meeting of), or the origin
meeting itself when it has none. Partnerships with no origin meeting are the
"no programme" row.

Performance rule (as ``reports.py``): a fixed number of queries, whatever the
number of partnerships, lines and results; what comes back is bounded by the
number of indicators times the number of years or groups.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    DecimalField,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext
from django_countries import countries

from partnerships.models import (
    Indicator,
    IndicatorKind,
    IndicatorResult,
    Meeting,
    PartnershipIndicator,
    Sector,
)
from partnerships.reports import _regroup

FIGURE = DecimalField(max_digits=30, decimal_places=6)


def achieved_expression() -> Case:
    """A line's achieved figure, as an expression over its row."""
    results = IndicatorResult.all_objects.filter(line=OuterRef("pk")).order_by()
    total = Subquery(
        results.values("line").annotate(total=Sum("value")).values("total"),
        output_field=FIGURE,
    )
    latest = Subquery(results.order_by("-year").values("value")[:1], output_field=FIGURE)
    return Case(
        When(indicator__kind__in=IndicatorKind.adding_up(), then=total),
        default=latest,
        output_field=FIGURE,
    )


def live_lines() -> QuerySet:
    """Lines of live partnerships (the default manager hides the others)."""
    return PartnershipIndicator.objects.all()


def _figure(value) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.01"))


@dataclass
class Row:
    key: str
    label: str
    target: Decimal | None = None
    actual: Decimal | None = None
    lines: int = 0

    @property
    def percent(self) -> int | None:
        if self.actual is None or not self.target:
            return None
        return int((self.actual * 100 / self.target).to_integral_value())

    @property
    def bar_percent(self) -> int:
        return min(self.percent or 0, 100)


@dataclass
class Block:
    """One indicator's rows in one breakdown."""

    indicator: Indicator
    rows: list[Row] = field(default_factory=list)


@dataclass
class IndicatorReport:
    by_year: list[Block]
    by_country: list[Block]
    by_sector: list[Block]
    by_programme: list[Block]

    @property
    def is_empty(self) -> bool:
        return not self.by_year


def _blocks(indicators: dict[int, Indicator], rows: dict[int, list[Row]]) -> list[Block]:
    return [
        Block(indicator, sorted(rows[pk], key=_row_order))
        for pk, indicator in indicators.items()
        if rows.get(pk)
    ]


def _row_order(row: Row) -> tuple:
    # Years in order (the "no year" row last); groups by what they achieved.
    if row.key.isdigit():
        return (0, int(row.key), "")
    return (1, -(row.actual or 0), -(row.target or 0), row.label.lower())


def by_year(lines: QuerySet, indicators: dict[int, Indicator]) -> list[Block]:
    """Two queries: results per indicator and year, targets per indicator and year."""
    rows: dict[int, dict[str, Row]] = {}
    for indicator_id, year, total in (
        IndicatorResult.objects.filter(line__in=lines)
        .order_by()
        .values_list("line__indicator", "year")
        .annotate(total=Sum("value"))
    ):
        row = rows.setdefault(indicator_id, {}).setdefault(str(year), Row(str(year), str(year)))
        row.actual = _figure(total)
    no_year = gettext("No target year")
    for indicator_id, year, total, count in _regroup(
        lines.order_by()
        .annotate(ind=F("indicator"), yr=F("target_year"))
        .values("ind", "yr", "target"),
        "SELECT ind, yr, SUM(target), COUNT(*) FROM {rows} GROUP BY ind, yr",
    ):
        key = str(year) if year is not None else ""
        row = rows.setdefault(indicator_id, {}).setdefault(key, Row(key, str(year or no_year)))
        row.target, row.lines = _figure(total), count
    return _blocks(indicators, {pk: list(by_key.values()) for pk, by_key in rows.items()})


def _grouped(lines: QuerySet, group: F | Coalesce) -> list[tuple]:
    """(indicator, group, lines, target, achieved) for each indicator and
    group, each line counted once per group."""
    pairs = (
        lines.order_by()
        .annotate(line_id=F("pk"), ind=F("indicator"), grp=group, achieved=achieved_expression())
        .values("line_id", "ind", "grp", "target", "achieved")
        .distinct()
    )
    return _regroup(
        pairs,
        "SELECT ind, grp, COUNT(*), SUM(target), SUM(achieved) FROM {rows} GROUP BY ind, grp",
    )


def _rows(grouped: Iterable[tuple], labels: dict) -> dict[int, list[Row]]:
    rows: dict[int, list[Row]] = {}
    for indicator_id, key, count, target, achieved in grouped:
        label = labels.get(key) or labels.get(None, "—")
        rows.setdefault(indicator_id, []).append(
            Row(str(key or ""), str(label), _figure(target), _figure(achieved), count)
        )
    return rows


def by_country(lines: QuerySet, indicators: dict[int, Indicator]) -> list[Block]:
    """One query: by the countries of the partnerships' parties."""
    grouped = _grouped(lines, F("partnership__parties__organization__country"))
    labels = {**dict(countries), None: gettext("No country"), "": gettext("No country")}
    return _blocks(indicators, _rows(grouped, labels))


def by_sector(lines: QuerySet, indicators: dict[int, Indicator]) -> list[Block]:
    """Two queries: by the partnerships' sectors, then the sectors' names."""
    grouped = _grouped(lines, F("partnership__sectors"))
    ids = [key for _i, key, *_rest in grouped if key is not None]
    labels: dict = {sector.pk: sector.label for sector in Sector.objects.filter(pk__in=ids)}
    labels[None] = gettext("No sector")
    return _blocks(indicators, _rows(grouped, labels))


def programme_expression() -> Coalesce:
    return Coalesce(F("partnership__origin_meeting__parent"), F("partnership__origin_meeting"))


def by_programme(lines: QuerySet, indicators: dict[int, Indicator]) -> list[Block]:
    """Two queries: by programme (see the module), then the events' titles
    (a deleted event shows as no programme)."""
    grouped = _grouped(lines, programme_expression())
    ids = [key for _i, key, *_rest in grouped if key is not None]
    labels: dict = dict(Meeting.objects.filter(pk__in=ids).values_list("pk", "title"))
    labels[None] = gettext("No programme")
    return _blocks(indicators, _rows(grouped, labels))


def indicator_report(lines: QuerySet | None = None) -> IndicatorReport:
    """Every breakdown, for the lines of ``lines`` (every live one by
    default): eight queries."""
    lines = live_lines() if lines is None else lines
    indicators = Indicator.objects.in_bulk()
    indicators = dict(sorted(indicators.items(), key=lambda item: (item[1].order, item[1].name)))
    return IndicatorReport(
        by_year=by_year(lines, indicators),
        by_country=by_country(lines, indicators),
        by_sector=by_sector(lines, indicators),
        by_programme=by_programme(lines, indicators),
    )

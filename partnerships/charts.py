"""Geometry for the reports' charts, drawn as server-rendered SVG.

The pages run under a strict Content-Security-Policy (no ``style=``), so sizes
go into SVG attributes (``width``, ``x``) of a ``viewBox`` 100 units wide that
stretches to its container. Numbers are written with a dot whatever the page's
language: an SVG attribute is not prose.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from partnerships.reports import Spread

MIN_VISIBLE = 0.6  # a value above zero always shows a sliver


def _svg_number(value: float) -> str:
    return f"{value:.2f}"


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 times a power of ten at or above ``value``."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


@dataclass(frozen=True)
class Bar:
    item: object
    value: float
    width: str  # percent of the largest value, for <rect width="...">


def bars(items: Iterable, *, value: Callable[[object], float]) -> list[Bar]:
    """One bar per item, as wide as its value relative to the largest."""
    items = list(items)
    values = [float(value(item) or 0) for item in items]
    largest = max(values, default=0)
    result = []
    for item, amount in zip(items, values, strict=True):
        width = 0.0 if largest <= 0 else 100 * amount / largest
        if amount > 0:
            width = max(width, MIN_VISIBLE)
        result.append(Bar(item=item, value=amount, width=_svg_number(width)))
    return result


@dataclass(frozen=True)
class Box:
    """A box plot row: whiskers from the 10th to the 90th percentile, the box
    from the 25th to the 75th, a line at the median (x positions in percent)."""

    item: object
    spread: Spread
    whisker_from: str = "0"
    whisker_to: str = "0"
    box_from: str = "0"
    box_width: str = "0"
    median: str = "0"

    @property
    def is_empty(self) -> bool:
        return not self.spread.count


@dataclass(frozen=True)
class BoxChart:
    boxes: list[Box]
    scale: float  # days at the right edge
    ticks: list[tuple[str, float]]  # (x position, days)


def boxes(items: Sequence, *, spread: Callable[[object], Spread]) -> BoxChart:
    """Box plot rows on a common scale (up to the largest 90th percentile)."""
    spreads = [spread(item) for item in items]
    top = max((s.p90 for s in spreads if s.count and s.p90 is not None), default=0)
    scale = nice_ceiling(top)

    def x(days: float | None) -> float:
        return min(max(100 * (days or 0) / scale, 0), 100)

    rows = []
    for item, s in zip(items, spreads, strict=True):
        if not s.count:
            rows.append(Box(item=item, spread=s))
            continue
        rows.append(
            Box(
                item=item,
                spread=s,
                whisker_from=_svg_number(x(s.p10)),
                whisker_to=_svg_number(x(s.p90)),
                box_from=_svg_number(x(s.p25)),
                box_width=_svg_number(max(x(s.p75) - x(s.p25), MIN_VISIBLE)),
                median=_svg_number(x(s.median)),
            )
        )
    ticks = [(_svg_number(100 * part / 4), scale * part / 4) for part in range(5)]
    return BoxChart(boxes=rows, scale=scale, ticks=ticks)

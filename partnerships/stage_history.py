"""What the reports read from the stage history, stored rather than recomputed
at each request (issue 10): the funnel and the completed stays.

- On each **stage change**: ``left_on``, the day the stay it began ended (the
  effective date of the partnership's next change, in (effective date, id)
  order; empty for the stay still running), and ``stay_days``, its length in
  whole days. The completed stays of a period are then a frequency table read
  from the ``stage_change_stays`` index, instead of a window function (LEAD)
  over the whole history.
- On each **partnership**: ``furthest_stage``, the latest stage in the
  lifecycle its history ever reached (a move back does not undo it; empty
  without a history), and ``entered_pipeline_on``, the effective date of its
  first change (the creation, with no ``from_stage``). The funnel is then a
  count by furthest stage from the ``partnership_funnel`` indexes, instead of
  a DISTINCT count over every stage change.

The workflows that write the history (``create_partnership`` and
``move_stage`` in ``lifecycle.py``) call :func:`refresh` in the same
transaction; nothing else writes stage changes (the admin shows them read-only,
imports and renewals go through those workflows). :func:`refresh_all` is the
set-based recomputation for the data migration and ``refresh_activity --all``;
``seed_scale`` writes the same values as it generates the history. Every path
recomputes from scratch with the same expressions (:func:`stay_values`,
:func:`partnership_values`), so a stored value is always what a recomputation
gives; tests/test_stored_stage_history.py checks it after changes through
every entry point.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import (
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from partnerships.models import Partnership, StageChange
from partnerships.reports import DaysBetween, stage_rank

BATCH = 5000
IDS_PER_UPDATE = 500


def next_change_on() -> Subquery:
    """For a stage change (the outer row): the effective date of the same
    partnership's next change, in (effective date, id) order. One probe of
    the ``stage_change_timeline`` index."""
    later = Q(effective_date__gt=OuterRef("effective_date")) | Q(
        effective_date=OuterRef("effective_date"), pk__gt=OuterRef("pk")
    )
    return Subquery(
        StageChange.all_objects.filter(later, partnership=OuterRef("partnership"))
        .order_by("effective_date", "pk")
        .values("effective_date")[:1]
    )


def stay_values() -> dict:
    """The stored columns of a stage change, as expressions for ``update()``
    (the length is computed from the same subquery: an UPDATE reads the row
    as it was before)."""
    return {
        "left_on": next_change_on(),
        "stay_days": DaysBetween(next_change_on(), F("effective_date")),
    }


def partnership_values() -> dict:
    """The stored columns of a partnership, as expressions for ``update()``
    (a partnership without a history has no furthest stage: "")."""
    changes = StageChange.all_objects.filter(partnership=OuterRef("pk"))
    furthest = Subquery(
        changes.annotate(rank=stage_rank("to_stage")).order_by("-rank").values("to_stage")[:1]
    )
    return {
        "furthest_stage": Coalesce(furthest, Value("")),
        "entered_pipeline_on": Subquery(
            changes.filter(from_stage="")
            .order_by()
            .values("partnership")
            .annotate(first=Min("effective_date"))
            .values("first")
        ),
    }


def refresh(partnership_ids: Iterable[int | None]) -> None:
    """Recompute the stored stays and funnel values of these partnerships
    (deleted ones too: restoring one shows true values). Two UPDATEs per 500
    partnerships, each an index range; neither the version nor
    ``updated_at`` moves, since nobody edited anything."""
    ids = sorted({pk for pk in partnership_ids if pk is not None})
    for start in range(0, len(ids), IDS_PER_UPDATE):  # within every database's parameter limit
        chunk = ids[start : start + IDS_PER_UPDATE]
        StageChange.all_objects.filter(partnership__in=chunk).update(**stay_values())
        Partnership.all_objects.filter(pk__in=chunk).update(**partnership_values())


def refresh_all(*, partnerships: QuerySet | None = None, batch: int = BATCH, progress=None) -> int:
    """Recompute every partnership (or those of ``partnerships``) and its
    stage changes, ``batch`` partnerships at a time by ranges of ids.
    ``progress(n)`` is called after each batch with the partnerships done."""
    rows = Partnership.all_objects.all() if partnerships is None else partnerships
    ids = list(rows.order_by("pk").values_list("pk", flat=True))
    done = 0
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        low, high = chunk[0], chunk[-1]
        changes = StageChange.all_objects.filter(partnership__gte=low, partnership__lte=high)
        if partnerships is not None:
            changes = changes.filter(partnership__in=partnerships.values("pk"))
        changes.update(**stay_values())
        done += rows.filter(pk__gte=low, pk__lte=high).update(**partnership_values())
        if progress is not None:
            progress(len(chunk))
    return done

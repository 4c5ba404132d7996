"""A partnership's stored activity: ``last_activity_on`` and ``next_due_on``.

The board, "my work", the stalled report and the exports sort and filter on
them at any size, so they are indexed columns rather than subqueries computed
for every row. Definitions (docs/managers.md):

- **last activity**: the latest of its last stage move, its last meeting held
  (or planned for a day already past; cancelled ones never count), the last
  day one of its actions was created, the last day one was done;
- **last engagement**: the same without the actions created (a stage move, a
  meeting held, an action done): what dormancy alerts read (``dormancy.py``);
- **next due**: the due date of its earliest pending (open or in progress)
  action that has a due date; empty without one.

Deleted meetings and actions do not count. The workflows of ``lifecycle.py``
call :func:`refresh` for the partnerships a change touches, in the same
transaction; the daily command ``refresh_activity`` calls :func:`refresh_due`
for what time alone changes (a planned meeting whose day has come). Both
recompute from scratch with the same expressions (:func:`stored_values`), so a
stored value is always what a recomputation would give.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models import DateField, Exists, F, Min, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.utils import timezone

from partnerships.models import (
    Action,
    ActionStatus,
    Meeting,
    MeetingStatus,
    Partnership,
)

# Stands in for "never" in GREATEST(), which must not see a NULL (SQLite's
# multi-argument max() returns NULL as soon as one argument is NULL).
NEVER = datetime.date(1900, 1, 1)
BATCH = 5000
IDS_PER_UPDATE = 500


def counted_meetings(today: datetime.date):
    """Meetings that count as activity on ``today``: live, not cancelled, not
    in the future."""
    return Meeting.objects.exclude(status=MeetingStatus.CANCELLED).filter(start_date__lte=today)


def last_activity_expression(*, today: datetime.date, with_created: bool = True) -> Greatest:
    """A partnership's last activity, as an expression over its row (several
    index probes: for the rows being refreshed, never for a whole list).
    Without ``with_created``: its last engagement (creating an action is not
    a sign of life from the partner)."""
    last_meeting = Subquery(
        counted_meetings(today)
        .filter(partnerships=OuterRef("pk"))
        .order_by("-start_date")
        .values("start_date")[:1],
        output_field=DateField(),
    )
    last_created = Subquery(
        Action.objects.filter(partnership=OuterRef("pk"))
        .order_by("-created_at")
        .annotate(day=TruncDate("created_at"))
        .values("day")[:1],
        output_field=DateField(),
    )
    last_done = Subquery(
        Action.objects.filter(
            partnership=OuterRef("pk"), status=ActionStatus.DONE, completed_on__isnull=False
        )
        .order_by("-completed_on")
        .values("completed_on")[:1],
        output_field=DateField(),
    )
    never = Value(NEVER, output_field=DateField())
    return Greatest(
        Coalesce(F("stage_changed_on"), never),
        Coalesce(last_meeting, never),
        *([Coalesce(last_created, never)] if with_created else []),
        Coalesce(last_done, never),
        output_field=DateField(),
    )


def next_due_expression() -> Subquery:
    """The due date of a partnership's earliest pending action with a due date."""
    return Subquery(
        Action.objects.filter(
            partnership=OuterRef("pk"),
            status__in=ActionStatus.pending(),
            due_date__isnull=False,
        )
        .order_by()
        .values("partnership")
        .annotate(next_due=Min("due_date"))
        .values("next_due"),
        output_field=DateField(),
    )


def stored_values(*, today: datetime.date) -> dict:
    """The stored columns, as expressions for ``update()`` or ``annotate()``."""
    return {
        "last_activity_on": last_activity_expression(today=today),
        "next_due_on": next_due_expression(),
        "last_engaged_on": last_activity_expression(today=today, with_created=False),
    }


def refresh(partnership_ids: Iterable[int | None], *, today: datetime.date | None = None) -> int:
    """Recompute the stored activity of these partnerships (deleted ones
    included: restoring one shows true values). One UPDATE; it bumps neither
    the version nor ``updated_at``, since nobody edited the partnership."""
    ids = sorted({pk for pk in partnership_ids if pk is not None})
    today = today or timezone.localdate()
    done = 0
    for start in range(0, len(ids), IDS_PER_UPDATE):  # within every database's parameter limit
        chunk = ids[start : start + IDS_PER_UPDATE]
        done += Partnership.all_objects.filter(pk__in=chunk).update(**stored_values(today=today))
    return done


# Inside ``deferred()``: the partnerships whose stored activity is to be
# recomputed on the way out, rather than after each workflow call.
_deferred: ContextVar[set[int] | None] = ContextVar("crm_deferred_activity", default=None)


@contextmanager
def deferred(*, today: datetime.date | None = None) -> Iterator[None]:
    """Inside the block, the workflows only note which partnerships' stored
    activity changed; it is recomputed once, when the block ends without an
    error (an import of a thousand rows makes one refresh, not thousands).
    For a block inside one transaction: nothing outside it reads the
    columns before they are true again."""
    pending: set[int] = set()
    token = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(token)
    refresh(pending, today=today)


def defer(partnership_ids: Iterable[int | None]) -> bool:
    """Inside ``deferred()``, note these partnerships and say so."""
    pending = _deferred.get()
    if pending is None:
        return False
    pending.update(pk for pk in partnership_ids if pk is not None)
    return True


def refresh_all(
    *,
    today: datetime.date | None = None,
    partnerships: QuerySet | None = None,
    batch: int = BATCH,
    progress=None,
) -> int:
    """Recompute every partnership (or those of ``partnerships``), ``batch``
    at a time, by ranges of ids (for ``seed_scale`` and ``refresh_activity
    --all``). ``progress(n)`` is called after each batch with the rows done."""
    today = today or timezone.localdate()
    rows = Partnership.all_objects.all() if partnerships is None else partnerships
    ids = list(rows.order_by("pk").values_list("pk", flat=True))
    done = 0
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        done += rows.filter(pk__gte=chunk[0], pk__lte=chunk[-1]).update(
            **stored_values(today=today)
        )
        if progress is not None:
            progress(len(chunk))
    return done


def due_for_refresh(*, today: datetime.date) -> Q:
    """Partnerships whose stored last activity time alone has made wrong: a
    meeting of theirs that counts today lies after it (it was planned, and its
    day has come). Written as an EXISTS probe per partnership."""
    came_due = Meeting.partnerships.through.objects.filter(
        partnership=OuterRef("pk"),
        meeting__deleted_at__isnull=True,
        meeting__start_date__lte=today,
        # The last engagement is never after the last activity: a meeting
        # after it is after both, or missing from the engagement alone.
        meeting__start_date__gt=OuterRef("last_engaged_on"),
    ).exclude(meeting__status=MeetingStatus.CANCELLED)
    return Q(Exists(came_due))


def refresh_due(*, today: datetime.date | None = None) -> int:
    """The daily refresh: recompute the partnerships :func:`due_for_refresh`
    finds. Idempotent (a second run the same day finds nothing) and safe to
    run at any time, from cron, twice, or after a missed day."""
    today = today or timezone.localdate()
    ids = list(
        Partnership.all_objects.filter(due_for_refresh(today=today)).values_list("pk", flat=True)
    )
    return refresh(ids, today=today)

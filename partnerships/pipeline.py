"""The pipeline board: one column per stage, each with its count, its total
value in euros and its most relevant cards.

Performance rule: the board runs a fixed number of queries whatever the number
of partnerships, never loads every row and computes nothing per row of the
table. It reads stored columns only: the next due date and last activity
(``activity.py``) and the value in euros (``valuation.py``). The counts and
totals are one ``GROUP BY stage`` over the ``partnership_stage_totals`` index
(status, stage, value in euros); the cards of each column are the first
``per_column`` rows of a walk of the ``partnership_board`` index (stage, next
due date, value in euros, id: the relevance order), the five walks in the
query that reads the cards, then their parties and team are prefetched.

Relevance, within a column: the partnership whose next action is the most
overdue first, then the soonest next due date, then those with no pending
action; ties by value in euros (largest first), then newest first.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, F, Prefetch, QuerySet, Sum
from django.http import QueryDict

from partnerships import permissions
from partnerships.filters import PartnershipFilter
from partnerships.models import Partnership, PartnershipParty, Stage, Status
from partnerships.reports import stalled_after_days

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

PER_COLUMN = 12
MORE_PER_PAGE = 24


class BoardFilter(PartnershipFilter):
    """The partnership list's FilterSet (same parameters, same meaning), minus
    what a board has no use for: its columns are the stages and its order is
    relevance."""

    stage = None
    ordering = None


def board_filter_data(query: QueryDict) -> QueryDict:
    """The query string with the board's default: when no status is chosen,
    open partnerships (active and on hold)."""
    data = query.copy()
    if not data.getlist("status"):
        data.setlist("status", list(Status.open()))
    for name in ("offset", "page"):
        data.pop(name, None)
    return data


@dataclass
class Card:
    partnership: Partnership
    value_eur: Decimal | None
    next_due: datetime.date | None
    last_activity: datetime.date
    days_since_activity: int
    is_overdue: bool
    is_stalled: bool
    can_move: bool
    # How many days the next action is overdue (0 when it is not).
    days_late: int = 0

    @property
    def parties(self) -> list[PartnershipParty]:
        return list(self.partnership.parties.all())

    @property
    def default_move(self) -> str:
        """The stage the move form offers first: the next one (the previous
        one from the last stage)."""
        stages = Stage.values
        rank = stages.index(self.partnership.stage)
        return stages[rank + 1] if rank + 1 < len(stages) else stages[rank - 1]


@dataclass
class Column:
    stage: str
    label: str
    rank: int
    count: int
    total_eur: Decimal
    cards: list[Card]
    # Where ``cards`` start in the column (0 on the board, more with "show more").
    offset: int = 0

    @property
    def shown(self) -> int:
        """How many cards of the column are shown up to the last of ``cards``."""
        return self.offset + len(self.cards)

    @property
    def remaining(self) -> int:
        return max(self.count - self.shown, 0)

    @property
    def has_more(self) -> bool:
        return self.remaining > 0


def relevance() -> list:
    """The order of cards within a column (see the module's docstring), on
    stored columns only: the ``partnership_board`` index is in this order."""
    return [
        F("next_due_on").asc(nulls_last=True),
        F("value_eur").desc(nulls_last=True),
        F("pk").desc(),
    ]


def _relevance_key(row: Partnership) -> tuple:
    """:func:`relevance` in Python, to put in order the few cards read."""
    return (
        row.next_due_on is None,
        row.next_due_on or datetime.date.max,
        row.value_eur is None,
        -(row.value_eur or 0),
        -row.pk,
    )


def board(
    *,
    queryset: QuerySet,
    today: datetime.date,
    user: AbstractBaseUser,
    per_column: int = PER_COLUMN,
) -> list[Column]:
    """The five columns for ``queryset`` (already filtered and scoped to the
    user). Queries: one for counts and totals (read from an index holding the
    stage and the stored value in euros), one per stage for the ids of its
    first ``per_column`` cards in relevance order (a walk of the
    ``partnership_board`` index that stops there), then the cards with their
    owner, parties and team (three)."""
    totals = {
        stage: (count, total)
        for stage, count, total in queryset.order_by()
        .values_list("stage")
        .annotate(n=Count("pk"), total=Sum("value_eur"))
    }
    # The ids of each column's first cards: one short walk of the
    # partnership_board index per stage (five at most). One query OR-ing the
    # five lists made SQLite read a whole index and test every row.
    ids = []
    for stage in totals:
        ids += (
            queryset.filter(stage=stage)
            .order_by(*relevance())
            .values_list("pk", flat=True)[:per_column]
        )
    cards = _cards(Partnership.objects.filter(pk__in=ids), today=today, user=user)
    columns = []
    for rank, (stage, label) in enumerate(Stage.choices):
        count, total = totals.get(stage, (0, None))
        columns.append(
            Column(
                stage=stage,
                label=label,
                rank=rank,
                count=count,
                total_eur=_whole_euros(total),
                cards=[card for card in cards if card.partnership.stage == stage],
            )
        )
    return columns


def column_page(
    *,
    queryset: QuerySet,
    stage: str,
    today: datetime.date,
    user: AbstractBaseUser,
    offset: int,
    limit: int = MORE_PER_PAGE,
) -> Column:
    """The cards of one column from ``offset`` on ("show more"), with the
    column's count. Queries: the count, then the cards (as the board)."""
    in_stage = queryset.filter(stage=stage)
    page = list(
        in_stage.order_by(*relevance()).values_list("pk", flat=True)[offset : offset + limit]
    )
    return Column(
        stage=stage,
        label=Stage(stage).label,
        rank=Stage.rank(stage),
        count=in_stage.count(),
        total_eur=Decimal(0),
        cards=_cards(Partnership.objects.filter(pk__in=page), today=today, user=user),
        offset=offset,
    )


def _cards(rows: QuerySet, *, today: datetime.date, user: AbstractBaseUser) -> list[Card]:
    """The cards of ``rows`` (a bounded set), in relevance order."""
    rows = (
        rows.order_by()
        .select_related("owner")
        .prefetch_related(
            Prefetch(
                "parties",
                queryset=PartnershipParty.objects.select_related("organization").order_by(
                    "order", "pk"
                ),
            ),
            "team",
        )
    )
    stalled_after = stalled_after_days()
    return [
        Card(
            partnership=row,
            value_eur=_whole_euros(row.value_eur) if row.value_eur is not None else None,
            next_due=row.next_due_on,
            last_activity=row.last_activity_on,
            days_since_activity=max((today - row.last_activity_on).days, 0),
            is_overdue=row.next_due_on is not None and row.next_due_on < today,
            is_stalled=row.is_open and (today - row.last_activity_on).days >= stalled_after,
            can_move=permissions.can_move_partnership(user, row),
            days_late=max((today - row.next_due_on).days, 0) if row.next_due_on else 0,
        )
        for row in sorted(rows, key=_relevance_key)
    ]


def _whole_euros(value) -> Decimal:
    if value is None:
        return Decimal(0)
    return Decimal(value).quantize(Decimal(1))

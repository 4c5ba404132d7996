"""Builders for the managers' tests: partnerships with a given stage history,
activity on given days, and data sets of a given size for query counts."""

from __future__ import annotations

import datetime
from decimal import Decimal

from partnerships import activity, stage_history
from partnerships.models import (
    Action,
    ActionStatus,
    Meeting,
    Partnership,
    StageChange,
)
from tests import factories
from tests.clock import TODAY, noon

__all__ = ["TODAY", "action_on", "meeting_on", "noon", "populate", "with_history"]


def with_history(history: list[tuple[str, datetime.date]], **fields) -> Partnership:
    """A partnership that started at ``history[0]`` and moved through the rest,
    recorded as the lifecycle would (one StageChange per move)."""
    first_stage, first_day = history[0]
    partnership = factories.PartnershipFactory(
        stage=first_stage, stage_changed_on=first_day, **fields
    )
    previous = first_stage
    for stage, day in history[1:]:
        StageChange.objects.create(
            partnership=partnership,
            from_stage=previous,
            to_stage=stage,
            effective_date=day,
            changed_by=partnership.owner,
        )
        previous = stage
    Partnership.all_objects.filter(pk=partnership.pk).update(
        stage=previous, stage_changed_on=history[-1][1]
    )
    activity.refresh([partnership.pk])
    stage_history.refresh([partnership.pk])
    partnership.refresh_from_db()
    return partnership


def action_on(partnership: Partnership, *, created: datetime.date, **fields) -> Action:
    """An action of ``partnership`` created on ``created`` (not today)."""
    fields.setdefault("owner", partnership.owner)
    action = factories.ActionFactory(partnership=partnership, **fields)
    Action.all_objects.filter(pk=action.pk).update(created_at=noon(created))
    activity.refresh([partnership.pk])
    action.refresh_from_db()
    return action


def meeting_on(partnership: Partnership, day: datetime.date, **fields) -> Meeting:
    meeting = factories.MeetingFactory(start_date=day, **fields)
    meeting.partnerships.add(partnership)
    activity.refresh([partnership.pk])
    return meeting


def populate(count: int, *, owner=None, sector=None) -> list[Partnership]:
    """``count`` partnerships spread over stages, statuses and currencies, each
    with parties, a sector, a meeting and actions: enough for every query of
    the board and the reports to have rows to (not) repeat per row."""
    stages = ["prospect", "letter_of_intent", "agreement", "contract", "renewal"]
    currencies = ["EUR", "CNY", "USD"]
    sector = sector or factories.SectorFactory()
    partnerships = []
    for index in range(count):
        stage = stages[index % len(stages)]
        history = [("prospect", TODAY - datetime.timedelta(days=400 - index))]
        if stage != "prospect":
            history.append((stage, TODAY - datetime.timedelta(days=200 - index)))
        partnership = with_history(
            history,
            owner=owner or factories.StaffFactory(),
            value_amount=Decimal(1000 * (index + 1)),
            value_currency=currencies[index % len(currencies)],
            end_date=TODAY + datetime.timedelta(days=20 + index * 7),
            renewal_notice_days=30,
            renews_tacitly=index % 2 == 0,
        )
        partnership.sectors.add(sector)
        factories.PartnershipPartyFactory(partnership=partnership)
        factories.PartnershipPartyFactory(
            partnership=partnership, organization__country="FR", role="partner"
        )
        meeting_on(partnership, TODAY - datetime.timedelta(days=index))
        action_on(
            partnership,
            created=TODAY - datetime.timedelta(days=index),
            due_date=TODAY - datetime.timedelta(days=index % 4),
        )
        action_on(
            partnership,
            created=TODAY - datetime.timedelta(days=100),
            due_date=TODAY - datetime.timedelta(days=10),
            status=ActionStatus.DONE,
            completed_on=TODAY - datetime.timedelta(days=index),
        )
        partnership.team.add(factories.StaffFactory())
        partnerships.append(partnership)
    return partnerships

"""The lifecycle rules: stage moves, status changes, action workflows, stale edits."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.db import transaction
from django.utils import timezone

from partnerships import lifecycle
from partnerships.errors import DomainError, StaleObjectError
from partnerships.models import (
    Action,
    ActionStatus,
    Partnership,
    Stage,
    StageChange,
    Status,
    StatusChange,
)
from tests import factories

pytestmark = pytest.mark.django_db

STAGES = Stage.values
FORWARD = [
    (a, b) for a, b in itertools.permutations(STAGES, 2) if STAGES.index(b) > STAGES.index(a)
]
BACKWARD = [
    (a, b) for a, b in itertools.permutations(STAGES, 2) if STAGES.index(b) < STAGES.index(a)
]


def snapshot(partnership: Partnership) -> tuple:
    fresh = Partnership.all_objects.get(pk=partnership.pk)
    return (
        fresh.stage,
        fresh.status,
        fresh.version,
        fresh.stage_changed_on,
        StageChange.objects.filter(partnership=fresh).count(),
        StatusChange.objects.filter(partnership=fresh).count(),
        fresh.history.count(),
    )


@pytest.mark.parametrize(("from_stage", "to_stage"), FORWARD)
def test_every_forward_move_is_allowed_and_recorded(owner, from_stage, to_stage):
    partnership = factories.PartnershipFactory(owner=owner, stage=from_stage)

    change = lifecycle.move_stage(
        partnership, to=to_stage, by=owner, note="", expected_version=partnership.version
    )

    partnership.refresh_from_db()
    assert partnership.stage == to_stage
    assert partnership.stage_changed_on == timezone.localdate()
    assert (change.from_stage, change.to_stage, change.changed_by) == (from_stage, to_stage, owner)
    assert change.effective_date == timezone.localdate()
    assert list(partnership.stage_changes.values_list("to_stage", flat=True)) == [
        from_stage,
        to_stage,
    ]


@pytest.mark.parametrize(("from_stage", "to_stage"), BACKWARD)
def test_every_backward_move_needs_a_note(owner, from_stage, to_stage):
    partnership = factories.PartnershipFactory(owner=owner, stage=from_stage)
    before = snapshot(partnership)

    with pytest.raises(DomainError, match="needs a note"):
        lifecycle.move_stage(
            partnership, to=to_stage, by=owner, note="   ", expected_version=partnership.version
        )

    assert snapshot(partnership) == before


@pytest.mark.parametrize(("from_stage", "to_stage"), BACKWARD)
def test_every_backward_move_with_a_note_is_allowed(owner, from_stage, to_stage):
    partnership = factories.PartnershipFactory(owner=owner, stage=from_stage)

    change = lifecycle.move_stage(
        partnership,
        to=to_stage,
        by=owner,
        note="The partner withdrew its signature.",
        expected_version=partnership.version,
    )

    assert change.is_backward
    assert change.note == "The partner withdrew its signature."
    assert Partnership.objects.get(pk=partnership.pk).stage == to_stage


@pytest.mark.parametrize("stage", STAGES)
def test_moving_to_the_same_stage_is_refused(owner, stage):
    partnership = factories.PartnershipFactory(owner=owner, stage=stage)
    before = snapshot(partnership)

    with pytest.raises(DomainError, match="already at"):
        lifecycle.move_stage(
            partnership, to=stage, by=owner, note="again", expected_version=partnership.version
        )

    assert snapshot(partnership) == before


@pytest.mark.parametrize("status", [Status.CONCLUDED, Status.ABANDONED])
def test_a_closed_partnership_cannot_move(owner, status):
    partnership = factories.PartnershipFactory(
        owner=owner,
        status=status,
        abandon_reason=factories.AbandonReasonFactory() if status == Status.ABANDONED else None,
    )
    before = snapshot(partnership)

    with pytest.raises(DomainError, match="cannot change stage"):
        lifecycle.move_stage(
            partnership, to=Stage.AGREEMENT, by=owner, expected_version=partnership.version
        )

    assert snapshot(partnership) == before


def test_a_partnership_on_hold_can_still_move(owner):
    partnership = factories.PartnershipFactory(owner=owner, status=Status.ON_HOLD)
    lifecycle.move_stage(
        partnership, to=Stage.AGREEMENT, by=owner, expected_version=partnership.version
    )
    assert Partnership.objects.get(pk=partnership.pk).stage == Stage.AGREEMENT


def test_an_unknown_stage_is_refused_with_its_name(owner, partnership):
    before = snapshot(partnership)
    with pytest.raises(DomainError, match="“signed” is not a stage"):
        lifecycle.move_stage(
            partnership, to="signed", by=owner, expected_version=partnership.version
        )
    assert snapshot(partnership) == before


def test_effective_date_cannot_be_in_the_future(owner, partnership):
    before = snapshot(partnership)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(DomainError, match="future"):
        lifecycle.move_stage(
            partnership,
            to=Stage.AGREEMENT,
            by=owner,
            effective_date=tomorrow,
            expected_version=partnership.version,
        )
    assert snapshot(partnership) == before


def test_effective_date_cannot_be_before_the_previous_move(owner, partnership):
    before = snapshot(partnership)
    too_early = partnership.stage_changed_on - datetime.timedelta(days=1)
    with pytest.raises(DomainError, match="before the previous change"):
        lifecycle.move_stage(
            partnership,
            to=Stage.AGREEMENT,
            by=owner,
            effective_date=too_early,
            expected_version=partnership.version,
        )
    assert snapshot(partnership) == before


def test_a_move_from_a_source_that_gives_only_the_month_records_that_precision(owner, partnership):
    day = timezone.localdate() - datetime.timedelta(days=10)
    change = lifecycle.move_stage(
        partnership,
        to=Stage.CONTRACT,
        by=owner,
        effective_date=day,
        date_precision="month",
        expected_version=partnership.version,
    )
    assert (change.effective_date, change.date_precision) == (day, "month")


def test_a_move_with_an_unknown_date_precision_is_refused(owner, partnership):
    before = snapshot(partnership)
    with pytest.raises(DomainError):
        lifecycle.move_stage(
            partnership,
            to=Stage.CONTRACT,
            by=owner,
            date_precision="week",
            expected_version=partnership.version,
        )
    assert snapshot(partnership) == before


def test_a_new_partnership_records_the_note_and_precision_of_its_first_stage(owner):
    partnership = Partnership(title="Amiens – Zhengzhou", owner=owner, stage=Stage.AGREEMENT)
    lifecycle.create_partnership(
        partnership,
        by=owner,
        stage_since=datetime.date(2018, 1, 1),
        stage_note="Signed in 2018; the source gives the year only.",
        stage_precision="year",
    )
    first = partnership.stage_changes.get()
    assert (first.note, first.date_precision) == (
        "Signed in 2018; the source gives the year only.",
        "year",
    )


def test_a_move_records_a_past_effective_date(owner, partnership):
    day = timezone.localdate() - datetime.timedelta(days=2)
    lifecycle.move_stage(
        partnership,
        to=Stage.CONTRACT,
        by=owner,
        effective_date=day,
        expected_version=partnership.version,
    )
    partnership.refresh_from_db()
    assert partnership.stage_changed_on == day
    assert partnership.stage_changes.last().effective_date == day


def test_a_move_that_fails_after_writing_rolls_everything_back(owner, partnership, monkeypatch):
    """The StageChange row and the partnership's new stage go in together or not at all."""
    before = snapshot(partnership)

    def broken_save(self, *args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Partnership, "save", broken_save)
    with pytest.raises(RuntimeError):
        lifecycle.move_stage(
            partnership, to=Stage.AGREEMENT, by=owner, expected_version=partnership.version
        )
    monkeypatch.undo()

    assert snapshot(partnership) == before


def test_a_move_from_a_stale_page_is_refused(owner, partnership):
    stale_version = partnership.version
    lifecycle.move_stage(
        partnership, to=Stage.LETTER_OF_INTENT, by=owner, expected_version=partnership.version
    )
    with pytest.raises(StaleObjectError, match="Someone else changed"):
        lifecycle.move_stage(
            partnership, to=Stage.AGREEMENT, by=owner, expected_version=stale_version
        )
    assert Partnership.objects.get(pk=partnership.pk).stage == Stage.LETTER_OF_INTENT


def test_create_partnership_records_its_first_stage(owner):
    partnership = Partnership(title="New", owner=owner, stage=Stage.LETTER_OF_INTENT)
    day = timezone.localdate() - datetime.timedelta(days=10)

    lifecycle.create_partnership(partnership, by=owner, stage_since=day)

    change = partnership.stage_changes.get()
    assert (change.from_stage, change.to_stage, change.effective_date) == (
        "",
        "letter_of_intent",
        day,
    )
    assert partnership.created_by == owner
    assert partnership.stage_changed_on == day


# Status ----------------------------------------------------------------------------


def test_abandoning_needs_a_reason_and_a_note(owner, partnership):
    reason = factories.AbandonReasonFactory(name="Political change")
    before = snapshot(partnership)

    with pytest.raises(DomainError, match="Choose why"):
        lifecycle.change_status(
            partnership,
            to=Status.ABANDONED,
            by=owner,
            note="Elections",
            expected_version=partnership.version,
        )
    with pytest.raises(DomainError, match="Add a note"):
        lifecycle.change_status(
            partnership,
            to=Status.ABANDONED,
            by=owner,
            reason=reason,
            expected_version=partnership.version,
        )
    assert snapshot(partnership) == before

    lifecycle.abandon(
        partnership,
        by=owner,
        reason=reason,
        note="New provincial leadership.",
        expected_version=partnership.version,
    )
    partnership.refresh_from_db()
    assert partnership.status == Status.ABANDONED
    assert partnership.abandon_reason == reason
    change = partnership.status_changes.get()
    assert (change.from_status, change.to_status, change.reason) == ("active", "abandoned", reason)


def test_reopening_an_abandoned_partnership_clears_the_reason(owner, partnership):
    reason = factories.AbandonReasonFactory()
    lifecycle.abandon(
        partnership,
        by=owner,
        reason=reason,
        note="Funding cut.",
        expected_version=partnership.version,
    )
    lifecycle.change_status(
        partnership,
        to=Status.ACTIVE,
        by=owner,
        note="Funding found.",
        expected_version=partnership.version,
    )
    partnership.refresh_from_db()
    assert partnership.status == Status.ACTIVE
    assert partnership.abandon_reason is None
    assert partnership.status_changes.count() == 2


def test_a_reason_is_refused_unless_abandoning(owner, partnership):
    with pytest.raises(DomainError, match="only given when abandoning"):
        lifecycle.change_status(
            partnership,
            to=Status.ON_HOLD,
            by=owner,
            reason=factories.AbandonReasonFactory(),
            expected_version=partnership.version,
        )


@pytest.mark.parametrize(
    ("function", "status"),
    [(lifecycle.put_on_hold, Status.ON_HOLD), (lifecycle.conclude, Status.CONCLUDED)],
)
def test_hold_and_conclude_record_a_status_change(owner, partnership, function, status):
    function(
        partnership,
        by=owner,
        note="Waiting for the new budget.",
        expected_version=partnership.version,
    )
    partnership.refresh_from_db()
    assert partnership.status == status
    assert partnership.status_changes.get().note == "Waiting for the new budget."


def test_changing_to_the_same_status_is_refused(owner, partnership):
    with pytest.raises(DomainError, match="already active"):
        lifecycle.resume(partnership, by=owner, expected_version=partnership.version)


def test_reassigning_a_partnership_changes_its_owner(owner, outsider, partnership):
    lifecycle.reassign_partnership(partnership, to=outsider, by=owner)
    assert Partnership.objects.get(pk=partnership.pk).owner == outsider


# Actions ---------------------------------------------------------------------------


def test_completing_an_action_stamps_who_when_and_outcome(owner):
    action = factories.ActionFactory(owner=owner)
    lifecycle.complete_action(
        action, by=owner, outcome="Route study delivered.", expected_version=action.version
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    assert action.completed_by == owner
    assert action.completed_on == timezone.localdate()
    assert action.outcome == "Route study delivered."


def test_an_action_cannot_be_completed_twice(owner):
    action = factories.ActionFactory(owner=owner)
    lifecycle.complete_action(action, by=owner, expected_version=action.version)
    with pytest.raises(DomainError, match="already done"):
        lifecycle.complete_action(action, by=owner, expected_version=action.version)


def test_a_cancelled_action_must_be_reopened_before_completion(owner):
    action = factories.ActionFactory(owner=owner)
    lifecycle.cancel_action(
        action, by=owner, note="No longer needed.", expected_version=action.version
    )
    with pytest.raises(DomainError, match="reopen it first"):
        lifecycle.complete_action(action, by=owner, expected_version=action.version)

    lifecycle.reopen_action(action, by=owner, expected_version=action.version)
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN
    assert action.completed_on is None and action.completed_by is None


def test_reopening_an_open_action_is_refused(owner):
    action = factories.ActionFactory(owner=owner)
    with pytest.raises(DomainError, match="already open"):
        lifecycle.reopen_action(action, by=owner, expected_version=action.version)


def test_completion_date_cannot_be_in_the_future(owner):
    action = factories.ActionFactory(owner=owner)
    with pytest.raises(DomainError, match="future"):
        lifecycle.complete_action(
            action,
            by=owner,
            completed_on=timezone.localdate() + datetime.timedelta(days=1),
            expected_version=action.version,
        )
    assert Action.objects.get(pk=action.pk).status == ActionStatus.OPEN


def test_reassigning_an_action_to_an_inactive_user_is_refused(owner):
    action = factories.ActionFactory(owner=owner)
    gone = factories.StaffFactory(is_active=False)
    with pytest.raises(DomainError, match="active user"):
        lifecycle.reassign_action(action, to=gone, by=owner)


# Optimistic concurrency -----------------------------------------------------------------


def test_saving_from_a_stale_copy_is_refused_and_keeps_the_other_change(owner, partnership):
    mine = Partnership.objects.get(pk=partnership.pk)
    theirs = Partnership.objects.get(pk=partnership.pk)
    theirs.summary = "Their summary"
    theirs.save()

    mine.summary = "My summary"
    with (
        pytest.raises(StaleObjectError, match="Someone else changed this partnership"),
        transaction.atomic(),
    ):
        mine.save()

    fresh = Partnership.objects.get(pk=partnership.pk)
    assert fresh.summary == "Their summary"
    assert fresh.version == partnership.version + 1


def test_each_save_bumps_the_version(owner):
    action = factories.ActionFactory(owner=owner)
    assert action.version == 1
    action.title = "Renamed"
    action.save()
    assert Action.objects.get(pk=action.pk).version == 2

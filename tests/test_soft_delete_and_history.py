"""Soft delete hides and restores; every change is kept in the history."""

from __future__ import annotations

import pytest

from partnerships import lifecycle
from partnerships.models import Action, Contact, Meeting, Organization, Partnership, Stage
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "make",
    [
        lambda owner: factories.PartnershipFactory(owner=owner),
        lambda owner: factories.MeetingFactory(logged_by=owner),
        lambda owner: factories.ActionFactory(owner=owner),
    ],
    ids=["partnership", "meeting", "action"],
)
def test_deleted_records_disappear_from_lists_and_come_back_when_restored(owner, manager, make):
    obj = make(owner)
    model = type(obj)

    lifecycle.soft_delete(obj, by=manager)

    assert not model.objects.filter(pk=obj.pk).exists()
    deleted = model.all_objects.get(pk=obj.pk)
    assert deleted.is_deleted and deleted.deleted_by == manager

    lifecycle.restore(deleted, by=manager)

    restored = model.objects.get(pk=obj.pk)
    assert restored.deleted_at is None and restored.deleted_by is None


def test_a_deleted_partnership_cannot_move(owner, manager, partnership):
    lifecycle.soft_delete(partnership, by=manager)
    with pytest.raises(lifecycle.DomainError, match="deleted"):
        lifecycle.move_stage(
            partnership, to=Stage.AGREEMENT, by=owner, expected_version=partnership.version
        )


def test_deleted_actions_are_hidden_from_a_partnerships_related_list(owner, manager, partnership):
    kept = factories.ActionFactory(owner=owner, partnership=partnership)
    gone = factories.ActionFactory(owner=owner, partnership=partnership)
    lifecycle.soft_delete(gone, by=manager)
    assert list(partnership.actions.all()) == [kept]


@pytest.mark.parametrize(
    ("model", "make", "field", "value"),
    [
        (Organization, lambda o: factories.OrganizationFactory(), "locality", "Chongli"),
        (Contact, lambda o: factories.ContactFactory(), "title", "Mayor"),
        (Partnership, lambda o: factories.PartnershipFactory(owner=o), "summary", "Ski school"),
        (Meeting, lambda o: factories.MeetingFactory(logged_by=o), "outcomes", "Agreed"),
        (Action, lambda o: factories.ActionFactory(owner=o), "details", "Call ADL"),
    ],
    ids=["organization", "contact", "partnership", "meeting", "action"],
)
def test_every_change_is_kept_in_the_history(owner, model, make, field, value):
    obj = make(owner)
    obj._history_user = owner
    setattr(obj, field, value)
    obj.save()

    records = model.history.filter(id=obj.pk).order_by("history_date")
    assert records.count() == 2
    newest, previous = records.last(), records.first()
    changes = {
        change.field: (change.old, change.new) for change in newest.diff_against(previous).changes
    }
    assert changes[field][1] == value
    assert newest.history_user == owner


def test_lifecycle_moves_are_in_the_history_with_who_and_why(owner, partnership):
    lifecycle.move_stage(
        partnership,
        to=Stage.AGREEMENT,
        by=owner,
        note="Signed in Chambéry",
        expected_version=partnership.version,
    )
    record = partnership.history.latest()
    assert record.stage == Stage.AGREEMENT
    assert record.history_user == owner
    assert record.history_change_reason == "Signed in Chambéry"


def test_team_changes_are_in_the_history(owner, teammate, partnership):
    partnership.team.add(owner)
    latest = partnership.history.latest()
    assert {member.user_id for member in latest.team.all()} == {owner.pk, teammate.pk}


def test_actions_of_a_deleted_partnership_leave_the_lists_and_come_back_with_it(
    owner, manager, partnership
):
    action = factories.ActionFactory(owner=owner, partnership=partnership)
    loose = factories.ActionFactory(owner=owner, partnership=None)

    lifecycle.soft_delete(partnership, by=manager)
    assert list(Action.objects.all()) == [loose]
    assert Action.all_objects.filter(pk=action.pk).exists()

    lifecycle.restore(Partnership.all_objects.get(pk=partnership.pk), by=manager)
    assert set(Action.objects.all()) == {action, loose}


def test_restoring_a_partnership_does_not_bring_back_an_action_deleted_on_its_own(
    owner, manager, partnership
):
    kept = factories.ActionFactory(owner=owner, partnership=partnership)
    deleted_alone = factories.ActionFactory(owner=owner, partnership=partnership)
    lifecycle.soft_delete(deleted_alone, by=manager)

    lifecycle.soft_delete(partnership, by=manager)
    lifecycle.restore(Partnership.all_objects.get(pk=partnership.pk), by=manager)

    assert list(Action.objects.filter(partnership=partnership)) == [kept]

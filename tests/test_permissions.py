"""SPEC section 3, role by role, through the one permissions module."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from partnerships import permissions
from tests import factories

pytestmark = pytest.mark.django_db

EVERYONE = ["owner", "teammate", "outsider", "manager", "admin", "no_role", "anonymous"]


def user_of(personas, name):
    return personas[name] or AnonymousUser()


def allowed(personas, check) -> set[str]:
    return {name for name in EVERYONE if check(user_of(personas, name))}


def test_groups_exist_after_migrate():
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= {"Staff", "Manager"}


def test_roles(personas):
    assert allowed(personas, permissions.is_admin) == {"admin"}
    assert allowed(personas, permissions.is_manager) == {"manager", "admin"}
    assert allowed(personas, permissions.can_use_app) == {
        "owner",
        "teammate",
        "outsider",
        "manager",
        "admin",
    }


def test_an_inactive_manager_has_no_role(personas):
    manager = personas["manager"]
    manager.is_active = False
    assert not permissions.is_manager(manager)
    assert not permissions.can_use_app(manager)


def test_everyone_with_a_role_reads_every_partnership_and_no_one_else(personas, partnership):
    from partnerships.models import Partnership

    for name in EVERYONE:
        visible = Partnership.objects.visible_to(user_of(personas, name))
        expected = name not in ("no_role", "anonymous")
        assert visible.filter(pk=partnership.pk).exists() is expected, name


def test_staff_with_a_role_create_records(personas):
    assert allowed(personas, permissions.can_create) == {
        "owner",
        "teammate",
        "outsider",
        "manager",
        "admin",
    }


def test_owner_team_and_managers_edit_and_move_a_partnership(personas, partnership):
    editors = {"owner", "teammate", "manager", "admin"}
    assert allowed(personas, lambda u: permissions.can_edit_partnership(u, partnership)) == editors
    assert allowed(personas, lambda u: permissions.can_move_partnership(u, partnership)) == editors
    assert (
        allowed(personas, lambda u: permissions.can_change_partnership_status(u, partnership))
        == editors
    )
    assert allowed(personas, lambda u: permissions.can_upload_document(u, partnership)) == editors


def test_only_managers_reassign_a_partnership(personas, partnership):
    assert allowed(personas, lambda u: permissions.can_reassign_partnership(u, partnership)) == {
        "manager",
        "admin",
    }


def test_action_owner_and_managers_edit_complete_and_reassign_an_action(personas):
    action = factories.ActionFactory(owner=personas["owner"])
    expected = {"owner", "manager", "admin"}
    assert allowed(personas, lambda u: permissions.can_edit_action(u, action)) == expected
    assert allowed(personas, lambda u: permissions.can_complete_action(u, action)) == expected
    assert allowed(personas, lambda u: permissions.can_reassign_action(u, action)) == expected


def test_whoever_logged_or_attended_a_meeting_and_managers_edit_it(personas):
    meeting = factories.MeetingFactory(logged_by=personas["owner"])
    meeting.attendees.add(personas["teammate"])
    expected = {"owner", "teammate", "manager", "admin"}
    assert allowed(personas, lambda u: permissions.can_edit_meeting(u, meeting)) == expected


def test_staff_edit_shared_organizations_and_contacts(personas):
    everyone_with_a_role = {"owner", "teammate", "outsider", "manager", "admin"}
    assert allowed(personas, permissions.can_edit_organization) == everyone_with_a_role
    assert allowed(personas, permissions.can_edit_contact) == everyone_with_a_role


def test_staff_never_delete_managers_delete_and_restore(personas, partnership):
    assert allowed(personas, lambda u: permissions.can_delete(u, partnership)) == {
        "manager",
        "admin",
    }
    assert allowed(personas, lambda u: permissions.can_restore(u, partnership)) == {
        "manager",
        "admin",
    }


def test_history_reports_and_exports_are_for_managers(personas):
    for check in (
        permissions.can_view_history,
        permissions.can_view_reports,
        permissions.can_export,
    ):
        assert allowed(personas, check) == {"manager", "admin"}


def test_documents_are_downloadable_by_every_role_while_their_partnership_lives(
    personas, partnership
):
    document = factories.DocumentFactory(partnership=partnership)
    assert allowed(personas, lambda u: permissions.can_download_document(u, document)) == {
        "owner",
        "teammate",
        "outsider",
        "manager",
        "admin",
    }
    from partnerships import lifecycle

    lifecycle.soft_delete(partnership, by=personas["manager"])
    document.partnership.refresh_from_db()
    assert allowed(personas, lambda u: permissions.can_download_document(u, document)) == set()


def test_a_flush_puts_back_the_groups_and_empty_reference_lists_but_not_deleted_sectors(
    transactional_db,
):
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from partnerships.models import AbandonReason, Indicator, Sector

    Sector.objects.filter(slug="health").delete()
    call_command("flush", interactive=False, verbosity=0)

    assert set(Group.objects.values_list("name", flat=True)) == {"Staff", "Manager"}
    assert Sector.objects.filter(slug="health").exists()  # the table was empty: refilled
    assert AbandonReason.objects.count() == 7
    assert Indicator.objects.filter(code="jobs-created").exists()  # the standard list

    Sector.objects.filter(slug="health").delete()
    call_command("migrate", verbosity=0)
    assert not Sector.objects.filter(slug="health").exists()  # an admin's deletion stays

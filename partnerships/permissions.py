"""Who may see and do what: the one checkpoint for pages, the API, the admin and
exports (SPEC section 3).

Roles come from groups: ``Staff`` and ``Manager`` (created by a data migration);
superusers are admins. A signed-in account in neither group has no role and sees
nothing until an admin gives it one.

- Staff read everything; create meetings, actions, partnerships, organizations and
  contacts; edit partnerships they own or are on the team of; edit and close
  actions they own; edit meetings they logged or attended; never delete.
- Managers: everything staff may, plus edit and reassign any partnership, action
  or meeting, delete and restore, see history, reports and exports.
- Admins: everything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from partnerships.models import Action, Document, Meeting, Partnership

    User = AbstractBaseUser | AnonymousUser

STAFF_GROUP = "Staff"
MANAGER_GROUP = "Manager"
ROLE_GROUPS = (STAFF_GROUP, MANAGER_GROUP)


def _group_names(user: User) -> frozenset[str]:
    """The user's role groups, read once per request and kept on the user object."""
    cached = getattr(user, "_crm_groups", None)
    if cached is None:
        if not user.is_authenticated:
            cached = frozenset()
        else:
            cached = frozenset(
                user.groups.filter(name__in=ROLE_GROUPS).values_list("name", flat=True)
            )
        user._crm_groups = cached
    return cached


# Roles ---------------------------------------------------------------------


def is_admin(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def is_manager(user: User) -> bool:
    """Managers and admins."""
    return is_admin(user) or (
        user.is_authenticated and user.is_active and MANAGER_GROUP in _group_names(user)
    )


def is_staff_member(user: User) -> bool:
    """Anyone with a role: staff, managers and admins."""
    return is_manager(user) or (
        user.is_authenticated and user.is_active and STAFF_GROUP in _group_names(user)
    )


def role_name(user: User) -> str:
    if is_admin(user):
        return "admin"
    if is_manager(user):
        return "manager"
    if is_staff_member(user):
        return "staff"
    return ""


# Reading ---------------------------------------------------------------------


def can_use_app(user: User) -> bool:
    """Signed in, active and given a role."""
    return is_staff_member(user)


def visible_partnerships(user: User, queryset: QuerySet) -> QuerySet:
    """Every role reads every partnership; people without a role read none."""
    return queryset if can_use_app(user) else queryset.none()


def visible(user: User, queryset: QuerySet) -> QuerySet:
    """Scope any list (organizations, contacts, meetings, actions...) to what
    ``user`` may read."""
    return queryset if can_use_app(user) else queryset.none()


def can_view_history(user: User) -> bool:
    return is_manager(user)


def can_view_reports(user: User) -> bool:
    return is_manager(user)


def can_export(user: User) -> bool:
    return is_manager(user)


def can_download_document(user: User, document: Document) -> bool:
    return can_use_app(user) and document.partnership.deleted_at is None


# Creating --------------------------------------------------------------------


def can_create(user: User) -> bool:
    """Partnerships, meetings, actions, organizations and contacts."""
    return can_use_app(user)


# Partnerships ------------------------------------------------------------------


def can_edit_partnership(user: User, partnership: Partnership) -> bool:
    """The owner, a team member, or a manager."""
    if is_manager(user):
        return True
    return can_use_app(user) and partnership.is_member(user)


def can_move_partnership(user: User, partnership: Partnership) -> bool:
    return can_edit_partnership(user, partnership)


def can_change_partnership_status(user: User, partnership: Partnership) -> bool:
    return can_edit_partnership(user, partnership)


def can_reassign_partnership(user: User, partnership: Partnership) -> bool:
    return is_manager(user)


def can_upload_document(user: User, partnership: Partnership) -> bool:
    return can_edit_partnership(user, partnership)


def can_delete_document(user: User, document: Document) -> bool:
    return is_manager(user)


# Meetings --------------------------------------------------------------------


def can_edit_meeting(user: User, meeting: Meeting) -> bool:
    """Whoever logged it, an internal attendee, or a manager."""
    if is_manager(user):
        return True
    if not can_use_app(user):
        return False
    if meeting.logged_by_id == user.pk:
        return True
    return any(attendee.pk == user.pk for attendee in meeting.attendees.all())


# Actions ---------------------------------------------------------------------


def can_edit_action(user: User, action: Action) -> bool:
    """The owner or a manager: edit, complete, cancel, reopen."""
    if is_manager(user):
        return True
    return can_use_app(user) and action.owner_id == user.pk


def can_complete_action(user: User, action: Action) -> bool:
    return can_edit_action(user, action)


def can_reassign_action(user: User, action: Action) -> bool:
    return can_edit_action(user, action)


# Organizations and contacts ---------------------------------------------------------


def can_edit_organization(user: User, organization=None) -> bool:
    """Shared reference data: any staff member corrects it; history keeps track."""
    return can_use_app(user)


def can_edit_contact(user: User, contact=None) -> bool:
    return can_use_app(user)


# Deleting --------------------------------------------------------------------


def can_delete(user: User, obj=None) -> bool:
    """Soft delete of partnerships, meetings and actions: managers and admins."""
    return is_manager(user)


def can_restore(user: User, obj=None) -> bool:
    return is_manager(user)

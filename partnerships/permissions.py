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

from collections.abc import Callable
from functools import update_wrapper
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from partnerships.models import Action, Document, Meeting, Partnership, PartnershipIndicator

    User = AbstractBaseUser | AnonymousUser

STAFF_GROUP = "Staff"
MANAGER_GROUP = "Manager"
ROLE_GROUPS = (STAFF_GROUP, MANAGER_GROUP)


class Refused(PermissionDenied):
    """A rule of this module said no; ``str()`` is the sentence for the user."""


class Rule:
    """A permission check and the one sentence that explains its refusal.

    Call it for the answer (``can_edit_action(user, action)``), or ``require``
    it to refuse with its sentence: pages show a 403 page with it, the API a
    403 body, the admin a message."""

    def __init__(self, check: Callable[..., bool], refusal: str | Promise) -> None:
        self.check = check
        self.refusal = refusal
        update_wrapper(self, check)

    def __call__(self, user: User, *objects: Any) -> bool:
        return bool(self.check(user, *objects))

    def require(self, user: User, *objects: Any) -> None:
        if not self(user, *objects):
            raise Refused(str(self.refusal))

    def __repr__(self) -> str:
        return f"<Rule {self.__name__}>"


def rule(refusal: str | Promise) -> Callable[[Callable[..., bool]], Rule]:
    """``@rule("Only … can …")`` above a check makes it a :class:`Rule`."""

    def decorate(check: Callable[..., bool]) -> Rule:
        return Rule(check, refusal)

    return decorate


def _group_names(user: User) -> frozenset[str]:
    """The user's role groups, read once per request and kept on the user object
    (from the prefetched groups when a list prefetched them)."""
    cached = getattr(user, "_crm_groups", None)
    if cached is None:
        prefetched = getattr(user, "_prefetched_objects_cache", {}).get("groups")
        if not user.is_authenticated:
            cached = frozenset()
        elif prefetched is not None:
            cached = frozenset(g.name for g in prefetched if g.name in ROLE_GROUPS)
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


ROLE_LABELS = {"admin": _("Admin"), "manager": _("Manager"), "staff": _("Staff")}


def role_label(user: User) -> str:
    """The role as the pages and the admin name it ("" without a role)."""
    return str(ROLE_LABELS.get(role_name(user), ""))


# Reading ---------------------------------------------------------------------


@rule(_("Your account has no role yet. Ask an administrator to add you to Staff or Manager."))
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


@rule(_("The history of records is for managers."))
def can_view_history(user: User, record: Any = None) -> bool:
    return is_manager(user)


@rule(_("Reports are for managers."))
def can_view_reports(user: User) -> bool:
    return is_manager(user)


@rule(_("The team's work is for managers."))
def can_oversee_team(user: User) -> bool:
    """Managers see everyone's pending work: on "My work" (the team view) and
    as the first view of the action list."""
    return is_manager(user)


@rule(_("Exports are for managers."))
def can_export(user: User) -> bool:
    return is_manager(user)


@rule(_("This document is not available."))
def can_download_document(user: User, document: Document) -> bool:
    return can_use_app(user) and document.partnership.deleted_at is None


@rule(_("Briefing dossiers are for staff, managers and admins."))
def can_view_dossier(user: User, subject: Any = None) -> bool:
    """The briefing dossier shows only what the pages show: whoever may read
    the subject's page may print its dossier (every list in it is scoped by
    :func:`visible` and :func:`visible_partnerships` as well)."""
    return can_use_app(user)


def visible_dormancy_alerts(user: User, queryset: QuerySet) -> QuerySet:
    """Dormancy alerts as the digest and the report show them: managers and
    admins (the managers' report) read them all; staff (the daily digest)
    those they were sent and those of the partnerships they own now."""
    if is_manager(user):
        return queryset
    if not can_use_app(user):
        return queryset.none()
    return queryset.filter(Q(owner=user) | Q(partnership__owner=user))


@rule(_("The administration pages are for administrators."))
def can_administer(user: User) -> bool:
    """The Django admin: every record, users and roles, reference data."""
    return is_admin(user)


# Creating --------------------------------------------------------------------


@rule(_("Your role does not allow creating records."))
def can_create(user: User) -> bool:
    """Partnerships, meetings, actions, organizations and contacts."""
    return can_use_app(user)


# Partnerships ------------------------------------------------------------------


def _is_partnership_member(user: User, partnership: Partnership) -> bool:
    return is_manager(user) or (can_use_app(user) and partnership.is_member(user))


@rule(_("Only the owner, the team and managers can edit this partnership."))
def can_edit_partnership(user: User, partnership: Partnership) -> bool:
    """The owner, a team member, or a manager."""
    return _is_partnership_member(user, partnership)


@rule(_("Only the owner, the team and managers can move this partnership."))
def can_move_partnership(user: User, partnership: Partnership) -> bool:
    return _is_partnership_member(user, partnership)


@rule(_("Only the owner, the team and managers can change this partnership's status."))
def can_change_partnership_status(user: User, partnership: Partnership) -> bool:
    return _is_partnership_member(user, partnership)


@rule(_("Only the owner, the team and managers can renew this partnership."))
def can_renew_partnership(user: User, partnership: Partnership) -> bool:
    """Renew into a new agreement (``lifecycle.renew_into_successor``)."""
    return _is_partnership_member(user, partnership)


@rule(_("Only managers can reassign a partnership."))
def can_reassign_partnership(user: User, partnership: Partnership) -> bool:
    return is_manager(user)


@rule(_("Only the owner, the team and managers can add documents to this partnership."))
def can_upload_document(user: User, partnership: Partnership) -> bool:
    return _is_partnership_member(user, partnership)


@rule(_("Only the owner, the team and managers can enter this partnership's targets and results."))
def can_edit_indicators(user: User, partnership: Partnership) -> bool:
    """Targets and yearly results: whoever may edit the partnership."""
    return can_edit_partnership(user, partnership)


@rule(_("Only the owner, the team and managers can enter this partnership's targets and results."))
def can_edit_indicator_line(user: User, line: PartnershipIndicator) -> bool:
    """An indicator line (and its results): whoever may edit its partnership."""
    return can_edit_indicators(user, line.partnership)


@rule(_("Only managers can delete documents."))
def can_delete_document(user: User, document: Document) -> bool:
    return is_manager(user)


def require_owner_change(rule: Rule, user: User, record: Any, owner: Any) -> None:
    """A write that gives ``record`` another owner is a reassignment: it needs
    ``rule`` (sending the current owner back is harmless)."""
    if owner is not None and owner.pk != record.owner_id:
        rule.require(user, record)


# Meetings --------------------------------------------------------------------


@rule(_("Only whoever logged or attended this meeting, and managers, can edit it."))
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


def _is_action_owner(user: User, action: Action) -> bool:
    return is_manager(user) or (can_use_app(user) and action.owner_id == user.pk)


@rule(_("Only the owner of this action and managers can change it."))
def can_edit_action(user: User, action: Action) -> bool:
    """The owner or a manager: edit, cancel, reopen."""
    return _is_action_owner(user, action)


@rule(_("Only the owner of this action and managers can complete it."))
def can_complete_action(user: User, action: Action) -> bool:
    return _is_action_owner(user, action)


@rule(_("Only the owner of this action and managers can reassign it."))
def can_reassign_action(user: User, action: Action) -> bool:
    return _is_action_owner(user, action)


# Organizations and contacts ---------------------------------------------------------


@rule(_("Your role does not allow editing organizations."))
def can_edit_organization(user: User, organization=None) -> bool:
    """Shared reference data: any staff member corrects it; history keeps track."""
    return can_use_app(user)


@rule(_("Your role does not allow editing contacts."))
def can_edit_contact(user: User, contact=None) -> bool:
    return can_use_app(user)


# Deleting --------------------------------------------------------------------


@rule(_("Only managers and admins can delete."))
def can_delete(user: User, obj=None) -> bool:
    """Soft delete of partnerships, meetings and actions: managers and admins."""
    return is_manager(user)


@rule(_("Only managers and admins can restore."))
def can_restore(user: User, obj=None) -> bool:
    return is_manager(user)


# Merging duplicates -----------------------------------------------------------------


@rule(_("Only managers and admins can merge duplicates."))
def can_merge_records(user: User, record=None) -> bool:
    """Merging two organizations or two contacts rewrites every record that
    names them, and cannot be undone: managers and admins."""
    return is_manager(user)

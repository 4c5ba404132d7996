"""DRF's side of ``partnerships/permissions.py``: every decision is delegated to it.

A view says which rule of the permission module guards each of its actions
(``create_rule`` for creation, ``object_rules`` for what is done to one record);
this class asks that rule and turns a refusal into a 403 with the rule's own
sentence saying who may do it. Anonymous requests get a 401 (DRF does that when no
authentication succeeded). What a user may *see* is decided by the view's
``get_queryset`` through ``permissions.visible`` and friends.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from partnerships import permissions
from partnerships.permissions import Rule

if TYPE_CHECKING:
    from rest_framework.views import APIView

NOT_ALLOWED_MESSAGE = _("You are not allowed to do this.")


class HasRole(BasePermission):
    """Signed in, active, and given a role (staff, manager or admin)."""

    message = permissions.can_use_app.refusal

    def has_permission(self, request: Request, view: APIView) -> bool:
        return permissions.can_use_app(request.user)


class CrmPermission(HasRole):
    """Reads for anyone with a role; writes as the view's rules say."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not super().has_permission(request, view):
            return False
        if getattr(view, "action", None) != "create":
            return True
        return self._allowed(getattr(view, "create_rule", None), request.user)

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        action = getattr(view, "action", None)
        if request.method in SAFE_METHODS and action in ("retrieve", "list", "metadata", None):
            return True
        rule = getattr(view, "object_rules", {}).get(action)
        return self._allowed(rule, request.user, obj)

    def _allowed(self, rule: Rule | None, user: Any, obj: Any = None) -> bool:
        # An action without a declared rule is refused: a new write endpoint
        # cannot become open to everyone by forgetting to say who may use it.
        if rule is None:
            self.message = NOT_ALLOWED_MESSAGE
            return False
        if rule(user) if obj is None else rule(user, obj):
            return True
        self.message = rule.refusal
        return False

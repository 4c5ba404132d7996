"""Template context every page needs: what the signed-in user may do, and
their role's name."""

from __future__ import annotations

from django.http import HttpRequest

from partnerships import permissions


class UserRules:
    """``{% if may.export %}``: the user-wide rules of ``permissions.py``
    (``can_export``, ``can_view_reports``, ``can_restore``...), asked for the
    signed-in user. Rules about one record are asked with ``{% can %}``."""

    def __init__(self, user) -> None:
        self._user = user

    def __getattr__(self, name: str) -> bool:
        rule = getattr(permissions, f"can_{name}", None)
        if not isinstance(rule, permissions.Rule):
            raise AttributeError(name)
        return rule(self._user)


def roles(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"may": UserRules(user), "role_label": permissions.role_label(user)}

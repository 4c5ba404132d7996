"""Template context every page needs: the signed-in user's role."""

from __future__ import annotations

from django.http import HttpRequest

from partnerships import permissions


def roles(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {
        "is_manager": permissions.is_manager(user),
        "is_admin": permissions.is_admin(user),
        "role_name": permissions.role_name(user),
    }

"""Decorators and look-ups that put ``permissions.py`` in front of every page."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from partnerships import permissions


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in and given a role (staff, manager or admin); otherwise a 403
    page that says why."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not permissions.can_use_app(request.user):
            raise PermissionDenied(
                _(
                    "Your account has no role yet. "
                    "Ask an administrator to add you to Staff or Manager."
                )
            )
        return view(request, *args, **kwargs)

    return wrapper


def manager_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @staff_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not permissions.is_manager(request.user):
            raise PermissionDenied(_("This page is for managers."))
        return view(request, *args, **kwargs)

    return wrapper


def require(allowed: bool, message: str) -> None:
    """Raise a 403 with ``message`` unless ``allowed``."""
    if not allowed:
        raise PermissionDenied(message)


def visible_object_or_404(request: HttpRequest, queryset: QuerySet, **lookup) -> Model:
    return get_object_or_404(permissions.visible(request.user, queryset), **lookup)

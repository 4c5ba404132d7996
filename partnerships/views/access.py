"""Decorators and look-ups that put ``permissions.py`` in front of every page."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from partnerships import permissions


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in and given a role (staff, manager or admin); otherwise a 403
    page that says why."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        permissions.can_use_app.require(request.user)
        return view(request, *args, **kwargs)

    return wrapper


def visible_object_or_404(request: HttpRequest, queryset: QuerySet, **lookup) -> Model:
    return get_object_or_404(permissions.visible(request.user, queryset), **lookup)

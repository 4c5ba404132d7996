"""Exports of the filtered partnership and action lists (managers only): the
list pages' query string, plus ``format=csv`` (the default) or ``format=xlsx``."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from partnerships import exports, permissions
from partnerships.filters import ActionFilter, PartnershipFilter
from partnerships.models import Action, ExchangeRate, Partnership
from partnerships.views.access import staff_required


def _format(request: HttpRequest) -> str:
    return "xlsx" if request.GET.get("format") == "xlsx" else "csv"


@staff_required
@require_GET
def export_partnerships(request: HttpRequest) -> HttpResponse:
    permissions.can_export.require(request.user)
    filterset = PartnershipFilter(
        request.GET, queryset=Partnership.objects.visible_to(request.user), request=request
    )
    return exports.partnerships_export(
        filterset.qs,
        fmt=_format(request),
        rates=ExchangeRate.objects.rates_on(),
        today=timezone.localdate(),
    )


@staff_required
@require_GET
def export_actions(request: HttpRequest) -> HttpResponse:
    permissions.can_export.require(request.user)
    queryset = permissions.visible(request.user, Action.objects.by_urgency())
    filterset = ActionFilter(request.GET, queryset=queryset, request=request)
    return exports.actions_export(filterset.qs, fmt=_format(request), today=timezone.localdate())

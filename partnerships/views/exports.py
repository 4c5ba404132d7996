"""Exports of the filtered partnership and action lists (managers only): the
list pages' query string, plus ``format=csv`` (the default) or ``format=xlsx``.

An invalid filter value exports nothing: the answer is a 400 naming each
parameter and what is wrong with it (never every row, as if unfiltered)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from django_filters import FilterSet

from partnerships import exports, permissions
from partnerships.filters import ActionFilter, PartnershipFilter
from partnerships.models import Action, ExchangeRate, Partnership
from partnerships.views.access import staff_required
from partnerships.views.listing import filter_data


def _format(request: HttpRequest) -> str:
    return "xlsx" if request.GET.get("format") == "xlsx" else "csv"


def _invalid_filters(request: HttpRequest, filterset: FilterSet, list_url: str) -> HttpResponse:
    query = request.GET.copy()
    query.pop("format", None)
    return render(
        request,
        "exports/invalid_filters.html",
        {"form": filterset.form, "list_url": f"{reverse(list_url)}?{query.urlencode()}"},
        status=400,
    )


@staff_required
@require_GET
def export_partnerships(request: HttpRequest) -> HttpResponse:
    permissions.can_export.require(request.user)
    filterset = PartnershipFilter(
        filter_data(request.GET),
        queryset=Partnership.objects.visible_to(request.user),
        request=request,
    )
    if not filterset.is_valid():
        return _invalid_filters(request, filterset, "partnerships:list")
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
    filterset = ActionFilter(filter_data(request.GET), queryset=queryset, request=request)
    if not filterset.is_valid():
        return _invalid_filters(request, filterset, "actions:list")
    return exports.actions_export(filterset.qs, fmt=_format(request), today=timezone.localdate())


@staff_required
@require_GET
def export_indicators(request: HttpRequest) -> HttpResponse:
    """The targets and yearly results of the partnerships the list's filters select."""
    permissions.can_export.require(request.user)
    filterset = PartnershipFilter(
        filter_data(request.GET),
        queryset=Partnership.objects.visible_to(request.user),
        request=request,
    )
    if not filterset.is_valid():
        return _invalid_filters(request, filterset, "partnerships:list")
    return exports.indicators_export(filterset.qs, fmt=_format(request), today=timezone.localdate())

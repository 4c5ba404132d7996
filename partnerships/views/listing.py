"""Filtered, paginated lists: the one way list pages read their rows."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django_filters import FilterSet

PER_PAGE = 25


@dataclass
class Listing:
    filterset: FilterSet
    page: Page

    @property
    def rows(self):
        return self.page.object_list

    @property
    def is_filtered(self) -> bool:
        data = self.filterset.data
        return any(data.get(name) for name in self.filterset.filters if name != "ordering")


def filtered_page(
    request: HttpRequest,
    filterset_class: type[FilterSet],
    queryset: QuerySet,
    *,
    per_page: int = PER_PAGE,
) -> Listing:
    """Apply the FilterSet to ``queryset`` (already scoped to what the user may
    see and prepared with ``for_list()``), then cut out the requested page."""
    filterset = filterset_class(request.GET or None, queryset=queryset, request=request)
    rows = filterset.qs if filterset.is_bound else queryset
    page = Paginator(rows, per_page).get_page(request.GET.get("page"))
    return Listing(filterset=filterset, page=page)

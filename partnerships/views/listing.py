"""Filtered, paginated lists: the one way list pages read their rows."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict
from django_filters import FilterSet

from partnerships.paginator import CappedPaginator

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

    @property
    def has_invalid_filters(self) -> bool:
        return has_invalid_filters(self.filterset)


def filter_data(query: QueryDict) -> QueryDict:
    """The query string as the filters read it on pages: the filter forms send
    every field, set or not, so an empty value means "not set" (the API, whose
    clients send what they mean, refuses empty values instead)."""
    data = QueryDict(mutable=True)
    for name, values in query.lists():
        kept = [value for value in values if value != ""]
        if kept:
            data.setlist(name, kept)
    return data


def has_invalid_filters(filterset: FilterSet) -> bool:
    return filterset.is_bound and not filterset.is_valid()


def filtered_rows(filterset: FilterSet) -> QuerySet:
    """The rows the filters ask for. An invalid filter value is never ignored
    (that would show rows the person did not ask for, as if filtered): the
    list is empty and the form says, next to the field, what is wrong."""
    if not filterset.is_bound:
        return filterset.queryset
    if has_invalid_filters(filterset):
        return filterset.queryset.none()
    return filterset.qs


def filtered_page(
    request: HttpRequest,
    filterset_class: type[FilterSet],
    queryset: QuerySet,
    *,
    per_page: int = PER_PAGE,
) -> Listing:
    """Apply the FilterSet to ``queryset`` (already scoped to what the user may
    see and prepared with ``for_list()``), then cut out the requested page,
    counting at most 1,000 rows past it (:class:`CappedPaginator`)."""
    data = filter_data(request.GET) if request.GET else None
    filterset = filterset_class(data, queryset=queryset, request=request)
    page = CappedPaginator(filtered_rows(filterset), per_page).get_page(request.GET.get("page"))
    return Listing(filterset=filterset, page=page)

"""Filtering and ordering of API lists.

Lists use the pages' FilterSets (``partnerships/filters.py``) through
django-filter's DRF backend, so ``?stage=contract&owner=3`` means the same on
``/partnerships/`` and ``/api/partnerships/``. An invalid value is a 400 naming
the parameter. The few API-only resources (stage changes, documents, users) have
their FilterSets here, built from the same filters.

Every list ends its ordering with the primary key, so that pages never overlap
or skip rows when many share a title or a date.
"""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING

import django_filters as filters
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db.models import F, Model, Q, QuerySet
from django.db.models.expressions import OrderBy
from django.http import QueryDict
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend
from rest_framework.request import Request

from partnerships.dormancy import still_quiet
from partnerships.filters import CHECKBOXES, UserChoiceFilter, YesNoFilter
from partnerships.models import (
    Document,
    DocumentKind,
    DormancyAlert,
    Indicator,
    Meeting,
    Organization,
    OrganizationRelation,
    Partnership,
    PartnershipIndicator,
    RelationKind,
    Stage,
    StageChange,
)

if TYPE_CHECKING:
    from rest_framework.views import APIView

User = get_user_model()


class FilterSetBackend(DjangoFilterBackend):
    """The view's FilterSet on lists (not on one record's address)."""

    def filter_queryset(self, request: Request, queryset: QuerySet, view: APIView) -> QuerySet:
        if getattr(view, "detail", False):
            return queryset
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        _check_raw_values(filterset, request.query_params)
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        _check_datetimes(filterset.form.cleaned_data)
        return filterset.qs


_BOOLEANS = {"true", "false", "1", "0"}
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ISO_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}.*")
_INTEGER = re.compile(r"-?[0-9]{1,30}")


def _check_raw_values(filterset: filters.FilterSet, params: QueryDict) -> None:
    """What the pages' forms tolerate and an API should not: an empty value
    for a parameter that is not free text (the forms send every field, set or
    not), a yes/no filter given something else than true or false (the forms'
    widget reads it as "not set"), dates in the forms' local formats
    (``25/12/2024``) rather than ISO 8601, ids written otherwise than in
    ASCII digits."""
    errors = {}
    for name, filter_ in filterset.filters.items():
        values = params.getlist(name)
        problem = next((p for value in values if (p := _raw_problem(filter_, value))), None)
        if problem:
            errors[name] = [problem]
    if errors:
        raise ValidationError(errors)


def _raw_problem(filter_: filters.Filter, value: str) -> str | None:
    if value == "" and not isinstance(filter_, filters.CharFilter):
        return _("Give a value, or leave the parameter out.")
    if isinstance(filter_, filters.BaseCSVFilter) and "" in value.split(","):
        return _("Give values separated by commas, none of them empty.")
    if isinstance(filter_, filters.BooleanFilter) and value.lower() not in _BOOLEANS:
        return _("Give true or false.")
    if isinstance(filter_, filters.DateTimeFilter) and not _is_iso_datetime(value):
        return _("Give an ISO 8601 date and time, e.g. 2024-12-25T09:30:00+01:00.")
    if isinstance(filter_, filters.DateFilter) and not _ISO_DATE.fullmatch(value):
        return _("Give a date as YYYY-MM-DD.")
    is_id_filter = isinstance(
        filter_, filters.ModelChoiceFilter | filters.ModelMultipleChoiceFilter
    )
    if is_id_filter and not filter_.extra.get("to_field_name") and not _INTEGER.fullmatch(value):
        return _("Give the id, a whole number.")
    return None


def _is_iso_datetime(value: str) -> bool:
    if not _ISO_DATETIME.fullmatch(value):
        return False
    try:
        return parse_datetime(value) is not None
    except ValueError:  # well formed, but not a real moment (month 13)
        return False


def _check_datetimes(cleaned: dict) -> None:
    """A date-time the database cannot store once converted to UTC (year 1 at
    midnight, Paris time, is in year 0 in UTC) is refused, not a crash."""
    errors = {}
    for name, value in cleaned.items():
        if isinstance(value, datetime.datetime) and value.tzinfo is not None:
            try:
                value.astimezone(datetime.UTC)
            except OverflowError:
                errors[name] = [_("This date is out of range.")]
    if errors:
        raise ValidationError(errors)


class StableOrderingBackend(BaseFilterBackend):
    """Appends the primary key to whatever ordering the list has, and puts
    empty values last whatever the direction and the database (PostgreSQL
    sorts them first when descending, SQLite when ascending)."""

    def filter_queryset(self, request: Request, queryset: QuerySet, view: APIView) -> QuerySet:
        if getattr(view, "detail", False):
            return queryset
        ordering = list(queryset.query.order_by)
        if not ordering and queryset.query.default_ordering:
            ordering = list(queryset.model._meta.ordering)
        if not ordering or ordering[-1] not in ("pk", "-pk", "id", "-id"):
            ordering.append("pk")
        return queryset.order_by(*(_nulls_last(term, queryset.model) for term in ordering))


def _nulls_last(term: str | OrderBy | F, model: type[Model]) -> str | OrderBy | F:
    if not isinstance(term, str) or term.lstrip("-") in ("pk", "id") or term == "?":
        return term
    if _never_empty(model, term.lstrip("-")):
        # Nothing to put last, and "NULLS LAST" on a column that is never
        # empty stops PostgreSQL from reading the rows in an index's order
        # (``-updated_at``: the partnerships by last update).
        return term
    if term.startswith("-"):
        return F(term[1:]).desc(nulls_last=True)
    return F(term).asc(nulls_last=True)


def _never_empty(model: type[Model], name: str) -> bool:
    """Is ``name`` a column of ``model`` itself that cannot be NULL?"""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return field.concrete and not field.null and not field.is_relation


# FilterSets of the resources that have no list page ----------------------------------


class StageChangeFilter(filters.FilterSet):
    partnership = filters.ModelChoiceFilter(
        label=gettext_lazy("Partnership"), queryset=Partnership.objects.all()
    )
    from_stage = filters.MultipleChoiceFilter(
        label=gettext_lazy("From"), choices=Stage.choices, widget=CHECKBOXES
    )
    to_stage = filters.MultipleChoiceFilter(
        label=gettext_lazy("To"), choices=Stage.choices, widget=CHECKBOXES
    )
    changed_by = UserChoiceFilter(label=gettext_lazy("By"))
    effective_after = filters.DateFilter(
        label=gettext_lazy("Effective on or after"),
        field_name="effective_date",
        lookup_expr="gte",
    )
    effective_before = filters.DateFilter(
        label=gettext_lazy("Effective on or before"),
        field_name="effective_date",
        lookup_expr="lte",
    )
    ordering = filters.OrderingFilter(
        label=gettext_lazy("Sort by"),
        fields=[("effective_date", "effective_date"), ("changed_at", "changed_at")],
    )

    class Meta:
        model = StageChange
        fields = []


class OrganizationRelationFilter(filters.FilterSet):
    organization = filters.ModelChoiceFilter(
        label=gettext_lazy("Organization (either side)"),
        queryset=Organization.objects.all(),
        method="either_side",
    )
    source = filters.ModelChoiceFilter(
        label=gettext_lazy("Organization"), queryset=Organization.objects.all()
    )
    target = filters.ModelChoiceFilter(
        label=gettext_lazy("Related organization"), queryset=Organization.objects.all()
    )
    kind = filters.MultipleChoiceFilter(
        label=gettext_lazy("Relation"), choices=RelationKind.choices, widget=CHECKBOXES
    )

    class Meta:
        model = OrganizationRelation
        fields = []

    def either_side(self, queryset, name, value):
        return queryset.filter(Q(source=value) | Q(target=value))


class DocumentFilter(filters.FilterSet):
    partnership = filters.ModelChoiceFilter(
        label=gettext_lazy("Partnership"), queryset=Partnership.objects.all()
    )
    meeting = filters.ModelChoiceFilter(
        label=gettext_lazy("Meeting"), queryset=Meeting.objects.all()
    )
    kind = filters.MultipleChoiceFilter(
        label=gettext_lazy("Kind"), choices=DocumentKind.choices, widget=CHECKBOXES
    )
    signed_after = filters.DateFilter(
        label=gettext_lazy("Signed on or after"), field_name="signed_on", lookup_expr="gte"
    )
    signed_before = filters.DateFilter(
        label=gettext_lazy("Signed on or before"), field_name="signed_on", lookup_expr="lte"
    )
    ordering = filters.OrderingFilter(
        label=gettext_lazy("Sort by"),
        fields=[("uploaded_at", "uploaded"), ("signed_on", "signed_on"), ("title", "title")],
    )

    class Meta:
        model = Document
        fields = []


class UserFilter(filters.FilterSet):
    search = filters.CharFilter(label=gettext_lazy("Search"), method="filter_search")
    is_active = filters.BooleanFilter(label=gettext_lazy("Active"))

    class Meta:
        model = User
        fields = []

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        for term in value.split():
            queryset = queryset.filter(
                Q(username__icontains=term)
                | Q(first_name__icontains=term)
                | Q(last_name__icontains=term)
            )
        return queryset


class IndicatorLineFilter(filters.FilterSet):
    partnership = filters.ModelChoiceFilter(
        label=gettext_lazy("Partnership"), queryset=Partnership.objects.all()
    )
    indicator = filters.ModelChoiceFilter(
        label=gettext_lazy("Indicator"), queryset=Indicator.objects.all()
    )
    target_year = filters.NumberFilter(label=gettext_lazy("Target year"))

    class Meta:
        model = PartnershipIndicator
        fields = ("partnership", "indicator", "target_year")


class DormancyAlertFilter(filters.FilterSet):
    """Dormancy alerts (no page lists them: the digest and the managers'
    report show the dormant partnerships)."""

    open = YesNoFilter(label=gettext_lazy("Still quiet"), method="filter_open")
    owner = UserChoiceFilter(label=gettext_lazy("Owner alerted"))
    partnership = filters.ModelChoiceFilter(
        label=gettext_lazy("Partnership"), queryset=Partnership.objects.all()
    )
    alerted_after = filters.DateFilter(
        label=gettext_lazy("Alerted on or after"), field_name="alerted_on", lookup_expr="gte"
    )
    alerted_before = filters.DateFilter(
        label=gettext_lazy("Alerted on or before"), field_name="alerted_on", lookup_expr="lte"
    )
    ordering = filters.OrderingFilter(
        label=gettext_lazy("Sort by"),
        fields=[("alerted_on", "alerted_on"), ("quiet_since", "quiet_since")],
    )

    class Meta:
        model = DormancyAlert
        fields = []

    def filter_open(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(still_quiet()) if value else queryset.exclude(still_quiet())

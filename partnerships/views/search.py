"""Global search across organizations, contacts, partnerships and meetings, and
the JSON look-ups behind the search-as-you-type selectors."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from partnerships import permissions, text_search
from partnerships.ids import parse_id
from partnerships.models import Contact, Meeting, Organization, Partnership
from partnerships.views.access import staff_required
from partnerships.views.json_response import SafeJsonResponse

GROUP_SIZE = 8
LOOKUP_SIZE = 12
# Counting stops here: "1000+" says enough, and a common word must not make
# the search count every row of a large table.
COUNT_LIMIT = 1000


def sorted_after_scan(queryset: QuerySet) -> QuerySet:
    """The same order, reached by scanning the matches and sorting them.

    Given an index on the ordering column, SQLite walks it row by row and tests
    each row against the search: fast when most rows match, very slow (0.7 s on
    500,000 meetings) when few do, which is the usual case since people search
    for names. Wrapping the ordering columns in an expression makes SQLite scan
    and sort instead (under 0.1 s). PostgreSQL chooses well from its statistics
    and keeps its own plan."""
    if connection.vendor != "sqlite":
        return queryset
    ordering = queryset.query.order_by or queryset.model._meta.ordering
    expressions = []
    for item in ordering:
        if isinstance(item, str):
            name = item.removeprefix("-")
            expression = Coalesce(F(name), F(name))
            expressions.append(expression.desc() if item.startswith("-") else expression.asc())
        else:
            expressions.append(item)
    return queryset.order_by(*expressions)


def search_everything(user, query: str) -> list[dict]:
    """Up to GROUP_SIZE matches per kind, with the total of each kind (counted
    up to COUNT_LIMIT + 1): two queries per kind whatever the number of rows."""
    groups = [
        ("organizations", Organization.objects.select_related("parent"), "organizations:list"),
        ("contacts", Contact.objects.select_related("organization"), "contacts:list"),
        ("partnerships", Partnership.objects.select_related("owner"), "partnerships:list"),
        ("meetings", Meeting.objects.all(), "meetings:list"),
    ]
    results = []
    for kind, queryset, list_url in groups:
        matches = permissions.visible(user, queryset).search(query)
        rows = list(sorted_after_scan(text_search.best_first(matches, query))[:GROUP_SIZE])
        total = (
            len(rows) if len(rows) < GROUP_SIZE else matches.order_by()[: COUNT_LIMIT + 1].count()
        )
        results.append(
            {
                "kind": kind,
                "rows": rows,
                "total": min(total, COUNT_LIMIT),
                "more": total > COUNT_LIMIT,
                "list_url": list_url,
            }
        )
    return results


@staff_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    groups = search_everything(request.user, query) if text_search.search_terms(query) else []
    return render(
        request,
        "search/results.html",
        {"query": query, "groups": groups, "found": sum(g["total"] for g in groups)},
    )


def _user_rows(query: str):
    users = get_user_model().objects.filter(is_active=True)
    for term in text_search.search_terms(query):
        users = users.filter(
            Q(first_name__icontains=term)
            | Q(last_name__icontains=term)
            | Q(username__icontains=term)
        )
    return [
        {"id": u.pk, "label": u.get_full_name() or u.get_username(), "detail": u.email}
        for u in users.order_by("first_name", "last_name")[:LOOKUP_SIZE]
    ]


def _lookup_rows(kind: str, query: str, user, params) -> list[dict]:
    if kind == "users":
        return _user_rows(query)
    if kind == "organizations":
        rows = text_search.best_first(
            Organization.objects.search(query).select_related("parent"), query, "name_key", "name"
        )
        return [
            {
                "id": o.pk,
                "label": o.display_name,
                "detail": ", ".join(filter(None, [o.locality, o.country.code])),
            }
            for o in rows[:LOOKUP_SIZE]
        ]
    if kind == "contacts":
        rows = text_search.best_first(
            Contact.objects.search(query).select_related("organization"),
            query,
            "-is_active",
            "name",
        )
        organization = parse_id(params.get("organization"))
        if organization is not None:
            rows = rows.filter(organization_id=organization)
        return [
            {"id": c.pk, "label": f"{c.display_name} — {c.organization.name}", "detail": c.title}
            for c in rows[:LOOKUP_SIZE]
        ]
    if kind == "partnerships":
        rows = text_search.best_first(
            Partnership.objects.visible_to(user).search(query), query, "-updated_at"
        )
        return [
            {"id": p.pk, "label": p.title, "detail": p.get_stage_display()}
            for p in rows[:LOOKUP_SIZE]
        ]
    if kind == "meetings":
        rows = text_search.best_first(Meeting.objects.search(query), query, "-start_date")
        return [
            {"id": m.pk, "label": str(m), "detail": m.get_kind_display()}
            for m in rows[:LOOKUP_SIZE]
        ]
    raise Http404


@staff_required
@require_GET
def lookup(request: HttpRequest, kind: str) -> SafeJsonResponse:
    """``/lookup/<kind>/?q=zhang``: what a selector offers while one types."""
    query = request.GET.get("q", "").strip()[:100]
    if not text_search.search_terms(query):
        return SafeJsonResponse({"results": []})
    return SafeJsonResponse({"results": _lookup_rows(kind, query, request.user, request.GET)})

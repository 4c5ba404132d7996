"""The pipeline board (``/pipeline/``): every partnership by stage, filtered
like the partnership list, with "show more" per column and stage moves from the
board (drag and drop, or the move form on each card)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from partnerships import lifecycle, permissions
from partnerships.errors import DomainError, StaleObjectError
from partnerships.forms import StageMoveForm
from partnerships.models import ExchangeRate, Partnership, Stage
from partnerships.pipeline import (
    MORE_PER_PAGE,
    BoardFilter,
    board,
    board_filter_data,
    column_page,
)
from partnerships.reports import missing_rates
from partnerships.views.access import staff_required
from partnerships.views.listing import filter_data, filtered_rows
from partnerships.views.partnerships import changed_meanwhile

# "Show more" starts at most here: beyond any column, and small enough for
# SQLite's 64-bit integers once a page is added (a larger offset crashed it).
MAX_OFFSET = 2**62
# The filters shown first; the others are under "More filters".
PRIMARY_FILTERS = ("search", "sector", "country", "owner", "organization", "status")


def _filtered(request: HttpRequest) -> BoardFilter:
    data = board_filter_data(filter_data(request.GET))
    return BoardFilter(data, queryset=Partnership.objects.visible_to(request.user), request=request)


def _filters_in_use(request: HttpRequest) -> int:
    return sum(1 for name in BoardFilter.base_filters if any(request.GET.getlist(name)))


def _board_query(filterset: BoardFilter) -> str:
    """The filters in use, as a query string to repeat in links."""
    return filterset.data.urlencode()


@staff_required
@require_GET
def pipeline(request: HttpRequest) -> HttpResponse:
    filterset = _filtered(request)
    rates = ExchangeRate.objects.rates_on()
    columns = board(
        queryset=filtered_rows(filterset),
        today=timezone.localdate(),
        user=request.user,
    )
    return render(
        request,
        "pipeline/board.html",
        {
            "filterset": filterset,
            "primary_filters": PRIMARY_FILTERS,
            "columns": columns,
            "total_count": sum(column.count for column in columns),
            "total_eur": sum(column.total_eur for column in columns),
            "board_query": _board_query(filterset),
            "filters_in_use": _filters_in_use(request),
            "missing_rates": missing_rates(rates),
            "stages": Stage.choices,
            "can_export": permissions.can_export(request.user),
            "can_view_reports": permissions.can_view_reports(request.user),
        },
    )


@staff_required
@require_GET
def pipeline_column(request: HttpRequest, stage: str) -> HttpResponse:
    """More cards of one column. htmx asks for the cards only (appended under
    the ones shown); without JavaScript this is a page of its own."""
    if stage not in Stage.values:
        raise Http404(_("There is no such stage."))
    try:
        offset = min(max(int(request.GET.get("offset", 0)), 0), MAX_OFFSET)
    except ValueError:
        offset = 0
    filterset = _filtered(request)
    column = column_page(
        queryset=filtered_rows(filterset),
        stage=stage,
        today=timezone.localdate(),
        user=request.user,
        offset=offset,
    )
    context = {
        "column": column,
        "filterset": filterset,
        "previous_offset": max(offset - MORE_PER_PAGE, 0),
        "board_query": _board_query(filterset),
        "stages": Stage.choices,
    }
    if request.headers.get("HX-Request"):
        return render(request, "pipeline/_more.html", context)
    return render(request, "pipeline/column.html", context)


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _back_to_board(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("pipeline")


@staff_required
@require_POST
def pipeline_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a card to another stage through the lifecycle service. Answers JSON
    to the board's script, or redirects back to the board."""
    partnership = get_object_or_404(
        Partnership.objects.visible_to(request.user).prefetch_related("team"), pk=pk
    )
    permissions.can_move_partnership.require(request.user, partnership)
    form = StageMoveForm(request.POST)
    error, field = None, None
    if form.is_valid():
        try:
            change = lifecycle.move_stage(
                partnership,
                to=form.cleaned_data["stage"],
                by=request.user,
                note=form.cleaned_data["note"],
                effective_date=form.cleaned_data["effective_date"],
                expected_version=form.cleaned_data["version"],
            )
        except StaleObjectError:
            return _changed_meanwhile(request, partnership, form)
        except DomainError as refusal:
            error, field = refusal.message, refusal.field
    else:
        field, errors = next(iter(form.errors.items()))
        error = " ".join(errors)
    if error is None:
        message = _("“%(title)s” moved to %(stage)s.") % {
            "title": partnership.title,
            "stage": change.get_to_stage_display(),
        }
        if _wants_json(request):
            return JsonResponse({"ok": True, "message": message, "stage": change.to_stage})
        messages.success(request, message)
    else:
        if _wants_json(request):
            return JsonResponse({"ok": False, "message": error, "field": field}, status=400)
        messages.error(request, f"{partnership.title}: {error}")
    return redirect(_back_to_board(request))


def _changed_meanwhile(
    request: HttpRequest, partnership: Partnership, form: StageMoveForm
) -> HttpResponse:
    """Someone else changed the partnership since the board was drawn: a 409.
    The board's script redraws the board and says so; without JavaScript, the
    move form comes back with what the user chose, the partnership as it is
    now, and a way back to the board."""
    partnership.refresh_from_db()
    message = changed_meanwhile(partnership)
    if _wants_json(request):
        return JsonResponse(
            {"ok": False, "message": message, "field": None, "stale": True}, status=409
        )
    form.keep_input_after_conflict(version=partnership.version, message=message)
    return render(
        request,
        "partnerships/move.html",
        {"partnership": partnership, "form": form, "next": _back_to_board(request)},
        status=409,
    )

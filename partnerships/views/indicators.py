"""A partnership's targets and yearly results: add, edit and remove its
indicator lines (the table itself is on the partnership page)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from partnerships import lifecycle, permissions
from partnerships.errors import DomainError
from partnerships.forms import IndicatorLineForm, ResultFormSet
from partnerships.models import Partnership, PartnershipIndicator
from partnerships.views.access import staff_required
from partnerships.views.forms import add_domain_error

ANCHOR = "#indicators-title"


def _partnership(request: HttpRequest, pk: int) -> Partnership:
    partnership = get_object_or_404(
        Partnership.objects.visible_to(request.user).prefetch_related("team"), pk=pk
    )
    permissions.can_edit_indicators.require(request.user, partnership)
    return partnership


def _line_page(
    request: HttpRequest, partnership: Partnership, line: PartnershipIndicator
) -> HttpResponse:
    initial = (
        [
            {"year": r.year, "value": r.value, "note": r.note, "source": r.source}
            for r in line.ordered_results()
        ]
        if line.pk
        else []
    )
    form = IndicatorLineForm(request.POST or None, instance=line)
    results = ResultFormSet(request.POST or None, initial=initial, prefix="results")
    if request.method == "POST" and form.is_valid() and results.is_valid():
        try:
            lifecycle.save_indicator_line(
                form.save(commit=False), results=results.results(), by=request.user
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Targets and results saved."))
            return redirect(partnership.get_absolute_url() + ANCHOR)
    return render(
        request,
        "partnerships/indicator_form.html",
        {"partnership": partnership, "line": line, "form": form, "results": results},
        status=400 if request.method == "POST" else 200,
    )


@staff_required
@require_http_methods(["GET", "POST"])
def indicator_create(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    return _line_page(request, partnership, PartnershipIndicator(partnership=partnership))


@staff_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    line = get_object_or_404(
        PartnershipIndicator.objects.filter(partnership=partnership).for_table(), pk=line_pk
    )
    return _line_page(request, partnership, line)


@staff_required
@require_POST
def indicator_delete(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    line = get_object_or_404(
        PartnershipIndicator.objects.filter(partnership=partnership), pk=line_pk
    )
    lifecycle.delete_indicator_line(line, by=request.user)
    messages.success(request, _("Indicator removed."))
    return redirect(partnership.get_absolute_url() + ANCHOR)

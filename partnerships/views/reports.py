"""Managers' reports (``/reports/``): funnel, time in stage, stalled and
expiring partnerships, overdue work and workload per owner, value by sector and
by partner country. The figures come from ``partnerships/reports.py``; this
view reads the options and hands the results to the template and its charts."""

from __future__ import annotations

import datetime

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from partnerships import charts, dormancy, permissions, reports
from partnerships.indicator_reports import indicator_report
from partnerships.models import ExchangeRate, Stage
from partnerships.views.access import staff_required

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReportOptionsForm(forms.Form):
    """The report's options, from the query string (validation only)."""

    start = forms.DateField(label=gettext_lazy("From"), required=False, widget=DATE_INPUT)
    end = forms.DateField(label=gettext_lazy("To"), required=False, widget=DATE_INPUT)
    stalled_days = forms.IntegerField(
        label=gettext_lazy("Stalled after (days)"),
        required=False,
        min_value=1,
        max_value=3650,
        help_text=gettext_lazy("No stage move, meeting or action for this many days."),
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end of the period cannot be before its start."))
        return cleaned

    # An option that cannot be read is never replaced by a default: the
    # figures it governs are not shown, and the form says what is wrong.

    def period(self) -> reports.Period | None:
        """The period asked for (all time by default); None if it cannot be read."""
        if not self.is_bound:
            return reports.Period()
        if self.has_error("start") or self.has_error("end"):
            return None
        return reports.Period(self.cleaned_data.get("start"), self.cleaned_data.get("end"))

    def stalled(self) -> int | None:
        """The days of quiet that make a partnership stalled; None if they cannot be read."""
        if self.is_bound and self.has_error("stalled_days"):
            return None
        value = self.cleaned_data.get("stalled_days") if self.is_bound else None
        return value or reports.stalled_after_days()


def period_presets(today: datetime.date) -> list[tuple[str, str, str]]:
    """Ready-made periods: label, start and end (ISO dates, empty for open)."""
    year_ago = today - datetime.timedelta(days=365)
    this_year = datetime.date(today.year, 1, 1)
    last_year = (datetime.date(today.year - 1, 1, 1), datetime.date(today.year - 1, 12, 31))
    return [
        (_("Last 12 months"), year_ago.isoformat(), today.isoformat()),
        (_("This year"), this_year.isoformat(), today.isoformat()),
        (_("Last year"), last_year[0].isoformat(), last_year[1].isoformat()),
        (_("All time"), "", ""),
    ]


@staff_required
@require_GET
def reports_page(request: HttpRequest) -> HttpResponse:
    permissions.can_view_reports.require(request.user)
    today = timezone.localdate()
    options = ReportOptionsForm(request.GET or None)
    period = options.period()
    stalled_days = options.stalled()
    rates = ExchangeRate.objects.rates_on()
    loads = reports.workload(today=today, rates=rates)
    overdue = reports.overdue_by_owner(loads)
    if period is not None:
        funnel = reports.funnel(period=period)
        durations = reports.time_in_stage(period=period, today=today)
        by_period = {
            "funnel_bars": charts.bars(funnel, value=lambda step: step.reached),
            "completed_stays": charts.boxes(durations, spread=lambda d: d.completed),
            "current_stays": charts.boxes(durations, spread=lambda d: d.current),
        }
    else:
        by_period = {}
    targets = indicator_report()
    return render(
        request,
        "reports/reports.html",
        {
            "today": today,
            "options": options,
            "period": period,
            "presets": period_presets(today),
            **by_period,
            "stalled": (
                reports.stalled(today=today, days=stalled_days)
                if stalled_days is not None
                else None
            ),
            "expiring": reports.expiring(today=today),
            "dormant": dormancy.report(today=today),
            "indicator_report": targets,
            "indicator_breakdowns": [
                (_("By year"), targets.by_year, _("Year")),
                (_("By partner country"), targets.by_country, _("Country")),
                (_("By sector"), targets.by_sector, _("Sector")),
                (_("By programme"), targets.by_programme, _("Programme")),
            ],
            "workload_bars": charts.bars(loads, value=lambda load: load.pending_actions),
            "overdue_bars": charts.bars(overdue, value=lambda load: load.overdue_actions),
            "sector_bars": charts.bars(
                reports.value_by_sector(rates=rates), value=lambda row: row.total_eur
            ),
            "country_bars": charts.bars(
                reports.value_by_country(rates=rates), value=lambda row: row.total_eur
            ),
            "missing_rates": reports.missing_rates(rates),
            "stages": Stage.choices,
            "can_export": permissions.can_export(request.user),
        },
    )

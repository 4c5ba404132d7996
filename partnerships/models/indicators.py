"""Targets and yearly results: an admin-managed list of indicators (trainees,
investment in euros, jobs created, visitors, flights per week...), a
partnership's indicator lines (a target, optionally for a year), and each
line's actual figure per year.

How a line's progress is read depends on its indicator's kind: counts and
amounts add up over the years (jobs created in 2019 plus those of 2020), a
level (flights per week) is read from the latest year. Definitions are in
docs/indicators.md.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Prefetch, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from partnerships.models.base import EveryRowManager, HiddenWithParentManager, TimeStampedModel
from partnerships.models.history_records import CoalescingHistoricalRecords

FIRST_YEAR = 1950
LAST_YEAR = 2100
FIGURE = {"max_digits": 16, "decimal_places": 2}


def _in_french() -> bool:
    return (get_language() or "").startswith("fr")


class IndicatorKind(models.TextChoices):
    COUNT = "count", _("Count (adds up over the years)")
    AMOUNT = "amount", _("Amount (adds up over the years)")
    LEVEL = "level", _("Level (the latest year counts)")

    @classmethod
    def adding_up(cls) -> list[str]:
        return [cls.COUNT, cls.AMOUNT]


class IndicatorQuerySet(models.QuerySet):
    def offered(self) -> IndicatorQuerySet:
        """The indicators a new line may use."""
        return self.filter(is_active=True)


class Indicator(models.Model):
    """Reference list of what partnerships are measured by, managed by admins."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120, unique=True)
    name_fr = models.CharField(_("name in French"), max_length=120, blank=True)
    unit = models.CharField(
        _("unit"), max_length=40, help_text=_('For example "people", "EUR", "flights/week".')
    )
    unit_fr = models.CharField(_("unit in French"), max_length=40, blank=True)
    kind = models.CharField(
        _("kind"), max_length=10, choices=IndicatorKind.choices, default=IndicatorKind.COUNT
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("offered"), default=True)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=IndicatorKind.values), name="indicator_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.name_fr and _in_french():
            return self.name_fr
        return self.name

    @property
    def unit_label(self) -> str:
        if self.unit_fr and _in_french():
            return self.unit_fr
        return self.unit

    @property
    def adds_up(self) -> bool:
        return self.kind in IndicatorKind.adding_up()


class PartnershipIndicatorQuerySet(models.QuerySet):
    def for_table(self) -> PartnershipIndicatorQuerySet:
        """What the partnership page, the API and the admin show of each line:
        its indicator and its results in year order, in three queries whatever
        the number of lines."""
        return (
            self.select_related("indicator", "partnership")
            .prefetch_related(
                Prefetch("results", queryset=IndicatorResult.objects.order_by("year"))
            )
            .order_by("indicator__order", "indicator__name", "label", "pk")
        )


class PartnershipIndicatorManager(
    HiddenWithParentManager.from_queryset(PartnershipIndicatorQuerySet)
):
    """Hidden while their partnership is deleted."""

    belongs_to = "partnership"


class PartnershipIndicator(TimeStampedModel):
    """One thing a partnership is measured by: an indicator, its target (for a
    year or overall) and, in ``results``, the actual figure of each year.
    Written only by ``lifecycle.save_indicator_line`` with its results."""

    partnership = models.ForeignKey(
        "partnerships.Partnership",
        verbose_name=_("partnership"),
        on_delete=models.CASCADE,
        related_name="indicator_lines",
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="lines"
    )
    label = models.CharField(
        _("scope"),
        max_length=120,
        blank=True,
        help_text=_(
            "Where or what it counts, when a partnership has several lines of one "
            "indicator: for example “around Chambéry” and “in Zhangjiakou”."
        ),
    )
    target = models.DecimalField(_("target"), null=True, blank=True, **FIGURE)
    target_year = models.PositiveSmallIntegerField(
        _("target year"),
        null=True,
        blank=True,
        help_text=_("The year the target is to be reached by; empty for the whole agreement."),
    )
    notes = models.TextField(_("notes"), blank=True)
    source_reference = models.CharField(
        _("source of the target"),
        max_length=300,
        blank=True,
        help_text=_("Press release or document the target comes from."),
    )

    history = CoalescingHistoricalRecords()
    objects = PartnershipIndicatorManager()
    all_objects = EveryRowManager()

    class Meta:
        verbose_name = _("indicator line")
        verbose_name_plural = _("indicator lines")
        ordering = ["indicator__order", "label", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "indicator", "label"],
                name="indicator_line_unique",
                violation_error_message=_(
                    "This partnership already has this indicator with this scope."
                ),
            ),
            models.CheckConstraint(
                condition=Q(target__isnull=True) | Q(target__gte=0),
                name="indicator_line_target_not_negative",
                violation_error_message=_("The target cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(target_year__isnull=True)
                | Q(target_year__gte=FIRST_YEAR, target_year__lte=LAST_YEAR),
                name="indicator_line_target_year_plausible",
                violation_error_message=_("The target year must be between 1950 and 2100."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} — {self.label}" if self.label else str(self.indicator)

    @property
    def title(self) -> str:
        return str(self)

    def ordered_results(self) -> list[IndicatorResult]:
        """Its results in year order (from the prefetch of ``for_table()``)."""
        return sorted(self.results.all(), key=lambda result: result.year)

    @property
    def achieved(self) -> Decimal | None:
        """What the results add up to: the sum of the years for counts and
        amounts, the latest year for a level; None without a result."""
        results = self.ordered_results()
        if not results:
            return None
        if self.indicator.adds_up:
            return sum((result.value for result in results), Decimal(0))
        return results[-1].value

    @property
    def progress_percent(self) -> int | None:
        """Achieved as a share of the target, in whole percent (None without
        a target or a result); may pass 100."""
        achieved = self.achieved
        if achieved is None or not self.target:
            return None
        return int((achieved * 100 / self.target).to_integral_value())

    @property
    def bar_percent(self) -> int:
        """The progress bar's width: the progress, capped at 100."""
        return min(self.progress_percent or 0, 100)


class IndicatorResultManager(HiddenWithParentManager):
    belongs_to = "line__partnership"


class IndicatorResult(models.Model):
    """The actual figure of an indicator line for one year."""

    line = models.ForeignKey(
        PartnershipIndicator,
        verbose_name=_("indicator line"),
        on_delete=models.CASCADE,
        related_name="results",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("value"), **FIGURE)
    note = models.CharField(_("note"), max_length=300, blank=True)
    source = models.CharField(
        _("source"),
        max_length=300,
        blank=True,
        help_text=_("Where the figure comes from: an annual report, a press release..."),
    )

    history = CoalescingHistoricalRecords()
    objects = IndicatorResultManager()
    all_objects = EveryRowManager()

    class Meta:
        verbose_name = _("yearly result")
        verbose_name_plural = _("yearly results")
        ordering = ["line", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["line", "year"],
                name="indicator_result_once_per_year",
                violation_error_message=_("This line already has a result for this year."),
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="indicator_result_not_negative",
                violation_error_message=_("A result cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR),
                name="indicator_result_year_plausible",
                violation_error_message=_("The year must be between 1950 and 2100."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.line} {self.year}: {self.value}"


def results_table(lines: list[PartnershipIndicator]) -> dict:
    """The targets-and-results table of some lines (the partnership page's,
    the briefing dossier's): a column per year any line has a result for, and
    each line's result in each (None where it has none). Reads the results
    prefetched by ``for_table()``."""
    years = sorted({result.year for line in lines for result in line.results.all()})
    rows = []
    for line in lines:
        by_year = {result.year: result for result in line.results.all()}
        rows.append({"line": line, "cells": [(year, by_year.get(year)) for year in years]})
    return {"years": years, "rows": rows}

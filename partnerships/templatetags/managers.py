"""Template helpers for the managers' pages (pipeline board, reports)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils import formats
from django.utils.translation import gettext

register = template.Library()


@register.filter
def short_money(amount: Decimal | int | None, currency: str = "EUR") -> str:
    """``200000000|short_money:"EUR"`` -> "EUR 200 M": a value that fits on a
    card or a column head (the exact value goes in a ``title``)."""
    if amount is None or amount == "":
        return "—"
    value = Decimal(amount)
    units = ((10**9, gettext("bn")), (10**6, gettext("M")), (10**3, gettext("k")))
    for threshold, suffix in units:
        if abs(value) >= threshold:
            scaled = value / threshold
            places = 0 if abs(scaled) >= 100 else 1
            rounded = scaled.quantize(Decimal(1) / 10**places, rounding=ROUND_HALF_UP)
            if rounded == rounded.to_integral():
                places = 0
            number = formats.number_format(rounded, decimal_pos=places, use_l10n=True)
            return f"{currency} {number} {suffix}"
    number = formats.number_format(value, decimal_pos=0, use_l10n=True, force_grouping=True)
    return f"{currency} {number}"

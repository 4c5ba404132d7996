"""Template helpers for the pages: money, people, stage badges."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html

from partnerships.models import Stage

register = template.Library()


@register.filter
def money(amount: Decimal | None, currency: str = "EUR") -> str:
    """``200000000|money:"EUR"`` -> "EUR 200,000,000" (grouped as the language
    writes numbers)."""
    if amount is None or amount == "":
        return "—"
    places = 0 if Decimal(amount) == Decimal(amount).to_integral() else 2
    number = formats.number_format(amount, decimal_pos=places, use_l10n=True, force_grouping=True)
    return f"{currency} {number}"


@register.filter
def person(user) -> str:
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


@register.filter
def initials(user) -> str:
    if user is None:
        return "?"
    parts = [p for p in (user.first_name, user.last_name) if p]
    if not parts:
        return user.get_username()[:2].upper()
    return "".join(p[0] for p in parts).upper()


@register.simple_tag
def stage_badge(stage: str, label: str | None = None) -> str:
    if not stage:
        return "—"
    label = label or Stage(stage).label
    return format_html('<span class="badge stage-{}">{}</span>', stage, label)


@register.simple_tag
def status_badge(status: str, label: str) -> str:
    return format_html('<span class="badge status-{}">{}</span>', status, label)


@register.filter
def days_until(day) -> int | None:
    if day is None:
        return None
    return (day - timezone.localdate()).days


@register.filter
def days_since(day) -> int | None:
    if day is None:
        return None
    if hasattr(day, "date"):
        day = timezone.localtime(day).date()
    return (timezone.localdate() - day).days


@register.filter
def abs_value(number):
    return abs(number) if number is not None else None

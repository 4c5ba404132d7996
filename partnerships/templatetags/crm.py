"""Template helpers for the pages: money, people, stage badges."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from partnerships import humanize, permissions
from partnerships.dates import format_date
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


@register.simple_tag
def illustrative_badge(record) -> str:
    """The discreet but clear marker of a record no published source supports."""
    if not getattr(record, "is_illustrative", False):
        return ""
    return format_html(
        '<span class="badge illustrative" title="{}">{}</span>',
        _("Not from a published source: an example or a placeholder."),
        _("Illustrative"),
    )


@register.filter
def dated(day, precision: str = "day") -> str:
    """A date as precisely as it is known: "February 2017" ("février 2017")
    when only the month is, "2017" when only the year is."""
    if not day:
        return ""
    if precision == "month":
        return formats.date_format(day, "YEAR_MONTH_FORMAT")
    if precision == "year":
        return str(day.year)
    return format_date(day, "DATE_FORMAT")  # "1er décembre 2026" in French


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
def days_ago(days: int | None) -> str:
    """``3378|days_ago`` -> "9 years ago" (partnerships.humanize)."""
    return humanize.ago(days)


@register.filter
def days_ahead(days: int) -> str:
    """``45|days_ahead`` -> "in 6 weeks"."""
    return humanize.ahead(days)


@register.filter
def days_late(days: int) -> str:
    """``-400|days_late`` -> "13 months late" (the sign is ignored)."""
    return humanize.late(days)


@register.filter
def days_span(days) -> str:
    """``1837|days_span`` -> "5 years"; accepts the reports' float medians."""
    return humanize.span(round(float(days)))


@register.filter
def abs_value(number):
    return abs(number) if number is not None else None


@register.filter
def value_in_eur(partnership, rates):
    """The partnership's value converted to euros with ``rates``."""
    return partnership.value_in_eur(rates)


@register.inclusion_tag("includes/quick_create.html", takes_context=True)
def quick_create_dialogs(context):
    """The dialogs that create an organization or a contact from inside another
    form, without leaving it (see static/js/picker.js)."""
    from partnerships.forms import QuickContactForm, QuickOrganizationForm

    return {
        "organization_form": QuickOrganizationForm(auto_id="quick-org-%s"),
        "contact_form": QuickContactForm(auto_id="quick-contact-%s"),
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag
def js_strings() -> str:
    """The few sentences the page scripts show, translated, as a JSON data block
    (not executable, so allowed by the Content-Security-Policy)."""
    from django.utils.html import json_script
    from django.utils.translation import gettext

    strings = {
        "Type to search…": gettext("Type to search…"),
        "Type to replace…": gettext("Type to replace…"),
        "No match": gettext("No match"),
        "Discussed at this meeting": gettext("Discussed at this meeting"),
        "Create": gettext("Create"),
        "Create “%(name)s”…": gettext("Create “%(name)s”…"),
        "Remove": gettext("Remove"),
        "Use this one": gettext("Use this one"),
        "The server could not be reached. Nothing was lost: try again.": gettext(
            "The server could not be reached. Nothing was lost: try again."
        ),
        "You have unsaved changes from": gettext("You have unsaved changes from"),
        "Restore them": gettext("Restore them"),
        "Discard": gettext("Discard"),
    }
    return json_script(strings, "crm-strings")


@register.filter
def split(value: str, separator: str = ",") -> list[str]:
    return [part.strip() for part in value.split(separator)]


@register.filter
def uses_filters_outside(form, names: list[str]) -> bool:
    """Is any filter outside ``names`` (and not the ordering) in use?"""
    return any(
        field.value() not in (None, "", [])
        for field in form.visible_fields()
        if field.name not in names and field.name != "ordering"
    )


@register.simple_tag(takes_context=True)
def can(context, rule_name: str, *objects) -> bool:
    """``{% can "complete_action" action as allowed %}``: asks the rule
    ``permissions.can_complete_action`` for the signed-in user. Templates ask
    this (or ``may``) and never compare owners or roles themselves."""
    rule = getattr(permissions, f"can_{rule_name}", None)
    if not isinstance(rule, permissions.Rule):
        raise template.TemplateSyntaxError(f"No permission rule can_{rule_name}")
    return rule(context["user"], *objects)

"""Numbers of days as people say them, in the page's language.

"3378 days ago" is what a computer says; a person says "9 years ago". The
unit grows with the number: days up to two weeks, then weeks up to two months,
then months up to two years, then years, each rounded to the nearest: 365
days are "12 months", 1,095 days "3 years", 3,378 days "9 years".
"""

from __future__ import annotations

from django.utils.translation import gettext, ngettext

DAYS_PER_MONTH = 365.25 / 12
DAYS_PER_YEAR = 365.25


def span(days: int) -> str:
    """A length of time: "5 days", "3 weeks", "7 months", "9 years"."""
    days = abs(int(days))
    if days < 14:
        return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
    if days < 60:
        weeks = round(days / 7)
        return ngettext("%(count)d week", "%(count)d weeks", weeks) % {"count": weeks}
    if days < 730:
        months = round(days / DAYS_PER_MONTH)
        return ngettext("%(count)d month", "%(count)d months", months) % {"count": months}
    years = round(days / DAYS_PER_YEAR)
    return ngettext("%(count)d year", "%(count)d years", years) % {"count": years}


def ago(days: int | None) -> str:
    """How long ago a day was: "today", "yesterday", "3 weeks ago"."""
    if days is None:
        return "—"
    if days <= 0:
        return gettext("today")
    if days == 1:
        return gettext("yesterday")
    return gettext("%(span)s ago") % {"span": span(days)}


def ahead(days: int) -> str:
    """How far away a day is: "today", "tomorrow", "in 3 weeks"."""
    if days <= 0:
        return gettext("today")
    if days == 1:
        return gettext("tomorrow")
    return gettext("in %(span)s") % {"span": span(days)}


def late(days: int) -> str:
    """How late something is: "1 day late", "4 months late"."""
    return gettext("%(span)s late") % {"span": span(days)}

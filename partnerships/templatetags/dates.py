"""The ``date`` filter, with French ordinals ("1er décembre 2026").

Listed in ``TEMPLATES[...]["OPTIONS"]["builtins"]`` so that every template's
``|date`` is this one (builtins listed there come after Django's own and take
their place); it behaves as Django's filter otherwise.
"""

from __future__ import annotations

from django import template
from django.template import defaultfilters
from django.utils import formats

from partnerships.dates import with_ordinals

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def date(value, arg=None):
    if value in (None, "") or not hasattr(value, "day"):
        return defaultfilters.date(value, arg)
    return defaultfilters.date(
        value, with_ordinals(formats.get_format(arg or "DATE_FORMAT"), value)
    )

"""Dates written the way the reader's language writes them.

Django's French formats write "1 décembre 2026", but French writes the first
of the month as an ordinal: "1er décembre 2026". :func:`format_date` is
Django's ``date_format`` with that rule. Templates get it through the ``date``
filter (``partnerships.templatetags.dates``, a template builtin that stands in
for Django's filter of the same name), and Python code that writes for a person
(renewal actions, digests, the calendar feed) calls it directly inside
``translation.override`` of that person's language.
"""

from __future__ import annotations

import datetime
import re

from django.utils import dateformat, formats
from django.utils.translation import get_language

# The day of the month ("j") right before the month's name ("F"), unescaped.
_DAY_BEFORE_MONTH = re.compile(r"(?<!\\)j(?= F)")


def with_ordinals(fmt: str, value: datetime.date) -> str:
    """``fmt`` with "1er" for the first of the month in French."""
    if value.day == 1 and (get_language() or "").startswith("fr"):
        return _DAY_BEFORE_MONTH.sub(r"j\\e\\r", fmt)
    return fmt


def format_date(value: datetime.date, fmt: str | None = None) -> str:
    """``value`` in ``fmt`` (a format string or a name such as
    "DATE_FORMAT", the default), in the active language."""
    pattern = formats.get_format(fmt or "DATE_FORMAT")
    return dateformat.format(value, with_ordinals(pattern, value))

"""Record ids that come from outside: addresses, query strings, form fields and
API bodies.

An id is a whole number written in ASCII digits, from 1 to the largest value an
id column holds (``BigAutoField``: 2**63 - 1 on SQLite and PostgreSQL alike).
Anything else names no record: an address is a 404, a field's value is an
error on that field. Never a server error: SQLite's driver raises
``OverflowError`` for an integer beyond 64 bits, where PostgreSQL simply finds
nothing.

Two places hold the bound, so that no view has to remember it:

- addresses: the ``<id:...>`` path converter (:class:`IdConverter`) matches only
  ids in range; anything else does not resolve, so it is a 404 before any view
  runs. The URLconfs use it instead of ``<int:...>``.
- values: every model choice (form fields, filters, search-select widgets, the
  API's related fields) is looked up with ``pk=`` or ``pk__in=``. Django 5 makes
  ``exact`` and the range comparisons of an integer column match nothing for an
  out-of-range value (``IntegerFieldOverflow``); :class:`IntegerFieldIn` does the
  same for ``in``, which Django leaves out. The value is then "not one of the
  available choices", an error on its field.

A view that reads an id from the query string itself uses :func:`parse_id`.
"""

from __future__ import annotations

import re

from django.db.models import IntegerField
from django.db.models.lookups import In

MAX_ID = 2**63 - 1
_DIGITS = re.compile(r"[0-9]{1,19}")


def parse_id(value: object) -> int | None:
    """The id ``value`` spells (``"42"``, ``42``), or None if it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _DIGITS.fullmatch(value):
        number = int(value)
    else:
        return None
    return number if 1 <= number <= MAX_ID else None


class IdConverter:
    """``<id:pk>``: an id in range, or no match (a 404)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError(value)  # the resolver reads this as "no match"
        return number

    def to_url(self, value: int | str) -> str:
        return str(value)


@IntegerField.register_lookup
class IntegerFieldIn(In):
    """``in`` on an integer column ignores the values no row can hold (beyond
    the column's range on this database), as Django's ``exact`` does: with
    none left, it matches nothing (or, negated, everything), without sending
    SQLite a number it cannot bind."""

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)

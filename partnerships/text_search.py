"""Accent-, case- and spacing-insensitive text matching.

Each searchable model keeps a ``search_text`` column: the normalized form of its
names (including local names in Chinese script and their romanization). A search
normalizes the query the same way and looks in that one column, instead of
scanning every text field with a case-insensitive, accent-sensitive LIKE.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

_SPACES = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[\W_]+")


def normalize(text: str | None) -> str:
    """Lower-case, strip accents and fold spacing: "Chambéry " -> "chambery".

    Scripts without case or accents (Chinese, for instance) are kept as they are,
    so "张家口" still finds 张家口市.
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.casefold()).strip()


def name_key(text: str | None) -> str:
    """A key that ignores case, accents, spacing and punctuation, to spot near
    duplicates: "Ville de Chambéry", "ville de chambery" and "Ville-de-Chambery"
    share one key."""
    return _NOT_WORD.sub("", normalize(text))


def build_search_text(parts: Iterable[str | None]) -> str:
    """The value of a ``search_text`` column: every part normalized, one per line."""
    return "\n".join(dict.fromkeys(n for n in (normalize(p) for p in parts) if n))


def search_terms(query: str | None) -> list[str]:
    return [term for term in normalize(query).split(" ") if term][:8]


def condition(query: str | None, *, field: str = "search_text") -> Q:
    """A filter for rows whose ``field`` contains every word of ``query``
    (through SQLite's trigram index of it: partnerships/search_index.py)."""
    result = Q()
    for term in search_terms(query):
        result &= Q(**{f"{field}__search_contains": term})
    return result


def matching(queryset: QuerySet, query: str | None, *, field: str = "search_text") -> QuerySet:
    """Rows whose ``field`` contains every word of ``query``."""
    return queryset.filter(condition(query, field=field))


# How well a row's names match a search, best first.
EXACT, PREFIX, OTHER = 0, 1, 2


def match_rank(query: str | None, *, field: str = "search_text") -> Case | Value:
    """``EXACT`` when one of the row's names (a line of ``field``: its name,
    local name, romanization...) is the query, ``PREFIX`` when one starts
    with it, ``OTHER`` when the query is only somewhere inside: "张家口"
    finds the city 张家口市 (a prefix) before a company whose name merely
    contains it."""
    wanted = normalize(query)
    if not wanted:
        return Value(OTHER)
    exact = (
        Q(**{field: wanted})
        | Q(**{f"{field}__startswith": f"{wanted}\n"})
        | Q(**{f"{field}__endswith": f"\n{wanted}"})
        | Q(**{f"{field}__contains": f"\n{wanted}\n"})
    )
    prefix = Q(**{f"{field}__startswith": wanted}) | Q(**{f"{field}__contains": f"\n{wanted}"})
    return Case(
        When(exact, then=Value(EXACT)),
        When(prefix, then=Value(PREFIX)),
        default=Value(OTHER),
        output_field=IntegerField(),
    )


def best_first(
    queryset: QuerySet, query: str | None, *ordering: str, field: str = "search_text"
) -> QuerySet:
    """``queryset`` with exact names first, then prefixes, then the rest; within
    each, by ``ordering`` (the queryset's or the model's by default)."""
    ordering = ordering or tuple(queryset.query.order_by or queryset.model._meta.ordering)
    return queryset.alias(match_rank=match_rank(query, field=field)).order_by(
        "match_rank", *ordering
    )

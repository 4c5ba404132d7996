"""A paginator that never counts hundreds of thousands of rows.

Django's paginator counts every matching row to say "page 3 of 25,000": on a
list of a million actions that count is most of the request, even when the
rows of the page are read from an index in a millisecond. This one counts at
most ``limit`` rows past the first row of the page asked for (1,000 by default):
below that the count is exact; above it the list says "more than …" and the
next page is always there. Paging on costs what reading that far costs anyway.
Pages, the API and the admin use it.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

COUNT_LIMIT = 1000


class CappedPaginator(Paginator):
    def __init__(
        self, object_list, per_page, *args, limit: int = COUNT_LIMIT, asked: int = 1, **kwargs
    ) -> None:
        super().__init__(object_list, per_page, *args, **kwargs)
        self.limit = limit
        self.exact = False  # set before counting for an exact count (the API's ?page=last)
        # The page that will be asked for, when something reads the count
        # before asking for it (the admin's changelist).
        self._asked = max(1, asked)
        self._counted_to: int | None = None  # the ceiling the count stopped at

    def validate_number(self, number):
        # The first page asked for decides how far to count (page() and
        # get_page() validate the number before anything reads the count).
        if self._counted_to is None:
            try:
                self._asked = max(1, min(int(number), 10**9))
            except (TypeError, ValueError, OverflowError):
                self._asked = 1
        return super().validate_number(number)

    @property
    def ceiling(self) -> int:
        """How many rows are counted at most: those before the page asked
        for, and ``limit`` more."""
        if self._counted_to is not None:
            return self._counted_to
        return (self._asked - 1) * self.per_page + self.limit + 1

    @cached_property
    def count(self) -> int:
        if self.exact or not isinstance(self.object_list, QuerySet):
            return super().count
        # No ordering (the index that finds the rows counts them) and only the
        # ids (no joins): COUNT(*) over at most ``ceiling`` rows.
        self._counted_to = self.ceiling
        return self.object_list.order_by().values("pk")[: self._counted_to].count()

    @property
    def is_capped(self) -> bool:
        """Are there more rows than were counted?"""
        return self._counted_to is not None and self.count >= self._counted_to

    @property
    def shown_count(self) -> int:
        """The count a page shows: exact, or the "more than" figure."""
        return self._counted_to - 1 if self.is_capped else self.count

"""Pages of 50 rows by default; ``?page_size=`` up to 200 (larger values are
capped, not refused); a page that does not exist is a 404 with a JSON body."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import PageNumberPagination

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class Pagination(PageNumberPagination):
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    page_size_query_description = _(
        "Rows per page: 50 by default, at most 200 (a larger value is treated as 200)."
    )
    page_query_description = _("Page number, from 1. A page past the last one is a 404.")
    invalid_page_message = _("This page does not exist ({message}).")
    # The JSON API has no browsable page controls.
    template = None

"""Pages of 50 rows by default; ``?page_size=`` from 1 up to 200 (a larger
number is treated as 200, anything but a whole number is a 400); a page that
does not exist is a 404 with a JSON body. ``count`` is exact up to 1,000 rows
past the page's first row (``count_is_exact``); above, it says that many and
one more, and ``next`` leads on (partnerships/paginator.py). ``?page=last``
counts every row, to know which page is the last."""

from __future__ import annotations

import re
from typing import Any

from django.core.paginator import Paginator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from partnerships.paginator import CappedPaginator

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
_WHOLE_NUMBER = re.compile(r"[0-9]+")


class Pagination(PageNumberPagination):
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    page_size_query_description = gettext_lazy(
        "Rows per page: 50 by default, at most 200 (a larger number is treated as 200)."
    )
    page_query_description = gettext_lazy(
        "Page number, from 1 (or `last`). A page past the last one is a 404."
    )
    invalid_page_message = gettext_lazy("This page does not exist ({message}).")
    # The JSON API has no browsable page controls.
    template = None
    django_paginator_class = CappedPaginator

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not _WHOLE_NUMBER.fullmatch(raw) or int(raw[:12]) < 1:
            raise ValidationError(
                {self.page_size_query_param: [_("Give a whole number from 1 to 200.")]}
            )
        return min(int(raw[:12]), self.max_page_size)

    def get_page_number(self, request: Request, paginator: Paginator) -> int | str:
        raw = request.query_params.get(self.page_query_param, "1")
        if raw in self.last_page_strings:
            paginator.exact = True
            return paginator.num_pages
        if not _WHOLE_NUMBER.fullmatch(raw):
            raise NotFound(self.invalid_page_message.format(message=_("not a page number")))
        return raw

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "count": self.page.paginator.count,
                "count_is_exact": not self.page.paginator.is_capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        described = super().get_paginated_response_schema(schema)
        described["properties"]["count"]["description"] = (
            "The number of rows, exact up to 1,000 rows past the first row of the page "
            "(see count_is_exact)."
        )
        described["properties"]["count_is_exact"] = {
            "type": "boolean",
            "description": (
                "False when there are more rows than were counted: count is then the "
                "rows before this page plus 1,001, and next leads on."
            ),
        }
        described["required"] = [*described["required"], "count_is_exact"]
        return described

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["minimum"] = 1
        return parameters

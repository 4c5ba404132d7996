"""Pages of 50 rows by default; ``?page_size=`` from 1 up to 200 (a larger
number is treated as 200, anything but a whole number is a 400); a page that
does not exist is a 404 with a JSON body."""

from __future__ import annotations

import re
from typing import Any

from django.core.paginator import Paginator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

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
            return paginator.num_pages
        if not _WHOLE_NUMBER.fullmatch(raw):
            raise NotFound(self.invalid_page_message.format(message=_("not a page number")))
        return raw

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["minimum"] = 1
        return parameters

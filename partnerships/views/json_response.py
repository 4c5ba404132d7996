"""JSON for the page scripts (look-ups, quick creation): names go out as data
that can never be read as markup."""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.http import JsonResponse

# The characters that open or close markup, written as JSON escapes: the
# decoded strings are unchanged, but the body holds no "<script>" even when a
# name does, should anything ever render or sniff it as HTML.
_MARKUP_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


class MarkupSafeJSONEncoder(DjangoJSONEncoder):
    def encode(self, o) -> str:
        return super().encode(o).translate(_MARKUP_ESCAPES)


class SafeJsonResponse(JsonResponse):
    def __init__(self, data, **kwargs) -> None:
        kwargs.setdefault("encoder", MarkupSafeJSONEncoder)
        super().__init__(data, **kwargs)

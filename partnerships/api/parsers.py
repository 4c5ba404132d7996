"""JSON bodies the database can store, or a 400.

JSON may escape half of a UTF-16 surrogate pair (``"\\ud800"``); Python reads it
into a string that no database driver can encode. Such a body is refused here as
malformed, instead of failing later when the row is written.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class StrictJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        try:
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise ParseError(_("JSON parse error - the text is not valid Unicode.")) from None
        return data

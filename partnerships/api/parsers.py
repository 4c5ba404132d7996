"""JSON bodies the app can read and the database can store, or a 400.

Refused as malformed, instead of failing later: nesting deep enough to exhaust
Python's recursion limit, and half of a UTF-16 surrogate pair (``"\\ud800"``),
which Python reads into a string that no database driver can encode. (Bodies
larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` are refused by Django; see errors.py.)
"""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class StrictJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except RecursionError:
            raise ParseError(_("JSON parse error - the body is nested too deeply.")) from None
        except UnicodeEncodeError:
            raise ParseError(_("JSON parse error - the text is not valid Unicode.")) from None
        return data

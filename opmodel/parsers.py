"""The API's JSON parser: DRF's, with the nesting depth and the size bounded before parsing.

Python's json module recurses once per level: 100,000 nested brackets raise RecursionError (a
500) after the whole body has been read and partly parsed. No request of this API nests deeper
than a few levels, so the depth is counted first, in one linear scan that stops at the limit.
"""

import io
import re

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 64
# The characters that open or close a level, or a string (inside which brackets do not count).
_STRUCTURE = re.compile(rb'[\[\]{}"\\]')


class RequestTooLarge(ParseError):
    status_code = 413
    default_code = "request_too_large"


def json_depth_exceeds(body: bytes, limit: int = MAX_DEPTH) -> bool:
    depth = 0
    in_string = False
    escaped_at = -1
    for match in _STRUCTURE.finditer(body):
        char, at = match.group(), match.start()
        if in_string:
            if char == b"\\" and escaped_at != at:
                escaped_at = at + 1  # the next character is escaped, whatever it is
            elif char == b'"' and escaped_at != at:
                in_string = False
            continue
        if char == b'"':
            in_string = True
        elif char in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        elif char in (b"]", b"}"):
            depth -= 1
    return False


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        body = stream.read(limit + 1) if stream is not None else b""
        if limit is not None and len(body) > limit:
            raise RequestTooLarge(f"The request body is larger than {limit} bytes.")
        if json_depth_exceeds(body):
            raise ParseError(f"JSON parse error - nested deeper than {MAX_DEPTH} levels.")
        try:
            return super().parse(io.BytesIO(body), media_type, parser_context)
        except RecursionError as exc:  # a safety net: the scan above should stop it first
            raise ParseError("JSON parse error - nested too deeply.") from exc

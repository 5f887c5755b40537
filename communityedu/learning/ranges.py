"""Serving a stored media file with HTTP Range requests, so that a phone can seek in a video.

Django's ``FileResponse`` always sends the whole file and ignores ``Range``; browsers need
``206 Partial Content`` to seek in (and on some phones even to start) a video or an audio file.
:func:`ranged_file_response` answers one byte range (``bytes=a-b``, ``bytes=a-``, ``bytes=-n``)
with 206 and ``Content-Range``, a range beyond the file with 416, and anything it does not
understand (several ranges, other units) with the whole file, as RFC 9110 allows. Every answer says
``Accept-Ranges: bytes``. The file is streamed in blocks, never read whole into memory.
"""

from __future__ import annotations

import re

from django.http import FileResponse, HttpResponse, StreamingHttpResponse

BLOCK_BYTES = 64 * 1024
_SINGLE_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class RangeNotSatisfiableError(Exception):
    pass


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The (first, last) bytes asked for, inclusive; None to send the whole file.

    Raises :class:`RangeNotSatisfiableError` for a well-formed range that no byte of the file meets."""
    if not header:
        return None
    match = _SINGLE_RANGE.match(header.strip())
    if match is None:
        return None
    first_text, last_text = match.groups()
    if not first_text and not last_text:
        return None
    if not first_text:
        suffix = int(last_text)
        if suffix == 0 or size == 0:
            raise RangeNotSatisfiableError
        return max(0, size - suffix), size - 1
    first = int(first_text)
    last = int(last_text) if last_text else size - 1
    if last_text and last < first:
        return None  # invalid: ignored, the whole file is sent
    if first >= size:
        raise RangeNotSatisfiableError
    return first, min(last, size - 1)


def _blocks(handle, first: int, length: int):
    try:
        handle.seek(first)
        left = length
        while left > 0:
            block = handle.read(min(BLOCK_BYTES, left))
            if not block:
                break
            left -= len(block)
            yield block
    finally:
        handle.close()


def ranged_file_response(request, field_file, *, content_type: str) -> HttpResponse:
    size = field_file.size
    try:
        wanted = parse_range(request.headers.get("Range"), size)
    except RangeNotSatisfiableError:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        response["Accept-Ranges"] = "bytes"
        return response
    handle = field_file.storage.open(field_file.name, "rb")
    if wanted is None:
        response = FileResponse(handle, content_type=content_type)
        response["Content-Length"] = str(size)
    else:
        first, last = wanted
        length = last - first + 1
        response = StreamingHttpResponse(_blocks(handle, first, length), status=206, content_type=content_type)
        response["Content-Length"] = str(length)
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, max-age=3600"
    return response

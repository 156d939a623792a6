"""Files served with HTTP Range requests (RFC 9110 § 14): a browser's video player seeks with them."""

import re
from collections.abc import Iterator
from typing import IO

from django.core.files import File
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse

CHUNK = 512 * 1024
RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$")


class RangeNotSatisfiable(Exception):
    """A byte range wholly outside the file."""


def byte_range(header: str, size: int) -> tuple[int, int] | None:
    """The (first, last) byte of a single `Range: bytes=…` request, None to send the whole file (no header, or
    one this server ignores: several ranges, bad syntax — RFC 9110 § 14.2), RangeNotSatisfiable when outside."""
    match = RANGE.match(header or "")
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise RangeNotSatisfiable
        return max(size - suffix, 0), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if last and end < start:
        return None
    if start >= size:
        raise RangeNotSatisfiable
    return start, min(end, size - 1)


def _read(handle: IO[bytes], start: int, length: int) -> Iterator[bytes]:
    with handle:
        handle.seek(start)
        while length > 0:
            chunk = handle.read(min(CHUNK, length))
            if not chunk:
                break
            length -= len(chunk)
            yield chunk


def ranged_file_response(request: HttpRequest, file: File, content_type: str) -> HttpResponse:
    """The file (a storage file of a FileField), whole (200), the range asked for (206), or 416 for a range outside
    it; `Accept-Ranges: bytes` on each. The caller sets the cache headers."""
    size = file.size
    try:
        wanted = byte_range(request.headers.get("Range", ""), size)
    except RangeNotSatisfiable:
        response: HttpResponse = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
    else:
        if wanted is None:
            response = FileResponse(file.open("rb"), content_type=content_type)
        else:
            first, last = wanted
            response = StreamingHttpResponse(
                _read(file.open("rb"), first, last - first + 1), status=206, content_type=content_type
            )
            response["Content-Range"] = f"bytes {first}-{last}/{size}"
            response["Content-Length"] = str(last - first + 1)
    response["Accept-Ranges"] = "bytes"
    return response

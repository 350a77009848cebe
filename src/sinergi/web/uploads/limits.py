"""Refuses an upload whose declared size (Content-Length) is over the cap, before its body is read.

Django reads a POST body the first time anything asks for ``request.POST`` or
``request.FILES`` (the CSRF check does, before the view runs), spooling files to
disk. This middleware runs before that, so an oversized upload costs neither
the disk nor the time to receive it; the form's own size check still guards a
body that declares no length.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from sinergi.web.uploads.forms import max_bytes
from sinergi.web.uploads.views import too_large

# A multipart body carries the form's other fields and boundaries besides the file.
MULTIPART_ALLOWANCE = 64 * 1024


def declared_length(request: HttpRequest) -> int:
    """The body's size as the client declared it, 0 when absent or not a number."""
    value = request.META.get("CONTENT_LENGTH") or ""
    return int(value) if value.isdigit() else 0


def refuse_oversized_uploads(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        if (
            request.method == "POST"
            and request.path == reverse("uploads")
            and declared_length(request) > max_bytes() + MULTIPART_ALLOWANCE
        ):
            return too_large(request)
        return get_response(request)

    return middleware

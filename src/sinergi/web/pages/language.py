"""Bahasa Indonesia unless the user chose English with the switch (the browser is not asked).

Django's LocaleMiddleware would follow the browser's Accept-Language, so an
officer with an English-language browser would land on English pages; the
product's language is Indonesian, and English is a choice kept in a cookie.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


def indonesian_first(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return get_response(request)

    return middleware

"""Request middleware: body size limit, and Swedish first whatever the browser asks for."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _


class LanguageMiddleware:
    """Serve the configured language (Swedish) unless the person chose another with the switcher.

    Unlike Django's LocaleMiddleware the browser's Accept-Language is not consulted:
    Rödtråd is a Swedish product whose second language is a choice, not a default.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.languages else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response


def body_limit(path: str) -> int:
    """The largest body ``path`` accepts: its longest prefix in BODY_LIMITS_BY_PATH, else MAX_BODY_BYTES."""
    prefixes = [p for p in settings.BODY_LIMITS_BY_PATH if path.startswith(p)]
    return settings.BODY_LIMITS_BY_PATH[max(prefixes, key=len)] if prefixes else settings.MAX_BODY_BYTES


class BodySizeLimitMiddleware:
    """Refuse a body over its path's limit with 413 before anything reads it (uploads have their own)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = body_limit(request.path)
        if length > limit:
            message = _("The request body is too large (at most %(limit)s bytes).") % {"limit": limit}
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=413)
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

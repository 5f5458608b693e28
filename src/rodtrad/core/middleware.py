"""Request middleware: body size limit, and Swedish first whatever the browser asks for."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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


#: The largest refused page upload that is still read to its end (and dropped) before the answer.
DRAIN_AT_MOST = 256 * 1024 * 1024

#: A view's answer to a body over the limit: given the request (whose body is gone)
#: and the limit in bytes; see :func:`answers_bodies_over_the_limit`.
TooLargeHandler = Callable[[HttpRequest, int], HttpResponse]


def answers_bodies_over_the_limit(
    handler: TooLargeHandler,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Let a page answer a body over its limit itself, e.g. with its form and an error (413),
    instead of the plain 413 text, so the person keeps the page they were on. Put it outermost."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        view.answer_too_large = handler  # type: ignore[attr-defined]
        return view

    return decorate


class BodySizeLimitMiddleware:
    """Refuse a body over its path's limit with 413 before anything parses it (uploads have their own).

    The API answers JSON at once. A page is answered once its view is known (process_view runs
    before CSRF's, which would parse the body): by the view's own handler if it has one
    (:func:`answers_bodies_over_the_limit`), else with plain text.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = body_limit(request.path)
        if length > limit:
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": _too_large(limit)}, status=413)
            request.body_over_limit = limit  # type: ignore[attr-defined]
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., HttpResponse], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        limit: int | None = getattr(request, "body_over_limit", None)
        if limit is None:
            return None
        _drain(request)
        handler: TooLargeHandler | None = getattr(view, "answer_too_large", None)
        if handler is not None:
            return handler(request, limit)
        return HttpResponse(_too_large(limit), status=413, content_type="text/plain; charset=utf-8")


def _drain(request: HttpRequest) -> None:
    """Read and drop the body, so the browser, which sends all of it before it listens, sees the
    answer instead of a reset connection. Nothing is parsed or kept; past DRAIN_AT_MOST bytes the
    server closes the connection instead (a browser then shows its own error)."""
    if int(request.META.get("CONTENT_LENGTH") or 0) > DRAIN_AT_MOST:
        return
    while request.read(64 * 1024):
        pass


def _too_large(limit: int) -> str:
    return _("The request body is too large (at most %(limit)s bytes).") % {"limit": limit}

"""BodySizeLimitMiddleware on pages: the answer comes after the body is read and dropped."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings

from rodtrad.core import middleware
from rodtrad.core.middleware import BodySizeLimitMiddleware, answers_bodies_over_the_limit

BODY = b"x" * 5_000


def _never_called(request: HttpRequest) -> HttpResponse:
    raise AssertionError("the view must not run")


def _refused(view=_never_called) -> tuple[HttpRequest, HttpResponse | None]:
    request = RequestFactory().post("/någonstans/", BODY, content_type="application/octet-stream")
    limiter = BodySizeLimitMiddleware(lambda r: limiter.process_view(r, view, (), {}) or view(r))
    return request, limiter(request)


@override_settings(MAX_BODY_BYTES=1_000)
def test_a_page_is_answered_after_its_body_is_read_and_dropped():
    request, response = _refused()
    assert response is not None and response.status_code == 413
    assert response["Content-Type"].startswith("text/plain")
    assert request.read() == b""  # drained: the browser has sent it all and now reads the answer


@override_settings(MAX_BODY_BYTES=1_000)
def test_a_page_may_answer_with_its_own_page():
    @answers_bodies_over_the_limit(
        lambda request, limit: HttpResponse(f"Formulär, högst {limit}", status=413)
    )
    def view(request: HttpRequest) -> HttpResponse:
        raise AssertionError("the view must not run")

    _request, response = _refused(view)
    assert (
        response is not None
        and response.status_code == 413
        and response.content.decode() == "Formulär, högst 1000"
    )


@override_settings(MAX_BODY_BYTES=1_000)
def test_a_body_past_the_drain_limit_is_not_read(monkeypatch):
    monkeypatch.setattr(middleware, "DRAIN_AT_MOST", 2_000)
    request, response = _refused()
    assert response is not None and response.status_code == 413
    assert request.read() == BODY  # left unread; the server closes the connection


def test_a_body_within_the_limit_reaches_the_view():
    request = RequestFactory().post("/någonstans/", b"liten", content_type="text/plain")
    response = BodySizeLimitMiddleware(lambda r: HttpResponse(r.body))(request)
    assert response.status_code == 200 and response.content == b"liten"

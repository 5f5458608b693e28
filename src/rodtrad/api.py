"""The one NinjaAPI under /api/v1/: authentication, error shapes, and each app's router."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Swagger
from ninja.errors import HttpError
from ninja.errors import ValidationError as InvalidRequest
from ninja.openapi.schema import OpenAPISchema
from ninja.security import HttpBearer, SessionAuth

from rodtrad.core.api import router as core_router
from rodtrad.core.errors import IllegalTransition, StaleWrite
from rodtrad.core.schemas import declare_common_errors
from rodtrad.core.services.people import user_for_token
from rodtrad.documents.api import router as documents_router
from rodtrad.goals.api import router as goals_router
from rodtrad.improvement.api import router as improvement_router
from rodtrad.values.api import router as values_router


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>``; an unknown or revoked token is simply not accepted."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class RodtradAPI(NinjaAPI):
    """The API whose schema also names the errors that authentication, validation and the server answer."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        declare_common_errors(schema)
        return schema


api = RodtradAPI(
    title="Rödtråd API",
    version="1",
    description="Rödtråd's REST API. Authenticate with `Authorization: Bearer <token>` "
    "(`rodtrad token USERNAME`) or the browser session with its CSRF token.",
    auth=[BearerToken(), SessionAuth()],
    docs=Swagger(),
    docs_url="/docs",
    urls_namespace="api",
)
api.add_router("/", core_router)
api.add_router("/", documents_router)
api.add_router("/", goals_router)
api.add_router("/", values_router)
api.add_router("/", improvement_router)


def _field_errors(exc: ValidationError) -> list[dict[str, Any]]:
    if hasattr(exc, "error_dict"):
        return [
            {"loc": ["body", field], "msg": str(message), "type": "value_error"}
            for field, errors in exc.message_dict.items()
            for message in errors
        ]
    return [{"loc": ["body"], "msg": str(message), "type": "value_error"} for message in exc.messages]


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": _field_errors(exc)}, status=400)


def _request_error(error: dict[str, Any]) -> dict[str, Any]:
    loc = list(error.get("loc", ()))
    if loc[:1] == ["body"]:
        # Ninja files the body under its parameter's name, which is no part of the client's document.
        loc = ["body", *loc[2:]]
    return {"loc": loc, "msg": str(error.get("msg", "")), "type": str(error.get("type", "value_error"))}


@api.exception_handler(InvalidRequest)
def on_invalid_request(request: HttpRequest, exc: InvalidRequest) -> HttpResponse:
    """Input that does not fit the schema: 422, shaped like the services' 400s so one parser reads both."""
    return api.create_response(request, {"detail": [_request_error(e) for e in exc.errors]}, status=422)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Ninja's own errors; a body that is not JSON gets the 400 shape that every other 400 has."""
    if exc.status_code == 400:
        detail: Any = [
            {"loc": ["body"], "msg": "The request body is not valid JSON.", "type": "json_invalid"}
        ]
    else:
        detail = str(exc)
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


@api.exception_handler(PermissionDenied)
def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": "You do not have permission to do this."}, status=403)


@api.exception_handler(ObjectDoesNotExist)
@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(StaleWrite)
def on_stale(request: HttpRequest, exc: StaleWrite) -> HttpResponse:
    return api.create_response(
        request, {"detail": str(exc), "current_version": exc.current_version}, status=409
    )


@api.exception_handler(IllegalTransition)
def on_illegal(request: HttpRequest, exc: IllegalTransition) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=409)


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return api.create_response(request, {"detail": "The request body is too large."}, status=413)

"""Shared API building blocks: bounded ids, clean text and times, pagination, error bodies."""

from __future__ import annotations

import datetime as dt
from types import UnionType
from typing import TYPE_CHECKING, Annotated, Any, Union, get_args, get_origin

from django.core.exceptions import ValidationError
from django.db.models import QuerySet, TextChoices
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import AfterValidator, BeforeValidator, StringConstraints, WithJsonSchema, model_validator
from pydantic_core.core_schema import ValidatorFunctionWrapHandler

if TYPE_CHECKING:
    from rodtrad.core.models import User

MAX_ID = 2**53


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("NUL characters are not allowed")
    return value


#: A database id as clients send it: positive and small enough for every database.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Version = Annotated[int, Field(ge=1, le=MAX_ID, description="The version the change is based on.")]


def text(max_length: int, min_length: int = 0) -> Any:
    """A trimmed string without NUL characters, within the column's length.

    The length is checked before trimming too: the schema's ``maxLength`` speaks of the text as sent.
    """

    def as_sent(value: Any) -> Any:
        if isinstance(value, str) and len(value) > max_length:
            raise ValueError(f"String should have at most {max_length} characters")
        return value

    return Annotated[
        str,
        BeforeValidator(as_sent),
        StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length),
        AfterValidator(_no_nul),
    ]


def _iso_moment(value: Any) -> Any:
    """Only ISO 8601 text, as the schema says; pydantic alone would also take "0.5" as a Unix time."""
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError("Expected an ISO 8601 date and time, e.g. 2026-01-31T08:00:00+01:00")


def _storable_moment(value: dt.datetime) -> dt.datetime:
    """Naive times are local; a time that does not fit in UTC would crash the database adapter."""
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    try:
        value.astimezone(dt.UTC)
    except OverflowError:
        raise ValueError("The time is out of range") from None
    return value


#: A point in time as clients send it: local time when no offset is given, within what UTC can hold.
Moment = Annotated[dt.datetime, BeforeValidator(_iso_moment), AfterValidator(_storable_moment)]


def inline_choices(choices: type[TextChoices], name: str) -> WithJsonSchema:
    """An inline schema titled ``name`` for TextChoices: ``Annotated[Unit.Kind, inline_choices(...)]``.

    OpenAPI components are keyed by class name, so two nested ``Kind`` classes (units, document types)
    would otherwise share one component and the schema would list the wrong values for one of them.
    """
    return WithJsonSchema({"title": name, "type": "string", "enum": [str(v) for v in choices.values]})


class BodyIn(Schema):
    """A request body: a JSON object. A plain Schema reads any value attribute by attribute, so a body
    of ``[]`` or ``"x"`` would pass as an object with every optional field left out."""

    @model_validator(mode="wrap")
    @classmethod
    def _json_object(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        if not isinstance(value, dict | cls):
            raise ValueError("Expected a JSON object")
        if isinstance(value, dict):
            for name, field in cls.model_fields.items():
                if _wrong_json_type(field.annotation, value.get(field.alias or name)):
                    raise ValueError(f"{name}: wrong type")
        return handler(value)


def _bare(annotation: Any) -> Any:
    return get_args(annotation)[0] if get_origin(annotation) is Annotated else annotation


def _arms(annotation: Any) -> tuple[Any, ...]:
    """The types a field accepts, looking through ``X | None`` and Annotated."""
    annotation = _bare(annotation)
    arms = get_args(annotation) if get_origin(annotation) in (Union, UnionType) else (annotation,)
    return tuple(_bare(arm) for arm in arms)


def _lax_mismatch(arms: tuple[Any, ...], value: Any) -> bool:
    """A JSON value pydantic's lax mode would convert although it has the wrong type:
    true/false where a number is expected (read as 1 and 0), a number where a date is (a Unix time)."""
    if isinstance(value, bool) and any(arm in (int, float) for arm in arms):
        return True
    return isinstance(value, int | float) and any(arm in (dt.date, dt.datetime) for arm in arms)


def _wrong_json_type(annotation: Any, value: Any) -> bool:
    arms = _arms(annotation)
    if _lax_mismatch(arms, value):
        return True
    items = [_arms(a) for arm in arms if get_origin(arm) in (list, set, tuple) for a in get_args(arm)]
    return isinstance(value, list) and any(_lax_mismatch(item, v) for item in items for v in value)


class Pagination(LimitOffsetPagination):
    """limit/offset paging with bounds every database accepts."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=500)
        offset: int = Field(0, ge=0, le=MAX_ID)

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        offset, limit = pagination.offset, min(pagination.limit, 500)
        return {"items": list(queryset[offset : offset + limit]), "count": queryset.count()}


class ErrorOut(Schema):
    detail: str


class ConflictOut(Schema):
    detail: str
    current_version: int | None = Field(None, description="The object's version now, after a stale write.")


class FieldError(Schema):
    loc: list[str | int] = Field(
        description='Where the error is, e.g. ["body", "code"] or ["query", "limit"].'
    )
    msg: str
    type: str = "value_error"


class FieldErrorsOut(Schema):
    detail: list[FieldError]


#: The body of each error status, for the ``response=`` of an operation (see :func:`errors`).
ERROR_BODIES: dict[int, Any] = {
    400: FieldErrorsOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ConflictOut,
    413: ErrorOut,
    422: FieldErrorsOut,
}


def errors(*codes: int) -> dict[int, Any]:
    """The error responses an operation's own code can cause, e.g. ``response={200: X, **errors(404)}``.

    Statuses that the API answers for any operation are added by :func:`declare_common_errors`.
    """
    return {code: ERROR_BODIES[code] for code in codes}


def _ref(schema: dict[str, Any], model: type[Schema]) -> dict[str, Any]:
    definition = model.model_json_schema(ref_template="#/components/schemas/{model}")
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.update(definition.pop("$defs", {}))
    components.setdefault(model.__name__, definition)
    return {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}}}


def declare_common_errors(schema: dict[str, Any]) -> None:
    """Declare on every operation the statuses that code outside it answers, so clients and the fuzzer
    know them: 401 (authentication), 414 (the HTTP server, no JSON body), 422 for any input (validation),
    400 and 413 for a body (not JSON, too large), 403 for a write (a browser session's CSRF check)."""
    common = {
        "401": {"description": "Unauthorized", **_ref(schema, ErrorOut)},
        "414": {"description": "URI Too Long"},
    }
    invalid = {"description": "Unprocessable Content", **_ref(schema, FieldErrorsOut)}
    unreadable = {"description": "Bad Request", **_ref(schema, FieldErrorsOut)}
    too_large = {"description": "Content Too Large", **_ref(schema, ErrorOut)}
    forbidden = {"description": "Forbidden", **_ref(schema, ErrorOut)}
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            added = dict(common)
            if operation.get("parameters") or operation.get("requestBody"):
                added["422"] = invalid
            if operation.get("requestBody"):
                added.update({"400": unreadable, "413": too_large})
            if method in {"post", "put", "patch", "delete"}:
                added["403"] = forbidden
            for status, response in added.items():
                responses.setdefault(status, response)


def caller(request: HttpRequest) -> User:
    """The authenticated person behind an API request (the API's auth has already run)."""
    return request.user  # type: ignore[return-value]


class UnitRef(Schema):
    id: int
    code: str
    name: str


def resolve_ids(model: type[Any], pks: list[int], field: str) -> list[Any]:
    """The objects a client names by id, once each in the order given; a 400 names the first unknown id."""
    found = {obj.pk: obj for obj in model.objects.filter(pk__in=pks)}
    missing = [pk for pk in pks if pk not in found]
    if missing:
        raise _unknown(model, missing[0], field)
    return [found[pk] for pk in dict.fromkeys(pks)]


def resolve_id(model: type[Any], pk: int | None, field: str) -> Any:
    """The object a client names by id, or a 400 naming the field."""
    if pk is None:
        return None
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        raise _unknown(model, pk, field)
    return obj


def _unknown(model: type[Any], pk: int, field: str) -> ValidationError:
    message = _("No %(model)s with id %(id)s.") % {"model": model._meta.verbose_name, "id": pk}
    return ValidationError({field: [message]})

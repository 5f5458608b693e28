"""Shared API building blocks: bounded ids, clean text and times, pagination, error bodies."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import AfterValidator, StringConstraints

MAX_ID = 2**53


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("NUL characters are not allowed")
    return value


#: A database id as clients send it: positive and small enough for every database.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Version = Annotated[int, Field(ge=1, le=MAX_ID, description="The version the change is based on.")]


def text(max_length: int, min_length: int = 0) -> Any:
    """A trimmed string without NUL characters, within the column's length."""
    return Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length),
        AfterValidator(_no_nul),
    ]


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
Moment = Annotated[dt.datetime, AfterValidator(_storable_moment)]


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


#: The body of each error status. 414 comes from the HTTP server, with no JSON body.
ERROR_BODIES: dict[int, Any] = {
    400: FieldErrorsOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ConflictOut,
    413: ErrorOut,
    414: None,
    422: FieldErrorsOut,
}


def errors(*codes: int) -> dict[int, Any]:
    """Error responses for an operation's ``response=``: ``codes``, plus 401 and 414, which any request gets.

    Declare every status an operation can return; schemathesis (``make fuzz``) fails on any other.
    """
    return {code: ERROR_BODIES[code] for code in sorted({401, 414, *codes})}

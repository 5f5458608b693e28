"""Shared API building blocks: bounded ids, clean text, pagination."""

from __future__ import annotations

from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest
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
    detail: Any


class FieldError(Schema):
    loc: list[str | int]
    msg: str
    type: str = "value_error"


class FieldErrorsOut(Schema):
    detail: list[FieldError]

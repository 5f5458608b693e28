"""Shared helpers for services: locking with a version check, field errors."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models

from rodtrad.core.errors import StaleWrite

M = TypeVar("M", bound=models.Model)


def lock(model: type[M], pk: Any, version: int | None) -> M:
    """Lock the row for this transaction and refuse a write based on an old version."""
    obj = model._default_manager.select_for_update().get(pk=pk)
    current = obj.version  # type: ignore[attr-defined]
    if version is not None and version != current:
        raise StaleWrite(current)
    return obj


def field_error(field: str, message: Any) -> ValidationError:
    return ValidationError({field: [message]})


def clean_text(value: str | None) -> str:
    """Strip surrounding space; NUL characters are refused (no database stores them)."""
    value = (value or "").strip()
    if "\x00" in value:
        raise ValueError("NUL character")
    return value

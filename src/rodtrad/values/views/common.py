"""What the value pages share: the user, service refusals shown on forms, safe return addresses."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from rodtrad.core import access
from rodtrad.core.errors import StaleWrite
from rodtrad.core.models import Unit, User
from rodtrad.values.models import ValueBase


def user_of(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def apply_errors(form: forms.Form, exc: ValidationError | StaleWrite) -> None:
    """Show a service's refusal on the form: field errors by field, the rest on top."""
    if isinstance(exc, StaleWrite):
        form.add_error(None, str(exc))
    elif hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def safe_next(request: HttpRequest, default: str) -> str:
    """The ``next`` address posted with a form when it stays on this site, else ``default``."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def status_of(*forms_: Any) -> int:
    return 400 if any(f is not None and f.is_bound and f.errors for f in forms_) else 200


def may_manage(request: HttpRequest) -> bool:
    """Value bases belong to the whole organisation: editing them needs the right on its top unit."""
    return access.can(request.user, "valuebase.edit", ValueBase())


def page(request: HttpRequest, current: str, context: dict[str, Any]) -> dict[str, Any]:
    """``context`` with what the value pages' own menu needs: the current entry and the entries allowed."""
    user = request.user
    signed_in = user.is_authenticated
    return {
        **context,
        "values_current": current,
        "values_nav": {
            "moderate": signed_in and access.can_anywhere(user, "story.moderate"),
            "manage": signed_in and may_manage(request),
        },
    }


def subtree(unit: Unit) -> QuerySet[Unit, dict[str, Any]]:
    """The ids of ``unit`` and the units below it, as a subquery: counting stories or dialogues by
    unit id through the unit index is far cheaper than joining every row to its unit's path."""
    ids: QuerySet[Unit, dict[str, Any]] = Unit.objects.filter(path__startswith=unit.path).values("pk")
    return ids

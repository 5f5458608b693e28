"""What the improvement pages share: the acting user, scopes of units, people to choose, form errors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from rodtrad.core import access
from rodtrad.core.errors import IllegalTransition, StaleWrite
from rodtrad.core.models import Membership, Unit, User

PAGE_SIZE = 50


def user_of(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def apply_errors(form: forms.Form, exc: ValidationError | StaleWrite | IllegalTransition) -> None:
    """Show a service's refusal on the form: field errors by field, the rest on top."""
    if isinstance(exc, StaleWrite):
        form.add_error(None, _("Someone else saved in the meantime. Reload the page and try again."))
    elif isinstance(exc, IllegalTransition):
        form.add_error(None, str(exc) or _("That change is not possible in the current state."))
    elif hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def paginate(request: HttpRequest, qs: QuerySet[Any], total: int | None = None) -> Page[Any]:
    """A page of ``qs``; a known ``total`` saves the count query."""
    paginator = Paginator(qs, PAGE_SIZE)
    if total is not None:
        paginator.__dict__["count"] = total
    return paginator.get_page(request.GET.get("page"))


def page_of_rows(
    request: HttpRequest, ids: QuerySet[Any], rows: QuerySet[Any], total: int | None = None
) -> Page[Any]:
    """A page read in two steps: the ordered ids straight from an index, then only that page's rows."""
    page = paginate(request, ids, total)
    found = rows.in_bulk(list(page.object_list))
    page.object_list = [found[pk] for pk in page.object_list if pk in found]
    return page


def ancestor_paths(path: str) -> list[str]:
    """The paths of the unit at ``path`` and of every unit above it."""
    return [path[:end] for end in range(Unit.steplen, len(path) + 1, Unit.steplen)]


def scope_tops(user: User, action: str) -> list[str]:
    """The top paths of the subtrees where ``user`` may ``action``; everywhere means the roots."""
    tops = access.subtree_paths(user, action)
    if tops is None:
        return list(Unit.objects.filter(depth=1).order_by("path").values_list("path", flat=True))
    return tops


def scope_units(user: User, action: str, *, below: int = 2, extra: Unit | None = None) -> QuerySet[Unit]:
    """The units at the tops of the user's scope and ``below`` levels under them (for a select)."""
    tops = scope_tops(user, action)
    none: QuerySet[Unit] = Unit.objects.none()
    if not tops:
        return none
    condition = Q()
    for top in tops:
        condition |= Q(path__startswith=top, depth__lte=len(top) // Unit.steplen + below)
    if extra is not None:
        condition |= Q(pk=extra.pk)
    qs: QuerySet[Unit] = Unit.objects.filter(condition, is_active=True).order_by("path")
    return qs


def chosen_unit(request: HttpRequest, action: str) -> Unit | None:
    """The unit of ``?unit=ID`` (404 outside the user's scope), else the widest unit of the scope."""
    user = user_of(request)
    raw = request.GET.get("unit", "")
    if raw:
        if not raw.isdigit():
            raise Http404(_("Unknown unit."))
        unit: Unit | None = Unit.objects.visible_to(user, action).filter(pk=int(raw)).first()
        if unit is None:
            raise Http404(_("Unknown unit."))
        return unit
    tops = scope_tops(user, action)
    if not tops:
        return None
    widest: Unit | None = Unit.objects.filter(path=min(tops, key=len)).first()
    return widest


def own_units(user: User) -> QuerySet[Unit]:
    """The units a person most likely reports for: the home unit, units with a role, and their children."""
    paths = {path for path, _role in access.grants(user)}
    if user.home_unit_id is not None:
        paths |= set(Unit.objects.filter(pk=user.home_unit_id).values_list("path", flat=True))
    if not paths:
        near: QuerySet[Unit] = Unit.objects.filter(depth__lte=2, is_active=True).order_by("path")
        return near
    condition = Q(path__in=paths)
    for path in paths:
        condition |= Q(path__startswith=path, depth=len(path) // Unit.steplen + 1)
    qs: QuerySet[Unit] = Unit.objects.filter(condition, is_active=True).order_by("path")
    return qs


def handlers_for(unit: Unit, action: str = "event.handle") -> QuerySet[User]:
    """People who hold a role that may ``action`` on ``unit`` (on the unit or above it)."""
    holders = Membership.objects.filter(
        unit__path__in=ancestor_paths(unit.path), role__in=access.ACTIONS[action]
    ).values("user_id")
    qs: QuerySet[User] = User.objects.filter(pk__in=holders, is_active=True).order_by("name", "username")
    return qs


def colleagues_for(unit: Unit) -> QuerySet[User]:
    """People who may own an action of ``unit``: its staff and its handlers."""
    holders = Membership.objects.filter(
        unit__path__in=ancestor_paths(unit.path), role__in=access.ACTIONS["action.edit"]
    ).values("user_id")
    qs: QuerySet[User] = User.objects.filter(
        Q(home_unit__path__startswith=unit.path) | Q(pk__in=holders), is_active=True
    ).order_by("name", "username")
    return qs

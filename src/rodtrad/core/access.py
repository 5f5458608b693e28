"""The one place that decides who may see and do what.

A role held on a unit applies to the unit's whole subtree. Querysets are
narrowed with :func:`restrict` (reached as ``Model.objects.visible_to(user)``)
and single objects are checked with :func:`can`. Views, API handlers and
services use nothing else.
"""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import Any

from django.core.exceptions import PermissionDenied as PermissionDenied
from django.db import models
from django.db.models import Q

from rodtrad.core.models import Membership, Role, Unit, User

ALL_ROLES = frozenset(Role)

#: Which roles grant each action on a unit's subtree.
ACTIONS: dict[str, frozenset[Role]] = {
    "view": ALL_ROLES,
    "unit.create": frozenset({Role.ADMIN}),
    "unit.change": frozenset({Role.ADMIN}),
    "unit.delete": frozenset({Role.ADMIN}),
    "unit.history": frozenset({Role.ADMIN, Role.QUALITY, Role.MANAGER}),
    "membership.view": frozenset({Role.ADMIN, Role.MANAGER, Role.QUALITY}),
    "membership.change": frozenset({Role.ADMIN}),
    "user.view": frozenset({Role.ADMIN, Role.MANAGER}),
    "user.create": frozenset({Role.ADMIN}),
    "user.change": frozenset({Role.ADMIN}),
    "audit.view": frozenset({Role.ADMIN, Role.QUALITY}),
    "organisation.change": frozenset({Role.ADMIN}),
    "document.edit": frozenset({Role.EDITOR, Role.QUALITY}),
    "document.view_draft": frozenset({Role.EDITOR, Role.QUALITY, Role.APPROVER}),
    "document.approve": frozenset({Role.APPROVER}),
    "document.publish": frozenset({Role.EDITOR, Role.QUALITY}),
    "document.withdraw": frozenset({Role.QUALITY, Role.APPROVER}),
    "document.reads": frozenset({Role.QUALITY, Role.MANAGER}),
    "goal.view": ALL_ROLES,
    "goalarea.edit": frozenset({Role.ADMIN, Role.QUALITY}),
    "goal.edit": frozenset({Role.EDITOR, Role.MANAGER, Role.QUALITY}),
    "goal.breakdown": frozenset({Role.MANAGER, Role.QUALITY}),
    "indicator.edit": frozenset({Role.MANAGER, Role.QUALITY}),
    "measurement.edit": frozenset({Role.EDITOR, Role.MANAGER, Role.QUALITY}),
    "followup.edit": frozenset({Role.EDITOR, Role.MANAGER, Role.QUALITY}),
    "followup.round": frozenset({Role.QUALITY}),
    "event.report": ALL_ROLES,
    "event.view": frozenset({Role.MANAGER, Role.QUALITY}),
    "event.handle": frozenset({Role.MANAGER, Role.QUALITY}),
    "duty.decide": frozenset({Role.QUALITY}),
    "action.view": frozenset({Role.MANAGER, Role.QUALITY}),
    "action.edit": frozenset({Role.MANAGER, Role.QUALITY}),
    "complaint.view": frozenset({Role.MANAGER, Role.QUALITY}),
    "complaint.edit": frozenset({Role.MANAGER, Role.QUALITY}),
    "proposal.submit": ALL_ROLES,
    "proposal.view": ALL_ROLES,
    "proposal.handle": frozenset({Role.MANAGER, Role.QUALITY}),
    "learning.view": ALL_ROLES,
    "improvement.settings": frozenset({Role.ADMIN, Role.QUALITY}),
    "valuebase.edit": frozenset({Role.ADMIN, Role.QUALITY}),
    "dialogue.view": ALL_ROLES,
    "dialogue.edit": frozenset({Role.MANAGER, Role.QUALITY}),
    "story.write": ALL_ROLES,
    "story.moderate": frozenset({Role.EDITOR, Role.QUALITY}),
}

#: Actions open to every signed-in person: the organisation tree itself is not secret, nor are the
#: goals, indicators and follow-ups (a unit's red thread runs through goals above its own subtree).
#: Anyone may report an event or a proposal for any unit (what they saw need not be in their own unit),
#: and published learnings are for the whole organisation.
OPEN_TO_SIGNED_IN = frozenset(
    {"unit.view", "goal.view", "event.report", "proposal.submit", "learning.view", "story.write"}
)


class System:
    """The actor for work the operator starts from the command line."""

    pk = None
    is_authenticated = True
    is_superuser = True
    is_active = True

    def __str__(self) -> str:
        return "system"


SYSTEM = System()
Actor = User | System


def grants(user: User) -> list[tuple[str, str]]:
    """(unit path, role) pairs for the user, read once per user object."""
    cached: list[tuple[str, str]] | None = getattr(user, "_rodtrad_grants", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).values_list("unit__path", "role"))
        user._rodtrad_grants = cached  # type: ignore[attr-defined]
    return cached


def forget_grants(user: Any) -> None:
    """Drop the cached grants after the user's memberships changed."""
    if hasattr(user, "_rodtrad_grants"):
        del user._rodtrad_grants


def _roles_for(action: str) -> frozenset[Role]:
    try:
        return ACTIONS[action]
    except KeyError:
        raise ValueError(f"Unknown action {action!r}") from None


def subtree_paths(user: Any, action: str) -> list[str] | None:
    """The tops of the subtrees where ``user`` may do ``action``; None means everywhere."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return []
    if user.is_superuser or action in OPEN_TO_SIGNED_IN:
        return None
    roles = _roles_for(action)
    paths = sorted({path for path, role in grants(user) if role in roles})
    tops: list[str] = []
    for path in paths:  # sorted, so an ancestor comes before its descendants
        if not any(path.startswith(top) for top in tops):
            tops.append(path)
    if any(len(top) == Unit.steplen for top in tops):
        return None  # a role on a root reaches everything
    return tops


def scope(user: Any, action: str, path_lookup: str) -> Q | None:
    """The condition on ``path_lookup`` for where ``user`` may ``action``; None means everywhere.

    On units themselves (``path``) it tests the path. Through a unit (``unit__path``,
    ``event__unit__path``) it becomes ``unit IN (the subtrees' units)``: the database finds
    the units once from the path index and the rows from their table's unit index, where a
    join to each row's unit to test its path would read every row of a large table.
    """
    tops = subtree_paths(user, action)
    if tops is None:
        return None
    if not tops:
        return Q(pk__in=[])
    paths = reduce(or_, (Q(path__startswith=t) for t in tops))
    if path_lookup == "path":
        return paths
    unit = path_lookup.removesuffix("__path")
    if unit == path_lookup:
        raise ValueError(f"Not a path lookup: {path_lookup}")
    return Q(**{f"{unit}__in": Unit.objects.filter(paths).values("pk")})


def restrict(
    queryset: models.QuerySet[Any], user: Any, action: str, path_lookup: str, own: str | None = None
) -> models.QuerySet[Any]:
    """Narrow ``queryset`` to the rows whose unit lies where ``user`` may ``action``.

    ``own`` names a person field (e.g. ``reporter``): the user's own rows are visible wherever they lie.
    """
    condition = scope(user, action, path_lookup)
    if condition is None:
        return queryset
    if own is not None and getattr(user, "is_authenticated", False) and getattr(user, "pk", None) is not None:
        condition |= Q(**{own: user.pk})
    return queryset.filter(condition)


def unit_path_of(obj: Any) -> str | None:
    """The path of the unit an object belongs to (None for organisation-wide objects)."""
    if isinstance(obj, Unit):
        return str(obj.path)
    if isinstance(obj, User):
        return obj.home_unit.path if obj.home_unit is not None else None
    unit: Unit | None = getattr(obj, "unit", None)
    return unit.path if unit is not None else None


def can(user: Any, action: str, obj: Any) -> bool:
    """May ``user`` do ``action`` on ``obj`` (a unit, or a record that belongs to one)?"""
    if isinstance(user, System):
        return True
    tops = subtree_paths(user, action)
    if tops is None:
        return True
    if isinstance(obj, User) and obj.pk == user.pk and action == "user.view":
        return True
    path = unit_path_of(obj)
    if path is None:
        return False
    return any(path.startswith(top) for top in tops)


def require(user: Any, action: str, obj: Any) -> None:
    """Raise PermissionDenied unless :func:`can` allows it."""
    if not can(user, action, obj):
        raise PermissionDenied(action)


def can_anywhere(user: Any, action: str) -> bool:
    """Does ``user`` hold ``action`` on at least one unit (for showing menus)?"""
    if isinstance(user, System):
        return True
    tops = subtree_paths(user, action)
    return tops is None or bool(tops)

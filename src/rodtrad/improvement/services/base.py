"""Helpers shared by the improvement services: free text, times, recipients, notifications."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Max
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _

from rodtrad.core import access, pnr
from rodtrad.core.access import Actor
from rodtrad.core.models import Organisation, Unit, User
from rodtrad.core.services.common import field_error

#: A phone's clock may run a little ahead of the server's; a report "now" must not be refused.
CLOCK_SKEW = dt.timedelta(minutes=5)


def require(by: Actor, action: str, obj: Any) -> None:
    if not access.can(by, action, obj):
        raise access.PermissionDenied(action)


def free_text(field: str, value: str | None, *, required: bool = False, max_length: int | None = None) -> str:
    """Trimmed text with personal identity numbers masked; NUL characters are refused."""
    value = (value or "").strip()
    if "\x00" in value:
        raise field_error(field, _("The text contains a NUL character."))
    if required and not value:
        raise field_error(field, _("This field is required."))
    value = pnr.mask(value)
    if max_length is not None and len(value) > max_length:
        raise field_error(field, _("At most %(limit)s characters.") % {"limit": max_length})
    return value


def aware(value: dt.datetime) -> dt.datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def past_moment(field: str, value: Any) -> dt.datetime:
    """A point in time that is not in the future (a few minutes of clock skew allowed)."""
    if not isinstance(value, dt.datetime):
        raise field_error(field, _("Give a date and time."))
    moment = aware(value)
    if moment > timezone.now() + CLOCK_SKEW:
        raise field_error(field, _("The time cannot be in the future."))
    return moment


def past_date(field: str, value: Any) -> dt.date:
    """A date that is not after today."""
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise field_error(field, _("Give a date."))
    if value > timezone.localdate():
        raise field_error(field, _("The date cannot be in the future."))
    return value


def active_unit(field: str, unit: Any) -> Unit:
    if not isinstance(unit, Unit):
        raise field_error(field, _("This field is required."))
    if not unit.is_active:
        raise field_error(field, _("%(unit)s is no longer active.") % {"unit": unit.name})
    return unit


def choice(field: str, value: Any, choices: Iterable[str]) -> str:
    if value not in set(choices):
        raise field_error(field, _("Choose one of the listed values."))
    return str(value)


def organisation() -> Organisation:
    found = Organisation.objects.order_by("pk").first()
    if found is None:
        found = Organisation.objects.create(name=_("Organisation"))
    return found


def people_with(action: str, unit: Unit) -> list[User]:
    """Active people holding a role for ``action`` on ``unit`` or a unit above it."""
    paths = [unit.path[:end] for end in range(Unit.steplen, len(unit.path) + 1, Unit.steplen)]
    return list(
        User.objects.filter(
            is_active=True,
            memberships__unit__path__in=paths,
            memberships__role__in=access.ACTIONS[action],
        )
        .distinct()
        .order_by("pk")
    )


def nearest_people_with(action: str, unit: Unit) -> list[User]:
    """The people for ``action`` on the closest unit at or above ``unit`` that has any: a reminder goes
    to the unit's own handlers, and only to those above when the unit has none."""
    paths = [unit.path[:end] for end in range(Unit.steplen, len(unit.path) + 1, Unit.steplen)]
    holders = (
        User.objects.filter(
            is_active=True,
            memberships__unit__path__in=paths,
            memberships__role__in=access.ACTIONS[action],
        )
        .annotate(depth=Max(Length("memberships__unit__path")))
        .order_by("-depth", "pk")
    )
    found = list(holders)
    deepest = found[0].depth if found else 0  # type: ignore[attr-defined]
    return [u for u in found if u.depth == deepest]  # type: ignore[attr-defined]


def event_url(pk: int) -> str:
    return f"/events/{pk}/"


def action_url(pk: int) -> str:
    return f"/actions/{pk}/"


def complaint_url(pk: int) -> str:
    return f"/complaints/{pk}/"


def proposal_url(pk: int) -> str:
    return f"/proposals/{pk}/"


def learning_url(pk: int) -> str:
    return f"/learnings/{pk}/"


def duties_url() -> str:
    return "/duties/"

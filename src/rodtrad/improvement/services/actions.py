"""Actions: one model for every module, with an owner, a due date, a status and an effect evaluation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rodtrad.core import access
from rodtrad.core.access import Actor
from rodtrad.core.errors import IllegalTransition
from rodtrad.core.models import AuditAction, Unit, User
from rodtrad.core.services import audit
from rodtrad.core.services.common import field_error, lock
from rodtrad.core.services.notifications import notify_many
from rodtrad.improvement.models import Action
from rodtrad.improvement.services.base import (
    action_url,
    active_unit,
    choice,
    free_text,
    past_date,
    require,
)

Status = Action.Status

ACTION_FIELDS = (
    "unit",
    "title",
    "description",
    "owner",
    "due_date",
    "status",
    "completed_on",
    "source_type",
    "source_id",
    "effect",
    "effect_evaluated_on",
    "effect_comment",
)
#: What the owner may change on their own action; handlers may change every field.
OWNER_FIELDS = frozenset({"status", "effect", "effect_evaluated_on", "effect_comment"})
EDITABLE = frozenset({"title", "description", "owner", "due_date", *OWNER_FIELDS})
#: planned → ongoing → done or not done; done and not done reopen to ongoing.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.PLANNED: frozenset({Status.ONGOING, Status.DONE, Status.NOT_DONE}),
    Status.ONGOING: frozenset({Status.PLANNED, Status.DONE, Status.NOT_DONE}),
    Status.DONE: frozenset({Status.ONGOING}),
    Status.NOT_DONE: frozenset({Status.ONGOING}),
}


def _owner(value: Any) -> User:
    if not isinstance(value, User):
        raise field_error("owner", _("The action needs an owner."))
    if not value.is_active:
        raise field_error("owner", _("Choose an active person."))
    return value


def _due(value: Any) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise field_error("due_date", _("Give a date."))
    return value


@transaction.atomic
def create_action(
    *,
    by: Actor,
    unit: Unit,
    title: str,
    owner: User,
    due_date: dt.date,
    description: str = "",
    source: models.Model | None = None,
) -> Action:
    """A unit's handlers create actions, optionally from a source (an event, a finding); the owner hears."""
    action = Action(
        unit=active_unit("unit", unit),
        title=free_text("title", title, required=True, max_length=300),
        description=free_text("description", description),
        owner=_owner(owner),
        due_date=_due(due_date),
    )
    require(by, "action.edit", action)
    if source is not None:
        if not access.can(by, "action.edit", source):
            raise field_error("source", _("You cannot add actions to this."))
        action.source_type = ContentType.objects.get_for_model(source)
        action.source_id = source.pk
    action.save()
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        obj=action,
        unit=action.unit,
        changes=audit.diff({}, audit.snapshot(action, ACTION_FIELDS)),
    )
    _tell_owner(action, by=by)
    return action


def _tell_owner(action: Action, *, by: Actor) -> None:
    notify_many(
        [action.owner],
        _("You own the action %(title)s") % {"title": action.title},
        _("Due %(date)s.") % {"date": action.due_date.isoformat()},
        action_url(action.pk),
        by=by,
    )


def _set(action: Action, key: str, value: Any) -> None:
    if key == "title":
        action.title = free_text(key, value, required=True, max_length=300)
    elif key in ("description", "effect_comment"):
        setattr(action, key, free_text(key, value))
    elif key == "owner":
        action.owner = _owner(value)
    elif key == "due_date":
        action.due_date = _due(value)
    elif key == "status":
        to = choice(key, value, Status.values)
        if to != action.status and to not in TRANSITIONS[action.status]:
            raise IllegalTransition(
                _("An action that is %(status)s cannot become %(to)s.")
                % {"status": action.get_status_display(), "to": Status(to).label}
            )
        action.status = to
    elif key == "effect":
        action.effect = choice(key, value or "", Action.Effect.values)
    elif key == "effect_evaluated_on":
        action.effect_evaluated_on = None if value is None else past_date(key, value)


@transaction.atomic
def update_action(action: Action, *, by: Actor, version: int, **changes: Any) -> Action:
    """Handlers change anything; the owner may move the status and evaluate the effect of their own action."""
    action = lock(Action, action.pk, version)
    unknown = set(changes) - EDITABLE
    if unknown:
        raise field_error(sorted(unknown)[0], _("Unknown field."))
    is_owner = action.owner_id is not None and action.owner_id == getattr(by, "pk", None)
    if not access.can(by, "action.edit", action) and not (is_owner and set(changes) <= OWNER_FIELDS):
        raise access.PermissionDenied("action.edit")
    before = audit.snapshot(action, ACTION_FIELDS)
    old_owner, old_status = action.owner_id, action.status
    for key in ("status", *sorted(set(changes) - {"status"})):
        if key in changes:
            _set(action, key, changes[key])
    if action.status != old_status:
        closed = action.status in (Status.DONE, Status.NOT_DONE)
        action.completed_on = timezone.localdate() if closed else None
    if action.status != Status.DONE and "effect" not in changes:
        action.effect, action.effect_evaluated_on = Action.Effect.NOT_EVALUATED, None  # reopened
    if action.effect and action.status != Status.DONE:
        raise field_error("effect", _("The effect is evaluated once the action is done."))
    if action.effect and action.effect_evaluated_on is None:
        action.effect_evaluated_on = timezone.localdate()
    if not action.effect and "effect" in changes:
        action.effect_evaluated_on = None
    action.version += 1
    action.save()
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=action,
        unit=action.unit,
        changes=audit.diff(before, audit.snapshot(action, ACTION_FIELDS)),
    )
    if action.owner_id != old_owner:
        _tell_owner(action, by=by)
    return action

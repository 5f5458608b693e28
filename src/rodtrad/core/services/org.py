"""Organisation and unit-tree services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from rodtrad.core import access
from rodtrad.core.access import Actor
from rodtrad.core.models import AuditAction, Organisation, Unit, User
from rodtrad.core.services import audit
from rodtrad.core.services.common import field_error, lock

UNIT_FIELDS = ("name", "code", "kind", "manager", "is_active", "external_id")
ORGANISATION_FIELDS = ("name", "vision", "motto", "profile", "unit_kind_labels")


def get_organisation() -> Organisation:
    """The installation's organisation (an empty one until the demo or an admin names it)."""
    org = Organisation.objects.order_by("pk").first()
    return org if org is not None else Organisation(name="Rödtråd")


@transaction.atomic
def update_organisation(*, by: Actor, version: int | None = None, **changes: Any) -> Organisation:
    root = Unit.objects.get_root_nodes().first()
    if not isinstance(by, access.System) and (
        root is None or not access.can(by, "organisation.change", root)
    ):
        raise access.PermissionDenied("organisation.change")
    existing = Organisation.objects.order_by("pk").first()
    org = lock(Organisation, existing.pk, version) if existing else get_organisation()
    before = audit.snapshot(org, ORGANISATION_FIELDS)
    for key, value in changes.items():
        if key not in ORGANISATION_FIELDS:
            raise field_error(key, _("Unknown field."))
        setattr(org, key, value)
    if not org.name:
        raise field_error("name", _("The organisation needs a name."))
    org.version += 1  # also on creation: the unsaved default was shown as version 1
    org.save()
    after = audit.snapshot(org, ORGANISATION_FIELDS)
    action = AuditAction.UPDATE if existing else AuditAction.CREATE
    audit.record(actor=by, action=action, obj=org, changes=audit.diff(before, after))
    return org


def _check_unique(field: str, value: Any, exclude_pk: int | None = None) -> None:
    if value in (None, ""):
        return
    qs = Unit.objects.filter(**{field: value})
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise field_error(field, _("A unit with this %(field)s already exists.") % {"field": field})


def _check_fields(values: dict[str, Any]) -> None:
    if "name" in values and not values["name"]:
        raise field_error("name", _("The unit needs a name."))
    if "code" in values and not values["code"]:
        raise field_error("code", _("The unit needs a code."))
    if "kind" in values and values["kind"] not in Unit.Kind.values:
        raise field_error("kind", _("Unknown unit kind."))


@transaction.atomic
def create_unit(
    *,
    by: Actor,
    name: str,
    code: str,
    parent: Unit | None,
    kind: str = Unit.Kind.ENHET,
    manager: User | None = None,
    external_id: str | None = None,
) -> Unit:
    """Add a unit under ``parent`` (a root needs the system or a superuser)."""
    if parent is None:
        if not getattr(by, "is_superuser", False):
            raise access.PermissionDenied("unit.create")
    else:
        access.require(by, "unit.create", parent)
    values = {
        "name": name,
        "code": code,
        "kind": kind,
        "manager": manager,
        "external_id": external_id or None,
    }
    _check_fields(values)
    _check_unique("code", code)
    _check_unique("external_id", values["external_id"])
    try:
        with transaction.atomic():
            if parent is None:
                unit = Unit.objects.add_root(values)
            else:
                parent = Unit.objects.select_for_update().get(pk=parent.pk)
                unit = Unit.objects.add_child(parent, values)
    except IntegrityError as exc:
        raise field_error("code", _("A unit with this code already exists.")) from exc
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        obj=unit,
        unit=unit,
        changes=audit.diff(
            {}, {**audit.snapshot(unit, UNIT_FIELDS), "parent": parent.pk if parent else None}
        ),
    )
    created: Unit = unit
    return created


@transaction.atomic
def update_unit(unit_id: int, *, by: Actor, version: int | None, **changes: Any) -> Unit:
    """Rename, re-code, re-kind, (de)activate or move a unit; ``parent`` moves it."""
    unit = lock(Unit, unit_id, version)
    access.require(by, "unit.change", unit)
    new_parent = changes.pop("parent", unit)
    unknown = set(changes) - set(UNIT_FIELDS)
    if unknown:
        raise field_error(sorted(unknown)[0], _("Unknown field."))
    _check_fields(changes)
    if "code" in changes:
        _check_unique("code", changes["code"], unit.pk)
    if "external_id" in changes:
        changes["external_id"] = changes["external_id"] or None
        _check_unique("external_id", changes["external_id"], unit.pk)
    before = audit.snapshot(unit, UNIT_FIELDS)
    for key, value in changes.items():
        setattr(unit, key, value)
    unit.version += 1
    try:
        with transaction.atomic():
            unit.save()
    except IntegrityError as exc:  # a concurrent writer took the code or external id first
        raise field_error("code", _("A unit with this code or external id already exists.")) from exc
    moved = {}
    if new_parent is not unit:
        moved = _move(unit, new_parent, by=by)
        unit = Unit.objects.get(pk=unit.pk)
    after = audit.snapshot(unit, UNIT_FIELDS)
    change_set = {**audit.diff(before, after), **moved}
    audit.record(
        actor=by,
        action=AuditAction.MOVE if moved else AuditAction.UPDATE,
        obj=unit,
        unit=unit,
        changes=change_set,
    )
    return unit


def _move(unit: Unit, new_parent: Unit | None, *, by: Actor) -> dict[str, list[Any]]:
    old_parent = Unit.objects.get_parent(unit)
    if new_parent is None:
        raise field_error("parent", _("A unit cannot be moved to the top of the tree."))
    if old_parent is not None and new_parent.pk == old_parent.pk:
        return {}
    new_parent = Unit.objects.get(pk=new_parent.pk)
    if new_parent.path.startswith(unit.path):
        raise field_error("parent", _("A unit cannot be moved under itself or one of its own units."))
    access.require(by, "unit.change", new_parent)
    Unit.objects.move(unit, new_parent, pos="last-child")
    return {"parent": [old_parent.pk if old_parent else None, new_parent.pk]}


def has_records(unit: Unit) -> bool:
    """Does anything refer to the unit? Every reverse relation counts, later modules' too."""
    for rel in unit._meta.related_objects:
        model = rel.related_model
        if not isinstance(model, type) or not getattr(rel.field, "db_constraint", True):
            continue
        if model._default_manager.filter(**{rel.field.name: unit}).exists():
            return True
    return bool(Unit.objects.get_children_count(unit))


@transaction.atomic
def delete_unit(unit_id: int, *, by: Actor, version: int | None = None) -> Unit | None:
    """Delete an unused unit; one with records is deactivated instead and returned."""
    unit = lock(Unit, unit_id, version)
    access.require(by, "unit.delete", unit)
    if has_records(unit):
        if not unit.is_active:
            return unit
        unit.is_active = False
        unit.version += 1
        unit.save(update_fields=["is_active", "version", "updated_at"])
        audit.record(
            actor=by, action=AuditAction.DEACTIVATE, obj=unit, unit=unit, changes={"is_active": [True, False]}
        )
        return unit
    before = audit.snapshot(unit, UNIT_FIELDS)
    audit.record(
        actor=by,
        action=AuditAction.DELETE,
        obj=unit,
        unit=Unit.objects.get_parent(unit),
        changes=audit.diff(before, {}),
    )
    try:
        unit.delete()
    except ProtectedError as exc:
        raise ValidationError(_("The unit is in use and cannot be deleted.")) from exc
    return None

"""Audit entries in people's words: field labels, choice labels and names instead of ids.

Names of referenced objects are fetched with one query per referenced model,
whatever the number of entries shown.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rodtrad.core.models import AuditEntry, Unit

#: Changes recorded under a name that is not a model field (the tree position of a unit).
PSEUDO_FIELDS: dict[tuple[str, str], tuple[Any, type[models.Model]]] = {
    ("core.unit", "parent"): (gettext_lazy("parent unit"), Unit),
}


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _field(model: type[models.Model] | None, name: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except Exception:  # an old entry may name a field that no longer exists
        return None
    return field if isinstance(field, models.Field) else None


def _target(
    entry: AuditEntry, name: str
) -> tuple[str, type[models.Model] | None, models.Field[Any, Any] | None]:
    """(label, referenced model, field) for one changed name."""
    pseudo = PSEUDO_FIELDS.get((entry.object_type, name))
    if pseudo is not None:
        return str(pseudo[0]), pseudo[1], None
    field = _field(_model(entry.object_type), name)
    if field is None:
        return name, None, None
    related = field.related_model if field.many_to_one else None
    return str(field.verbose_name), related if isinstance(related, type) else None, field


def _text(value: Any, field: models.Field[Any, Any] | None, names: dict[Any, str] | None) -> str:
    if value is None or value == "":
        return "–"
    if names is not None:
        return names.get(value, f"#{value}")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items()) or "–"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "–"
    return str(value)


def _pair(value: Any) -> tuple[Any, Any]:
    """A change is [before, after]; workflow entries also record plain facts (a comment, a version)."""
    if isinstance(value, list | tuple) and len(value) == 2:
        return value[0], value[1]
    return None, value


def describe(entries: Iterable[AuditEntry]) -> list[tuple[AuditEntry, list[Change]]]:
    """Each entry with its changes as labelled, readable before/after texts."""
    entries = list(entries)
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    plans = []
    for entry in entries:
        rows = []
        for name, value in (entry.changes or {}).items():
            before, after = _pair(value)
            label, related, field = _target(entry, name)
            if related is not None:
                wanted[related] |= {v for v in (before, after) if v is not None}
            rows.append((label, related, field, before, after))
        plans.append((entry, rows))
    names = {
        model: {obj.pk: str(obj) for obj in model._default_manager.filter(pk__in=ids)}
        for model, ids in wanted.items()
    }
    return [
        (
            entry,
            [
                Change(
                    label,
                    _text(before, field, names.get(related) if related else None),
                    _text(after, field, names.get(related) if related else None),
                )
                for label, related, field, before, after in rows
            ],
        )
        for entry, rows in plans
    ]

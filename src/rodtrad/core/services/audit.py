"""The append-only, hash-chained audit log.

Each entry's hash covers its own fields and the previous entry's hash. Writers
lock the single :class:`AuditHead` row, so the chain never forks, even with
many processes writing on SQLite or PostgreSQL. Call :func:`record` last in a
service's transaction, after the changed object is saved and locked.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from rodtrad.core.access import Actor, System
from rodtrad.core.models import AuditAction, AuditEntry, AuditHead, Unit

GENESIS = "0" * 64


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The given fields' values, foreign keys as ids, ready for :func:`diff`."""
    values: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        values[name] = getattr(obj, field.attname)  # type: ignore[union-attr]
    return _jsonable(values)


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Changed fields as ``{field: [before, after]}``."""
    keys = list(dict.fromkeys([*before, *after]))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def _jsonable(value: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(json.dumps(value, cls=DjangoJSONEncoder))
    return result


def _payload(entry: AuditEntry) -> str:
    return json.dumps(
        {
            "seq": entry.seq,
            "at": entry.at.isoformat(),
            "actor": entry.actor_id,
            "actor_label": entry.actor_label,
            "action": entry.action,
            "object_type": entry.object_type,
            "object_id": entry.object_id,
            "object_label": entry.object_label,
            "unit": entry.unit_id,
            "changes": entry.changes,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )


def compute_hash(entry: AuditEntry) -> str:
    return hashlib.sha256((entry.prev_hash + _payload(entry)).encode()).hexdigest()


def _locked_head() -> AuditHead:
    """The chain head, locked; created on first use (the migration also creates it)."""
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        AuditHead.objects.get_or_create(pk=1)
        head = AuditHead.objects.select_for_update().get(pk=1)
    return head


def record(
    *,
    actor: Actor | None,
    action: AuditAction,
    obj: models.Model,
    unit: Unit | None = None,
    changes: dict[str, Any] | None = None,
    label: str | None = None,
) -> AuditEntry:
    """Append one entry to the chain inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the service's transaction")
    head = _locked_head()
    entry = AuditEntry(
        seq=head.seq + 1,
        at=timezone.now(),
        actor_id=None if actor is None or isinstance(actor, System) else actor.pk,
        actor_label=str(actor) if actor is not None else "system",
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_label=(label if label is not None else str(obj))[:300],
        unit_id=unit.pk if unit is not None else None,
        changes=_jsonable(changes or {}),
        prev_hash=head.hash,
    )
    entry.hash = compute_hash(entry)
    entry.save(force_insert=True)
    AuditHead.objects.filter(pk=1).update(seq=entry.seq, hash=entry.hash)
    return entry


@dataclass(frozen=True)
class Verdict:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""


def _entries() -> Iterator[AuditEntry]:
    return AuditEntry.objects.order_by("seq").iterator(chunk_size=5000)


def verify(progress: Any = None) -> Verdict:
    """Walk the chain from the start; report the first entry that was edited, removed or added."""
    prev, expected, checked = GENESIS, 1, 0
    for entry in _entries():
        if entry.seq != expected:
            return Verdict(False, checked, expected, f"entry {expected} is missing")
        if entry.prev_hash != prev:
            return Verdict(False, checked, entry.seq, "does not link to the entry before it")
        if compute_hash(entry) != entry.hash:
            return Verdict(False, checked, entry.seq, "its content was changed after it was written")
        prev, expected, checked = entry.hash, expected + 1, checked + 1
        if progress is not None:
            progress.update(1)
    head = AuditHead.objects.filter(pk=1).first() or AuditHead()
    if head.seq != checked or head.hash != prev:
        return Verdict(False, checked, checked + 1, "entries after it were removed")
    return Verdict(True, checked)

"""Building nested trees from the materialized path in one query."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import QuerySet

from rodtrad.core.models import Unit

Rows = TypeVar("Rows", bound=QuerySet[Any])


def subtree(unit: Unit, depth: int | None = None) -> dict[str, Any]:
    """``unit`` and its descendants (``depth`` levels at most) as nested dicts, children by name."""
    qs = Unit.objects.filter(path__startswith=unit.path)
    if depth is not None:
        qs = qs.filter(depth__lte=unit.depth + depth)
    rows = qs.order_by("path").values_list("id", "path", "code", "name", "kind", "is_active")
    nodes: dict[str, dict[str, Any]] = {}
    root: dict[str, Any] = {}
    step = Unit.steplen
    for pk, path, code, name, kind, active in rows.iterator(chunk_size=5000):
        node = {"id": pk, "code": code, "name": name, "kind": kind, "is_active": active, "children": []}
        nodes[path] = node
        if path == unit.path:
            root = node
        else:
            nodes[path[:-step]]["children"].append(node)
    for node in nodes.values():
        node["children"].sort(key=lambda child: child["name"])
    return root


def in_subtree(qs: Rows, unit: Unit, field: str = "unit") -> Rows:
    """Rows of ``unit``'s subtree, as ``unit IN (the subtree's ids)``.

    A join to the unit to test its path makes SQLite read every row of the table; the ids come
    from the path index and the rows from the table's own unit indexes.
    """
    return qs.filter(**{f"{field}__in": Unit.objects.filter(path__startswith=unit.path).values("pk")})

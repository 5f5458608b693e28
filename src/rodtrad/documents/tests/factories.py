"""Builders for document tests; they go through the services as real use does."""

from __future__ import annotations

from typing import Any

from rodtrad.core.access import Actor
from rodtrad.core.models import Unit
from rodtrad.documents import services
from rodtrad.documents.models import Document, DocumentType


def doc_type(name: str = "Rutin") -> DocumentType:
    return DocumentType.objects.get(name=name)


def make_document(
    by: Any, unit: Unit | None, *, title: str = "Rutin för handhygien", **extra: Any
) -> Document:
    extra.setdefault("content", "# Handhygien\n\nTvätta händerna.\n")
    return services.create_document(by=by, title=title, type=doc_type(), unit=unit, **extra)


def publish_document(
    doc: Document, *, editor: Actor, approver: Actor, read_units: list[Unit] | None = None, **publish: Any
) -> Document:
    """Take a draft through submit, approval and publication."""
    doc = services.submit(doc.pk, by=editor, version=None)
    doc = services.approve(doc.pk, by=approver, version=None)
    return services.publish(doc.pk, by=editor, version=None, read_units=read_units, **publish)

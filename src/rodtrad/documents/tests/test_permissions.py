"""Who sees which document: classification K 0–4, drafts, and reads of K 3 and K 4 logged."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from rodtrad.core.access import PermissionDenied
from rodtrad.core.models import AuditEntry
from rodtrad.documents import services
from rodtrad.documents.models import Document
from rodtrad.documents.tests.factories import make_document, publish_document


def _published(orgtree: Any, staff: Any, k: int, unit: Any = None, **extra: Any) -> Document:
    doc = make_document(staff.editor, unit or orgtree.a, classification_k=k, **extra)
    return publish_document(doc, editor=staff.editor, approver=staff.approver)


def _sees(user: Any, doc: Document) -> bool:
    return Document.objects.visible_to(user).filter(pk=doc.pk).exists()


def test_k0_is_public_even_without_signing_in(orgtree, staff):
    doc = _published(orgtree, staff, 0)
    assert _sees(AnonymousUser(), doc) and _sees(staff.nobody, doc) and _sees(staff.reader_b1, doc)


@pytest.mark.parametrize("k", [1, 2])
def test_k1_and_k2_are_for_every_signed_in_person(orgtree, staff, k):
    doc = _published(orgtree, staff, k)
    assert not _sees(AnonymousUser(), doc)
    assert _sees(staff.nobody, doc) and _sees(staff.reader_b1, doc)


def test_k3_only_for_members_of_the_scope_subtree(orgtree, staff):
    doc = _published(orgtree, staff, 3)
    assert _sees(staff.reader_a1, doc)  # a role below the scope unit
    assert _sees(staff.approver, doc)  # a role on it
    assert not _sees(staff.reader_b1, doc)
    assert not _sees(staff.nobody, doc)
    assert not _sees(AnonymousUser(), doc)


def test_k4_only_for_named_readers(orgtree, staff):
    doc = _published(orgtree, staff, 4, readers=[staff.reader_b1])
    assert _sees(staff.reader_b1, doc)
    assert not _sees(staff.reader_a1, doc)
    assert not _sees(staff.approver, doc)
    assert _sees(staff.editor, doc)  # the owner


def test_drafts_only_for_those_working_on_them(orgtree, staff):
    doc = make_document(staff.quality, orgtree.a, classification_k=0)
    assert _sees(staff.editor, doc) and _sees(staff.approver, doc) and _sees(staff.quality, doc)
    assert not _sees(staff.reader_a1, doc)
    assert not _sees(AnonymousUser(), doc)
    assert not _sees(staff.editor_b, doc)
    services.submit(doc.pk, by=staff.quality, version=None, reviewers=[staff.reader_b1])
    assert _sees(staff.reader_b1, doc)  # a named reviewer


def test_lists_and_counts_never_reveal_invisible_documents(orgtree, staff):
    _published(orgtree, staff, 1)
    _published(orgtree, staff, 3)
    _published(orgtree, staff, 4)
    make_document(staff.editor, orgtree.a)
    assert Document.objects.visible_to(staff.reader_b1).count() == 1
    assert Document.objects.visible_to(staff.reader_a1).count() == 2


@pytest.mark.parametrize("k,logged", [(2, False), (3, True), (4, True)])
def test_reads_of_k3_and_k4_are_logged(orgtree, staff, k, logged):
    doc = _published(orgtree, staff, k, readers=[staff.reader_a1])
    services.open_document(doc.pk, by=staff.reader_a1)
    reads = AuditEntry.objects.for_object(doc).filter(action="read", actor=staff.reader_a1)
    assert reads.exists() is logged


def test_organisation_wide_documents_need_a_role_at_the_top(orgtree, staff, region_admin):
    with pytest.raises(PermissionDenied):
        make_document(staff.editor, None)

"""The document workflow: every allowed step, the refused ones (409) and the wrong roles (403)."""

from __future__ import annotations

import pytest

from rodtrad.core.access import PermissionDenied
from rodtrad.core.errors import IllegalTransition
from rodtrad.core.models import AuditEntry, Notification
from rodtrad.documents import services
from rodtrad.documents.models import Document, DocumentVersion
from rodtrad.documents.tests.factories import make_document, publish_document

Status, State = Document.Status, DocumentVersion.State


def test_draft_review_approval_publication(orgtree, staff, django_capture_on_commit_callbacks):
    doc = make_document(staff.editor, orgtree.a)
    assert doc.status == Status.DRAFT
    with django_capture_on_commit_callbacks(execute=True):
        doc = services.submit(
            doc.pk, by=staff.editor, version=doc.version, reviewers=[staff.quality, staff.reader_a1]
        )
    assert doc.status == Status.REVIEW
    assert Notification.objects.filter(user=staff.quality, title__contains=doc.number).exists()
    services.review(doc.pk, by=staff.quality, comment="Bra.", done=True)
    assert Document.objects.get(pk=doc.pk).status == Status.REVIEW  # one reviewer left
    services.review(doc.pk, by=staff.reader_a1, comment="Ok.", done=True)
    assert Document.objects.get(pk=doc.pk).status == Status.APPROVAL
    doc = services.approve(doc.pk, by=staff.approver, version=None, comment="Godkänd")
    version = DocumentVersion.objects.get(document=doc, number=1)
    assert doc.status == Status.APPROVED
    assert version.decided_by == staff.approver and version.decided_at is not None
    doc = services.publish(doc.pk, by=staff.editor, version=None)
    assert doc.status == Status.PUBLISHED and doc.published_version_id == version.pk
    actions = list(AuditEntry.objects.for_object(doc).order_by("seq").values_list("action", flat=True))
    assert actions == ["create", "submit", "review", "review", "approve", "publish"]


def test_submit_without_reviewers_goes_to_approval(orgtree, staff):
    doc = make_document(staff.editor, orgtree.a)
    assert services.submit(doc.pk, by=staff.editor, version=None).status == Status.APPROVAL


def test_approver_can_send_back_to_draft(orgtree, staff):
    doc = make_document(staff.editor, orgtree.a)
    services.submit(doc.pk, by=staff.editor, version=None)
    doc = services.approve(doc.pk, by=staff.approver, version=None, approve=False, comment="Komplettera")
    assert doc.status == Status.DRAFT


def test_new_revision_supersedes_and_withdrawal_is_final(orgtree, staff):
    doc = publish_document(
        make_document(staff.editor, orgtree.a), editor=staff.editor, approver=staff.approver
    )
    v2, created = services.save_version(
        doc.pk, by=staff.editor, version=None, content="# Ny\n", change_note="Ny"
    )
    assert created and v2.number == 2 and v2.state == State.DRAFT
    doc = publish_document(Document.objects.get(pk=doc.pk), editor=staff.editor, approver=staff.approver)
    states = dict(DocumentVersion.objects.filter(document=doc).values_list("number", "state"))
    assert states == {1: State.SUPERSEDED, 2: State.PUBLISHED}
    doc = services.withdraw(doc.pk, by=staff.quality, version=doc.version, reason="Ersatt av regional rutin")
    assert doc.status == Status.WITHDRAWN and doc.published_version is None
    with pytest.raises(IllegalTransition):
        services.withdraw(doc.pk, by=staff.quality, version=None, reason="Igen")
    with pytest.raises(IllegalTransition):
        services.update_document(doc.pk, by=staff.editor, version=None, title="Nytt")


@pytest.mark.parametrize(
    "step",
    [
        lambda d, s: services.approve(d.pk, by=s.approver, version=None),
        lambda d, s: services.publish(d.pk, by=s.editor, version=None),
        lambda d, s: services.review(d.pk, by=s.quality, done=True),
        lambda d, s: services.withdraw(d.pk, by=s.quality, version=None, reason="x"),
    ],
    ids=["approve", "publish", "review", "withdraw"],
)
def test_steps_out_of_order_are_illegal(orgtree, staff, step):
    doc = make_document(staff.editor, orgtree.a)
    with pytest.raises(IllegalTransition):
        step(doc, staff)


def test_submitting_twice_is_illegal(orgtree, staff):
    doc = make_document(staff.editor, orgtree.a)
    services.submit(doc.pk, by=staff.editor, version=None)
    with pytest.raises(IllegalTransition):
        services.submit(doc.pk, by=staff.editor, version=None)


def test_wrong_roles_are_refused(orgtree, staff):
    doc = make_document(staff.editor, orgtree.a)
    with pytest.raises(PermissionDenied):
        services.submit(doc.pk, by=staff.reader_a1, version=None)
    with pytest.raises(PermissionDenied):
        services.submit(doc.pk, by=staff.editor_b, version=None)
    services.submit(doc.pk, by=staff.editor, version=None)
    with pytest.raises(PermissionDenied):
        services.approve(doc.pk, by=staff.editor, version=None)
    services.approve(doc.pk, by=staff.approver, version=None)
    with pytest.raises(PermissionDenied):
        services.publish(doc.pk, by=staff.reader_a1, version=None)


def test_only_named_reviewers_review(orgtree, staff):
    doc = make_document(staff.editor, orgtree.a)
    services.submit(doc.pk, by=staff.editor, version=None, reviewers=[staff.quality])
    with pytest.raises(PermissionDenied):
        services.review(doc.pk, by=staff.approver, done=True)

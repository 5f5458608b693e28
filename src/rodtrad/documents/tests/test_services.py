"""Metadata, numbers, versions, read receipts and review reminders through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from rodtrad.core.access import PermissionDenied
from rodtrad.core.errors import IllegalTransition, StaleWrite
from rodtrad.core.models import Notification, Role
from rodtrad.core.tests.factories import make_user
from rodtrad.documents import services
from rodtrad.documents.models import DocumentVersion, PublishedVersion, ReviewReminder
from rodtrad.documents.tasks import send_review_reminders
from rodtrad.documents.tests.factories import doc_type, make_document, publish_document
from rodtrad.documents.tests.samples import pdf_bytes


def test_numbers_are_automatic_and_unique(orgtree, staff):
    year = timezone.localdate().year
    numbers = [make_document(staff.editor, orgtree.a).number for _ in range(3)]
    assert numbers == [f"DOK-{year}-0001", f"DOK-{year}-0002", f"DOK-{year}-0003"]


def test_metadata_as_in_the_seed_policy(orgtree, staff):
    doc = make_document(
        staff.editor,
        orgtree.a,
        author_body="Landstinget i Kalmar län",
        approver_body="Landstingsfullmäktige",
        valid_from=dt.date(2017, 11, 30),
        classification_k=2,
        classification_r=2,
        classification_t=2,
        classification_s=2,
        references=[("ISO 9001", "5.2"), ("ISO 14001", "5.2"), ("ISO 27001", "5.2"), ("SOSFS 2011:9", "")],
        keywords=["policy"],
    )
    assert [str(r) for r in doc.references.all()] == [
        "ISO 9001 5.2",
        "ISO 14001 5.2",
        "ISO 27001 5.2",
        "SOSFS 2011:9",
    ]
    assert doc.review_by == dt.date(2019, 11, 30)  # Rutin: 24 months from valid-from
    assert doc.owner == staff.editor and doc.classification_scheme == "KLASSA"


def test_review_before_valid_from_is_refused_naming_both_fields(orgtree, staff):
    with pytest.raises(ValidationError) as info:
        make_document(staff.editor, orgtree.a, valid_from=dt.date(2026, 5, 1), review_by=dt.date(2026, 1, 1))
    assert set(info.value.message_dict) == {"valid_from", "review_by"}


def test_stale_write_is_refused(orgtree, staff):
    doc = make_document(staff.editor, orgtree.a)
    services.update_document(doc.pk, by=staff.editor, version=doc.version, title="Ny titel")
    with pytest.raises(StaleWrite):
        services.update_document(doc.pk, by=staff.editor, version=doc.version, title="Annan titel")


def test_markdown_is_rendered_and_script_neutralised(orgtree, staff):
    doc = make_document(
        staff.editor, orgtree.a, content="# Rubrik\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))"
    )
    html = DocumentVersion.objects.get(document=doc).html
    assert "<h1>Rubrik</h1>" in html
    assert "<script" not in html and "&lt;script&gt;" in html
    assert "href" not in html


def test_published_versions_never_change(orgtree, staff):
    doc = publish_document(
        make_document(staff.editor, orgtree.a), editor=staff.editor, approver=staff.approver
    )
    published = DocumentVersion.objects.get(document=doc, number=1)
    published.content = "ändrat"
    with pytest.raises(PublishedVersion):
        published.save()
    v2, created = services.save_version(doc.pk, by=staff.editor, version=None, content="v2")
    assert created and DocumentVersion.objects.get(pk=published.pk).content.startswith("# Handhygien")


def test_a_version_in_review_cannot_change(orgtree, staff):
    doc = make_document(staff.editor, orgtree.a)
    services.submit(doc.pk, by=staff.editor, version=None)
    with pytest.raises(IllegalTransition):
        services.save_version(doc.pk, by=staff.editor, version=None, content="x")


def test_diff_between_versions(orgtree, staff):
    doc = publish_document(
        make_document(staff.editor, orgtree.a), editor=staff.editor, approver=staff.approver
    )
    v2, _ = services.save_version(
        doc.pk, by=staff.editor, version=None, content="# Handhygien\n\nSprita händerna.\n"
    )
    diff = services.diff_versions(DocumentVersion.objects.get(document=doc, number=1), v2)
    assert "-Tvätta händerna." in diff and "+Sprita händerna." in diff


@override_settings(RODTRAD_DOCUMENT_MAX_BYTES=20_000)
def test_files_are_checked_for_size_and_type(orgtree, staff):
    doc = make_document(staff.editor, orgtree.a)
    with pytest.raises(services.FileTooLarge):
        services.save_version(
            doc.pk, by=staff.editor, version=None, file=SimpleUploadedFile("a.pdf", b"%PDF-" + b"x" * 30_000)
        )
    with pytest.raises(services.UnsupportedFile):
        services.save_version(doc.pk, by=staff.editor, version=None, file=SimpleUploadedFile("a.exe", b"MZ"))
    with pytest.raises(services.UnsupportedFile):
        services.save_version(
            doc.pk, by=staff.editor, version=None, file=SimpleUploadedFile("a.pdf", b"not a pdf")
        )
    with pytest.raises(ValidationError, match="trasig.pdf"):
        services.save_version(
            doc.pk, by=staff.editor, version=None, file=SimpleUploadedFile("trasig.pdf", b"%PDF-1.7")
        )
    pdf = pdf_bytes("Rutin")
    version, _ = services.save_version(
        doc.pk, by=staff.editor, version=None, file=SimpleUploadedFile("rutin.pdf", pdf)
    )
    assert version.file_name == "rutin.pdf" and version.file_size == len(pdf) and version.file_text == "Rutin"


def test_read_receipts_and_progress(orgtree, staff, django_assert_max_num_queries):
    others = [make_user(unit=orgtree.a1, role=Role.READER) for _ in range(3)]
    doc = publish_document(
        make_document(staff.editor, orgtree.a),
        editor=staff.editor,
        approver=staff.approver,
        read_units=[orgtree.a1],
        read_roles=[Role.READER],
    )
    assert list(services.to_read(staff.reader_a1)) == [doc]
    assert list(services.to_read(staff.reader_b1)) == []
    assert list(services.to_read(staff.editor)) == []  # not a reader role
    services.confirm_read(doc.pk, by=staff.reader_a1)
    services.confirm_read(doc.pk, by=staff.reader_a1)  # twice changes nothing
    services.confirm_read(doc.pk, by=others[0])
    assert list(services.to_read(staff.reader_a1)) == []
    with django_assert_max_num_queries(3):
        progress = services.read_progress(doc, by=staff.editor)
    assert (progress.read, progress.total) == (2, 4)
    assert [(p.unit, p.read, p.total) for p in progress.units] == [(orgtree.a1, 2, 4)]
    # a minor revision does not ask again; a substantial one does
    services.save_version(doc.pk, by=staff.editor, version=None, content="stavfel rättat")
    doc = publish_document(doc, editor=staff.editor, approver=staff.approver)
    assert list(services.to_read(staff.reader_a1)) == []
    services.save_version(doc.pk, by=staff.editor, version=None, content="nytt arbetssätt", substantial=True)
    doc = publish_document(doc, editor=staff.editor, approver=staff.approver)
    assert list(services.to_read(staff.reader_a1)) == [doc]
    assert services.read_progress(doc, by=staff.editor).read == 0


def test_progress_is_for_the_owner_and_editors(orgtree, staff):
    doc = publish_document(
        make_document(staff.editor, orgtree.a), editor=staff.editor, approver=staff.approver
    )
    with pytest.raises(PermissionDenied):
        services.read_progress(doc, by=staff.reader_a1)


def test_review_reminders_are_sent_once_per_threshold(orgtree, staff):
    today = timezone.localdate()
    doc = publish_document(
        make_document(staff.editor, orgtree.a, review_by=today + dt.timedelta(days=20)),
        editor=staff.editor,
        approver=staff.approver,
    )
    make_document(staff.editor, orgtree.a, review_by=today + dt.timedelta(days=10))  # a draft: no reminder
    publish_document(
        make_document(staff.editor, orgtree.a, review_by=today + dt.timedelta(days=90)),
        editor=staff.editor,
        approver=staff.approver,
    )
    assert send_review_reminders(today) == 1
    assert send_review_reminders(today) == 0
    assert send_review_reminders(today + dt.timedelta(days=5)) == 0
    assert send_review_reminders(today + dt.timedelta(days=21)) == 1  # now passed
    assert send_review_reminders(today + dt.timedelta(days=22)) == 0
    assert ReviewReminder.objects.filter(document=doc).count() == 2
    reminders = Notification.objects.filter(user=staff.editor, title__contains=doc.number)
    assert reminders.filter(title__contains="revider").count() == 2  # besides "godkändes" on approval


def test_att_revidera_lists_due_and_overdue_per_unit(orgtree, staff):
    today = timezone.localdate()
    due = publish_document(
        make_document(staff.editor, orgtree.a1, review_by=today + dt.timedelta(days=5)),
        editor=staff.editor,
        approver=staff.approver,
    )
    publish_document(
        make_document(staff.editor, orgtree.a, review_by=today + dt.timedelta(days=200)),
        editor=staff.editor,
        approver=staff.approver,
    )
    assert list(services.due_for_review(orgtree.a1, by=staff.editor)) == [due]
    assert list(services.due_for_review(orgtree.a, by=staff.editor, today=today + dt.timedelta(days=10))) == [
        due
    ]
    assert list(services.due_for_review(orgtree.b, by=staff.editor)) == []


def test_type_interval_sets_review_date(orgtree, staff):
    doc = make_document(staff.editor, orgtree.a, valid_from=dt.date(2024, 1, 31))
    assert doc.review_by == dt.date(2026, 1, 31)
    assert doc_type("Plan").review_months == 12


@pytest.mark.django_db
def test_missing_standard_types_are_recreated_with_an_audit_entry():
    from rodtrad.core.access import SYSTEM
    from rodtrad.core.models import AuditEntry
    from rodtrad.documents.models import DocumentType

    DocumentType.objects.filter(name="Rutin").delete()
    types = services.ensure_default_types(by=SYSTEM)
    assert "Rutin" in {t.name for t in types} and len(types) == 11
    assert AuditEntry.objects.filter(object_type="documents.documenttype", action="create").count() == 1
    assert len(services.ensure_default_types(by=SYSTEM)) == 11

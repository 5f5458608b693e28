"""The document pages: who sees what, the workflow by form, bad input, public pages and query budgets."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rodtrad.core.models import AuditEntry
from rodtrad.documents import services
from rodtrad.documents.models import Document, ReadReceipt
from rodtrad.documents.tests.factories import doc_type, make_document, publish_document


def minimal_pdf() -> bytes:
    """A well-formed one-page PDF, built by hand so the test needs no PDF library."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def url(name: str, *args: Any) -> str:
    return reverse(f"documents:{name}", args=args)


def reload(doc: Document) -> Document:
    return Document.objects.get(pk=doc.pk)


def form_data(**changes: Any) -> dict[str, Any]:
    data = {
        "title": "Rutin för läkemedel",
        "type": doc_type().pk,
        "unit": "A",
        "classification_k": "1",
        "classification_r": "1",
        "classification_t": "1",
        "classification_s": "1",
        "classification_scheme": "KLASSA",
        "references": "ISO 9001 (5.2)\nSOSFS 2011:9",
        "keywords": "läkemedel, säkerhet",
        "content": "# Läkemedel\n\nFörvara inlåst.\n",
    }
    data.update(changes)
    return data


@pytest.fixture
def draft(staff: Any, orgtree: Any) -> Document:
    return make_document(staff.editor, orgtree.a, title="Riktlinje för utkast", contact=staff.quality)


@pytest.fixture
def published(staff: Any, orgtree: Any) -> Document:
    doc = make_document(staff.editor, orgtree.a, title="Rutin för handhygien")
    return publish_document(doc, editor=staff.editor, approver=staff.approver, read_units=[orgtree.a])


# ---- access -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["documents", "document_create", "review_due"])
def test_anonymous_is_sent_to_login(db: Any, name: str) -> None:
    response = Client().get(url(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))


def test_anonymous_is_sent_to_login_from_document_pages(published: Document) -> None:
    for target in (url("document", published.pk), url("document_edit", published.pk)):
        assert Client().get(target).status_code == 302
    assert Client().post(url("confirm_read", published.pk)).status_code == 302


def test_every_role_sees_the_list_and_published_document(staff: Any, published: Document) -> None:
    for user in (staff.editor, staff.quality, staff.approver, staff.reader_a1, staff.reader_b1):
        client = client_for(user)
        assert published.title in client.get(url("documents")).content.decode()
        response = client.get(url("document", published.pk))
        assert response.status_code == 200
        assert "Revideras senast" in response.content.decode()


def test_draft_is_404_for_readers_and_other_units(staff: Any, draft: Document) -> None:
    for user in (staff.reader_a1, staff.reader_b1, staff.editor_b, staff.nobody):
        client = client_for(user)
        assert client.get(url("document", draft.pk)).status_code == 404
        assert draft.title not in client.get(url("documents")).content.decode()
        assert client.post(url("submit", draft.pk), {"version": draft.version}).status_code == 404
    assert reload(draft).status == Document.Status.DRAFT


def test_unknown_document_is_404(staff: Any) -> None:
    assert client_for(staff.editor).get(url("document", 99999)).status_code == 404


def test_reader_is_refused_writing_with_403(staff: Any, published: Document) -> None:
    client = client_for(staff.reader_a1)
    assert client.get(url("document_create")).status_code == 403
    assert client.get(url("document_edit", published.pk)).status_code == 403
    assert client.get(url("review_due")).status_code == 403
    for action, data in (
        ("withdraw", {"version": published.version, "reason": "Fel"}),
        ("revision", {"version": published.version}),
        ("approve", {"version": published.version, "decision": "approve"}),
        ("publish", {"version": published.version}),
    ):
        assert client.post(url(action, published.pk), data).status_code == 403
    assert reload(published).status == Document.Status.PUBLISHED


def test_editor_of_another_unit_is_refused_changes_with_403(staff: Any, published: Document) -> None:
    client = client_for(staff.editor_b)
    assert client.get(url("document_edit", published.pk)).status_code == 403
    assert client.post(url("revision", published.pk), {"version": published.version}).status_code == 403


def test_only_named_reviewers_may_review(staff: Any, draft: Document) -> None:
    services.submit(draft.pk, by=staff.editor, version=None, reviewers=[staff.quality])
    response = client_for(staff.approver).post(url("review", draft.pk), {"comment": "Hm", "done": "on"})
    assert response.status_code == 403


def test_page_shows_the_seed_metadata_block(staff: Any, orgtree: Any) -> None:
    doc = make_document(
        staff.quality,
        orgtree.a,
        approver_body="Landstingsfullmäktige",
        author=staff.quality,
        valid_from=dt.date(2017, 11, 30),
        review_by=dt.date(2030, 11, 30),
        classification_k=2,
        classification_r=2,
        classification_t=2,
        classification_s=2,
        references=[("ISO 9001", "5.2"), ("SOSFS 2011:9", "")],
        content="# Policy\n\n<script>alert(1)</script>\n",
    )
    html = client_for(staff.quality).get(url("document", doc.pk)).content.decode()
    for text in (
        "Verksamhet",
        "Förvaltning A",
        "Godkännare",
        "Landstingsfullmäktige",
        "Upprättare",
        "Gäller från",
        "2017-11-30",
        "Revideras senast",
        "2030-11-30",
        "Informationssäkerhet",
        "(2)",
        "ISO 9001 (5.2) SOSFS 2011:9",
        doc.number,
    ):
        assert text in html, text
    assert "<script>alert" not in html


# ---- create and edit ------------------------------------------------------------------------


def test_editor_creates_a_document_with_metadata_content_and_file(staff: Any, orgtree: Any) -> None:
    pdf = SimpleUploadedFile("rutin.pdf", minimal_pdf(), content_type="application/pdf")
    data = form_data(contact="quality", approver_body="Verksamhetschef", file=pdf, change_note="Första")
    response = client_for(staff.editor).post(url("document_create"), data)
    assert response.status_code == 302
    doc = Document.objects.get(title="Rutin för läkemedel")
    assert response["Location"] == url("document", doc.pk)
    assert doc.unit == orgtree.a and doc.owner == staff.editor and doc.contact == staff.quality
    assert [str(r) for r in doc.references.all()] == ["ISO 9001 5.2", "SOSFS 2011:9"]
    assert doc.keywords == ["läkemedel", "säkerhet"]
    version = doc.versions.get()
    assert version.file_name == "rutin.pdf" and version.change_note == "Första"
    assert "<h1>Läkemedel</h1>" in version.html


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"title": ""}, "title"),
        ({"unit": "FINNS-INTE"}, "unit"),
        ({"contact": "ingen-sadan"}, "contact"),
        ({"classification_k": "7"}, "classification_k"),
        ({"valid_from": "2026-05-01", "review_by": "2026-01-01"}, "review_by"),
        ({"unit": "B"}, "unit"),
    ],
)
def test_bad_new_document_is_a_form_error_and_creates_nothing(
    staff: Any, orgtree: Any, changes: dict[str, str], field: str
) -> None:
    response = client_for(staff.editor).post(url("document_create"), form_data(**changes))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    "name,body,status",
    [("rutin.exe", b"MZ....", 415), ("rutin.pdf", b"not a pdf", 415)],
)
def test_unsupported_file_is_refused_and_creates_nothing(
    staff: Any, orgtree: Any, name: str, body: bytes, status: int
) -> None:
    data = form_data(file=SimpleUploadedFile(name, body))
    response = client_for(staff.editor).post(url("document_create"), data)
    assert response.status_code == status
    assert "file" in response.context["form"].errors
    assert not Document.objects.exists()


def test_too_large_file_is_refused_with_413(staff: Any, orgtree: Any, settings: Any) -> None:
    settings.RODTRAD_DOCUMENT_MAX_BYTES = 10
    data = form_data(file=SimpleUploadedFile("a.pdf", b"%PDF-" + b"x" * 20))
    response = client_for(staff.editor).post(url("document_create"), data)
    assert response.status_code == 413
    assert not Document.objects.exists()


def test_edit_changes_metadata_and_content_in_one_save(staff: Any, draft: Document) -> None:
    client = client_for(staff.editor)
    form = client.get(url("document_edit", draft.pk)).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(title="Ny titel", content="Ny text", change_note="Förtydligat")
    response = client.post(url("document_edit", draft.pk), data)
    assert response.status_code == 302, response.context["form"].errors
    doc = reload(draft)
    assert doc.title == "Ny titel"
    assert doc.versions.get().content == "Ny text"


def test_stale_edit_is_a_form_error_and_keeps_the_newer_change(staff: Any, draft: Document) -> None:
    client = client_for(staff.editor)
    data = {k: v for k, v in client.get(url("document_edit", draft.pk)).context["form"].initial.items() if v}
    services.update_document(draft.pk, by=staff.quality, version=draft.version, title="Kollegans titel")
    data.update(title="Min titel", content="Min text")
    response = client.post(url("document_edit", draft.pk), data)
    assert response.status_code == 400
    assert "Någon annan" in str(response.context["form"].non_field_errors())
    doc = reload(draft)
    assert doc.title == "Kollegans titel"
    assert doc.versions.get().content != "Min text"


def test_editing_content_of_a_published_document_starts_a_new_revision(
    staff: Any, published: Document
) -> None:
    client = client_for(staff.editor)
    data = {
        k: v for k, v in client.get(url("document_edit", published.pk)).context["form"].initial.items() if v
    }
    data.update(content="Reviderad text", change_note="Ny revision")
    assert client.post(url("document_edit", published.pk), data).status_code == 302
    doc = reload(published)
    assert doc.versions.count() == 2
    assert doc.published_version is not None and doc.published_version.number == 1
    html = client.get(url("document", doc.pk)).content.decode()
    assert "Version 2 är under arbete" in html


# ---- the workflow -----------------------------------------------------------------------------


def test_workflow_by_forms_from_draft_to_published_and_read(
    staff: Any, orgtree: Any, draft: Document
) -> None:
    editor, quality, approver = (
        client_for(staff.editor),
        client_for(staff.quality),
        client_for(staff.approver),
    )
    html = editor.get(url("document", draft.pk)).content.decode()
    assert url("submit", draft.pk) in html and url("approve", draft.pk) not in html

    response = editor.post(url("submit", draft.pk), {"version": draft.version, "reviewers": "quality"})
    assert response.status_code == 302
    assert reload(draft).status == Document.Status.REVIEW

    assert url("review", draft.pk) in quality.get(url("document", draft.pk)).content.decode()
    response = quality.post(url("review", draft.pk), {"comment": "Bra, men förtydliga.", "done": "on"})
    assert response.status_code == 302
    assert reload(draft).status == Document.Status.APPROVAL

    doc = reload(draft)
    assert url("approve", draft.pk) in approver.get(url("document", draft.pk)).content.decode()
    response = approver.post(url("approve", draft.pk), {"version": doc.version, "decision": "approve"})
    assert response.status_code == 302
    doc = reload(draft)
    assert doc.status == Document.Status.APPROVED

    data = {"version": doc.version, "read_units": "A1", "read_roles": ["reader"]}
    assert editor.post(url("publish", draft.pk), data).status_code == 302
    doc = reload(draft)
    assert doc.status == Document.Status.PUBLISHED

    reader = client_for(staff.reader_a1)
    home = reader.get(reverse("core:home")).content.decode()
    assert "Att läsa" in home and doc.title in home
    response = reader.post(url("confirm_read", doc.pk), {"next": reverse("core:home")})
    assert response.status_code == 302 and response["Location"] == reverse("core:home")
    assert ReadReceipt.objects.filter(document=doc, user=staff.reader_a1).exists()
    assert url("confirm_read", doc.pk) not in reader.get(reverse("core:home")).content.decode()

    page = editor.get(url("document", doc.pk)).content.decode()
    assert "1 av 1 har läst" in page
    assert "Bra, men förtydliga." in page


def test_send_back_returns_the_document_to_draft(staff: Any, draft: Document) -> None:
    doc = services.submit(draft.pk, by=staff.editor, version=None)
    response = client_for(staff.approver).post(
        url("approve", doc.pk), {"version": doc.version, "decision": "reject", "comment": "Saknar ansvar"}
    )
    assert response.status_code == 302
    assert reload(doc).status == Document.Status.DRAFT


def test_wrong_state_is_409_with_the_reason_on_the_form(staff: Any, published: Document) -> None:
    response = client_for(staff.editor).post(url("submit", published.pk), {"version": published.version})
    assert response.status_code == 409
    assert response.context["submit_form"].non_field_errors()


def test_stale_workflow_step_is_a_form_error(staff: Any, draft: Document) -> None:
    services.update_document(draft.pk, by=staff.quality, version=draft.version, title="Ändrad")
    response = client_for(staff.editor).post(url("submit", draft.pk), {"version": draft.version})
    assert response.status_code == 400
    assert reload(draft).status == Document.Status.DRAFT


def test_withdraw_needs_a_reason_and_then_hides_the_document(staff: Any, published: Document) -> None:
    client = client_for(staff.quality)
    response = client.post(url("withdraw", published.pk), {"version": published.version, "reason": ""})
    assert response.status_code == 400
    assert reload(published).status == Document.Status.PUBLISHED
    response = client.post(url("withdraw", published.pk), {"version": published.version, "reason": "Ersatt"})
    assert response.status_code == 302
    assert reload(published).status == Document.Status.WITHDRAWN
    assert client_for(staff.reader_a1).get(url("document", published.pk)).status_code == 404


def test_new_revision_button_starts_a_draft_and_opens_the_editor(staff: Any, published: Document) -> None:
    response = client_for(staff.editor).post(url("revision", published.pk), {"version": published.version})
    assert response.status_code == 302 and response["Location"] == url("document_edit", published.pk)
    assert reload(published).status == Document.Status.DRAFT


def test_versions_and_diff(staff: Any, published: Document) -> None:
    services.save_version(published.pk, by=staff.editor, version=None, content="# Handhygien\n\nSprita.\n")
    client = client_for(staff.editor)
    assert client.get(url("version", published.pk, 2)).status_code == 200
    html = client.get(url("diff", published.pk) + "?a=1&b=2").content.decode()
    assert "+Sprita." in html and "-Tvätta händerna." in html
    assert client.get(url("diff", published.pk) + "?a=1&b=9").status_code == 400
    reader = client_for(staff.reader_a1)
    assert reader.get(url("version", published.pk, 2)).status_code == 404
    assert reader.get(url("version", published.pk, 1)).status_code == 200


def test_k3_read_is_logged_and_history_shown_to_workers(staff: Any, orgtree: Any) -> None:
    doc = make_document(staff.editor, orgtree.a, classification_k=3)
    publish_document(doc, editor=staff.editor, approver=staff.approver)
    assert client_for(staff.reader_b1).get(url("document", doc.pk)).status_code == 404
    html = client_for(staff.reader_a1).get(url("document", doc.pk)).content.decode()
    assert "Historik" not in html
    assert AuditEntry.objects.filter(object_id=str(doc.pk), action="read", actor=staff.reader_a1).exists()
    assert "Historik" in client_for(staff.editor).get(url("document", doc.pk)).content.decode()


# ---- lists, Att revidera, filters -------------------------------------------------------------


def test_list_filters(staff: Any, orgtree: Any, published: Document, draft: Document) -> None:
    client = client_for(staff.editor)
    for query, shown, hidden in (
        ("?status=published", published, draft),
        ("?status=draft", draft, published),
        ("?classification=1&unit=A", draft, None),
        (f"?type={doc_type('Policy').pk}", None, draft),
    ):
        html = client.get(url("documents") + query).content.decode()
        if shown:
            assert shown.title in html
        if hidden:
            assert hidden.title not in html
    response = client.get(url("documents") + "?unit=FINNS-INTE")
    assert response.status_code == 200 and response.context["form"].errors


def test_due_for_review_filter_section_and_page(staff: Any, orgtree: Any) -> None:
    today = timezone.localdate()
    due = make_document(
        staff.editor,
        orgtree.a1,
        title="Snart dags",
        valid_from=today - dt.timedelta(days=700),
        review_by=today,
    )
    publish_document(due, editor=staff.editor, approver=staff.approver)
    later = make_document(staff.editor, orgtree.a1, title="Långt kvar")
    publish_document(later, editor=staff.editor, approver=staff.approver)
    client = client_for(staff.editor)
    html = client.get(url("documents") + "?due=on").content.decode()
    assert "Snart dags" in html and "Långt kvar" not in html
    home = client.get(reverse("core:home")).content.decode()
    assert "Att revidera" in home and "Snart dags" in home
    page = client.get(url("review_due") + "?unit=A1").content.decode()
    assert "Snart dags" in page and "Enhet A1" in page and "Långt kvar" not in page
    assert "Snart dags" not in client.get(url("review_due") + "?unit=B").content.decode()
    assert "Att revidera" not in client_for(staff.reader_a1).get(reverse("core:home")).content.decode()


def test_list_is_paginated(staff: Any, orgtree: Any) -> None:
    for n in range(27):
        make_document(staff.editor, orgtree.a, title=f"Dokument {n:02d}")
    html = client_for(staff.editor).get(url("documents")).content.decode()
    assert "27 dokument" in html and "Sida 1 av 2" in html


# ---- public pages ---------------------------------------------------------------------------


def test_public_pages_show_k0_without_login(staff: Any, orgtree: Any, published: Document) -> None:
    public = make_document(
        staff.editor, orgtree.a, title="Öppen policy", classification_k=0, contact=staff.quality
    )
    publish_document(public, editor=staff.editor, approver=staff.approver)
    client = Client()
    listing = client.get(reverse("public:documents")).content.decode()
    assert "Öppen policy" in listing and published.title not in listing
    response = client.get(reverse("public:document", args=[public.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Senast uppdaterad" in html and "Hade du nytta av innehållet" in html
    assert staff.quality.name in html
    assert 'class="main-nav"' not in html and "Svenska" in html or "English" in html


def test_public_urls_of_k1_drafts_and_unknown_documents_are_404(
    staff: Any, orgtree: Any, published: Document, draft: Document
) -> None:
    unpublished = make_document(staff.editor, orgtree.a, classification_k=0)
    for pk in (published.pk, draft.pk, unpublished.pk, 99999):
        assert Client().get(reverse("public:document", args=[pk])).status_code == 404
        assert client_for(staff.editor).get(reverse("public:document", args=[pk])).status_code == 404


# ---- feedback on the document page ----------------------------------------------------------


def test_owner_sees_feedback_statistics_and_readers_do_not(staff: Any, published: Document) -> None:
    from rodtrad.core.services import feedback

    feedback.record(published, useful=True, by=staff.reader_a1, client="1")
    feedback.record(published, useful=False, comment="Otydlig bild", by=None, client="2")
    owner = client_for(staff.editor).get(url("document", published.pk)).content.decode()
    assert "Ja: 1 · Nej: 1" in owner and "Otydlig bild" in owner
    reader = client_for(staff.reader_a1).get(url("document", published.pk)).content.decode()
    assert "Otydlig bild" not in reader and "Hade du nytta av innehållet på denna sida?" in reader


# ---- query budgets ----------------------------------------------------------------------------


def count(client: Client, target: str) -> int:
    """Queries of a request once the process's caches (e.g. content types) are warm."""
    client.get(target)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(target).status_code == 200
    return len(ctx)


def grow(staff: Any, orgtree: Any, n: int) -> None:
    today = timezone.localdate()
    for i in range(n):
        doc = make_document(
            staff.editor,
            orgtree.a1,
            title=f"Fler {i}",
            classification_k=i % 2,
            valid_from=today - dt.timedelta(days=800),
            review_by=today + dt.timedelta(days=i % 40),
        )
        publish_document(doc, editor=staff.editor, approver=staff.approver, read_units=[orgtree.a1])


PAGES: dict[str, tuple[str, int]] = {
    "list": ("documents:documents", 8),  # with the person's home unit, for what applies to it
    "filtered": ("documents:documents", 8),
    "review_due": ("documents:review_due", 6),
    "home": ("core:home", 15),  # Att läsa, and the improvement and story sections of an editor
    "public_list": ("public:documents", 3),
}


def _targets(doc: Document) -> dict[str, tuple[str, int]]:
    return {
        **{
            k: (reverse(name) + ("?status=published&due=on" if k == "filtered" else ""), n)
            for k, (name, n) in PAGES.items()
        },
        "detail": (url("document", doc.pk), 22),
        "public_detail": (reverse("public:document", args=[doc.pk]), 4),
    }


def test_pages_hold_their_query_budget_and_do_not_grow(staff: Any, orgtree: Any) -> None:
    doc = make_document(staff.editor, orgtree.a, classification_k=0)
    publish_document(doc, editor=staff.editor, approver=staff.approver, read_units=[orgtree.a])
    grow(staff, orgtree, 5)
    users = {"editor": staff.editor, "reader": staff.reader_a1}
    small: dict[tuple[str, str], int] = {}
    for who, user in users.items():
        client = client_for(user)
        for key, (target, budget) in _targets(doc).items():
            if key == "review_due" and who == "reader":
                continue
            small[(who, key)] = n = count(client if not key.startswith("public") else Client(), target)
            assert n <= budget, (who, key, n, budget)
    grow(staff, orgtree, 45)
    for (who, key), n in small.items():
        client = client_for(users[who]) if not key.startswith("public") else Client()
        assert count(client, _targets(doc)[key][0]) == n, (who, key)
    assert Document.objects.count() == 51


# ---- uploaded files ---------------------------------------------------------------------------


def _with_file(staff: Any, orgtree: Any, k: int) -> Document:
    doc = make_document(staff.editor, orgtree.a, classification_k=k)
    pdf = SimpleUploadedFile("rutin.pdf", minimal_pdf(), content_type="application/pdf")
    services.save_version(doc.pk, by=staff.editor, version=None, file=pdf)
    return publish_document(doc, editor=staff.editor, approver=staff.approver)


def test_a_file_is_served_under_the_documents_own_access_rule(staff: Any, orgtree: Any) -> None:
    doc = _with_file(staff, orgtree, k=3)
    path = url("version_file", doc.pk, 1)
    response = client_for(staff.reader_a1).get(path)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    assert 'filename="rutin.pdf"' in response["Content-Disposition"]
    assert AuditEntry.objects.filter(object_id=str(doc.pk), action="read", actor=staff.reader_a1).exists()
    assert client_for(staff.reader_b1).get(path).status_code == 404
    assert Client().get(path).status_code == 404


def test_a_public_documents_file_is_served_without_login(staff: Any, orgtree: Any) -> None:
    doc = _with_file(staff, orgtree, k=0)
    assert Client().get(url("version_file", doc.pk, 1)).status_code == 200

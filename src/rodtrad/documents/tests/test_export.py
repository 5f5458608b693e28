"""Exports: a document to PDF with its metadata block, the filtered list to PDF and XLSX."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from rodtrad.core.models import AuditAction, AuditEntry
from rodtrad.documents import export
from rodtrad.documents.tests.factories import make_document, publish_document


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_document_pdf_has_the_metadata_block_and_the_text(orgtree, staff, api_as):
    doc = make_document(
        staff.editor,
        orgtree.a,
        title="Rutin för handhygien",
        content="# Handhygien\n\nSprita händerna före patientkontakt.\n\n![x](http://127.0.0.1:9/x.png)\n",
        approver_body="Landstingsfullmäktige",
        references=[("ISO 9001", "5.2")],
    )
    publish_document(doc, editor=staff.editor, approver=staff.approver)
    response = api_as(staff.reader_a1).get(f"/documents/{doc.pk}/export.pdf")
    assert response.status_code == 200 and response["Content-Type"] == export.PDF
    assert f'filename="{doc.number}.pdf"' in response["Content-Disposition"]
    text = _text(response.content)
    for expected in (doc.number, "Landstingsfullmäktige", "ISO 9001 (5.2)", "Sprita händerna"):
        assert expected in text


def test_document_pdf_follows_visibility_and_logs_k3(orgtree, staff, api_as):
    doc = publish_document(
        make_document(staff.editor, orgtree.a, classification_k=3),
        editor=staff.editor,
        approver=staff.approver,
    )
    assert api_as(staff.reader_b1).get(f"/documents/{doc.pk}/export.pdf").status_code == 404
    assert api_as(None).get(f"/documents/{doc.pk}/export.pdf").status_code == 401
    before = AuditEntry.objects.filter(action=AuditAction.READ).count()
    assert api_as(staff.reader_a1).get(f"/documents/{doc.pk}/export.pdf").status_code == 200
    assert AuditEntry.objects.filter(action=AuditAction.READ).count() == before + 1


def _titles(xlsx: bytes) -> list[str]:
    sheet = load_workbook(io.BytesIO(xlsx)).worksheets[0]
    return [str(row[1]) for row in sheet.iter_rows(min_row=2, values_only=True)]


@pytest.fixture
def listed(orgtree, staff):
    public = publish_document(
        make_document(staff.editor, orgtree.a, title="Öppen rutin"),
        editor=staff.editor,
        approver=staff.approver,
    )
    secret = make_document(staff.editor, orgtree.a, title="Hemligt utkast", classification_k=3)
    other = make_document(staff.editor_b, orgtree.b, title="Rutin i B")
    return public, secret, other


def test_list_xlsx_holds_the_filtered_visible_documents(listed, staff, api_as):
    public, secret, other = listed
    response = api_as(staff.reader_a1).get("/documents/export.xlsx")
    assert response.status_code == 200 and response["Content-Type"] == export.XLSX
    titles = _titles(response.content)
    assert titles == ["Öppen rutin"]  # drafts and K 3 of others are not theirs to see
    filtered = api_as(staff.editor).get("/documents/export.xlsx?status=draft")
    assert _titles(filtered.content) == ["Hemligt utkast"]


def test_list_xlsx_leaves_out_control_characters_a_title_may_hold(orgtree, staff, api_as):
    """Text pasted from other systems can carry control characters, which XLSX cannot hold."""
    make_document(staff.editor, orgtree.a, title="Rutin\x0bför\x1b fall")
    response = api_as(staff.editor).get("/documents/export.xlsx")
    assert response.status_code == 200
    assert _titles(response.content) == ["Rutinför fall"]


def test_list_pdf(listed, staff, api_as):
    response = api_as(staff.editor).get("/documents/export.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    text = _text(response.content)
    assert "Öppen rutin" in text and "Hemligt utkast" in text and "Rutin i B" not in text

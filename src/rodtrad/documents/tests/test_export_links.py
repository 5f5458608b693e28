"""The export links of the list and the document page: the list's filters carried over, and the API
endpoints they point at answering the browser's session."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from rodtrad.documents import export
from rodtrad.documents.tests.factories import doc_type, make_document, publish_document


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def link(page: str, path: str) -> str:
    match = re.search(rf'href="({re.escape(path)}[^"]*)"', page)
    assert match is not None, f"no link to {path}"
    return html.unescape(match[1])


def test_the_list_exports_what_its_filters_show(staff, orgtree):
    shown = make_document(staff.editor, orgtree.a1, title="Rutin i A1")
    make_document(staff.editor, orgtree.a, title="Rutin i A")
    client = client_for(staff.editor)
    query: dict[str, Any] = {
        "type": doc_type().pk,
        "unit": "A1",
        "status": "draft",
        "classification": 1,
        "due": "",
    }
    page = client.get(reverse("documents:documents"), query).content.decode()

    pdf = link(page, "/api/v1/documents/export.pdf")
    xlsx = link(page, "/api/v1/documents/export.xlsx")
    expected = {"type": [str(doc_type().pk)], "unit": [str(orgtree.a1.pk)], "status": ["draft"]}
    assert parse_qs(urlsplit(xlsx).query) == {**expected, "classification": ["1"]}
    assert urlsplit(pdf).query == urlsplit(xlsx).query

    response = client.get(xlsx)
    assert response.status_code == 200 and response["Content-Type"] == export.XLSX
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == [shown.number]
    response = client.get(pdf)
    assert response.status_code == 200 and response["Content-Type"] == export.PDF


def test_due_for_review_is_passed_as_the_api_names_it(staff, orgtree):
    make_document(staff.editor, orgtree.a1)
    page = client_for(staff.editor).get(reverse("documents:documents"), {"due": "on"}).content.decode()
    assert "/api/v1/documents/export" not in page  # nothing is due, so nothing to export
    publish_document(
        make_document(staff.editor, orgtree.a1, title="Gammal rutin", review_by=dt.date(2021, 1, 1)),
        editor=staff.editor,
        approver=staff.approver,
    )
    page = client_for(staff.editor).get(reverse("documents:documents"), {"due": "on"}).content.decode()
    assert parse_qs(urlsplit(link(page, "/api/v1/documents/export.pdf")).query) == {
        "due_for_review": ["true"]
    }


def test_the_document_page_links_its_pdf(staff, orgtree):
    doc = make_document(staff.editor, orgtree.a1)
    client = client_for(staff.editor)
    page = client.get(reverse("documents:document", args=[doc.pk])).content.decode()
    response = client.get(link(page, f"/api/v1/documents/{doc.pk}/export.pdf"))
    assert response.status_code == 200 and response["Content-Type"] == export.PDF
    assert Client().get(f"/api/v1/documents/{doc.pk}/export.pdf").status_code == 401

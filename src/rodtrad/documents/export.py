"""Exports: a document to PDF with its metadata block on top, and a list of documents to PDF or XLSX.

WeasyPrint renders the Django templates. It is given no way to fetch anything: a document's
HTML is sanitised, but an image address in it must never make the server open a connection.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from rodtrad.core import spreadsheets
from rodtrad.documents.models import Document, DocumentVersion

#: Lists longer than this are cut, and say so: a PDF of every document helps nobody.
LIST_LIMIT = 5000
PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _pdf(html: str) -> bytes:
    """Render with a fetcher that refuses every URL: WeasyPrint leaves the resource out.

    WeasyPrint is imported here, not at start-up: it is slow to load and only exports need it.
    """
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    class NoFetching(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            raise ValueError(f"Exports fetch nothing: {url}")

    return bytes(HTML(string=html, url_fetcher=NoFetching()).write_pdf())


def document_pdf(doc: Document, version: DocumentVersion | None) -> bytes:
    """The document as the regions print it: the metadata block, then the version's text."""
    context = {"doc": doc, "version": version, "today": timezone.localdate()}
    return _pdf(render_to_string("documents/export_document.html", context))


def headings() -> list[str]:
    return [
        _("Document number"),
        _("Title"),
        _("Type"),
        _("Scope"),
        _("Status"),
        _("Valid from"),
        _("Review by"),
        _("Information security"),
        _("Approver"),
        _("Author"),
    ]


def rows(documents: Iterable[Document]) -> list[list[Any]]:
    """One row per document; the scope, type and people must be selected with it."""
    return [
        [
            d.number,
            d.title,
            d.type.name,
            d.unit.name if d.unit else _("The whole organisation"),
            d.get_status_display(),
            d.valid_from,
            d.review_by,
            f"K{d.classification_k} R{d.classification_r} T{d.classification_t} S{d.classification_s}",
            str(d.approver) if d.approver else d.approver_body,
            str(d.author) if d.author else d.author_body,
        ]
        for d in documents
    ]


def list_pdf(documents: Iterable[Document]) -> bytes:
    table = rows(documents)
    context = {
        "headings": headings(),
        "rows": table[:LIST_LIMIT],
        "truncated": len(table) > LIST_LIMIT,
        "limit": LIST_LIMIT,
        "today": timezone.localdate(),
    }
    return _pdf(render_to_string("documents/export_list.html", context))


def list_xlsx(documents: Iterable[Document]) -> bytes:
    book = spreadsheets.workbook()
    sheet = spreadsheets.sheet(book, _("Documents"), headings(), (16, 50, 18, 30, 14, 12, 12, 16, 24, 24))
    for row in rows(documents)[:LIST_LIMIT]:
        spreadsheets.append(sheet, row)
    return spreadsheets.to_bytes(book)

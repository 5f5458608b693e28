"""Small but real PDF, DOCX and ODT files, made on the fly, for extraction, upload and import tests."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

import docx
from weasyprint import HTML


def pdf_bytes(*paragraphs: str) -> bytes:
    """A one-page PDF whose text layer holds the paragraphs (an empty page without them)."""
    return bytes(HTML(string="".join(f"<p>{escape(p)}</p>" for p in paragraphs)).write_pdf())


def docx_bytes(*paragraphs: str) -> bytes:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def odt_bytes(*paragraphs: str) -> bytes:
    body = "".join(f"<text:p>{escape(p)}</text:p>" for p in paragraphs)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:text>{body}</office:text></office:body></office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", content)
    return out.getvalue()

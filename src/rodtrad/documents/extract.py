"""Plain text out of uploaded files (PDF, DOCX, ODT, Markdown, plain text), for search and import.

A file that cannot be read raises :class:`UnreadableFile` naming it, so a batch import can
report it and go on with the others.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import PurePath

from django.utils.translation import gettext as _
from lxml import etree

#: Extensions whose text can be read, and the files they are.
TEXT_TYPES = (".md", ".markdown", ".txt")
BINARY_TYPES = (".pdf", ".docx", ".odt")
SUPPORTED = TEXT_TYPES + BINARY_TYPES
ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
#: No entities, no network: a document's XML is data, never instructions to the parser.
_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


class UnreadableFile(Exception):
    """The file is corrupt or not what its name says."""


def extension(name: str) -> str:
    return PurePath(name).suffix.lower()


def _pdf(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return "\n\n".join((page.extract_text() or "").strip() for page in reader.pages).strip()


def _docx(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n\n".join(p.strip() for p in parts if p.strip())


def _odt(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = etree.fromstring(archive.read("content.xml"), _XML)  # noqa: S320 - hardened parser
    blocks = root.iter(f"{{{ODF_TEXT}}}p", f"{{{ODF_TEXT}}}h")
    parts = ["".join(str(t) for t in block.itertext()).strip() for block in blocks]
    return "\n\n".join(p for p in parts if p)


def _plain(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")  # older Windows files; every byte decodes


READERS: dict[str, Callable[[bytes], str]] = {
    ".pdf": _pdf,
    ".docx": _docx,
    ".odt": _odt,
    ".md": _plain,
    ".markdown": _plain,
    ".txt": _plain,
}


def extract_text(name: str, data: bytes) -> str:
    """The text of the file ``name`` whose content is ``data``; NUL characters are dropped."""
    reader = READERS.get(extension(name))
    if reader is None:
        raise UnreadableFile(_("%(name)s: this type of file is not supported.") % {"name": name})
    try:
        text = reader(data)
    except Exception as exc:  # every parser fails in its own way on a broken file
        raise UnreadableFile(
            _("%(name)s could not be read; the file is damaged or not a %(type)s file (%(error)s).")
            % {"name": name, "type": extension(name).lstrip(".").upper(), "error": type(exc).__name__}
        ) from exc
    return text.replace("\x00", "")

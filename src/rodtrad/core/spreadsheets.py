"""XLSX output shared by every export.

Free text may hold control characters (pasted from other systems, or sent through the API),
and openpyxl refuses to write them, so every cell passes through here.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet


def cell(value: Any) -> Any:
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def append(sheet: Worksheet, row: Iterable[Any]) -> None:
    sheet.append([cell(v) for v in row])


def workbook() -> Workbook:
    """A workbook without openpyxl's default sheet: each export adds its own with `sheet()`."""
    book = Workbook()
    for default in book.worksheets:
        book.remove(default)
    return book


def sheet(book: Workbook, title: str, headings: Sequence[str], widths: Sequence[int]) -> Worksheet:
    """A sheet with a bold, frozen heading row."""
    page: Worksheet = book.create_sheet(title[:31])
    append(page, headings)
    for heading in page[1]:
        heading.font = Font(bold=True)
    page.freeze_panes = "A2"
    for column, width in zip("ABCDEFGHIJKLMNOP", widths, strict=False):
        page.column_dimensions[column].width = width
    return page


def to_bytes(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

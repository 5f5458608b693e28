"""Reading measurement files (CSV and XLSX) into rows for :func:`services.upsert_measurements`.

The first row names the columns, in Swedish or English and in any order: unit code
(``enhet``/``unit``), indicator code (``indikator``/``indicator``), ``period``, value
(``värde``/``value``) and optionally sex (``kön``/``sex``), comment and weight. CSV may be
separated by semicolons (as Swedish Excel saves it) or commas.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import PurePath
from typing import Any

from django.utils.translation import gettext as _

from rodtrad.core.access import Actor
from rodtrad.goals import services
from rodtrad.goals.services import InvalidRows, Row, RowError, Upserted

COLUMNS = {
    "unit": ("enhet", "enhetskod", "unit", "unit code", "unit_code"),
    "indicator": ("indikator", "indikatorkod", "indicator", "indicator code", "indicator_code"),
    "period": ("period",),
    "value": ("värde", "varde", "utfall", "value"),
    "sex": ("kön", "kon", "sex"),
    "comment": ("kommentar", "comment"),
    "weight": ("vikt", "weight"),
}
REQUIRED = ("unit", "indicator", "period", "value")


class UnreadableFile(Exception):
    """The file is not CSV or XLSX, or has no header row naming the required columns."""


def _header(cells: Sequence[Any]) -> dict[str, int]:
    names = [str(c or "").strip().lower() for c in cells]
    found = {
        key: names.index(alias) for key, aliases in COLUMNS.items() for alias in aliases if alias in names
    }
    missing = [key for key in REQUIRED if key not in found]
    if missing:
        raise UnreadableFile(
            _("The first row must name the columns; missing: %(columns)s.")
            % {"columns": ", ".join(COLUMNS[k][0] for k in missing)}
        )
    return found


def _rows(lines: Iterable[Sequence[Any]]) -> list[Row]:
    """Rows numbered as a spreadsheet shows them: the header is row 1."""
    iterator = iter(lines)
    try:
        columns = _header(next(iterator))
    except StopIteration:
        raise UnreadableFile(_("The file is empty.")) from None
    rows = []
    for number, cells in enumerate(iterator, start=2):
        if not any(str(c or "").strip() for c in cells):
            continue

        def cell(key: str, cells: Sequence[Any] = cells) -> Any:
            index = columns.get(key)
            return cells[index] if index is not None and index < len(cells) else None

        rows.append(
            Row(
                line=number,
                unit=str(cell("unit") or "").strip(),
                indicator=str(cell("indicator") or "").strip(),
                period=str(cell("period") or "").strip(),
                value=cell("value") if cell("value") is not None else "",
                sex=str(cell("sex") or ""),
                comment=str(cell("comment") or ""),
                weight=cell("weight"),
            )
        )
    return rows


def read_csv(data: bytes) -> list[Row]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    return _rows(csv.reader(io.StringIO(text), delimiter=delimiter))


def read_xlsx(data: bytes) -> list[Row]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise UnreadableFile(_("The file is not a readable XLSX workbook.")) from exc
    try:
        return _rows(book.worksheets[0].iter_rows(values_only=True))
    finally:
        book.close()


def read(name: str, data: bytes) -> list[Row]:
    suffix = PurePath(name).suffix.lower()
    if suffix == ".xlsx":
        return read_xlsx(data)
    if suffix in (".csv", ".txt"):
        return read_csv(data)
    raise UnreadableFile(_("Import CSV or XLSX files."))


def import_file(name: str, data: bytes, *, by: Actor) -> Upserted:
    """Import a measurement file all or nothing; :class:`InvalidRows` lists every error by row."""
    rows = read(name, data)
    if not rows:
        raise InvalidRows([RowError(1, "file", _("The file has no rows of values."))])
    return services.upsert_measurements(rows, by=by)

"""Reading documents from files: the text, the title and the regions' metadata block.

A governing document ends with a block such as (markdown bold optional)::

    **Verksamhet:** Landstingsövergripande
    **Godkännare:** Landstingsfullmäktige
    **Upprättare:** Landstinget i Kalmar län
    **Gäller från:** 2017-11-30
    **Informationssäkerhet:** K (2) R (2) T (2) S (2)
    **Referens:** ISO 9001 (5.2) ISO 14001 (5.2) ISO 27001 (5.2) SOSFS 2011:9

:func:`parse` reads a file without touching the database; :func:`resolve` turns what it
read into the service's arguments (units, people, types). Writing is
:func:`rodtrad.documents.services.import_document`'s.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from rodtrad.core.models import Unit, User
from rodtrad.core.services.common import field_error
from rodtrad.documents.extract import BINARY_TYPES, extract_text
from rodtrad.documents.models import DocumentType
from rodtrad.documents.search import stem, words

#: The block's labels and the fields they fill.
LABELS = {
    "verksamhet": "unit",
    "godkännare": "approver",
    "upprättare": "author",
    "gäller från": "valid_from",
    "revideras senast": "review_by",
    "informationssäkerhet": "classification",
    "referens": "references",
    "dokumenttyp": "type",
    "nyckelord": "keywords",
}
META_LINE = re.compile(r"^(?P<label>[A-Za-zÅÄÖåäö ]{4,25}?)\s*:\s*(?P<value>.*)$")
CLASSIFICATION = re.compile(r"([KRTS])\s*\(?\s*([0-4])\s*\)?", re.IGNORECASE)
REFERENCE = re.compile(
    r"(?P<source>[A-ZÅÄÖ][\wÅÄÖåäö/-]*(?:\s+[A-ZÅÄÖ][\wÅÄÖåäö/-]*)*\s+\d[\d:.-]*\d|[A-ZÅÄÖ][\w/-]*\s+\d+)"
    r"\s*(?:\((?P<clause>[^)]*)\))?"
)
#: "Landstingsövergripande", "Regionövergripande", "Hela regionen": the whole organisation.
WHOLE_ORGANISATION = re.compile(
    r"(övergripande|^hela\s+(regionen|organisationen|landstinget))$", re.IGNORECASE
)
TITLE_MAX = 300


@dataclass
class Parsed:
    """What a file says, before any of it is looked up."""

    title: str
    content: str = ""
    file_text: str = ""
    metadata: dict[str, str] = field(default_factory=dict)


def _label(line: str) -> tuple[str, str] | None:
    """(field, value) when the line is one of the block's labels, bold or not."""
    plain = line.strip().replace("**", "").replace("__", "").strip()
    match = META_LINE.match(plain)
    if match is None:
        return None
    name = LABELS.get(" ".join(match["label"].lower().split()))
    return (name, match["value"].strip()) if name else None


def _title(lines: list[str], fallback: str) -> str:
    """The first level-one heading, else the first line of text, else the file's name."""
    for line in lines:
        if line.startswith("# "):
            return line[2:].strip().strip("#").strip()[:TITLE_MAX]
    for line in lines:
        text = line.strip().lstrip("#").replace("**", "").strip()
        if text:
            return text[:TITLE_MAX]
    return fallback


def parse(name: str, data: bytes) -> Parsed:
    """Read the file: its text, title and metadata lines (which leave the text)."""
    text = extract_text(name, data).replace("\r\n", "\n")
    lines: list[str] = []
    metadata: dict[str, str] = {}
    for line in text.split("\n"):
        found = _label(line)
        if found is None:
            lines.append(line)
        else:
            metadata[found[0]] = found[1]
    body = "\n".join(lines).strip() + "\n"
    parsed = Parsed(title=_title(lines, PurePath(name).stem), metadata=metadata)
    if PurePath(name).suffix.lower() in BINARY_TYPES:
        parsed.file_text = body
    else:
        parsed.content = body
    return parsed


def _date(value: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise field_error(name, _("Not a date (YYYY-MM-DD): %(value)s") % {"value": value}) from None


def classification(value: str) -> dict[str, int]:
    """``K (2) R (2) T (2) S (2)`` as the four levels; a missing aspect keeps its default."""
    levels = {
        f"classification_{aspect.lower()}": int(level) for aspect, level in CLASSIFICATION.findall(value)
    }
    if not levels:
        raise field_error(
            "classification", _("Expected e.g. K (2) R (2) T (2) S (2), got: %(v)s") % {"v": value}
        )
    return levels


def references(value: str) -> list[tuple[str, str]]:
    """``ISO 9001 (5.2) SOSFS 2011:9`` as (source, clause) pairs; anything unrecognised is one source."""
    found = [(m["source"].strip(), (m["clause"] or "").strip()) for m in REFERENCE.finditer(value)]
    if not found and value.strip():
        found = [(value.strip()[:100], "")]
    return found


def _person(value: str, name: str) -> dict[str, Any]:
    """A user with that name or username, else a named body such as Landstingsfullmäktige."""
    user = User.objects.filter(Q(name__iexact=value) | Q(username__iexact=value), is_active=True).first()
    return {name: user} if user is not None else {f"{name}_body": value[:200]}


def _unit(value: str) -> Unit | None:
    if WHOLE_ORGANISATION.search(value.strip()):
        return None
    unit: Unit | None = Unit.objects.filter(Q(code__iexact=value) | Q(name__iexact=value)).first()
    if unit is None:
        raise field_error("unit", _("No unit is called %(value)s (Verksamhet).") % {"value": value})
    return unit


def guess_type(title: str, named: str = "") -> DocumentType | None:
    """The type named in the block, else the one whose name is a word of the title (any inflection)."""
    types = list(DocumentType.objects.all())
    if named:
        return next((t for t in types if t.name.lower() == named.strip().lower()), None)
    title_stems = {stem(w) for w in words(title)}
    title_lower = title.lower()
    matches = [t for t in types if stem(t.name.lower()) in title_stems or t.name.lower() in title_lower]
    return max(matches, key=lambda t: len(t.name), default=None)


def resolve(parsed: Parsed, *, default_type: str = "Rutin", unit: Unit | None | str = "") -> dict[str, Any]:
    """The keyword arguments for ``create_document``; ``unit`` given overrides Verksamhet."""
    meta = parsed.metadata
    doc_type = guess_type(parsed.title, meta.get("type", ""))
    if doc_type is None and "type" not in meta:
        doc_type = DocumentType.objects.filter(name=default_type).first()
    if doc_type is None:
        raise field_error("type", _("Unknown document type: %(value)s") % {"value": meta.get("type", "")})
    values: dict[str, Any] = {"title": parsed.title, "type": doc_type}
    if not isinstance(unit, str):
        values["unit"] = unit
    elif "unit" in meta:
        values["unit"] = _unit(meta["unit"])
    else:
        raise ValidationError(
            {"unit": [_("Give the scope: a Verksamhet line in the file, or choose a unit.")]}
        )
    for name in ("approver", "author"):
        if meta.get(name):
            values.update(_person(meta[name], name))
    for name in ("valid_from", "review_by"):
        if meta.get(name):
            values[name] = _date(meta[name], name)
    if meta.get("classification"):
        values.update(classification(meta["classification"]))
    if meta.get("references"):
        values["references"] = references(meta["references"])
    if meta.get("keywords"):
        values["keywords"] = [k.strip()[:60] for k in meta["keywords"].split(",") if k.strip()][:50]
    return values

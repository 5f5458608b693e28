"""Importing documents: the seed policy's metadata block, files of every type, idempotency, bad files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone

from rodtrad.core.access import SYSTEM
from rodtrad.core.demo.loader import load
from rodtrad.core.models import AuditEntry
from rodtrad.core.tests.factories import make_user
from rodtrad.documents import importer, search, services
from rodtrad.documents.models import Document, DocumentVersion
from rodtrad.documents.tests.samples import docx_bytes, odt_bytes, pdf_bytes

#: The shared seeds beside the repository (as in CI); the product itself never reads them.
SEEDS = Path(__file__).resolve().parents[4] / "../shared/seeds"

ROUTINE = """# Rutin för avvikelsehantering

Avvikelser rapporteras samma dag.

Verksamhet: {unit}
Godkännare: {approver}
Upprättare: Kvalitetsavdelningen
Gäller från: 2025-01-15
Revideras senast: 2027-01-15
Informationssäkerhet: K (1) R (2) T (2) S (3)
Referens: SOSFS 2011:9, ISO 9001 (10.2)
Nyckelord: avvikelse, lärande
"""


def _seed() -> Path:
    found = sorted(SEEDS.glob("003_*.txt"))
    assert found, f"the seed policy is missing: expected ../shared/seeds/003_*.txt at {SEEDS}"
    return found[0]


def test_the_seed_policy_imports_with_every_metadata_field(db):
    path = _seed()
    result = services.import_document(by=SYSTEM, name=path.name, data=path.read_bytes(), published=True)
    doc = Document.objects.get(pk=result.document.pk)
    assert result.created
    assert doc.title == "Landstingets policy"
    assert doc.type.name == "Policy"
    assert doc.unit is None  # Verksamhet: Landstingsövergripande, the whole organisation
    assert (doc.approver, doc.approver_body) == (None, "Landstingsfullmäktige")
    assert (doc.author, doc.author_body) == (None, "Landstinget i Kalmar län")
    assert doc.valid_from == dt.date(2017, 11, 30)
    assert doc.review_by == dt.date(2021, 11, 30)  # a policy's 48 months
    levels = (doc.classification_k, doc.classification_r, doc.classification_t, doc.classification_s)
    assert levels == (2, 2, 2, 2)
    assert [(r.source, r.clause) for r in doc.references.all()] == [
        ("ISO 9001", "5.2"),
        ("ISO 14001", "5.2"),
        ("ISO 27001", "5.2"),
        ("SOSFS 2011:9", ""),
    ]
    assert doc.status == Document.Status.PUBLISHED
    version = doc.published_version
    assert version is not None and "Medborgare och kund" in version.content
    assert "Godkännare" not in version.content and "Verksamhet:" not in version.content
    assert "Landstingsfullmäktige" not in version.html
    assert version.source_hash and version.change_note.endswith(path.name)
    assert set(search.search(make_user(), "förbättringen")) == {doc}


def test_metadata_names_units_and_people(orgtree, staff):
    data = ROUTINE.format(unit="Enhet A1", approver=staff.approver.name).encode()
    doc = services.import_document(by=staff.editor, name="rutin.md", data=data).document
    assert doc.unit == orgtree.a1 and doc.approver == staff.approver and doc.approver_body == ""
    assert doc.author_body == "Kvalitetsavdelningen" and doc.review_by == dt.date(2027, 1, 15)
    assert (doc.classification_k, doc.classification_s) == (1, 3) and doc.keywords == ["avvikelse", "lärande"]
    assert [str(r) for r in doc.references.all()] == ["SOSFS 2011:9", "ISO 9001 10.2"]
    assert doc.type.name == "Rutin" and doc.status == Document.Status.DRAFT


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ISO 9001 (5.2) ISO 14001 (5.2) ISO 27001 (5.2) SOSFS 2011:9", 4),
        ("HSLF-FS 2017:40; Patientsäkerhetslagen", 1),
        ("Patientsäkerhetslagen", 1),
    ],
)
def test_reference_lines(value, expected):
    assert len(importer.references(value)) == expected


def test_bold_variants_of_the_block_are_read():
    text = (
        "# Plan\n\n**Verksamhet**: Regionövergripande\n__Gäller från:__ 2024-02-01\nVerksamhet är viktig.\n"
    )
    parsed = importer.parse("plan.md", text.encode())
    assert parsed.metadata == {"unit": "Regionövergripande", "valid_from": "2024-02-01"}
    assert "Verksamhet är viktig." in parsed.content


def test_bad_metadata_is_refused_naming_the_field(orgtree, staff):
    data = ROUTINE.format(unit="Okänd enhet", approver="x").encode()
    with pytest.raises(Exception, match="Okänd enhet"):
        services.import_document(by=staff.editor, name="rutin.md", data=data)
    bad_date = ROUTINE.format(unit="Enhet A1", approver="x").replace("2025-01-15", "15 januari")
    with pytest.raises(Exception, match="15 januari"):
        services.import_document(by=staff.editor, name="rutin.md", data=bad_date.encode())
    assert not Document.objects.exists()


def _folder(tmp_path: Path, staff: Any) -> Path:
    (tmp_path / "sub").mkdir()
    (tmp_path / "rutin.md").write_text(ROUTINE.format(unit="A", approver="Nämnden"))
    (tmp_path / "anteckning.txt").write_text("Riktlinje för sprit\n\nVerksamhet: A1\n\nSprita händerna.\n")
    (tmp_path / "sub" / "vardprogram.docx").write_bytes(
        docx_bytes("Vårdprogram för stroke", "Verksamhet: Förvaltning A", "Trombolys inom 60 minuter.")
    )
    (tmp_path / "sub" / "plan.pdf").write_bytes(pdf_bytes("Plan för miljöarbete", "Verksamhet: B"))
    (tmp_path / "sub" / "program.odt").write_bytes(odt_bytes("Program för jämställdhet", "Verksamhet: B1"))
    (tmp_path / "sub" / "trasig.pdf").write_bytes(b"%PDF-1.7 broken")
    (tmp_path / "sub" / "bild.png").write_bytes(b"\x89PNG")  # not a document: not picked up in folders
    return tmp_path


def test_command_imports_a_folder_reports_failures_and_is_idempotent(orgtree, staff, tmp_path, capsys):
    folder = _folder(tmp_path, staff)
    with pytest.raises(CommandError, match="5 imported, 0 skipped, 1 failed"):
        call_command("import-documents", str(folder), "--quiet")
    out = capsys.readouterr().out
    assert "failed    " in out and "trasig.pdf" in out and "PDF" in out
    titles = dict(Document.objects.values_list("title", "type__name"))
    assert titles == {
        "Rutin för avvikelsehantering": "Rutin",
        "Riktlinje för sprit": "Riktlinje",
        "Vårdprogram för stroke": "Vårdprogram",
        "Plan för miljöarbete": "Plan",
        "Program för jämställdhet": "Program",
    }
    pdf = DocumentVersion.objects.get(file_name="plan.pdf")
    assert "miljöarbete" in pdf.file_text and pdf.document.unit == orgtree.b
    entries = AuditEntry.objects.count()
    (folder / "sub" / "trasig.pdf").unlink()
    call_command("import-documents", str(folder), "--quiet")
    assert "0 imported, 5 skipped, 0 failed" in capsys.readouterr().out
    assert Document.objects.count() == 5 and AuditEntry.objects.count() == entries


def test_command_publishes_and_names_unsupported_files(orgtree, staff, tmp_path, capsys):
    (tmp_path / "policy.md").write_text("# Policy för kvalitet\n\nVerksamhet: Landstingsövergripande\n")
    (tmp_path / "bild.png").write_bytes(b"\x89PNG")
    with pytest.raises(CommandError, match="1 imported, 0 skipped, 1 failed"):
        call_command("import-documents", str(tmp_path / "policy.md"), str(tmp_path / "bild.png"), "--publish")
    out = capsys.readouterr().out
    assert "failed" in out and "bild.png" in out and "DOCX" in out
    assert Document.objects.get().status == Document.Status.PUBLISHED


def _upload(client: Any, name: str, data: bytes, **fields: Any) -> Any:
    return client.client.post(
        "/api/v1/documents/import",
        {"file": SimpleUploadedFile(name, data), **fields},
        headers=client.headers,
    )


def test_api_import(orgtree, staff, api_as):
    client = api_as(staff.editor)
    data = ROUTINE.format(unit="Enhet A1", approver="Nämnden").encode()
    first = _upload(client, "rutin.md", data)
    assert first.status_code == 201, first.content
    assert first.json()["unit"]["id"] == orgtree.a1.pk and first.json()["status"] == "draft"
    again = _upload(client, "kopia.md", data)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert _upload(api_as(staff.reader_b1), "kopia.md", data).status_code == 409
    whole = "# Policy\n\nVerksamhet: Landstingsövergripande\n".encode()
    assert _upload(client, "policy.md", whole).status_code == 403
    assert _upload(client, "policy.md", whole, unit=orgtree.a.pk).status_code == 201
    assert _upload(api_as(None), "x.md", b"# X\n").status_code == 401
    broken = _upload(client, "trasig.docx", b"PK\x03\x04 broken", unit=orgtree.a.pk)
    assert broken.status_code == 400 and "trasig.docx" in broken.json()["detail"][0]["msg"]
    assert _upload(client, "virus.exe", b"MZ").status_code == 415


@override_settings(RODTRAD_DOCUMENT_MAX_BYTES=2_000)
def test_api_import_over_the_document_limit_is_413(orgtree, staff, api_as):
    response = _upload(api_as(staff.editor), "stor.md", b"# Stor\n" + b"x" * 3_000, unit=orgtree.a.pk)
    assert response.status_code == 413 and "stor.md" in response.json()["detail"]
    assert not Document.objects.exists()


@override_settings(MAX_BODY_BYTES=5_000, BODY_LIMITS_BY_PATH={"/api/v1/documents": 50_000})
def test_document_uploads_have_their_own_body_limit(orgtree, staff, api_as):
    """The global limit refuses a large body anywhere else; document uploads get theirs."""
    client = api_as(staff.editor)
    body = b"# Rutin\n\n" + b"Text. " * 2_000  # about 12 kB
    assert _upload(client, "rutin.md", body, unit=orgtree.a.pk).status_code == 201
    assert client.post("/units", {"name": "x" * 12_000}).status_code == 413
    assert _upload(client, "stor.md", body * 5, unit=orgtree.a.pk).status_code == 413


@pytest.mark.django_db
def test_the_demo_loads_its_library_through_the_importer_once():
    load("kalmar")
    documents, entries = Document.objects.count(), AuditEntry.objects.count()
    assert documents >= 31
    policy = Document.objects.get(title="Regionens policy för kvalitet och ständiga förbättringar")
    assert policy.status == Document.Status.PUBLISHED and policy.classification_k == 0
    assert policy.unit is None and policy.approver_body == "Regionfullmäktige"
    assert [str(r) for r in policy.references.all()][-1] == "HSLF-FS 2017:40"
    assert Document.objects.due_for_review(timezone.localdate()).count() >= 8
    assert Document.objects.filter(read_version__isnull=False).count() >= 8
    assert DocumentVersion.objects.exclude(source_hash="").count() >= 30
    load("kalmar")
    assert (Document.objects.count(), AuditEntry.objects.count()) == (documents, entries)


@override_settings(BODY_LIMITS_BY_PATH={"/api/v1/documents": 1_000})
def test_api_upload_too_large_to_read_is_a_json_413(orgtree, staff, api_as):
    response = _upload(api_as(staff.editor), "stor.md", b"# Stor\n" + b"x" * 3_000, unit=orgtree.a.pk)
    assert response.status_code == 413 and "1000" in response.json()["detail"]
    assert not Document.objects.exists()

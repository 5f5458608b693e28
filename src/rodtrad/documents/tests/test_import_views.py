"""The import page: who may use it, each file's outcome, and bad uploads that change nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from rodtrad.core.models import AuditEntry
from rodtrad.documents import services
from rodtrad.documents.models import Document, DocumentVersion
from rodtrad.documents.tests.samples import docx_bytes

URL = reverse("documents:import")


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def md(name: str, title: str, unit: str = "") -> SimpleUploadedFile:
    block = f"\nVerksamhet: {unit}\n" if unit else ""
    return SimpleUploadedFile(name, f"# {title}\n\nText om {title.lower()}.\n{block}".encode())


def outcomes(response: Any) -> list[tuple[str, str]]:
    return [(r.name, r.outcome) for r in response.context["results"]]


def snapshot() -> tuple[int, int, int]:
    return Document.objects.count(), DocumentVersion.objects.count(), AuditEntry.objects.count()


def test_anonymous_is_sent_to_log_in(db):
    response = Client().get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("core:login"))


def test_a_reader_may_not_import(staff):
    client = client_for(staff.reader_a1)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"uploads": [md("a.md", "Rutin A")], "unit": "A1"}).status_code == 403
    assert not Document.objects.exists()
    assert reverse("documents:import") not in client.get(reverse("documents:documents")).content.decode()


def test_editors_and_quality_get_the_page_linked_from_the_list(staff):
    for user in (staff.editor, staff.quality):
        client = client_for(user)
        response = client.get(URL)
        assert response.status_code == 200
        assert 'type="file"' in response.content.decode() and "multiple" in response.content.decode()
        assert URL in client.get(reverse("documents:documents")).content.decode()


def test_each_file_is_reported_and_identical_files_import_once(staff, orgtree):
    client = client_for(staff.editor)
    files = [
        md("handhygien.md", "Rutin för handhygien"),
        SimpleUploadedFile("fallprevention.docx", docx_bytes("Rutin för fallprevention", "Förebygg fall.")),
    ]
    response = client.post(URL, {"uploads": files, "unit": "A1"})
    assert response.status_code == 200
    assert outcomes(response) == [("handhygien.md", "imported"), ("fallprevention.docx", "imported")]
    docs = [r.document for r in response.context["results"]]
    assert {d.unit for d in Document.objects.all()} == {orgtree.a1}
    assert all(d.status == Document.Status.DRAFT for d in Document.objects.all())
    page = response.content.decode()
    assert all(reverse("documents:document", args=[d.pk]) in page for d in docs)

    again = client.post(URL, {"uploads": [md("kopia.md", "Rutin för handhygien")], "unit": "A1"})
    assert outcomes(again) == [("kopia.md", "existing")]
    assert again.context["results"][0].document == docs[0]
    assert Document.objects.count() == 2


def test_the_files_verksamhet_line_gives_the_scope_when_no_unit_is_chosen(staff, orgtree):
    response = client_for(staff.editor).post(URL, {"uploads": [md("a.md", "Rutin A", unit="A1")]})
    assert outcomes(response) == [("a.md", "imported")]
    assert Document.objects.get().unit == orgtree.a1


def test_a_corrupt_file_is_reported_by_name_while_the_others_import(staff):
    files = [
        md("forsta.md", "Rutin ett"),
        SimpleUploadedFile("trasig.docx", b"PK\x03\x04 this is no document"),
        md("andra.md", "Rutin två"),
    ]
    response = client_for(staff.editor).post(URL, {"uploads": files, "unit": "A1"})
    assert response.status_code == 200
    expected = [("forsta.md", "imported"), ("trasig.docx", "failed"), ("andra.md", "imported")]
    assert outcomes(response) == expected
    failed = response.context["results"][1]
    assert failed.reason and failed.document is None
    assert "trasig.docx" in response.content.decode()
    assert sorted(Document.objects.values_list("title", flat=True)) == ["Rutin ett", "Rutin två"]
    assert not DocumentVersion.objects.filter(file_name="trasig.docx").exists()


def test_files_outside_the_editors_units_fail_one_by_one(staff):
    files = [md("b.md", "Rutin B", unit="Enhet B1"), md("utan.md", "Rutin utan verksamhet")]
    response = client_for(staff.editor).post(URL, {"uploads": files})
    assert outcomes(response) == [("b.md", "failed"), ("utan.md", "failed")]
    assert all(r.reason for r in response.context["results"])
    assert not Document.objects.exists()


def test_a_file_imported_where_the_person_cannot_see_it_is_not_revealed(staff, orgtree):
    data = b"# Rutin i B\n\nHemlig text.\n"
    services.import_document(by=staff.editor_b, name="b.md", data=data, unit=orgtree.b1)
    response = client_for(staff.editor).post(
        URL, {"uploads": [SimpleUploadedFile("b.md", data)], "unit": "A1"}
    )
    assert outcomes(response) == [("b.md", "existing")]
    assert response.context["results"][0].document is None
    assert "Rutin i B" not in response.content.decode()


@pytest.mark.parametrize(
    ("post", "status"),
    [
        ({"uploads": [md("ok.md", "Rutin"), SimpleUploadedFile("bild.png", b"\x89PNG")], "unit": "A1"}, 415),
        ({"uploads": [md("ok.md", "Rutin")], "unit": "B1"}, 400),  # not the editor's unit
        ({"uploads": [md("ok.md", "Rutin")], "unit": "NOSUCH"}, 400),
        ({"unit": "A1"}, 400),
    ],
)
def test_a_refused_upload_changes_nothing(staff, post, status):
    before = snapshot()
    response = client_for(staff.editor).post(URL, post)
    assert response.status_code == status
    assert response.context["form"].errors
    assert "results" not in response.context
    assert snapshot() == before


@override_settings(RODTRAD_DOCUMENT_MAX_BYTES=100)
def test_a_file_over_the_limit_is_413_and_changes_nothing(staff):
    before = snapshot()
    files = [md("liten.md", "Rutin"), SimpleUploadedFile("stor.md", b"# Stor\n\n" + b"x" * 200)]
    response = client_for(staff.editor).post(URL, {"uploads": files, "unit": "A1"})
    assert response.status_code == 413
    assert "stor.md" in " ".join(response.context["form"].errors["uploads"])
    assert snapshot() == before


@override_settings(RODTRAD_DOCUMENT_MAX_BYTES=1_000, BODY_LIMITS_BY_PATH={"/documents/": 2_000})
@pytest.mark.parametrize(
    "files",
    [
        [SimpleUploadedFile(f"rutin{n}.md", b"# Rutin\n\n" + b"x" * 800) for n in range(3)],  # each fits
        [SimpleUploadedFile("stor.md", b"# Stor\n\n" + b"x" * 3_000)],  # one file over both limits
    ],
)
def test_an_upload_too_large_to_read_gets_the_page_and_a_form_error(staff, files):
    before = snapshot()
    response = client_for(staff.editor).post(URL, {"uploads": files, "unit": "A1"})
    assert response.status_code == 413
    assert [t.name for t in response.templates][0] == "documents/import.html"
    errors = response.context["form"].errors
    assert list(errors) == ["uploads"] and "2,0" in errors["uploads"][0]  # the limit, in kB
    page = response.content.decode()
    assert 'type="file"' in page and 'aria-invalid="true"' in page and "results" not in response.context
    assert snapshot() == before


@override_settings(BODY_LIMITS_BY_PATH={"/documents/": 100})
def test_an_upload_too_large_to_read_still_needs_the_right_to_import(staff):
    upload = {"uploads": [md("rutin.md", "Rutin " + "x" * 200)]}
    anonymous = Client().post(URL, upload)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("core:login"))
    assert client_for(staff.reader_a1).post(URL, upload).status_code == 403
    assert not Document.objects.exists()

"""The /api/v1/documents endpoints as a client sees them: codes, shapes, filters and query budgets."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rodtrad.core.access import SYSTEM
from rodtrad.core.models import Role
from rodtrad.core.tests.factories import make_user
from rodtrad.core.tests.statements import in_first_transaction
from rodtrad.documents.tests.factories import doc_type, make_document, publish_document
from rodtrad.documents.tests.samples import pdf_bytes


def test_create_a_document_with_the_seed_metadata(orgtree, staff, api_as):
    body = {
        "title": "Landstingets policy",
        "type": doc_type("Policy").pk,
        "unit": orgtree.a.pk,
        "content": "# Landstingets policy\n",
        "author_body": "Landstinget i Kalmar län",
        "approver_body": "Landstingsfullmäktige",
        "valid_from": "2017-11-30",
        "classification": {"k": 2, "r": 2, "t": 2, "s": 2},
        "references": [
            {"source": "ISO 9001", "clause": "5.2"},
            {"source": "ISO 14001", "clause": "5.2"},
            {"source": "SOSFS 2011:9"},
        ],
        "keywords": ["policy", "vision"],
    }
    response = api_as(staff.editor).post("/documents", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["number"].startswith("DOK-") and data["status"] == "draft"
    assert data["review_by"] == "2021-11-30"  # a policy: 48 months
    assert data["classification"] == {"k": 2, "r": 2, "t": 2, "s": 2, "scheme": "KLASSA"}
    assert data["references"][2] == {"source": "SOSFS 2011:9", "clause": ""}
    assert data["approver_body"] == "Landstingsfullmäktige" and data["owner"] == staff.editor.pk


def test_bad_dates_name_both_fields(orgtree, staff, api_as):
    body = {"title": "X", "type": doc_type().pk, "unit": orgtree.a.pk}
    response = api_as(staff.editor).post(
        "/documents", {**body, "valid_from": "2026-05-01", "review_by": "2026-01-01"}
    )
    assert response.status_code == 400
    assert {e["loc"][-1] for e in response.json()["detail"]} == {"valid_from", "review_by"}


def test_wrong_role_and_other_unit_are_refused(orgtree, staff, api_as):
    body = {"title": "X", "type": doc_type().pk, "unit": orgtree.a.pk}
    assert api_as(None).post("/documents", body).status_code == 401
    assert api_as(staff.reader_a1).post("/documents", body).status_code == 403
    assert api_as(staff.editor_b).post("/documents", body).status_code == 403
    doc = make_document(staff.editor, orgtree.a)
    assert api_as(staff.editor_b).get(f"/documents/{doc.pk}").status_code == 404
    assert (
        api_as(staff.editor_b).post(f"/documents/{doc.pk}/submit", {"version": doc.version}).status_code
        == 404
    )


def test_whole_workflow_over_the_api(orgtree, staff, api_as):
    editor, approver = api_as(staff.editor), api_as(staff.approver)
    doc = make_document(staff.editor, orgtree.a)
    r = editor.post(f"/documents/{doc.pk}/submit", {"version": doc.version, "reviewers": [staff.quality.pk]})
    assert r.status_code == 200 and r.json()["status"] == "review"
    r = api_as(staff.quality).post(f"/documents/{doc.pk}/review", {"comment": "Bra", "done": True})
    assert r.status_code == 200 and r.json()["done_at"]
    version = editor.get(f"/documents/{doc.pk}").json()["version"]
    assert editor.post(f"/documents/{doc.pk}/approve", {"version": version}).status_code == 403
    r = approver.post(f"/documents/{doc.pk}/approve", {"version": version, "comment": "Ok"})
    assert r.status_code == 200 and r.json()["status"] == "approved"
    assert approver.post(f"/documents/{doc.pk}/approve", {"version": r.json()["version"]}).status_code == 409
    r = editor.post(
        f"/documents/{doc.pk}/publish",
        {"version": r.json()["version"], "read_units": [orgtree.a1.pk], "read_roles": ["reader"]},
    )
    assert r.status_code == 200 and r.json()["published_version"] == 1 and r.json()["read_version"] == 1
    assert api_as(staff.reader_a1).post(f"/documents/{doc.pk}/read", {}).status_code == 200
    progress = editor.get(f"/documents/{doc.pk}/reads").json()
    assert (progress["read"], progress["total"]) == (1, 1)
    assert progress["units"][0]["unit"]["code"] == "A1"
    r = api_as(staff.quality).post(
        f"/documents/{doc.pk}/withdraw", {"version": r.json()["version"], "reason": "Ersatt"}
    )
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"


def test_an_unknown_reviewer_is_a_400_naming_the_id_and_changes_nothing(orgtree, staff, api_as):
    doc = make_document(staff.editor, orgtree.a)
    body = {"version": doc.version, "reviewers": [staff.quality.pk, 999_999]}
    r = api_as(staff.editor).post(f"/documents/{doc.pk}/submit", body)
    assert r.status_code == 400, r.content
    assert "999999" in str(r.json()) and "reviewers" in str(r.json())
    assert api_as(staff.editor).get(f"/documents/{doc.pk}").json()["status"] == "draft"


def test_stale_write_is_409(orgtree, staff, api_as):
    doc = make_document(staff.editor, orgtree.a)
    client = api_as(staff.editor)
    assert client.patch(f"/documents/{doc.pk}", {"version": doc.version, "title": "Ny"}).status_code == 200
    r = client.patch(f"/documents/{doc.pk}", {"version": doc.version, "title": "Annan"})
    assert r.status_code == 409 and client.get(f"/documents/{doc.pk}").json()["title"] == "Ny"


def test_versions_and_diff(orgtree, staff, api_as):
    doc = publish_document(
        make_document(staff.editor, orgtree.a), editor=staff.editor, approver=staff.approver
    )
    client = api_as(staff.editor)
    version = client.get(f"/documents/{doc.pk}").json()["version"]
    r = client.client.post(
        f"/api/v1/documents/{doc.pk}/versions",
        {"version": version, "content": "# Handhygien\n\nSprita händerna.\n", "change_note": "Sprit"},
        headers=client.headers,
    )
    assert r.status_code == 201 and r.json()["number"] == 2
    assert [v["number"] for v in client.get(f"/documents/{doc.pk}/versions").json()] == [1, 2]
    assert [v["number"] for v in api_as(staff.reader_a1).get(f"/documents/{doc.pk}/versions").json()] == [1]
    r = client.get(f"/documents/{doc.pk}/versions/2?compare_to=1")
    assert r.status_code == 200 and "+Sprita händerna." in r.json()["diff"]
    assert api_as(staff.reader_a1).get(f"/documents/{doc.pk}/versions/2").status_code == 404


@override_settings(RODTRAD_DOCUMENT_MAX_BYTES=20_000)
def test_upload_limits(orgtree, staff, api_as):
    doc = make_document(staff.editor, orgtree.a)
    client = api_as(staff.editor)

    def upload(name: str, data: bytes) -> Any:
        return client.client.post(
            f"/api/v1/documents/{doc.pk}/versions",
            {"version": doc.version, "file": SimpleUploadedFile(name, data)},
            headers=client.headers,
        )

    assert upload("big.pdf", b"%PDF-" + b"x" * 30_000).status_code == 413
    assert upload("virus.exe", b"MZ").status_code == 415
    r = upload("rutin.pdf", pdf_bytes())
    assert r.status_code == 200 and r.json()["file_name"] == "rutin.pdf"


def test_list_filters_and_due_for_review(orgtree, staff, api_as):
    soon = timezone.localdate() + dt.timedelta(days=10)
    due = publish_document(
        make_document(staff.editor, orgtree.a1, review_by=soon), editor=staff.editor, approver=staff.approver
    )
    make_document(staff.editor, orgtree.a, classification_k=3)
    client = api_as(staff.editor)
    assert client.get("/documents").json()["count"] == 2
    assert [d["id"] for d in client.get("/documents?due_for_review=true").json()["items"]] == [due.pk]
    assert client.get("/documents?status=draft").json()["count"] == 1
    assert client.get(f"/documents?unit={orgtree.a1.pk}").json()["count"] == 1
    assert client.get("/documents?classification=3").json()["count"] == 1
    assert api_as(staff.reader_b1).get("/documents").json()["count"] == 1


def _queries(client: Any, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("k", [1, 3])
def test_query_budgets_do_not_grow_with_data(orgtree, staff, api_as, k):
    client = api_as(staff.editor)
    doc = make_document(
        staff.editor, orgtree.a, classification_k=k, references=[("ISO 9001", "5.2")], readers=[staff.editor]
    )
    list_before, detail_before = _queries(client, "/documents"), _queries(client, f"/documents/{doc.pk}")
    for n in range(5):
        make_document(staff.editor, orgtree.a, references=[("ISO 9001", str(n)), ("SOSFS 2011:9", "")])
        make_user(unit=orgtree.a1, role=Role.READER)
    assert _queries(client, "/documents") == list_before <= 8
    assert _queries(client, f"/documents/{doc.pk}") == detail_before <= 14


def test_classification_must_be_an_object_and_a_change_keeps_the_levels_it_does_not_name(
    orgtree, staff, api_as
):
    doc = make_document(staff.editor, orgtree.a)
    client = api_as(staff.editor)
    assert client.post("/documents", {"title": "X", "classification": [None, None]}).status_code == 422
    before = client.get(f"/documents/{doc.pk}").json()
    r = client.patch(f"/documents/{doc.pk}", {"version": before["version"], "classification": {"k": 3}})
    assert r.status_code == 200, r.content
    assert r.json()["classification"] == {**before["classification"], "k": 3}
    unchanged = client.patch(f"/documents/{doc.pk}", {"version": r.json()["version"], "classification": {}})
    assert unchanged.status_code == 200 and unchanged.json()["classification"] == r.json()["classification"]


def test_references_without_clause_and_booleans_for_levels(orgtree, staff, api_as):
    doc = make_document(staff.editor, orgtree.a)
    client = api_as(staff.editor)
    bad = client.patch(f"/documents/{doc.pk}", {"version": doc.version, "classification": {"s": False}})
    assert bad.status_code == 422
    r = client.patch(
        f"/documents/{doc.pk}", {"version": doc.version, "references": [{"source": "SOSFS 2011:9"}]}
    )
    assert r.status_code == 200, r.content
    assert r.json()["references"] == [{"source": "SOSFS 2011:9", "clause": ""}]


def test_a_number_where_a_date_is_expected_is_422_not_a_unix_time(orgtree, staff, api_as):
    doc = make_document(staff.editor, orgtree.a)
    r = api_as(staff.editor).patch(f"/documents/{doc.pk}", {"version": doc.version, "valid_from": 0})
    assert r.status_code == 422


def test_an_overlong_search_is_422(orgtree, staff, api_as):
    assert api_as(staff.editor).get("/search?q=" + "ö" * 2000).status_code == 422


def test_what_applies_to_a_unit(orgtree, staff, api_as, client):
    """A unit follows its own documents, those of the units above it and the whole organisation's."""
    scopes = {"Hela": None, "Region": orgtree.region, "A": orgtree.a, "A1": orgtree.a1, "B": orgtree.b}
    docs = {
        name: publish_document(
            make_document(SYSTEM, unit, title=f"Rutin {name}"), editor=SYSTEM, approver=SYSTEM
        )
        for name, unit in scopes.items()
    }
    api = api_as(staff.reader_a1)

    def ids(path: str) -> set[int]:
        response = api.get(path)
        assert response.status_code == 200, response.content
        return {item.get("document", item)["id"] for item in response.json()["items"]}

    for_a1 = {docs[name].pk for name in ("Hela", "Region", "A", "A1")}
    assert ids(f"/documents?applies_to={orgtree.a1.pk}&limit=100") == for_a1
    assert ids(f"/documents?applies_to={orgtree.a.pk}&limit=100") == for_a1 - {docs["A1"].pk}
    assert ids(f"/search?q=handhygien&applies_to={orgtree.a1.pk}") == for_a1
    assert api.get("/documents?applies_to=999999").status_code == 404
    client.force_login(staff.reader_a1)
    assert 'href="/documents/?applies_to=A1">Dokument som gäller för Enhet A1' in client.get("/").text
    listed = client.get("/documents/").text
    assert 'href="?applies_to=A1"' in listed and "Dokument som gäller för Enhet A1" in listed
    listed = client.get("/documents/", {"applies_to": "A1"}).text
    assert [name for name in scopes if f"Rutin {name}</a>" in listed] == ["Hela", "Region", "A", "A1"]
    assert "applies_to=" + str(orgtree.a1.pk) in listed  # the export links keep the filter


def test_confirming_a_read_reads_the_document_before_its_transaction(orgtree, staff, api_as):
    """A whole unit confirms at once after a publication; on SQLite a transaction holds the one
    write lock, so inside it only the receipt and the audit chain's head are read."""
    doc = publish_document(
        make_document(staff.editor, orgtree.a), editor=staff.editor, approver=staff.approver
    )
    reader = api_as(staff.reader_a1)
    with CaptureQueriesContext(connection) as queries:
        assert reader.post(f"/documents/{doc.pk}/read", {}).status_code == 200
    inside = in_first_transaction(queries.captured_queries)
    reads = [sql.split(" FROM ")[1].split()[0] for sql in inside if sql.startswith("SELECT")]
    assert sorted(reads) == ['"core_audithead"', '"documents_readreceipt"'], reads

"""What a client sees when it sends the API bad input: a clear 4xx in the documented shape, never a 5xx.

Each case here was found by ``make fuzz`` (schemathesis) or guards a limit of SQLite or PostgreSQL.
"""

from __future__ import annotations

import pytest
from django.test import Client

from rodtrad.core.models import Unit, User
from rodtrad.core.schemas import MAX_ID
from rodtrad.core.tests.factories import make_user


def _fields(response) -> list[list[str | int]]:
    return [error["loc"] for error in response.json()["detail"]]


def _is_field_errors(body) -> bool:
    return isinstance(body["detail"], list) and all(
        isinstance(e["loc"], list) and isinstance(e["msg"], str) for e in body["detail"]
    )


# ---- request validation: 422 naming the field ---------------------------------


def test_invalid_body_is_422_naming_the_field_without_internal_names(orgtree, admin_a, api_as):
    response = api_as(admin_a).post("/units", {"name": "Utan kod", "parent": orgtree.a.pk})
    assert response.status_code == 422
    assert _is_field_errors(response.json())
    assert ["body", "code"] in _fields(response)
    assert not Unit.objects.filter(name="Utan kod").exists()


def test_missing_body_is_422_for_the_whole_body(orgtree, admin_a, api_as):
    api = api_as(admin_a)
    response = api.client.generic("POST", "/api/v1/units", headers=api.headers)
    assert response.status_code == 422
    assert _fields(response) == [["body"]]


def test_body_that_is_not_json_is_400_in_the_field_error_shape(orgtree, admin_a, api_as):
    response = api_as(admin_a).post("/units", "\x00{not json")
    assert response.status_code == 400
    assert _is_field_errors(response.json())
    assert _fields(response) == [["body"]]


@pytest.mark.parametrize("field", ["code", "name", "external_id"])
def test_nul_character_in_a_body_string_is_422_and_stores_nothing(orgtree, admin_a, api_as, field):
    payload = {"code": "A9", "name": "Enhet A9", "parent": orgtree.a.pk, field: "bad\x00value"}
    response = api_as(admin_a).post("/units", payload)
    assert response.status_code == 422
    assert ["body", field] in _fields(response)
    assert not Unit.objects.filter(code__startswith="A9").exists()


@pytest.mark.parametrize("path", ["/units?q=a%00b", "/users?q=a%00b", "/audit?object_id=1%00"])
def test_nul_character_in_a_query_is_422(orgtree, region_admin, api_as, path):
    response = api_as(region_admin).get(path)
    assert response.status_code == 422
    assert _fields(response)[0][0] == "query"


@pytest.mark.parametrize(
    "path",
    [
        f"/units/{MAX_ID + 1}",
        f"/units/{2**63}",
        "/units/0",
        f"/users/{2**64}",
        f"/units?parent={2**63}",
        f"/units?offset={2**63}",
        "/units?offset=-1",
        "/units?limit=100000",
        f"/audit?actor={2**63}",
        f"/units/1/tree?depth={2**31}",
    ],
)
def test_integers_out_of_the_database_range_are_422(orgtree, region_admin, api_as, path):
    response = api_as(region_admin).get(path)
    assert response.status_code == 422
    assert _is_field_errors(response.json())


def test_largest_accepted_id_is_a_plain_404(orgtree, region_admin, api_as):
    api = api_as(region_admin)
    assert api.get(f"/units/{MAX_ID}").status_code == 404
    assert api.patch(f"/users/{MAX_ID}", {"version": MAX_ID}).status_code == 404
    assert api.delete(f"/memberships/{MAX_ID}").status_code == 404


def test_largest_offset_gives_an_empty_page(orgtree, region_admin, api_as):
    response = api_as(region_admin).get(f"/units?offset={MAX_ID}")
    assert response.status_code == 200
    assert response.json() == {"items": [], "count": 5}


def test_non_numeric_path_id_is_422_naming_the_parameter(orgtree, region_admin, api_as):
    response = api_as(region_admin).get("/units/null,null")
    assert response.status_code == 422
    assert _fields(response) == [["path", "unit_id"]]


@pytest.mark.parametrize("path", ["/units?parent={pk}", "/users?unit={pk}", "/audit?unit={pk}"])
def test_list_filter_naming_an_unknown_unit_gives_an_empty_page(orgtree, region_admin, api_as, path):
    response = api_as(region_admin).get(path.format(pk=MAX_ID))
    assert response.status_code == 200
    assert response.json() == {"items": [], "count": 0}


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00%2B01:00", "9999-12-31T23:59:59-01:00"])
def test_audit_time_filter_beyond_what_utc_holds_is_422(orgtree, region_admin, api_as, moment):
    response = api_as(region_admin).get(f"/audit?since={moment}")
    assert response.status_code == 422
    assert _fields(response) == [["query", "since"]]


@pytest.mark.parametrize("moment", ["0.5", "1700000000", "yesterday"])
def test_audit_time_filter_that_is_not_iso_8601_is_422(orgtree, region_admin, api_as, moment):
    response = api_as(region_admin).get(f"/audit?until={moment}")
    assert response.status_code == 422
    assert _fields(response) == [["query", "until"]]


def test_audit_time_filter_without_offset_is_read_as_local_time(orgtree, region_admin, api_as):
    response = api_as(region_admin).get("/audit?since=2000-01-01T00:00:00&until=9999-12-31T00:00:00")
    assert response.status_code == 200
    assert response.json()["count"] > 0


@pytest.mark.parametrize("body", ["[null, null]", '"all"', "42", "null"])
def test_marking_notifications_read_needs_a_json_object(orgtree, admin_a, api_as, body):
    api = api_as(admin_a)
    unread = api.get("/notifications?unread=true").json()["count"]
    assert unread > 0
    response = api.post("/notifications/read", body)
    assert response.status_code == 422
    assert _fields(response) == [["body"]]
    assert api.get("/notifications?unread=true").json()["count"] == unread


# ---- 401, 403, 404, 409 --------------------------------------------------------


def test_errors_other_than_field_errors_carry_a_text_detail(orgtree, admin_a, api_as):
    api = api_as(admin_a)
    forbidden = api.post("/units", {"code": "B9", "name": "Enhet B9", "parent": orgtree.b.pk})
    assert forbidden.status_code == 403
    assert isinstance(forbidden.json()["detail"], str)
    missing = api.get(f"/units/{MAX_ID}")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Not found."}
    anonymous = api_as(None).post("/units", {"code": "B9", "name": "Enhet B9"})
    assert anonymous.status_code == 401
    assert anonymous.json() == {"detail": "Unauthorized"}


def test_stale_write_is_409_with_the_current_version(orgtree, admin_a, api_as):
    api = api_as(admin_a)
    assert api.patch(f"/units/{orgtree.a1.pk}", {"version": 1, "name": "Första"}).status_code == 200
    stale = api.patch(f"/units/{orgtree.a1.pk}", {"version": 1, "name": "Andra"})
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2
    assert isinstance(stale.json()["detail"], str)
    assert Unit.objects.get(pk=orgtree.a1.pk).name == "Första"


def test_session_write_without_csrf_token_is_403(orgtree, admin_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_a)
    response = client.post(
        "/api/v1/units",
        {"code": "A8", "name": "Enhet A8", "parent": orgtree.a.pk},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert isinstance(response.json()["detail"], str)
    assert not Unit.objects.filter(code="A8").exists()


# ---- 413: oversized bodies are refused before they are read --------------------


def test_body_over_the_limit_is_413_and_changes_nothing(orgtree, admin_a, api_as, settings):
    settings.MAX_BODY_BYTES = 1000
    payload = {"code": "A7", "name": "Enhet A7", "parent": orgtree.a.pk, "external_id": "x" * 2000}
    response = api_as(admin_a).post("/units", payload)
    assert response.status_code == 413
    assert isinstance(response.json()["detail"], str)
    assert not Unit.objects.filter(code="A7").exists()


def test_announced_length_over_the_limit_is_413_without_reading_the_body(orgtree, admin_a, api_as):
    api = api_as(admin_a)
    response = api.client.generic(
        "POST",
        "/api/v1/users",
        b'{"username": "ny"}',
        content_type="application/json",
        headers=api.headers,
        CONTENT_LENGTH=str(100 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert not User.objects.filter(username="ny").exists()


def test_chunked_body_without_a_length_is_never_read(orgtree, admin_a, api_as, settings):
    """Without Content-Length nothing is read, however large the body: the client is told it is missing."""
    settings.MAX_BODY_BYTES = 1000
    api = api_as(admin_a)
    response = api.client.generic(
        "POST",
        "/api/v1/users",
        b'{"username": "chunky", "name": "' + b"x" * 5000 + b'"}',
        content_type="application/json",
        headers={**api.headers, "Transfer-Encoding": "chunked"},
        CONTENT_LENGTH="",
    )
    assert response.status_code == 422
    assert _fields(response) == [["body"]]
    assert not User.objects.filter(username="chunky").exists()


def test_oversized_page_is_refused_by_the_html_side_too(orgtree, admin_a, settings):
    settings.MAX_BODY_BYTES = 10
    client = Client()
    client.force_login(admin_a)
    response = client.post("/logout/", {"next": "x" * 100})
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/plain")


# ---- the schema tells clients all of this ----------------------------------------


def test_schema_declares_the_error_statuses_of_every_operation(db):
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            declared = set(operation["responses"])
            assert {"401", "414"} <= declared, (method, path)
            takes_input = operation.get("parameters") or operation.get("requestBody")
            if takes_input:
                assert "422" in declared, (method, path)
            if operation.get("requestBody"):
                assert {"400", "413"} <= declared, (method, path)
            if method in {"post", "patch", "put", "delete"}:
                assert "403" in declared, (method, path)
    assert paths["/api/v1/units"]["post"]["responses"]["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/FieldErrorsOut"
    }


def test_reader_is_refused_writes_with_403_and_nothing_changes(orgtree, api_as):
    reader = make_user("lasare_a1", unit=orgtree.a1, role="reader")
    api = api_as(reader)
    assert api.post("/units", {"code": "A6", "name": "Enhet A6", "parent": orgtree.a1.pk}).status_code == 403
    for unit in (orgtree.a1, orgtree.b1):
        assert api.patch(f"/units/{unit.pk}", {"version": 1, "name": "X"}).status_code == 403
        assert api.delete(f"/units/{unit.pk}").status_code == 403
    assert not Unit.objects.filter(name="X").exists()
    assert Unit.objects.filter(code="B1", is_active=True).exists()


def test_schema_lists_the_unit_kinds_for_units_even_beside_other_kinds(db):
    schema = Client().get("/api/v1/openapi.json").json()
    kind = schema["components"]["schemas"]["UnitOut"]["properties"]["kind"]
    assert kind["enum"] == list(Unit.Kind.values)


def test_true_or_false_where_a_number_is_expected_is_422(orgtree, region_admin, api_as):
    api = api_as(region_admin)
    assert api.post("/units", {"code": "X1", "name": "X", "parent": True}).status_code == 422
    assert api.patch(f"/units/{orgtree.a1.pk}", {"version": True, "name": "Y"}).status_code == 422
    assert api.patch(f"/units/{orgtree.a1.pk}", {"version": 1, "name": "Y"}).status_code == 200

"""The units API: listing, creating, changing, moving and deleting units."""

from __future__ import annotations

from rodtrad.core.models import AuditEntry, Unit


def test_units_list_is_paginated_and_names_each_parent(orgtree, admin_a, api_as):
    response = api_as(admin_a).get("/units?limit=2")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 5
    assert len(body["items"]) == 2
    by_code = {u["code"]: u for u in api_as(admin_a).get("/units").json()["items"]}
    assert by_code["A1"]["parent"] == orgtree.a.pk
    assert by_code["R"]["parent"] is None


def test_admin_creates_unit_under_own_subtree(orgtree, admin_a, api_as):
    response = api_as(admin_a).post("/units", {"code": "A2", "name": "Enhet A2", "parent": orgtree.a.pk})
    assert response.status_code == 201, response.content
    assert response.json()["parent"] == orgtree.a.pk
    assert AuditEntry.objects.filter(object_type="core.unit", object_id=str(response.json()["id"])).exists()


def test_admin_of_a_cannot_create_under_b(orgtree, admin_a, api_as):
    response = api_as(admin_a).post("/units", {"code": "B2", "name": "Enhet B2", "parent": orgtree.b.pk})
    assert response.status_code == 403
    assert not Unit.objects.filter(code="B2").exists()


def test_duplicate_code_is_400_naming_the_field(orgtree, admin_a, api_as):
    response = api_as(admin_a).post("/units", {"code": "A1", "name": "Kopia", "parent": orgtree.a.pk})
    assert response.status_code == 400
    assert response.json()["detail"][0]["loc"] == ["body", "code"]


def test_stale_version_is_refused_with_409_and_changes_nothing(orgtree, admin_a, api_as):
    api = api_as(admin_a)
    first = api.patch(f"/units/{orgtree.a1.pk}", {"version": 1, "name": "Nytt namn"})
    assert first.status_code == 200 and first.json()["version"] == 2
    stale = api.patch(f"/units/{orgtree.a1.pk}", {"version": 1, "name": "Annat namn"})
    assert stale.status_code == 409
    assert Unit.objects.get(pk=orgtree.a1.pk).name == "Nytt namn"


def test_moving_a_unit_under_its_own_descendant_is_400(orgtree, region_admin, api_as):
    response = api_as(region_admin).patch(f"/units/{orgtree.a.pk}", {"version": 1, "parent": orgtree.a1.pk})
    assert response.status_code == 400
    assert response.json()["detail"][0]["loc"] == ["body", "parent"]
    assert Unit.objects.get_parent(Unit.objects.get(pk=orgtree.a1.pk)).pk == orgtree.a.pk


def test_move_unit_to_another_parent(orgtree, region_admin, api_as):
    response = api_as(region_admin).patch(f"/units/{orgtree.a1.pk}", {"version": 1, "parent": orgtree.b.pk})
    assert response.status_code == 200, response.content
    assert response.json()["parent"] == orgtree.b.pk
    assert Unit.objects.get_parent(Unit.objects.get(pk=orgtree.a1.pk)).pk == orgtree.b.pk


def test_delete_unit_with_records_deactivates_it(orgtree, region_admin, api_as):
    response = api_as(region_admin).delete(f"/units/{orgtree.a.pk}")
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert Unit.objects.filter(pk=orgtree.a.pk, is_active=False).exists()


def test_delete_unused_unit_removes_it(orgtree, region_admin, api_as):
    response = api_as(region_admin).delete(f"/units/{orgtree.b1.pk}")
    assert response.status_code == 204
    assert not Unit.objects.filter(pk=orgtree.b1.pk).exists()


def test_tree_nests_children(orgtree, admin_a, api_as):
    tree = api_as(admin_a).get(f"/units/{orgtree.region.pk}/tree").json()
    assert [c["code"] for c in tree["children"]] == ["A", "B"]
    assert tree["children"][0]["children"][0]["code"] == "A1"


def test_anonymous_and_bad_token_get_401(orgtree, api_as):
    assert api_as(None).get("/units").status_code == 401
    response = api_as(None).get("/units", headers={"Authorization": "Bearer nonsense"})
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


def test_region_admin_names_the_unit_kinds(orgtree, region_admin, admin_a, api_as):
    from rodtrad.core.models import Organisation
    from rodtrad.core.services.org import get_organisation

    version = get_organisation().version
    body = {"version": version, "unit_kind_labels": {"centrum": "Klinik"}}
    assert api_as(admin_a).patch("/organisation", body).status_code == 403
    response = api_as(region_admin).patch("/organisation", body)
    assert response.status_code == 200, response.content
    assert Organisation.objects.get().kind_label("centrum") == "Klinik"
    assert api_as(admin_a).get("/organisation").json()["unit_kind_labels"] == {"centrum": "Klinik"}
    assert api_as(region_admin).patch("/organisation", body).status_code == 409

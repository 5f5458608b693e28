"""The people API: me, users, memberships, tokens, session authentication and the docs."""

from __future__ import annotations

from django.test import Client

from rodtrad.core.access import SYSTEM
from rodtrad.core.models import ApiToken, Membership, User
from rodtrad.core.services import people
from rodtrad.core.tests.factories import make_user


def test_me_lists_my_memberships(orgtree, api_as):
    person = make_user("maria", unit=orgtree.a1, role="manager", name="Maria Chef")
    people.grant_role(by=SYSTEM, user=person, unit=orgtree.b, role="reader")
    body = api_as(person).get("/me").json()
    assert body["username"] == "maria" and body["name"] == "Maria Chef" and body["home_unit"] == orgtree.a1.pk
    assert [(m["unit"]["code"], m["role"]) for m in body["memberships"]] == [
        ("A1", "manager"),
        ("B", "reader"),
    ]


def test_admin_creates_user_who_can_then_sign_in(orgtree, admin_a, api_as):
    response = api_as(admin_a).post(
        "/users",
        {
            "username": "ny",
            "name": "Ny Person",
            "email": "ny@example.org",
            "home_unit": orgtree.a1.pk,
            "password": "ett-langt-losenord-9",
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["home_unit"] == orgtree.a1.pk
    assert Client().login(username="ny", password="ett-langt-losenord-9")


def test_duplicate_username_is_400_naming_the_field(orgtree, admin_a, api_as):
    response = api_as(admin_a).post("/users", {"username": "ADMIN_A", "home_unit": orgtree.a1.pk})
    assert response.status_code == 400
    assert response.json()["detail"][0]["loc"] == ["body", "username"]
    assert User.objects.filter(username__iexact="admin_a").count() == 1


def test_weak_password_is_400_on_the_password_field(orgtree, admin_a, api_as):
    response = api_as(admin_a).post(
        "/users", {"username": "svag", "home_unit": orgtree.a1.pk, "password": "123"}
    )
    assert response.status_code == 400
    assert {e["loc"][-1] for e in response.json()["detail"]} == {"password"}
    assert not User.objects.filter(username="svag").exists()


def test_user_edit_with_stale_version_is_409(orgtree, admin_a, api_as):
    target = make_user("t", unit=orgtree.a1)
    api = api_as(admin_a)
    assert api.patch(f"/users/{target.pk}", {"version": 1, "title": "Undersköterska"}).status_code == 200
    stale = api.patch(f"/users/{target.pk}", {"version": 1, "title": "Sjuksköterska"})
    assert stale.status_code == 409 and stale.json()["current_version"] == 2
    assert User.objects.get(pk=target.pk).title == "Undersköterska"


def test_grant_with_unknown_unit_or_role_is_refused_and_grants_nothing(orgtree, admin_a, api_as):
    target = make_user("t2", unit=orgtree.a1)
    api = api_as(admin_a)
    unknown_unit = api.post("/memberships", {"user": target.pk, "unit": 999999, "role": "editor"})
    assert unknown_unit.status_code == 400 and unknown_unit.json()["detail"][0]["loc"] == ["body", "unit"]
    unknown_role = api.post("/memberships", {"user": target.pk, "unit": orgtree.a1.pk, "role": "kung"})
    assert unknown_role.status_code == 422
    assert not Membership.objects.filter(user=target).exists()


def test_granting_the_same_role_twice_is_400(orgtree, admin_a, api_as):
    target = make_user("t3", unit=orgtree.a1, role="editor")
    response = api_as(admin_a).post(
        "/memberships", {"user": target.pk, "unit": orgtree.a1.pk, "role": "editor"}
    )
    assert response.status_code == 400
    assert Membership.objects.filter(user=target).count() == 1


def test_revoked_token_is_401_without_detail(orgtree, api_as):
    person = make_user("p", unit=orgtree.a1, role="reader")
    api = api_as(person)
    assert api.get("/me").status_code == 200
    people.revoke_token(ApiToken.objects.get(user=person).pk, by=person)
    response = api.get("/me")
    assert response.status_code == 401 and response.json() == {"detail": "Unauthorized"}


def test_token_of_deactivated_user_is_401(orgtree, admin_a, api_as):
    person = make_user("p2", unit=orgtree.a1, role="reader")
    api = api_as(person)
    people.update_user(person.pk, by=admin_a, version=1, is_active=False)
    assert api.get("/me").status_code == 401


def test_browser_session_needs_the_csrf_token_for_writes(orgtree, admin_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_a)
    assert client.get("/api/v1/me").status_code == 200
    body = {"code": "A9", "name": "Enhet A9", "parent": orgtree.a.pk}
    refused = client.post("/api/v1/units", body, content_type="application/json")
    assert refused.status_code == 403
    client.get("/api/v1/docs")  # any page sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    accepted = client.post(
        "/api/v1/units", body, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert accepted.status_code == 201


def test_docs_and_schema_are_served_without_a_cdn(client, db):
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    schema = client.get("/api/v1/openapi.json").json()
    assert {
        "/api/v1/units",
        "/api/v1/units/{unit_id}/tree",
        "/api/v1/me",
        "/api/v1/users",
        "/api/v1/memberships",
        "/api/v1/audit",
    } <= set(schema["paths"])


def test_invalid_email_is_400_on_the_email_field(orgtree, admin_a, api_as):
    response = api_as(admin_a).post(
        "/users", {"username": "epost", "email": "inte-en-adress", "home_unit": orgtree.a1.pk}
    )
    assert response.status_code == 400
    assert response.json()["detail"][0]["loc"] == ["body", "email"]
    assert not User.objects.filter(username="epost").exists()

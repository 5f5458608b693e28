"""Access is scoped to the organisation tree: every endpoint is tried as anonymous,
as a person without the needed role, with the right role, and with the role on another unit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from rodtrad.core.models import AuditEntry, Membership, Role, User
from rodtrad.core.tests.factories import make_user


@dataclass
class People:
    admin_a: User
    admin_b: User
    manager_a: User
    quality_a: User
    reader_a: User
    nobody: User


@pytest.fixture
def people(orgtree: Any) -> People:
    return People(
        admin_a=make_user("admin_a", unit=orgtree.a, role=Role.ADMIN),
        admin_b=make_user("admin_b", unit=orgtree.b, role=Role.ADMIN),
        manager_a=make_user("manager_a", unit=orgtree.a1, role=Role.MANAGER),
        quality_a=make_user("quality_a", unit=orgtree.a, role=Role.QUALITY),
        reader_a=make_user("reader_a", unit=orgtree.a1, role=Role.READER),
        nobody=make_user("nobody", unit=None),
    )


def _cases(org: Any, p: People) -> list[tuple[str, str, str, Any, str, int]]:
    """(label, method, path, body, who, expected status)."""
    a1, b1 = org.a1.pk, org.b1.pk
    target = make_user("target_a", unit=org.a1)
    membership = Membership.objects.get(user=p.reader_a)
    new_unit = {"code": "NEW", "name": "Ny enhet", "parent": a1}
    grant = {"user": target.pk, "unit": a1, "role": "editor"}
    new_user = {"username": "ny.person", "name": "Ny Person", "home_unit": a1}
    rows: list[tuple[str, str, str, Any, str, int]] = []

    def case(label: str, method: str, path: str, body: Any, expected: dict[str, int]) -> None:
        rows.extend((label, method, path, body, who, status) for who, status in expected.items())

    case("list units", "get", "/units", None, {"anon": 401, "nobody": 200, "reader_a": 200})
    case(
        "create unit",
        "post",
        "/units",
        new_unit,
        {"anon": 401, "reader_a": 403, "manager_a": 403, "admin_b": 403, "admin_a": 201},
    )
    case(
        "rename unit",
        "patch",
        f"/units/{a1}",
        {"version": 1, "name": "Nytt"},
        {"anon": 401, "reader_a": 403, "manager_a": 403, "admin_b": 403, "admin_a": 200},
    )
    case(
        "delete unit",
        "delete",
        f"/units/{b1}",
        None,
        {"anon": 401, "reader_a": 403, "admin_a": 403, "admin_b": 204},
    )
    case(
        "grant role",
        "post",
        "/memberships",
        grant,
        {"anon": 401, "manager_a": 403, "admin_b": 403, "admin_a": 201},
    )
    case(
        "revoke role",
        "delete",
        f"/memberships/{membership.pk}",
        None,
        {"anon": 401, "admin_b": 404, "manager_a": 403, "admin_a": 204},
    )
    case(
        "read user",
        "get",
        f"/users/{target.pk}",
        None,
        {"anon": 401, "nobody": 404, "reader_a": 404, "admin_b": 404, "manager_a": 200, "admin_a": 200},
    )
    case(
        "create user",
        "post",
        "/users",
        new_user,
        {"anon": 401, "manager_a": 403, "admin_b": 403, "admin_a": 201},
    )
    case(
        "edit user",
        "patch",
        f"/users/{target.pk}",
        {"version": 1, "title": "Sjuksköterska"},
        {"anon": 401, "reader_a": 404, "admin_b": 404, "manager_a": 403, "admin_a": 200},
    )
    case("read me", "get", "/me", None, {"anon": 401, "nobody": 200})
    case("audit log", "get", "/audit", None, {"anon": 401, "reader_a": 200, "quality_a": 200})
    return rows


def test_every_endpoint_allows_and_denies_by_role_and_subtree(orgtree, people, api_as):
    failures = []
    for label, method, path, body, who, expected in _cases(orgtree, people):
        client = api_as(None if who == "anon" else getattr(people, who))
        call = getattr(client, method)
        response = call(path, body) if body is not None else call(path)
        if response.status_code != expected:
            failures.append(
                f"{label} as {who}: {response.status_code} (expected {expected}) {response.content[:120]!r}"
            )
    assert not failures, "\n".join(failures)


def test_lists_show_only_what_the_subtree_allows(orgtree, people, api_as):
    make_user("in_b", unit=orgtree.b1, role=Role.READER)
    users_b = {u["username"] for u in api_as(people.admin_b).get("/users?limit=500").json()["items"]}
    assert "in_b" in users_b and "reader_a" not in users_b and "admin_b" in users_b

    units_of_memberships = {
        m["unit"]["code"] for m in api_as(people.admin_b).get("/memberships?limit=500").json()["items"]
    }
    assert units_of_memberships == {"B", "B1"}

    audit_a = api_as(people.quality_a).get("/audit?limit=500").json()
    assert audit_a["count"] > 0
    visible_units = {e["unit"] for e in audit_a["items"]}
    assert visible_units <= {orgtree.a.pk, orgtree.a1.pk}
    assert api_as(people.reader_a).get("/audit").json()["count"] == 0
    assert AuditEntry.objects.filter(unit=orgtree.b1).exists()


def test_reader_sees_only_own_memberships_and_self(orgtree, people, api_as):
    api = api_as(people.reader_a)
    memberships = api.get("/memberships").json()["items"]
    assert [m["role"] for m in memberships] == ["reader"]
    assert [u["username"] for u in api.get("/users").json()["items"]] == ["reader_a"]

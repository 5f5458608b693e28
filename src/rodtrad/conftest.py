"""Shared fixtures: a small organisation with people in each role, and API clients."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from rodtrad.core.access import SYSTEM
from rodtrad.core.models import Unit, User
from rodtrad.core.services import people
from rodtrad.core.tests.factories import make_unit, make_user


@dataclass
class Org:
    region: Unit
    a: Unit
    a1: Unit
    b: Unit
    b1: Unit


@pytest.fixture
def orgtree(db: Any) -> Org:
    """Region R with förvaltning A (unit A1) and förvaltning B (unit B1)."""
    region = make_unit(None, name="Region", code="R", kind=Unit.Kind.REGION)
    a = make_unit(region, name="Förvaltning A", code="A", kind=Unit.Kind.FORVALTNING)
    b = make_unit(region, name="Förvaltning B", code="B", kind=Unit.Kind.FORVALTNING)
    return Org(
        region, a, make_unit(a, name="Enhet A1", code="A1"), b, make_unit(b, name="Enhet B1", code="B1")
    )


class Api:
    """A JSON client for /api/v1 that authenticates with a bearer token."""

    def __init__(self, user: User | None) -> None:
        self.client = Client()
        self.headers = {}
        if user is not None:
            self.headers["Authorization"] = f"Bearer {people.issue_token(user, by=SYSTEM)}"

    def _call(self, method: str, path: str, data: Any = None, **extra: Any) -> Any:
        fn = getattr(self.client, method)
        kwargs: dict[str, Any] = {"headers": {**self.headers, **extra.pop("headers", {})}}
        if data is not None:
            kwargs.update(data=data, content_type="application/json")
        return fn(f"/api/v1{path}", **kwargs, **extra)

    def get(self, path: str, **extra: Any) -> Any:
        return self._call("get", path, **extra)

    def post(self, path: str, data: Any, **extra: Any) -> Any:
        return self._call("post", path, data, **extra)

    def patch(self, path: str, data: Any, **extra: Any) -> Any:
        return self._call("patch", path, data, **extra)

    def put(self, path: str, data: Any, **extra: Any) -> Any:
        return self._call("put", path, data, **extra)

    def delete(self, path: str, **extra: Any) -> Any:
        return self._call("delete", path, **extra)


@pytest.fixture
def api_as() -> Any:
    """``api_as(user)`` gives an API client for that user (None: anonymous)."""
    return Api


@pytest.fixture
def admin_a(orgtree: Org) -> User:
    return make_user("admin_a", unit=orgtree.a, role="admin")


@pytest.fixture
def region_admin(orgtree: Org) -> User:
    return make_user("region_admin", unit=orgtree.region, role="admin")

"""Every API read stays within its query budget, and the count does not grow with the data."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rodtrad.core.access import SYSTEM
from rodtrad.core.models import Role, User
from rodtrad.core.services import people
from rodtrad.core.tests.factories import make_unit, make_user

#: Queries per request, token authentication included (one query).
BUDGETS = {
    "organisation": ("/organisation", 2),
    "units": ("/units?limit=50", 3),
    "unit": ("/units/{unit}", 2),
    "tree": ("/units/{region}/tree", 3),
    "me": ("/me", 2),
    "users": ("/users?limit=50", 4),
    "user": ("/users/{user}", 3),
    "memberships": ("/memberships?limit=50", 4),
    "audit": ("/audit?limit=50", 4),
    "notifications": ("/notifications?limit=50", 3),
}


@pytest.fixture
def viewer(orgtree: Any) -> User:
    """A manager and quality coordinator of förvaltning A: every list is narrowed to A's subtree."""
    user = make_user("viewer", unit=orgtree.a, role=Role.MANAGER)
    people.grant_role(by=SYSTEM, user=user, unit=orgtree.a, role=Role.QUALITY)
    return user


def _grow(orgtree: Any, viewer: User, n: int, start: int = 0) -> None:
    """Add ``n`` units, people, roles for the viewer, notifications and audit entries inside A."""
    for i in range(start, start + n):
        unit = make_unit(orgtree.a1, name=f"Mottagning {i}", code=f"GROW{i}")
        make_user(f"grow{i}", unit=unit, role=Role.REPORTER)
        people.grant_role(by=SYSTEM, user=viewer, unit=unit, role=Role.READER)


def _counts(api: Any, orgtree: Any, viewer: User) -> dict[str, int]:
    ids = {"unit": orgtree.a.pk, "region": orgtree.region.pk, "user": viewer.pk}
    counts = {}
    for name, (path, _budget) in BUDGETS.items():
        url = path.format(**ids)
        api.get(url)  # per-process caches (content types, translations) are not the endpoint's cost
        with CaptureQueriesContext(connection) as queries:
            response = api.get(url)
        assert response.status_code == 200, (url, response.content)
        counts[name] = len(queries.captured_queries)
    return counts


@pytest.mark.django_db
def test_api_reads_stay_within_budget_and_do_not_grow_with_the_data(api_as, orgtree, viewer):
    api = api_as(viewer)
    _grow(orgtree, viewer, 5)
    small = _counts(api, orgtree, viewer)
    _grow(orgtree, viewer, 45, start=5)
    large = _counts(api, orgtree, viewer)
    assert large == small
    over = {name: count for name, count in large.items() if count > BUDGETS[name][1]}
    assert not over, f"over budget: {over}"


@pytest.mark.django_db
def test_the_grown_data_is_really_in_the_responses(api_as, orgtree, viewer):
    """The budgets above are measured on full pages, not on lists the access rules emptied."""
    _grow(orgtree, viewer, 6)
    api = api_as(viewer)
    assert api.get("/units?limit=50").json()["count"] >= 6
    assert api.get("/users?limit=50").json()["count"] >= 7
    assert len(api.get("/me").json()["memberships"]) >= 8
    assert api.get("/audit?limit=50").json()["count"] >= 18
    assert api.get("/notifications?limit=50").json()["count"] >= 6

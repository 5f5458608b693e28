"""What ``rodtrad bench`` measures for goals: the issue's measures with their targets, each answering."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from rodtrad.core import bench
from rodtrad.core.models import Role
from rodtrad.goals import bench as goals_bench


@pytest.mark.django_db
def test_the_goal_measures_include_the_unit_goal_page_with_its_target() -> None:
    assert goals_bench.endpoints(bench.Endpoint) == []  # nothing to measure before goals are generated
    call_command("generate", units=40, users=30, audit=10, quiet=True, stdout=io.StringIO())
    call_command("generate", goals=120, indicators=20, measurements=600, quiet=True, stdout=io.StringIO())
    found = {e.name: e for e in goals_bench.endpoints(bench.Endpoint)}
    page = found["Unit goal page Våra mål (a centrum)"]
    assert page.path.startswith("/goals/units/") and page.auth == "session"
    assert page.target_p95_ms == goals_bench.UNIT_GOALS_TARGET_MS == 80.0
    targets = {e.target_p95_ms for e in found.values()}
    assert targets == {
        goals_bench.OVERVIEW_TARGET_MS,
        goals_bench.UNIT_GOALS_TARGET_MS,
        goals_bench.CHAIN_TARGET_MS,
    }
    assert len(found) == 4
    manager = bench._persona(Role.MANAGER)
    for endpoint in found.values():
        assert 1 <= bench.count_queries(endpoint, manager) <= 25, endpoint.name

"""What ``rodtrad bench`` measures for vision and value base: the issue's three measures, each answering."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from rodtrad.core import bench
from rodtrad.core.models import Role
from rodtrad.values import bench as values_bench


@pytest.mark.django_db
def test_the_vision_page_feed_and_coverage_are_measured_with_their_targets() -> None:
    assert values_bench.endpoints(bench.Endpoint) == []  # nothing to measure before stories are generated
    assert values_bench.timed(bench.Result, bench.percentiles) == []
    call_command("generate", units=60, users=80, audit=10, quiet=True, stdout=io.StringIO())
    call_command("generate", stories=300, quiet=True, stdout=io.StringIO())
    found = {e.path.split("?")[0]: e for e in values_bench.endpoints(bench.Endpoint)}
    assert {path: e.target_p95_ms for path, e in found.items()} == {
        "/vision/": 30.0,
        "/api/v1/public/values": 30.0,
        "/stories/": 60.0,
        "/api/v1/stories": 60.0,
        "/dialogues/coverage/": 100.0,
        "/api/v1/dialogues/coverage": 100.0,
    }
    personas = {"manager": bench._persona(Role.MANAGER), "quality": bench._persona(Role.QUALITY)}
    for endpoint in found.values():
        assert 1 <= bench.count_queries(endpoint, personas[endpoint.persona]) <= 25, endpoint.name
    (row,) = values_bench.timed(bench.Result, bench.percentiles)
    assert row.target_p95_ms == 100.0 and row.queries is None
    assert 0 < row.p50_ms <= row.p95_ms
    assert "whole region (60 units" in row.name

"""``rodtrad bench`` for the improvement loop: what it measures, and that each request succeeds
(never how fast anything is)."""

from __future__ import annotations

import pytest

from rodtrad.core import bench
from rodtrad.core.models import Role, Unit
from rodtrad.core.services.generate import generate
from rodtrad.improvement import bench as improvement_bench
from rodtrad.improvement.generate import generate_improvement
from rodtrad.improvement.models import Event


@pytest.mark.django_db(transaction=True)
def test_the_quick_report_inbox_and_trend_are_measured_for_the_managers_forvaltning(live_server):
    generate(units=20, users=40, seed=1, audit_entries=0)
    generate_improvement(events=300, actions=200, seed=1)
    manager = bench._persona(Role.MANAGER)
    assert manager.unit.kind == Unit.Kind.FORVALTNING
    found = {e.name: e for e in bench.endpoints(Unit.objects.get(depth=1), manager.unit)}
    report = found["API quick report POST /events"]
    inbox = found["Event inbox, a förvaltning (300 events)"]
    trend = found["Event trend by category, 12 months"]
    assert (report.method, report.target_p95_ms) == ("POST", 50.0)
    assert (inbox.path, inbox.target_p95_ms) == (f"/events/?unit={manager.unit.pk}", 80.0)
    assert (trend.path, trend.target_p95_ms) == (f"/events/trends/?unit={manager.unit.pk}&months=12", 200.0)
    for endpoint in (report, inbox, trend):
        assert bench.count_queries(endpoint, manager) >= 1
    assert Event.objects.count() == 302  # the quick report was sent twice in-process

    # One client: Django's live server shares one in-memory SQLite connection between its threads, so
    # concurrent writes here would interleave on it. tests/test_concurrency.py writes from processes.
    times = bench._load(live_server.url, report, manager.headers["token"], total=3, clients=1)
    assert len(times) == 3 and Event.objects.count() == 305
    reported = Event.objects.order_by("-pk").first()
    assert reported is not None and reported.unit.path.startswith(manager.unit.path)
    assert reported.status == Event.Status.NEW


@pytest.mark.django_db
def test_nothing_is_measured_before_events_are_generated():
    generate(units=10, users=10, seed=1, audit_entries=0)
    assert improvement_bench.endpoints(bench.Endpoint, Unit.objects.get(depth=1)) == []

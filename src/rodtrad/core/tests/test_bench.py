"""``rodtrad bench``: what it measures and what it writes (never how fast anything is)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from rodtrad.core import bench
from rodtrad.core.services.generate import generate

KEYS = {"name", "p50_ms", "p95_ms", "target_p95_ms", "queries"}


@pytest.mark.django_db(transaction=True)
def test_bench_measures_each_endpoint_over_http_and_writes_results_json(live_server, tmp_path, monkeypatch):
    generate(units=20, users=40, seed=1, audit_entries=20, documents=30)
    monkeypatch.setattr(bench, "IMPORT_FILES", 5)
    results = bench.run(url=live_server.url, requests=3, warmup=1, clients=2, generation_seconds=1.5)
    out = tmp_path / "bench" / "results.json"
    bench.write(results, out)

    rows = json.loads(out.read_text())
    assert all(set(row) == KEYS for row in rows)
    by_name = {row["name"]: row for row in rows}
    generation = by_name["generate 20 units, 40 users"]
    assert generation["p95_ms"] == 1500.0
    assert generation["target_p95_ms"] == 60_000.0
    assert generation["queries"] is None
    assert by_name["API unit tree (20 units)"]["target_p95_ms"] == 100.0
    assert by_name["Min sida /"]["target_p95_ms"] == 50.0
    assert by_name["API audit ?limit=50 (quality)"]["target_p95_ms"] is None
    assert by_name["API search, one query repeated (30 documents)"]["target_p95_ms"] == 50.0
    assert by_name["API search, a new query each time (30 documents)"]["target_p95_ms"] == 50.0
    assert by_name["API documents, filtered"]["target_p95_ms"] == 80.0
    timed = by_name.pop("import 5 Markdown files")
    assert timed["target_p95_ms"] == 60_000.0 and timed["queries"] is None
    for row in rows[1:-1]:
        assert row["queries"] >= 1
        assert 0 < row["p50_ms"] <= row["p95_ms"]


def test_new_searches_never_repeat_within_a_run_of_the_default_size():
    """A repeated search is served from the kept ranking, so the first-time measure asks each once."""
    searches = bench._new_searches()
    assert len(set(searches)) == len(searches) >= 30 + 300


def test_percentiles_interpolate_between_the_measured_latencies():
    assert bench.percentiles([10.0] * 19 + [200.0]) == (10.0, 19.5)


def test_a_missed_target_fails_the_command_after_the_results_are_written(monkeypatch, tmp_path):
    slow = bench.Result("API unit tree", 80.0, 140.0, 100.0, 3)
    untargeted = bench.Result("API me", 5.0, 900.0, None, 2)
    monkeypatch.setattr(bench, "run", lambda **options: [slow, untargeted])
    out = tmp_path / "results.json"
    with pytest.raises(CommandError, match="Missed targets: API unit tree$"):
        call_command("bench", out=out, stdout=StringIO())
    assert [row["name"] for row in json.loads(out.read_text())] == ["API unit tree", "API me"]


def test_bench_refuses_a_database_without_an_organisation(db):
    with pytest.raises(CommandError, match="rodtrad generate"):
        call_command("bench", url="http://127.0.0.1:9", stdout=StringIO())

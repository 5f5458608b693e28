"""What ``rodtrad bench`` measures for vision and value base, once ``rodtrad generate --stories``
has written some.

The issue's targets: the public page Vision och värdegrund, the story feed at 50,000 stories and
the dialogue coverage for 2,000 units; each page with its API equivalent beside it. Bench's
personas hold their roles on one förvaltning, so over HTTP the coverage covers that förvaltning;
the coverage of the whole region (every unit, as the system sees it) is timed in-process as well.
"""

from __future__ import annotations

import time
from typing import Any

from django.utils import timezone

from rodtrad.core.access import SYSTEM
from rodtrad.core.models import Unit
from rodtrad.values import services
from rodtrad.values.models import Story

VISION_TARGET_MS = 30.0
FEED_TARGET_MS = 60.0
COVERAGE_TARGET_MS = 100.0
COVERAGE_RUNS = 60


def endpoints(endpoint: Any) -> list[Any]:
    """The vision page, the story feed and the coverage, built with bench's Endpoint type."""
    stories = Story.objects.count()
    if not stories:
        return []
    year = timezone.localdate().year
    units = Unit.objects.count()
    return [
        endpoint("Vision och värdegrund /vision/", "/vision/", "manager", "session", VISION_TARGET_MS),
        endpoint("API public values", "/api/v1/public/values", "manager", "token", VISION_TARGET_MS),
        endpoint(
            f"Story feed /stories/ ({stories} stories)", "/stories/", "manager", "session", FEED_TARGET_MS
        ),
        endpoint(
            f"API story feed ({stories} stories)",
            "/api/v1/stories?status=published&limit=50",
            "manager",
            "token",
            FEED_TARGET_MS,
        ),
        endpoint(
            f"Dialogue coverage page, a förvaltning ({units} units)",
            f"/dialogues/coverage/?year={year}",
            "quality",
            "session",
            COVERAGE_TARGET_MS,
        ),
        endpoint(
            f"API dialogue coverage, a förvaltning ({units} units)",
            f"/api/v1/dialogues/coverage?year={year}",
            "quality",
            "token",
            COVERAGE_TARGET_MS,
        ),
    ]


def time_coverage(runs: int = COVERAGE_RUNS) -> list[float]:
    """Milliseconds of each of ``runs`` coverage computations for the whole region, in-process."""
    year = timezone.localdate().year
    services.coverage(year, by=SYSTEM)  # warm the connection and the caches
    times = []
    for _run in range(runs):
        start = time.perf_counter()
        services.coverage(year, by=SYSTEM)
        times.append((time.perf_counter() - start) * 1000)
    return times


def timed(result: Any, percentiles: Any) -> list[Any]:
    """The whole region's coverage as a bench Result row (none before stories are generated)."""
    if not Story.objects.exists():
        return []
    p50, p95 = percentiles(time_coverage())
    name = f"dialogue coverage, whole region ({Unit.objects.count()} units, in-process)"
    return [result(name, p50, p95, COVERAGE_TARGET_MS, None)]

"""What ``rodtrad bench`` measures for goals, once ``rodtrad generate --goals`` has written some.

The issue's targets: the region overview (API), the unit goal page (Våra mål, the HTML page
a unit manager opens, for a centrum with goals broken down below it, so its roll-up covers
a subtree), a goal chain (API) and a 100,000-row CSV import. The overview drilled down to
the same centrum through the API stays measured beside the page, against the same target.
"""

from __future__ import annotations

import time
from typing import Any

from django.urls import reverse
from django.utils import timezone

from rodtrad.core.access import SYSTEM
from rodtrad.core.models import Unit
from rodtrad.goals import importer
from rodtrad.goals.models import Goal, Indicator

OVERVIEW_TARGET_MS = 200.0
UNIT_GOALS_TARGET_MS = 80.0
CHAIN_TARGET_MS = 50.0
IMPORT_TARGET_MS = 60_000.0
IMPORT_ROWS = 100_000


def endpoints(endpoint: Any) -> list[Any]:
    """The overview, a unit's goals and one unit goal's chain, built with bench's Endpoint type."""
    count = Goal.objects.count()
    if not count:
        return []
    year = timezone.localdate().year
    leaf = (
        Goal.objects.filter(unit__depth__gte=4).order_by("pk").first() or Goal.objects.order_by("-pk").first()
    )
    centrum = Unit.objects.filter(depth=3, goals__isnull=False).order_by("path").first()
    found = [
        endpoint(
            f"API overview ({count} goals, rolled up)",
            f"/api/v1/overview?year={year}",
            "manager",
            "token",
            OVERVIEW_TARGET_MS,
        ),
    ]
    if centrum is not None:
        found.append(
            endpoint(
                "Unit goal page Våra mål (a centrum)",
                reverse("goals:unit", args=[centrum.pk]) + f"?year={year}",
                "manager",
                "session",
                UNIT_GOALS_TARGET_MS,
            )
        )
        found.append(
            endpoint(
                "API unit goals (overview of a centrum)",
                f"/api/v1/overview?year={year}&unit={centrum.pk}",
                "manager",
                "token",
                UNIT_GOALS_TARGET_MS,
            )
        )
    if leaf is not None:
        found.append(
            endpoint(
                "API goal chain (unit goal)",
                f"/api/v1/goals/{leaf.pk}/chain?year={year}",
                "manager",
                "token",
                CHAIN_TARGET_MS,
            )
        )
    return found


def time_import(rows: int = IMPORT_ROWS) -> float:
    """Seconds to import ``rows`` measurements from one CSV file (last year's tertials, so new rows)."""
    year = timezone.localdate().year - 1
    indicators = list(Indicator.objects.order_by("pk").values_list("code", flat=True)[:2000])
    units = list(Unit.objects.order_by("path").values_list("code", flat=True)[:2000])
    if not indicators or not units:
        return 0.0
    lines = ["enhet;indikator;period;värde"]
    n = 0
    for unit in units:
        for indicator in indicators:
            for tertial in (1, 2, 3):
                if n >= rows:
                    break
                lines.append(f"{unit};{indicator};{year}-T{tertial};{50 + n % 45},5")
                n += 1
        if n >= rows:
            break
    data = ("\n".join(lines) + "\n").encode()
    start = time.perf_counter()
    importer.import_file("bench.csv", data, by=SYSTEM)
    return time.perf_counter() - start

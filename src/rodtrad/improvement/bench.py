"""What ``rodtrad bench`` measures for the improvement loop, once ``rodtrad generate --events`` has
written some: the quick report, a manager's inbox for a förvaltning's subtree and the 12-month trend.

The persona is the manager of the first förvaltning, so the inbox and the trend cover a sixth of
the region's events. Each quick report writes a new event (and its handlers' notifications), as a
real one would; they are reported at one of the förvaltning's enheter an hour before the run.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.utils import timezone

from rodtrad.core.models import Unit
from rodtrad.improvement.models import Affected, Category, Event

QUICK_REPORT_TARGET_MS = 50.0
INBOX_TARGET_MS = 80.0
TREND_TARGET_MS = 200.0


def quick_report(unit: Unit) -> str | None:
    """The JSON body of a quick report at an enhet below ``unit`` (None without categories)."""
    category = Category.objects.filter(active=True, positive=False).order_by("position", "pk").first()
    if category is None:
        return None
    place = Unit.objects.filter(path__startswith=unit.path).order_by("-depth", "path").first() or unit
    occurred = timezone.localtime() - dt.timedelta(hours=1)
    return json.dumps(
        {
            "unit": place.pk,
            "occurred_at": occurred.isoformat(timespec="seconds"),
            "description": "Patienten fick fel dos av sitt blodtrycksmedel vid lunch.",
            "category": category.pk,
            "affected": Affected.PATIENT,
            "immediate_action": "Läkaren kontaktad, blodtrycket kontrolleras varje timme.",
        }
    )


def endpoints(endpoint: Any, unit: Unit) -> list[Any]:
    """The issue's three measures for the förvaltning ``unit``, built with bench's Endpoint type."""
    count = Event.objects.count()
    if not count:
        return []
    body = quick_report(unit)
    found = [
        endpoint(
            f"Event inbox, a förvaltning ({count} events)",
            f"/events/?unit={unit.pk}",
            "manager",
            "session",
            INBOX_TARGET_MS,
        ),
        endpoint(
            "Event trend by category, 12 months",
            f"/events/trends/?unit={unit.pk}&months=12",
            "manager",
            "session",
            TREND_TARGET_MS,
        ),
    ]
    if body is not None:
        found.insert(
            0,
            endpoint(
                "API quick report POST /events",
                "/api/v1/events",
                "manager",
                "token",
                QUICK_REPORT_TARGET_MS,
                method="POST",
                body=body,
            ),
        )
    return found

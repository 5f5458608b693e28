"""rodtrad generate --goals: cascading goals, indicators with targets and values the roll-up can judge."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from rodtrad.core.access import SYSTEM
from rodtrad.goals import rollup
from rodtrad.goals.models import Goal, Indicator, Measurement


@pytest.mark.django_db
def test_goals_are_generated_into_the_generated_tree() -> None:
    call_command("generate", units=40, users=30, audit=10, quiet=True, stdout=io.StringIO())
    out = io.StringIO()
    call_command("generate", goals=120, indicators=20, measurements=600, quiet=True, stdout=out)
    assert "goals" in out.getvalue()
    assert 100 <= Goal.objects.count() <= 120 and Indicator.objects.count() == 20
    assert Measurement.objects.count() <= 600
    assert not Goal.objects.filter(parent__isnull=False).exclude(unit__depth__gt=1).exists()
    found = rollup.overview(timezone.localdate().year, by=SYSTEM)
    assert {g.status.light for a in found.areas for g in a.goals} - {rollup.Light.NONE}

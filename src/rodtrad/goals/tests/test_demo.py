"""The demo's goal world: the seed's goal areas, a broken-down year, values and follow-ups in every state."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from rodtrad.core.access import SYSTEM
from rodtrad.core.models import AuditEntry
from rodtrad.goals import rollup
from rodtrad.goals.models import FollowUp, FollowUpRound, Goal, GoalArea, Measurement


@pytest.mark.django_db
def test_the_demo_has_a_red_thread_year_and_loads_once() -> None:
    call_command("demo")
    assert list(GoalArea.objects.values_list("name", flat=True)) == [
        "Medborgare och kund",
        "Verksamhet och process",
        "Medarbetare",
        "Ekonomi",
    ]
    assert Goal.objects.filter(unit__depth=2).exists() and Goal.objects.filter(unit__depth=4).exists()
    assert set(FollowUp.objects.values_list("status", flat=True)) == set(FollowUp.Status.values)
    assert Measurement.objects.filter(sex="women").exists()
    assert {p[5:] for p in Measurement.objects.values_list("period", flat=True)} == {"T1", "T2", "T3"}
    assert FollowUpRound.objects.count() == 2
    found = rollup.overview(timezone.localdate().year, by=SYSTEM)
    assert all(a.goals for a in found.areas)
    assert {g.status.light for a in found.areas for g in a.goals} - {rollup.Light.NONE}
    counts = (Goal.objects.count(), Measurement.objects.count(), AuditEntry.objects.count())
    call_command("demo")
    assert (Goal.objects.count(), Measurement.objects.count(), AuditEntry.objects.count()) == counts


@pytest.mark.django_db
def test_jamtland_has_its_own_goal_areas() -> None:
    call_command("demo", profile="jamtland")
    assert list(GoalArea.objects.values_list("name", flat=True)) == [
        "Samhälle",
        "Patient",
        "Medarbetare",
        "Verksamhetsresultat",
    ]

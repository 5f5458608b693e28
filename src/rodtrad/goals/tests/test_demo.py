"""The demo's goal world: the seed's goal areas, a broken-down year, values and follow-ups in every state."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from rodtrad.core.access import SYSTEM
from rodtrad.core.models import AuditEntry, Unit
from rodtrad.goals import rollup
from rodtrad.goals.models import FollowUp, FollowUpRound, Goal, GoalArea, Indicator, Measurement, Sex


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


@pytest.mark.django_db
def test_every_demo_indicator_rolls_up_to_every_forvaltning_and_the_region() -> None:
    """Weighted means too: the demo gives each value its weight, and every förvaltning has values below it."""
    call_command("demo")
    year = timezone.localdate().year
    forvaltningar = list(Unit.objects.filter(depth=2))
    region = Unit.objects.get(depth=1)
    assert len(forvaltningar) == 6
    tertials = [f"{year}-T{n}" for n in (1, 2, 3)]
    for indicator in Indicator.objects.all():
        for unit in [region, *forvaltningar]:
            found = rollup.series(indicator, unit, years=(year, year))
            totals = {p.period: p for p in found.points if p.sex == Sex.TOTAL}
            assert sorted(totals) == tertials, (indicator.code, unit.code)
            assert all(p.aggregated for p in totals.values()) == (unit != region), (indicator.code, unit.code)
            if indicator.by_sex:
                assert {p.sex for p in found.points} == set(Sex.values), (indicator.code, unit.code)
    till = Indicator.objects.get(code="TILL-01")
    assert till.aggregation == Indicator.Aggregation.WEIGHTED_MEAN
    hsv = Unit.objects.get(code="KLL-HSV")
    value = next(p.value for p in rollup.series(till, hsv, years=(year, year)).points if p.sex == Sex.TOTAL)
    plain = Measurement.objects.filter(
        indicator=till, unit__path__startswith=hsv.path, sex=Sex.TOTAL, period=f"{year}-T1"
    ).values_list("value", "weight")
    assert value == pytest.approx(sum(v * w for v, w in plain) / sum(w for _v, w in plain))

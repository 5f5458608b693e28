"""Roll-up: statuses with reasons, the rule, the overview, chains and series, in a fixed number of queries."""

from __future__ import annotations

from typing import Any

import pytest

from rodtrad.core.access import SYSTEM
from rodtrad.core.tests.factories import make_unit
from rodtrad.goals import rollup, services
from rodtrad.goals.models import Goal, GoalSettings
from rodtrad.goals.rollup import Light
from rodtrad.goals.services import Row
from rodtrad.goals.tests.conftest import YEAR


def _measure(indicator: Any, unit: Any, period: str, value: float, sex: str = "total") -> None:
    services.upsert_measurements(
        [Row(line=1, unit=unit.code, indicator=indicator.code, period=period, value=value, sex=sex)],
        by=SYSTEM,
    )


def test_the_latest_value_decides_an_indicator_and_the_reason_names_it(orgtree: Any, world: Any) -> None:
    _measure(world.indicator, orgtree.a, f"{YEAR}-T1", 20)  # green: lower is better, target 30
    _measure(world.indicator, orgtree.a, f"{YEAR}-T2", 40)  # red: past the yellow limit 33
    status = rollup.roll_up(Goal.objects.all(), YEAR)[world.goal_a.pk].status
    assert status.light == Light.RED
    assert "WAIT" in status.reason and "T2 2026" in status.reason and "40" in status.reason


def test_a_child_goal_turns_its_parent_and_area_red(orgtree: Any, world: Any) -> None:
    _measure(world.indicator, orgtree.region, f"{YEAR}-T1", 25)
    _measure(world.indicator, orgtree.a, f"{YEAR}-T1", 32)  # yellow
    found = rollup.overview(YEAR, by=SYSTEM)
    area = found.areas[0]
    assert [g.id for g in area.goals] == [world.top.pk]
    assert area.goals[0].status.light == Light.YELLOW
    assert "Förvaltning A" in area.goals[0].status.reason
    assert area.status.light == Light.YELLOW and "Kortare väntetider" in area.status.reason


def test_a_new_value_changes_the_overview_at_once(orgtree: Any, people: Any, world: Any) -> None:
    _measure(world.indicator, orgtree.a, f"{YEAR}-T1", 20)
    assert rollup.overview(YEAR, by=people.reader_a1).areas[0].status.light == Light.GREEN
    _measure(world.indicator, orgtree.a, f"{YEAR}-T2", 50)
    assert rollup.overview(YEAR, by=people.reader_a1).areas[0].status.light == Light.RED


def test_majority_lets_the_most_common_status_decide(orgtree: Any, world: Any) -> None:
    other = services.create_indicator(
        by=SYSTEM, code="ZZ", name="Nöjdhet", unit=orgtree.region, targets=[services.TargetIn(YEAR, 80)]
    )
    third = services.create_indicator(
        by=SYSTEM, code="YY", name="Följsamhet", unit=orgtree.region, targets=[services.TargetIn(YEAR, 80)]
    )
    services.update_goal(
        world.top.pk, by=SYSTEM, version=world.top.version, indicators=[world.indicator, other, third]
    )
    _measure(world.indicator, orgtree.region, f"{YEAR}-T1", 50)  # red
    _measure(other, orgtree.region, f"{YEAR}-T1", 85)  # green
    _measure(third, orgtree.region, f"{YEAR}-T1", 90)  # green
    worst = rollup.roll_up(Goal.objects.filter(pk=world.top.pk), YEAR, GoalSettings.Rule.WORST)
    assert worst[world.top.pk].status.light == Light.RED
    majority = rollup.roll_up(Goal.objects.filter(pk=world.top.pk), YEAR, GoalSettings.Rule.MAJORITY)
    status = majority[world.top.pk].status
    assert status.light == Light.GREEN and "YY" in status.reason  # the first green by code
    assert (
        status == rollup.roll_up(Goal.objects.filter(pk=world.top.pk), YEAR, "majority")[world.top.pk].status
    )


def test_without_values_a_goal_has_no_status_and_says_why(world: Any) -> None:
    status = rollup.roll_up(Goal.objects.all(), YEAR)[world.top.pk].status
    assert status.light == Light.NONE and status.reason


def _grow(orgtree: Any, world: Any, n: int) -> None:
    parent = make_unit(orgtree.a, name=f"Centrum {n}")
    units = [make_unit(parent, name=f"Enhet {n}-{i}") for i in range(n)]
    services.breakdown(world.goal_a.pk, by=SYSTEM, units=units)
    services.upsert_measurements(
        [Row(i, u.code, world.indicator.code, f"{YEAR}-T1", 20 + i) for i, u in enumerate(units)], by=SYSTEM
    )


@pytest.mark.parametrize("size", [3, 30])
def test_the_overview_takes_the_same_queries_at_any_size(
    orgtree: Any, world: Any, size: int, django_assert_max_num_queries: Any
) -> None:
    _grow(orgtree, world, size)
    with django_assert_max_num_queries(13):  # the roll-up's eight, the cache's lookup and store
        found = rollup.overview(YEAR, by=SYSTEM)
    with django_assert_max_num_queries(2):
        assert rollup.overview(YEAR, by=SYSTEM) == found
    # Values run 20, 21, …: all under the target 30 with three units; up to 49 (red) with thirty.
    assert found.areas[0].goals[0].status.light == (Light.GREEN if size == 3 else Light.RED)
    assert found.goal_count == size + 2


@pytest.mark.parametrize("size", [3, 30])
def test_chain_and_unit_goals_take_the_same_queries_at_any_size(
    orgtree: Any, world: Any, size: int, django_assert_max_num_queries: Any
) -> None:
    _grow(orgtree, world, size)
    goal = Goal.objects.select_related("unit", "area").get(pk=world.goal_a.pk)
    with django_assert_max_num_queries(8):
        found = rollup.chain(goal, by=SYSTEM, year=YEAR)
    assert [g.pk for g in found.ancestors] == [world.top.pk]
    assert len(found.children) == size
    with django_assert_max_num_queries(6):
        mine = rollup.unit_goals(orgtree.a, YEAR, by=SYSTEM)
    assert [g.goal.id for g in mine] == [world.goal_a.pk]
    assert [g.pk for g in mine[0].above] == [world.top.pk]


def test_series_aggregate_the_subunits_when_a_unit_has_no_value(orgtree: Any, world: Any) -> None:
    _measure(world.indicator, orgtree.a1, f"{YEAR}-T1", 10)
    _measure(world.indicator, orgtree.b1, f"{YEAR}-T1", 30)
    _measure(world.indicator, orgtree.region, f"{YEAR}-T2", 25)
    points = rollup.series(world.indicator, orgtree.region).points
    assert [(p.period, p.value, p.aggregated) for p in points] == [
        (f"{YEAR}-T1", 20.0, True),
        (f"{YEAR}-T2", 25.0, False),
    ]

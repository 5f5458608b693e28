"""Roll-up: statuses with reasons, the rule, the overview, chains and series, in a fixed number of queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from rodtrad.core.access import SYSTEM
from rodtrad.core.tests.factories import make_unit
from rodtrad.goals import periods, rollup, services
from rodtrad.goals.models import Goal, GoalSettings, Indicator
from rodtrad.goals.rollup import Light
from rodtrad.goals.services import Row
from rodtrad.goals.tests.conftest import YEAR


def _measure(
    indicator: Any, unit: Any, period: str, value: float, sex: str = "total", weight: float | None = None
) -> None:
    services.upsert_measurements(
        [
            Row(
                line=1,
                unit=unit.code,
                indicator=indicator.code,
                period=period,
                value=value,
                sex=sex,
                weight=weight,
            )
        ],
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
    with django_assert_max_num_queries(14):  # the overview's nine, the cache's lookup and store
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
    with django_assert_max_num_queries(9):
        found = rollup.chain(goal, by=SYSTEM, year=YEAR)
    assert [g.pk for g in found.ancestors] == [world.top.pk]
    assert len(found.children) == size
    with django_assert_max_num_queries(13):  # the roll-up, then the cache written
        mine = rollup.unit_goals(orgtree.a, YEAR, by=SYSTEM)
    assert [g.goal.id for g in mine] == [world.goal_a.pk]
    assert [g.pk for g in mine[0].above] == [world.top.pk]
    with django_assert_max_num_queries(2):  # the audit head and the cache
        assert rollup.unit_goals(orgtree.a, YEAR, by=SYSTEM) == mine


def test_series_aggregate_the_subunits_when_a_unit_has_no_value(orgtree: Any, world: Any) -> None:
    _measure(world.indicator, orgtree.a1, f"{YEAR}-T1", 10)
    _measure(world.indicator, orgtree.b1, f"{YEAR}-T1", 30)
    _measure(world.indicator, orgtree.region, f"{YEAR}-T2", 25)
    points = rollup.series(world.indicator, orgtree.region).points
    assert [(p.period, p.value, p.aggregated) for p in points] == [
        (f"{YEAR}-T1", 20.0, True),
        (f"{YEAR}-T2", 25.0, False),
    ]


def _aggregated_on_a(orgtree: Any, world: Any, aggregation: str) -> Indicator:
    """Goal A linked to a new indicator (lower is better, target 30) measured only below A:
    A1 10 (weight 1) and A2 30 (weight 3), and under A1 a unit whose 1000 A1's own value hides."""
    indicator = services.create_indicator(
        by=SYSTEM,
        code="QUEUE",
        name="Kö",
        unit=orgtree.region,
        measure="dagar",
        direction=Indicator.Direction.LOWER,
        aggregation=aggregation,
        targets=[services.TargetIn(YEAR, 30)],
    )
    services.update_goal(world.goal_a.pk, by=SYSTEM, version=world.goal_a.version, indicators=[indicator])
    a2 = make_unit(orgtree.a, name="Enhet A2", code="A2")
    _measure(indicator, orgtree.a1, f"{YEAR}-T1", 10, weight=1)
    _measure(indicator, a2, f"{YEAR}-T1", 30, weight=3)
    _measure(indicator, make_unit(orgtree.a1, name="Team A1a", code="A1a"), f"{YEAR}-T1", 1000, weight=1)
    return indicator


@pytest.mark.parametrize(
    ("aggregation", "value", "light"),
    [
        (Indicator.Aggregation.SUM, 40.0, Light.RED),
        (Indicator.Aggregation.MEAN, 20.0, Light.GREEN),
        (Indicator.Aggregation.WEIGHTED_MEAN, 25.0, Light.GREEN),
    ],
)
def test_a_forvaltning_without_its_own_value_is_judged_on_its_units_aggregated(
    orgtree: Any, world: Any, aggregation: str, value: float, light: Light
) -> None:
    _aggregated_on_a(orgtree, world, aggregation)
    with translation.override("en"):
        goal = rollup.roll_up(Goal.objects.all(), YEAR)[world.goal_a.pk]
    [found] = goal.indicators
    assert (found.period, found.value, found.aggregated) == (f"{YEAR}-T1", value, True)
    assert found.status.light == goal.status.light == light
    assert found.status.reason == (
        f"Indicator QUEUE is {value:g} dagar in T1 2026 (jan–apr), aggregated over the units "
        "below (target 30)."
    )


def test_with_aggregation_none_a_unit_without_its_own_value_has_none(orgtree: Any, world: Any) -> None:
    _aggregated_on_a(orgtree, world, Indicator.Aggregation.NONE)
    [found] = rollup.roll_up(Goal.objects.all(), YEAR)[world.goal_a.pk].indicators
    assert (found.period, found.value, found.aggregated, found.status.light) == (
        None,
        None,
        False,
        Light.NONE,
    )


def test_the_units_own_value_wins_over_a_later_one_below(orgtree: Any, world: Any) -> None:
    indicator = _aggregated_on_a(orgtree, world, Indicator.Aggregation.MEAN)
    _measure(indicator, orgtree.a1, f"{YEAR}-T2", 50)
    _measure(indicator, orgtree.a, f"{YEAR}-T1", 32)
    [found] = rollup.roll_up(Goal.objects.all(), YEAR)[world.goal_a.pk].indicators
    assert (found.period, found.value, found.aggregated, found.status.light) == (
        f"{YEAR}-T1",
        32,
        False,
        Light.YELLOW,
    )


def test_as_of_a_period_the_values_below_stop_there_too(orgtree: Any, world: Any) -> None:
    indicator = _aggregated_on_a(orgtree, world, Indicator.Aggregation.MEAN)
    _measure(indicator, orgtree.a1, f"{YEAR}-T2", 50)  # with A2's T1 value left out, the T2 mean is 50
    [t2] = rollup.roll_up(Goal.objects.all(), YEAR)[world.goal_a.pk].indicators
    assert (t2.period, t2.value, t2.status.light) == (f"{YEAR}-T2", 50, Light.RED)
    until = periods.make(periods.Scheme.TERTIAL, YEAR, 1)
    [t1] = rollup.roll_up(Goal.objects.all(), YEAR, until=until)[world.goal_a.pk].indicators
    assert (t1.period, t1.value, t1.aggregated, t1.status.light) == (f"{YEAR}-T1", 20, True, Light.GREEN)


@pytest.mark.parametrize("size", [3, 30])
def test_aggregating_below_takes_the_same_queries_for_any_number_of_goals(
    orgtree: Any, world: Any, size: int, django_assert_max_num_queries: Any, monkeypatch: Any
) -> None:
    # Thirty goals without values of their own are more than listed by id: found again in SQL.
    monkeypatch.setattr(rollup, "MAX_LISTED_LINKS", 10)
    units = [make_unit(orgtree.a, name=f"Centrum {i}", code=f"C{i}") for i in range(size)]
    services.breakdown(world.goal_a.pk, by=SYSTEM, units=units)
    for i, unit in enumerate(units):
        below = make_unit(unit, name=f"Enhet {i}", code=f"C{i}E")
        _measure(world.indicator, below, f"{YEAR}-T1", i)
    with django_assert_max_num_queries(6):
        found = rollup.roll_up(Goal.objects.all(), YEAR)
    values = [v for g in found.values() for v in g.indicators]
    assert len(values) == size + 2 and all(v.aggregated for v in values)
    assert found[world.top.pk].indicators[0].value == sum(range(size)) / size


@pytest.fixture
def three_tertials(orgtree: Any, world: Any) -> None:
    """Förvaltning A's value: green in T1, red in T2, yellow in T3 (lower is better, target 30)."""
    for number, value in ((1, 20), (2, 40), (3, 32)):
        _measure(world.indicator, orgtree.a, f"{YEAR}-T{number}", value)


@pytest.mark.parametrize(
    ("number", "value", "light"), [(1, 20, Light.GREEN), (2, 40, Light.RED), (3, 32, Light.YELLOW)]
)
def test_as_of_a_period_each_indicator_shows_its_value_for_that_period_not_a_later_one(
    orgtree: Any, world: Any, three_tertials: None, number: int, value: float, light: Light
) -> None:
    until = periods.make(periods.Scheme.TERTIAL, YEAR, number)
    goal = rollup.roll_up(Goal.objects.all(), YEAR, until=until)[world.goal_a.pk]
    assert [(v.period, v.value) for v in goal.indicators] == [(until.code, value)]
    assert goal.status.light == light
    top = rollup.overview(YEAR, by=SYSTEM, until=until).areas[0].goals[0]
    assert top.status.light == light


def test_as_of_a_period_the_latest_earlier_value_counts_and_none_before_the_first(
    orgtree: Any, world: Any
) -> None:
    _measure(world.indicator, orgtree.a, f"{YEAR}-T1", 20)
    _measure(world.indicator, orgtree.a, f"{YEAR}-T3", 40)
    t2 = periods.make(periods.Scheme.TERTIAL, YEAR, 2)
    assert rollup.roll_up(Goal.objects.all(), YEAR, until=t2)[world.goal_a.pk].indicators[0].value == 20
    monthly = services.create_indicator(
        by=SYSTEM,
        code="MONTHLY",
        name="Per månad",
        unit=orgtree.region,
        frequency=periods.Scheme.MONTH,
        targets=[services.TargetIn(YEAR, 80)],
    )
    services.update_goal(
        world.goal_a.pk, by=SYSTEM, version=world.goal_a.version, indicators=[world.indicator, monthly]
    )
    _measure(monthly, orgtree.a, f"{YEAR}-09", 90)
    with translation.override("en"):
        found = rollup.roll_up(Goal.objects.all(), YEAR, until=t2)[world.goal_a.pk]
    assert [(v.code, v.value) for v in found.indicators] == [("MONTHLY", None), ("WAIT", 20)]
    assert found.indicators[0].status.reason == "Indicator MONTHLY has no value up to T2 2026 (may–aug)."
    t3 = periods.make(periods.Scheme.TERTIAL, YEAR, 3)
    found = rollup.roll_up(Goal.objects.all(), YEAR, until=t3)[world.goal_a.pk]
    assert [(v.period, v.value) for v in found.indicators] == [(f"{YEAR}-09", 90), (f"{YEAR}-T3", 40)]


def test_the_roll_up_as_of_a_period_takes_a_fixed_number_of_queries(
    orgtree: Any, world: Any, three_tertials: None, django_assert_max_num_queries: Any
) -> None:
    t2 = periods.make(periods.Scheme.TERTIAL, YEAR, 2)
    for i in range(5):
        unit = make_unit(orgtree.a, name=f"Enhet {i}", code=f"E{i}")
        child = services.breakdown(world.goal_a.pk, by=SYSTEM, units=[unit]).created[0]
        services.update_goal(child.pk, by=SYSTEM, version=child.version, indicators=[world.indicator])
        _measure(world.indicator, unit, f"{YEAR}-T{1 + i % 3}", 25)
    with django_assert_max_num_queries(6):
        found = rollup.roll_up(Goal.objects.all(), YEAR, until=t2)
    assert len(found) == 7


def test_a_period_of_another_year_is_refused(world: Any) -> None:
    with pytest.raises(ValueError, match="2025-T2"):
        rollup.roll_up(Goal.objects.all(), YEAR, until=periods.make(periods.Scheme.TERTIAL, 2025, 2))

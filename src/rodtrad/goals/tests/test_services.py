"""Goals, breakdown, activities, indicators and follow-up through the services."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from rodtrad.core.access import SYSTEM, PermissionDenied
from rodtrad.core.errors import StaleWrite
from rodtrad.core.models import AuditEntry, Notification
from rodtrad.goals import periods, services
from rodtrad.goals.models import Activity, FollowUp, Goal, Indicator
from rodtrad.goals.tests.conftest import YEAR


def test_periods_default_to_tertials_and_parse_every_scheme() -> None:
    assert [p.code for p in periods.periods_of("tertial", 2026)] == ["2026-T1", "2026-T2", "2026-T3"]
    t2 = periods.parse("2026-T2", "tertial")
    assert t2 is not None and (t2.start.month, t2.end.month, t2.end.day) == (5, 8, 31)
    assert periods.parse("2026-Q4", "quarter") is not None
    assert periods.parse("2026-12", "month") is not None
    assert periods.parse("2026", "year") is not None
    assert periods.parse("2026-T4", "tertial") is None
    assert periods.parse("2026-T1", "quarter") is None


def test_a_parent_goal_must_lie_in_the_same_or_an_ancestor_unit(orgtree: Any, world: Any) -> None:
    goal_b1 = services.create_goal(
        by=SYSTEM, area=world.area, unit=orgtree.b1, title="B1-mål", year_from=YEAR
    )
    with pytest.raises(ValidationError) as err:
        services.create_goal(by=SYSTEM, area=None, unit=orgtree.a1, title="X", year_from=YEAR, parent=goal_b1)
    assert "parent" in err.value.message_dict
    child = services.create_goal(
        by=SYSTEM, area=None, unit=orgtree.a1, title="A1", year_from=YEAR, parent=world.top
    )
    assert child.area == world.area


def test_a_goal_cannot_be_moved_under_its_own_child(world: Any) -> None:
    with pytest.raises(ValidationError) as err:
        services.update_goal(world.top.pk, by=SYSTEM, version=world.top.version, parent=world.goal_a)
    assert "parent" in err.value.message_dict


def test_breakdown_creates_one_goal_per_unit_audits_each_and_tells_the_managers(
    orgtree: Any, people: Any, world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    before = AuditEntry.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        done = services.breakdown(world.goal_a.pk, by=people.quality_a, units=[orgtree.a1])
    assert [g.unit for g in done.created] == [orgtree.a1]
    child = done.created[0]
    assert child.parent == world.goal_a and child.owner == people.manager_a1
    assert list(child.indicators.all()) == [world.indicator]
    assert AuditEntry.objects.count() == before + 1
    assert Notification.objects.filter(user=people.manager_a1, title__contains=child.title).exists()
    again = services.breakdown(world.goal_a.pk, by=people.quality_a, units=[orgtree.a1])
    assert again.created == [] and again.skipped == [orgtree.a1]


def test_breakdown_refuses_units_outside_and_people_without_the_role(
    orgtree: Any, people: Any, world: Any
) -> None:
    with pytest.raises(ValidationError):
        services.breakdown(world.goal_a.pk, by=people.quality_r, units=[orgtree.b1])
    with pytest.raises(PermissionDenied):
        services.breakdown(world.goal_a.pk, by=people.editor_a1, units=[orgtree.a1])
    assert not Goal.objects.filter(unit=orgtree.a1).exists()


def test_activities_have_a_status_and_progress(people: Any, world: Any) -> None:
    activity = services.create_activity(by=people.quality_a, goal=world.goal_a, title="Inför triage")
    activity = services.update_activity(
        activity.pk, by=people.quality_a, version=activity.version, status=Activity.Status.DONE
    )
    assert activity.progress == 100
    with pytest.raises(ValidationError):
        services.update_activity(activity.pk, by=people.quality_a, version=activity.version, progress=101)


@pytest.mark.parametrize(
    ("direction", "target", "green", "yellow"),
    [("higher", 90, 90, 95), ("higher", 90, 95, 80), ("lower", 30, 30, 25), ("lower", 30, 25, 35)],
)
def test_thresholds_that_contradict_the_direction_are_refused(
    orgtree: Any, direction: str, target: float, green: float, yellow: float
) -> None:
    with pytest.raises(ValidationError) as err:
        services.create_indicator(
            by=SYSTEM,
            code="X",
            name="X",
            unit=orgtree.region,
            direction=direction,
            targets=[services.TargetIn(YEAR, target, green, yellow)],
        )
    assert "targets" in err.value.message_dict
    assert not Indicator.objects.filter(code="X").exists()


def test_yellow_defaults_to_ten_per_cent_short_of_green(orgtree: Any) -> None:
    indicator = services.create_indicator(
        by=SYSTEM, code="H", name="H", unit=orgtree.region, targets=[services.TargetIn(YEAR, 80)]
    )
    target = indicator.targets.get()
    assert (target.green, target.yellow) == (80, 72)


def test_a_second_concurrent_followup_write_is_refused_and_loses_nothing(people: Any, world: Any) -> None:
    first, created = services.save_followup(
        by=people.quality_a, goal=world.goal_a, period=f"{YEAR}-T2", analysis="Första"
    )
    assert created
    with pytest.raises(StaleWrite):
        services.save_followup(by=people.quality_a, goal=world.goal_a, period=f"{YEAR}-T2", analysis="Andra")
    services.save_followup(
        by=people.quality_a, goal=world.goal_a, period=f"{YEAR}-T2", version=1, analysis="Tredje", done=True
    )
    with pytest.raises(StaleWrite):
        services.save_followup(
            by=people.quality_a, goal=world.goal_a, period=f"{YEAR}-T2", version=1, analysis="Fjärde"
        )
    stored = FollowUp.objects.get()
    assert (stored.analysis, stored.version, stored.done) == ("Tredje", 2, True)
    assert stored.done_at is not None


def test_followups_use_the_organisations_periods(people: Any, world: Any) -> None:
    with pytest.raises(ValidationError) as err:
        services.save_followup(by=people.quality_a, goal=world.goal_a, period=f"{YEAR}-Q2")
    assert f"{YEAR}-Q2" in str(err.value)
    services.update_settings(by=SYSTEM, version=None, period_scheme=periods.Scheme.QUARTER)
    _followup, created = services.save_followup(by=people.quality_a, goal=world.goal_a, period=f"{YEAR}-Q2")
    assert created

"""People and a small goal world around the shared test organisation (region R, A/A1, B/B1)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from rodtrad.core.access import SYSTEM
from rodtrad.core.models import Role, User
from rodtrad.core.tests.factories import make_user
from rodtrad.goals import services
from rodtrad.goals.models import Goal, GoalArea, Indicator

YEAR = 2026


@dataclass
class People:
    quality_r: User
    quality_a: User
    manager_a1: User
    editor_a1: User
    reader_a1: User
    editor_b: User
    nobody: User


@pytest.fixture
def people(orgtree: Any) -> People:
    manager = make_user("manager_a1", unit=orgtree.a1, role=Role.MANAGER)
    from rodtrad.core.services import org

    org.update_unit(orgtree.a1.pk, by=SYSTEM, version=None, manager=manager)
    orgtree.a1.refresh_from_db()
    return People(
        quality_r=make_user("quality_r", unit=orgtree.region, role=Role.QUALITY),
        quality_a=make_user("quality_a", unit=orgtree.a, role=Role.QUALITY),
        manager_a1=manager,
        editor_a1=make_user("editor_a1", unit=orgtree.a1, role=Role.EDITOR),
        reader_a1=make_user("reader_a1", unit=orgtree.a1, role=Role.READER),
        editor_b=make_user("editor_b", unit=orgtree.b, role=Role.EDITOR),
        nobody=make_user("nobody", unit=None),
    )


@dataclass
class World:
    area: GoalArea
    indicator: Indicator
    top: Goal
    goal_a: Goal


@pytest.fixture
def world(orgtree: Any) -> World:
    """A regional goal with indicator WAIT (lower is better, target 30), broken down to förvaltning A."""
    area = services.create_area(by=SYSTEM, name="Patient", colour="#1f6f8b")
    indicator = services.create_indicator(
        by=SYSTEM,
        code="WAIT",
        name="Väntetid",
        unit=orgtree.region,
        measure="dagar",
        direction=Indicator.Direction.LOWER,
        targets=[services.TargetIn(YEAR, 30)],
    )
    top = services.create_goal(
        by=SYSTEM,
        area=area,
        unit=orgtree.region,
        title="Kortare väntetider",
        year_from=YEAR,
        indicators=[indicator],
    )
    goal_a = services.breakdown(top.pk, by=SYSTEM, units=[orgtree.a]).created[0]
    return World(area, indicator, top, goal_a)

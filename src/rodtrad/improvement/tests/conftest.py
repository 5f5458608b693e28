"""People around the shared test organisation (region R, A/A1, B/B1) and the default categories."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from rodtrad.core.models import Notification, Role, User
from rodtrad.core.tests.factories import make_user
from rodtrad.improvement.defaults import add_default_categories


@dataclass
class People:
    quality_r: User
    quality_a: User
    manager_a: User
    manager_a1: User
    nurse_a1: User
    manager_b: User
    nobody: User


@pytest.fixture
def people(orgtree: Any) -> People:
    cast = People(
        quality_r=make_user("quality_r", unit=orgtree.region, role=Role.QUALITY, email="q@example.se"),
        quality_a=make_user("quality_a", unit=orgtree.a, role=Role.QUALITY),
        manager_a=make_user("manager_a", unit=orgtree.a, role=Role.MANAGER),
        manager_a1=make_user("manager_a1", unit=orgtree.a1, role=Role.MANAGER),
        nurse_a1=make_user("nurse_a1", unit=orgtree.a1, role=Role.REPORTER),
        manager_b=make_user("manager_b", unit=orgtree.b, role=Role.MANAGER),
        nobody=make_user("nobody", unit=None),
    )
    Notification.objects.all().delete()  # "you now hold the role": not what these tests are about
    return cast


@pytest.fixture
def categories(db: Any) -> None:
    add_default_categories()

"""People and a small value base around the shared test organisation (region R, A/A1, B/B1)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from rodtrad.core.access import SYSTEM
from rodtrad.core.models import Notification, Role, User
from rodtrad.core.services import org
from rodtrad.core.tests.factories import make_user
from rodtrad.values.models import ValueBase, ValueWord
from rodtrad.values.tests.factories import make_base, make_word


@dataclass
class People:
    quality_r: User
    quality_a: User
    manager_a1: User
    editor_a1: User
    writer_a1: User
    colleague_b1: User
    editor_b: User
    nobody: User


@pytest.fixture
def people(orgtree: Any) -> People:
    manager = make_user("manager_a1", unit=orgtree.a1, role=Role.MANAGER)
    org.update_unit(orgtree.a1.pk, by=SYSTEM, version=None, manager=manager)
    orgtree.a1.refresh_from_db()
    cast = People(
        quality_r=make_user("quality_r", unit=orgtree.region, role=Role.QUALITY),
        quality_a=make_user("quality_a", unit=orgtree.a, role=Role.QUALITY),
        manager_a1=manager,
        editor_a1=make_user("editor_a1", unit=orgtree.a1, role=Role.EDITOR),
        writer_a1=make_user("writer_a1", unit=orgtree.a1, role=Role.REPORTER),
        colleague_b1=make_user("colleague_b1", unit=orgtree.b1, role=Role.READER),
        editor_b=make_user("editor_b", unit=orgtree.b, role=Role.EDITOR),
        nobody=make_user("nobody", unit=None),
    )
    Notification.objects.all().delete()  # "you now hold the role": not what these tests are about
    return cast


@dataclass
class Values:
    base: ValueBase
    open: ValueWord
    engaged: ValueWord
    skilled: ValueWord


@pytest.fixture
def values(orgtree: Any) -> Values:
    """The primary value base "Varje dag lite bättre" with öppet, engagerat and kunnigt."""
    base = make_base()
    return Values(
        base,
        make_word(base, "Öppet", ["Vi delar med oss av det vi vet."]),
        make_word(base, "Engagerat", ["Vi tar ansvar för helheten."]),
        make_word(base, "Kunnigt", ["Vi lär av varandra."]),
    )

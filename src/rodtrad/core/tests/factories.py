"""Builders for tests; they go through the services so audit entries exist as in real use."""

from __future__ import annotations

import itertools

from rodtrad.core.access import SYSTEM
from rodtrad.core.models import Role, Unit, User
from rodtrad.core.services import org, people

_seq = itertools.count(1)


def make_unit(
    parent: Unit | None = None,
    *,
    name: str | None = None,
    code: str | None = None,
    kind: str = Unit.Kind.ENHET,
) -> Unit:
    n = next(_seq)
    return org.create_unit(
        by=SYSTEM, name=name or f"Enhet {n}", code=code or f"U{n}", kind=kind, parent=parent
    )


def make_user(
    username: str | None = None,
    *,
    unit: Unit | None = None,
    role: str | None = None,
    password: str | None = "correct-horse-42",
    **extra: str,
) -> User:
    n = next(_seq)
    user = people.create_user(
        by=SYSTEM,
        username=username or f"user{n}",
        name=extra.get("name", f"Person {n}"),
        email=extra.get("email", ""),
        home_unit=unit,
        password=password,
    )
    if role and unit is not None:
        people.grant_role(by=SYSTEM, user=user, unit=unit, role=Role(role))
    return user

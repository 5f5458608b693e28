"""Loads a demo profile through the services; loading it twice changes nothing."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from rodtrad.core.access import SYSTEM
from rodtrad.core.demo.profiles import DEMO_PASSWORD, DEMO_USERS, PROFILES, Profile, tree
from rodtrad.core.models import Membership, Organisation, Unit, User
from rodtrad.core.services import org, people

#: Later modules append a loader for their part of a profile.
EXTENSIONS: list[Callable[[Profile], None]] = []


def _unit(code: str, name: str, kind: str, parent: Unit | None) -> Unit:
    existing: Unit | None = Unit.objects.filter(code=code).first()
    if existing is not None:
        return existing
    return org.create_unit(by=SYSTEM, name=name, code=code, kind=kind, parent=parent)


def _branch(prefix: str, parent: Unit, nodes: list) -> None:  # type: ignore[type-arg]
    for suffix, name, kind, children in nodes:
        unit = _unit(f"{prefix}-{suffix}", name, kind, parent)
        _branch(prefix, unit, children)


@transaction.atomic
def load(key: str) -> Profile:
    profile = PROFILES[key]
    current = Organisation.objects.order_by("pk").first()
    wanted = {"name": profile.name, "vision": profile.vision, "motto": profile.motto, "profile": profile.key}
    if current is None or any(getattr(current, k) != v for k, v in wanted.items()):
        org.update_organisation(by=SYSTEM, version=current.version if current else None, **wanted)
    region = _unit(profile.code, profile.name, Unit.Kind.REGION, None)
    _branch(profile.code, region, tree(profile))
    for username, name, title, role, suffix in DEMO_USERS:
        unit = Unit.objects.get(code=f"{profile.code}-{suffix}" if suffix else profile.code)
        user = User.objects.filter(username=username).first()
        if user is None:
            user = people.create_user(
                by=SYSTEM,
                username=username,
                name=name,
                title=title,
                home_unit=unit,
                email=f"{username}@example.org",
                password=DEMO_PASSWORD,
            )
        if not Membership.objects.filter(user=user, unit=unit, role=role).exists():
            people.grant_role(by=SYSTEM, user=user, unit=unit, role=role)
    for extension in EXTENSIONS:
        extension(profile)
    return profile

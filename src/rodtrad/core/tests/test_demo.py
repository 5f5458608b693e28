"""The demo organisations: facts from the seed documents, loaded idempotently."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from rodtrad.core.demo.loader import load
from rodtrad.core.demo.profiles import DEMO_PASSWORD, DEMO_USERS, PROFILES
from rodtrad.core.models import AuditEntry, Membership, Organisation, Role, Unit, User

SEEDS = Path(__file__).resolve().parents[4].parent / "shared" / "seeds"


def _seed_text(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    text = path.read_text(encoding="utf-8").replace("*", "")
    return re.sub(r"\s+", " ", text).lower()


@pytest.mark.parametrize("key", sorted(PROFILES))
def test_profile_facts_come_from_its_seeds(key):
    profile = PROFILES[key]
    seeds = " ".join(_seed_text(seed) for seed in profile.seeds)
    assert profile.vision.lower() in seeds
    assert profile.motto.lower() in seeds


@pytest.mark.django_db
def test_demo_region_has_forvaltningar_centra_and_about_forty_units():
    load("kalmar")
    kinds = {kind: Unit.objects.filter(kind=kind).count() for kind in Unit.Kind.values}
    assert kinds["region"] == 1
    assert 5 <= kinds["forvaltning"] <= 6
    assert kinds["centrum"] >= 5
    assert 35 <= Unit.objects.count() <= 50
    assert Organisation.objects.get().vision == PROFILES["kalmar"].vision


@pytest.mark.django_db
def test_one_demo_user_per_role_who_can_sign_in():
    load("kalmar")
    assert {role for *_, role, _ in DEMO_USERS} == set(Role.values)
    for username, *_ in DEMO_USERS:
        assert Client().login(username=username, password=DEMO_PASSWORD), username
    assert Membership.objects.filter(user__username="admin", unit__kind="region", role="admin").exists()


@pytest.mark.django_db
def test_loading_the_demo_twice_changes_nothing(capsys):
    call_command("demo")
    counts = (
        Unit.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        AuditEntry.objects.count(),
    )
    call_command("demo")
    assert counts == (
        Unit.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        AuditEntry.objects.count(),
    )
    assert "rodtrad-demo" in capsys.readouterr().out


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["orebro", "jamtland", "kompass"])
def test_each_profile_loads(key):
    load(key)
    org = Organisation.objects.get()
    assert (org.name, org.motto, org.profile) == (PROFILES[key].name, PROFILES[key].motto, key)
    assert Unit.objects.get(kind="region").name == PROFILES[key].name

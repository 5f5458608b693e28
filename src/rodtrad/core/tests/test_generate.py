"""``rodtrad generate``: deterministic, well-formed benchmark data that keeps the audit chain intact."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import transaction

from rodtrad.core.models import AuditAction, AuditEntry, Membership, Role, Unit, User
from rodtrad.core.services import audit
from rodtrad.core.services.generate import generate
from rodtrad.core.tests.factories import make_unit

pytestmark = pytest.mark.django_db


def _generated(seed: int) -> dict[str, Any]:
    """Generate inside a savepoint, read what was written, and roll it back."""
    with transaction.atomic():
        generate(units=40, users=80, seed=seed, audit_entries=60)
        data = {
            "units": list(Unit.objects.order_by("path").values_list("path", "code", "name", "kind")),
            "users": list(User.objects.order_by("username").values_list("username", "name", "title")),
            "roles": sorted(Membership.objects.values_list("user__username", "unit__code", "role")),
        }
        transaction.set_rollback(True)
    return data


def test_the_same_seed_gives_the_same_organisation_and_another_seed_another():
    first, again, other = _generated(3), _generated(3), _generated(4)
    assert first == again
    assert first["users"] != other["users"]
    assert first["units"] != other["units"]


def test_the_tree_is_a_valid_treebeard_tree_with_region_forvaltningar_centra_and_enheter():
    result = generate(units=120, users=300, seed=1, audit_entries=50)
    assert result.units == Unit.objects.count() == 120
    assert Unit.objects.find_problems() == ([], [], [], [], [])
    kinds = {kind: Unit.objects.filter(kind=kind).count() for kind in Unit.Kind.values}
    assert kinds[Unit.Kind.REGION] == 1
    assert kinds[Unit.Kind.FORVALTNING] == 6
    assert kinds[Unit.Kind.CENTRUM] >= 6
    assert kinds[Unit.Kind.ENHET] == 120 - 1 - 6 - kinds[Unit.Kind.CENTRUM]
    root = Unit.objects.get(kind=Unit.Kind.REGION)
    assert Unit.objects.get_descendant_count(root) == 119
    assert not Unit.objects.filter(manager__isnull=True).exists()


def test_every_person_reads_or_reports_on_their_home_unit_and_the_roles_are_spread():
    generate(units=60, users=400, seed=2, audit_entries=0)
    for user in User.objects.all():
        roles = set(user.memberships.filter(unit=user.home_unit).values_list("role", flat=True))
        assert roles & {Role.READER, Role.REPORTER}, user
    counts = {role: Membership.objects.filter(role=role).count() for role in Role.values}
    assert counts[Role.MANAGER] == 60
    assert counts[Role.ADMIN] == 3
    assert counts[Role.QUALITY] >= 6 * 3
    assert counts[Role.APPROVER] > 0
    assert counts[Role.EDITOR] > 0


def test_generated_people_sign_in_with_the_printed_password():
    result = generate(units=5, users=5, seed=9, audit_entries=0)
    assert result.password == "bench-9"
    assert User.objects.order_by("pk").first().check_password("bench-9")  # type: ignore[union-attr]


def test_the_audit_chain_verifies_and_ends_with_one_generate_entry():
    result = generate(units=30, users=50, seed=1, audit_entries=70)
    assert audit.verify().ok
    assert AuditEntry.objects.count() == result.audit_entries + 1  # and the organisation's creation
    last = AuditEntry.objects.order_by("-seq").first()
    assert last is not None
    assert last.action == AuditAction.GENERATE
    assert last.changes["units"] == [None, 30]


def test_it_refuses_a_database_that_already_has_units():
    make_unit(None, code="REAL")
    with pytest.raises(ValidationError):
        generate(units=5, users=5)
    assert Unit.objects.count() == 1


def test_the_command_reports_counts_and_the_password_and_refuses_a_second_run():
    out = StringIO()
    call_command("generate", units=12, users=20, seed=5, audit=10, quiet=True, stdout=out)
    assert "12 units, 20 users" in out.getvalue()
    assert "bench-5" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("generate", units=12, users=20, quiet=True, stdout=StringIO())
    assert Unit.objects.count() == 12

"""The audit log records every change with before and after, and detects tampering."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from rodtrad.core.access import SYSTEM
from rodtrad.core.models import AuditAction, AuditEntry
from rodtrad.core.services import audit, org, people
from rodtrad.core.tests.factories import make_user


def test_update_records_actor_unit_and_changed_fields(orgtree, region_admin):
    org.update_unit(orgtree.a1.pk, by=region_admin, version=1, name="Hjärtavdelningen")
    entry = AuditEntry.objects.for_object(orgtree.a1).get(action="update")
    assert entry.action == "update"
    assert entry.actor_id == region_admin.pk
    assert entry.unit_id == orgtree.a1.pk
    assert entry.changes == {"name": ["Enhet A1", "Hjärtavdelningen"]}


def test_grant_and_revoke_are_recorded(orgtree, region_admin):
    person = make_user("p1", unit=orgtree.a1)
    membership = people.grant_role(by=region_admin, user=person, unit=orgtree.a1, role="editor")
    people.revoke_role(membership.pk, by=region_admin)
    actions = list(
        AuditEntry.objects.filter(object_type="core.membership", object_id=str(membership.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["grant", "revoke"]


def test_chain_is_intact_after_many_changes(orgtree):
    for i in range(10):
        make_user(f"u{i}", unit=orgtree.a1, role="reader")
    verdict = audit.verify()
    assert verdict.ok and verdict.checked == AuditEntry.objects.count()


def _tamper(sql: str, params: list[str | int]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_editing_one_row_breaks_the_chain_at_that_row(orgtree):
    victim = AuditEntry.objects.order_by("seq")[2]
    _tamper("UPDATE core_auditentry SET object_label = %s WHERE seq = %s", ["förfalskad", victim.seq])
    verdict = audit.verify()
    assert not verdict.ok and verdict.broken_seq == victim.seq
    with pytest.raises(CommandError, match=f"broken at entry {victim.seq}"):
        call_command("audit", "verify", quiet=True)


def test_removing_a_row_in_the_middle_is_detected(orgtree):
    victim = AuditEntry.objects.order_by("seq")[1]
    _tamper("DELETE FROM core_auditentry WHERE seq = %s", [victim.seq])
    verdict = audit.verify()
    assert not verdict.ok and verdict.broken_seq == victim.seq


def test_removing_the_last_row_is_detected(orgtree):
    last = AuditEntry.objects.order_by("-seq")[0]
    _tamper("DELETE FROM core_auditentry WHERE seq = %s", [last.seq])
    assert not audit.verify().ok


def test_verify_command_passes_on_an_intact_chain(orgtree, capsys):
    call_command("audit", "verify", quiet=True)
    assert "intact" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_record_refuses_to_write_outside_a_transaction(orgtree):
    """An entry written outside the service's transaction could survive a rolled-back change."""
    with pytest.raises(RuntimeError):
        audit.record(actor=SYSTEM, action=AuditAction.UPDATE, obj=orgtree.a)

"""``rodtrad generate --events N --actions N``: five years of seeded reporting on the generated tree."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from rodtrad.core import pnr
from rodtrad.core.models import AuditAction, AuditEntry, Unit
from rodtrad.core.services import audit
from rodtrad.core.services.generate import generate
from rodtrad.improvement.generate import generate_improvement
from rodtrad.improvement.models import (
    Action,
    Cause,
    Complaint,
    Duty,
    Event,
    Investigation,
    Learning,
    PdsaEntry,
    Proposal,
)

pytestmark = pytest.mark.django_db


def _written(seed: int) -> dict[str, Any]:
    """Generate inside a savepoint, read what was written, and roll it back."""
    with transaction.atomic():
        counts = generate_improvement(events=400, actions=600, seed=seed)
        data = {
            "counts": counts,
            "events": list(
                Event.objects.order_by("pk").values_list(
                    "unit__code", "reporter__username", "occurred_at", "category__code", "status", "harm"
                )
            ),
            "actions": list(Action.objects.order_by("pk").values_list("unit__code", "due_date", "status")),
        }
        transaction.set_rollback(True)
    return data


@pytest.fixture
def region() -> None:
    generate(units=40, users=120, seed=1, audit_entries=0)


@pytest.mark.usefixtures("region")
def test_the_same_seed_gives_the_same_events_and_actions_and_another_seed_others() -> None:
    first, again, other = _written(5), _written(5), _written(6)
    assert first == again
    assert first["events"] != other["events"]
    counts = first["counts"]
    assert (counts.events, counts.actions) == (400, 600)
    assert counts.complaints == 16 and counts.proposals == 20


@pytest.mark.usefixtures("region")
def test_five_years_of_events_most_older_ones_closed_with_duties_investigations_and_actions() -> None:
    counts = generate_improvement(events=3000, actions=4000, seed=1)
    now = timezone.now()
    assert Event.objects.count() == 3000 and Action.objects.count() == 4000
    oldest = Event.objects.order_by("occurred_at").first()
    assert oldest is not None and now - oldest.occurred_at > dt.timedelta(days=4 * 365)
    assert not Event.objects.filter(occurred_at__gt=now).exists()
    old = Event.objects.filter(occurred_at__lt=now - dt.timedelta(days=365))
    assert old.filter(status=Event.Status.CLOSED).count() > 0.85 * old.count()
    assert set(Event.objects.values_list("status", flat=True)) == set(Event.Status.values)
    assert 0.05 < Event.objects.filter(positive=True).count() / 3000 < 0.11
    assert not Event.objects.filter(positive=True, category__positive=False).exists()
    triaged = Event.objects.exclude(status=Event.Status.NEW)
    assert not triaged.filter(probability=None).exists() and not triaged.filter(handler=None).exists()
    assert not Event.objects.filter(status=Event.Status.NEW).exclude(probability=None).exists()
    assert triaged.exclude(harm="").exists()
    assert Duty.objects.filter(kind=Duty.Kind.LEX_MARIA, event__harm="serious").exists()
    assert not Duty.objects.filter(kind=Duty.Kind.LEX_MARIA).exclude(event__harm="serious").exists()
    assert Duty.objects.filter(kind=Duty.Kind.PERSONAL_DATA).exists()
    assert counts.duties == Duty.objects.count() and counts.investigations == Investigation.objects.count()
    assert not Event.objects.filter(status=Event.Status.INVESTIGATING, investigation=None).exists()
    assert Investigation.objects.filter(status=Investigation.Status.DONE).exclude(final_report="").exists()
    assert Cause.objects.count() >= Investigation.objects.count()
    assert set(Action.objects.values_list("status", flat=True)) == set(Action.Status.values)
    assert not Action.objects.filter(source_id=None).exists()
    assert Action.objects.exclude(effect="").exists()
    assert Complaint.objects.filter(events__isnull=False).exists()
    assert set(Proposal.objects.values_list("status", flat=True)) == set(Proposal.Status.values)
    assert PdsaEntry.objects.exists() and Learning.objects.count() == counts.learnings == 3


@pytest.mark.usefixtures("region")
def test_generated_rows_carry_what_access_needs_and_their_history_in_time() -> None:
    generate_improvement(events=800, actions=800, seed=2)
    assert not Event.objects.filter(reporter=None).exists()
    assert not Action.objects.filter(owner=None).exists()
    assert not Proposal.objects.filter(submitted_by=None).exists()
    manager = Unit.objects.get(depth=2, code="HSF").manager
    assert manager is not None
    mine = Event.objects.visible_to(manager)
    assert 0 < mine.count() < Event.objects.count()
    assert not mine.exclude(unit__path__startswith=Unit.objects.get(code="HSF").path).exists()
    reporter = Event.objects.order_by("pk").first().reporter  # type: ignore[union-attr]
    assert Event.objects.visible_to(reporter).filter(reporter=reporter).exists()
    assert Event.objects.filter(created_at__lt=timezone.now() - dt.timedelta(days=365)).exists()
    closed = Event.objects.filter(status=Event.Status.CLOSED)
    assert all(e.occurred_at <= e.closed_at for e in closed)  # type: ignore[operator]


@pytest.mark.usefixtures("region")
def test_no_personal_identity_number_appears_in_any_generated_text() -> None:
    generate_improvement(events=1500, actions=300, seed=3)
    texts = [
        *Event.objects.values_list("description", "immediate_action", "closing_comment"),
        *Complaint.objects.values_list("description", "answer_summary"),
        *Proposal.objects.values_list("title", "idea", "reason"),
        *Learning.objects.values_list("title", "summary"),
        *Duty.objects.values_list("reasoning", "reference"),
    ]
    assert texts and not any(pnr.contains(text) for row in texts for text in row)


def test_the_command_adds_events_to_the_generated_tree_and_keeps_the_audit_chain() -> None:
    call_command("generate", units=30, users=60, audit=10, quiet=True, stdout=io.StringIO())
    out = io.StringIO()
    call_command("generate", events=500, actions=700, quiet=True, stdout=out)
    assert "500 events" in out.getvalue() and "700 actions" in out.getvalue()
    assert Event.objects.count() == 500
    assert audit.verify().ok
    last = AuditEntry.objects.order_by("-seq").first()
    assert last is not None and last.action == AuditAction.GENERATE


def test_nothing_is_generated_without_an_organisation() -> None:
    assert generate_improvement(events=10, actions=10).events == 0
    assert not Event.objects.exists()

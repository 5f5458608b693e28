"""Builders for improvement tests; they go through the services as real use does."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from rodtrad.core.models import Unit, User
from rodtrad.improvement import services
from rodtrad.improvement.models import Action, Affected, Category, Complaint, Event, Proposal


def category(code: str = "fall") -> Category:
    return Category.objects.get(code=code)


def hours_ago(hours: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(hours=hours)


def report(by: User, unit: Unit, **extra: Any) -> Event:
    values: dict[str, Any] = {
        "occurred_at": hours_ago(2),
        "description": "Patienten föll vid sängen.",
        "category": category(extra.pop("code", "fall")),
        "affected": Affected.PATIENT,
    }
    values.update(extra)
    return services.report_event(by=by, unit=unit, **values)


def triage(event: Event, by: User, **changes: Any) -> Event:
    event.refresh_from_db()
    return services.triage_event(event, by=by, version=event.version, **changes)


def make_action(by: User, unit: Unit, owner: User | None, **extra: Any) -> Action:
    values: dict[str, Any] = {
        "title": "Sätt upp sänggrindar",
        "due_date": timezone.localdate() + dt.timedelta(days=30),
    }
    values.update(extra, owner=owner)  # None only to test the refusal
    return services.create_action(by=by, unit=unit, **values)


def make_complaint(by: User, unit: Unit, **extra: Any) -> Complaint:
    values: dict[str, Any] = {
        "received_on": timezone.localdate(),
        "channel": Complaint.Channel.DIRECT,
        "sender": Complaint.Sender.RELATIVE,
        "description": "Min mamma fick vänta länge.",
    }
    values.update(extra)
    return services.register_complaint(by=by, unit=unit, **values)


def make_proposal(by: User, unit: Unit, **extra: Any) -> Proposal:
    values: dict[str, Any] = {"title": "Färgkodade brickor", "idea": "Olika färger för olika kost."}
    values.update(extra)
    return services.submit_proposal(by=by, unit=unit, **values)

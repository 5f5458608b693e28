"""The daily reminders: action owners, complaint handlers and duty deciders hear once per threshold."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from rodtrad.core.access import SYSTEM
from rodtrad.core.models import Notification, User
from rodtrad.core.tasks import DAILY_JOBS, import_all_tasks
from rodtrad.improvement import services
from rodtrad.improvement.models import Duty
from rodtrad.improvement.tasks import send_reminders
from rodtrad.improvement.tests.factories import hours_ago, make_action, make_complaint, report, triage

pytestmark = pytest.mark.usefixtures("categories")


def titles(user: User) -> list[str]:
    return list(Notification.objects.filter(user=user).order_by("pk").values_list("title", flat=True))


def later(days: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)


def test_action_owners_hear_before_the_due_date_and_when_it_has_passed(orgtree: Any, people: Any) -> None:
    today = timezone.localdate()
    action = make_action(
        people.manager_a1, orgtree.a1, people.nurse_a1, due_date=today + dt.timedelta(days=10)
    )
    make_action(people.manager_a1, orgtree.a1, people.manager_a, due_date=today + dt.timedelta(days=60))
    Notification.objects.all().delete()
    assert send_reminders() == 0  # ten days off; the owners hear seven days before
    assert send_reminders(later(4)) == 1
    assert send_reminders(later(5)) == 0  # once per threshold
    assert send_reminders(later(11)) == 1
    assert send_reminders(later(12)) == 0
    soon, passed = titles(people.nurse_a1)
    assert action.title in soon and action.title in passed and soon != passed
    assert titles(people.manager_a) == []
    action.refresh_from_db()
    moved = services.update_action(
        action, by=people.manager_a1, version=action.version, due_date=today + dt.timedelta(days=20)
    )
    Notification.objects.all().delete()
    assert send_reminders(later(21)) == 1  # a new due date is reminded again
    services.update_action(moved, by=people.nurse_a1, version=moved.version, status="done")
    assert send_reminders(later(40)) == 0  # done actions are left alone


def test_complaint_deadlines_reach_the_handler_or_the_units_own_handlers(orgtree: Any, people: Any) -> None:
    received = timezone.localdate() - dt.timedelta(days=30)
    handled = make_complaint(people.quality_a, orgtree.a1, received_on=received)
    unhandled = make_complaint(SYSTEM, orgtree.a1, received_on=received)  # type: ignore[arg-type]
    assert unhandled.handler is None
    Notification.objects.all().delete()
    assert send_reminders() == 2
    assert len(titles(people.quality_a)) == 1 and str(handled) in titles(people.quality_a)[0]
    assert len(titles(people.manager_a1)) == 1 and str(unhandled) in titles(people.manager_a1)[0]
    assert titles(people.manager_a) == [] and titles(people.quality_r) == []
    assert send_reminders() == 0
    services.answer_complaint(
        handled,
        by=people.quality_a,
        version=handled.version,
        answered_on=timezone.localdate(),
        answer_summary="Svar",
    )
    assert send_reminders(later(1)) == 0


def test_an_overdue_72_hour_clock_reaches_the_handler_and_the_nearest_deciders(
    orgtree: Any, people: Any
) -> None:
    event = report(people.nurse_a1, orgtree.a1, code="personuppgiftsincident", affected="information")
    triage(event, people.manager_a1, aware_at=hours_ago(60), handler=people.manager_a1)
    Notification.objects.all().delete()
    assert send_reminders() == 1  # 12 hours left: soon
    assert send_reminders(later(0.6)) == 1  # past the 72 hours
    assert send_reminders(later(1)) == 0
    soon, overdue = titles(people.manager_a1)
    assert soon != overdue and titles(people.quality_a) == [soon, overdue]
    assert titles(people.quality_r) == []


def test_a_decided_duty_is_not_reminded(orgtree: Any, people: Any) -> None:
    event = report(people.nurse_a1, orgtree.a1, occurred_at=hours_ago(24 * 58))
    triage(event, people.manager_a1, harm="serious")
    duty = Duty.objects.get(event=event)
    services.decide_duty(
        duty, by=people.quality_a, version=duty.version, decision="reported", reasoning="Anmäld."
    )
    assert send_reminders(later(10)) == 0


def test_the_reminders_are_a_daily_job() -> None:
    import_all_tasks()
    assert "improvement_reminders" in {name.rsplit(".", 1)[-1] for name in DAILY_JOBS}

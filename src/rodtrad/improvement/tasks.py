"""The daily improvement reminders: actions to their owners, complaint deadlines and reporting-duty clocks
to their handlers, each once per object, threshold and due date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from rodtrad.core.models import User
from rodtrad.core.services.notifications import notify_many
from rodtrad.core.tasks import daily
from rodtrad.improvement.models import Action, Complaint, Duty, Reminder
from rodtrad.improvement.services import improvement_settings
from rodtrad.improvement.services.base import action_url, complaint_url, duties_url, nearest_people_with

Kind = Reminder.Kind
Threshold = Reminder.Threshold
#: Days before a complaint's deadline that its handlers are reminded.
COMPLAINT_WARNING_DAYS = 7
#: How long before a duty's deadline its handlers are reminded: a Lex Maria target is weeks away,
#: the IMY and Arbetsmiljöverket clocks hours.
DUTY_WARNING = {
    Duty.Kind.LEX_MARIA: dt.timedelta(days=7),
    Duty.Kind.PERSONAL_DATA: dt.timedelta(days=1),
    Duty.Kind.WORK_INJURY: dt.timedelta(days=1),
}
BATCH = 1000


def _remind(
    kind: str,
    rows: Iterable[tuple[Any, str, str]],
    message: Any,
) -> int:
    """Send each (object, threshold, due) reminder not sent before; ``message(obj, threshold)`` gives
    the recipients, title, body and link. Returns how many were sent."""
    count = 0
    for batch in _batches_of(rows):
        ids = [obj.pk for obj, _threshold, _due in batch]
        sent = set(
            Reminder.objects.filter(kind=kind, object_id__in=ids).values_list("object_id", "threshold", "due")
        )
        for obj, threshold, due in batch:
            if (obj.pk, threshold, due) in sent:
                continue
            with transaction.atomic():
                _reminder, created = Reminder.objects.get_or_create(
                    kind=kind, object_id=obj.pk, threshold=threshold, due=due
                )
                if not created:
                    continue  # another worker sent it
                recipients, title, body, url = message(obj, threshold)
                people = {u.pk: u for u in recipients if u is not None and u.is_active}
                notify_many(people.values(), title=title, body=body, url=url)
            count += 1
    return count


def _batches_of(rows: Iterable[tuple[Any, str, str]]) -> Iterator[list[tuple[Any, str, str]]]:
    batch: list[tuple[Any, str, str]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _action_rows(day: dt.date, days: int) -> Iterator[tuple[Action, str, str]]:
    due = (
        Action.objects.filter(status__in=Action.OPEN, due_date__lte=day + dt.timedelta(days=days))
        .select_related("owner")
        .order_by("due_date", "pk")
    )
    for action in due.iterator(chunk_size=BATCH):
        threshold = Threshold.PASSED if action.due_date < day else Threshold.SOON
        yield action, threshold, action.due_date.isoformat()


def _action_message(action: Action, threshold: str) -> tuple[list[User | None], str, str, str]:
    if threshold == Threshold.PASSED:
        title = _("The action %(title)s was due %(date)s")
        body = _("Mark it done or not carried out, or agree a new due date.")
    else:
        title = _("The action %(title)s is due %(date)s")
        body = _("You own this action.")
    return (
        [action.owner],
        title % {"title": action.title, "date": action.due_date.isoformat()},
        body,
        action_url(action.pk),
    )


def _complaint_rows(day: dt.date) -> Iterator[tuple[Complaint, str, str]]:
    due = (
        Complaint.objects.filter(
            status=Complaint.Status.OPEN, deadline__lte=day + dt.timedelta(days=COMPLAINT_WARNING_DAYS)
        )
        .select_related("unit", "handler")
        .order_by("deadline", "pk")
    )
    for complaint in due.iterator(chunk_size=BATCH):
        threshold = Threshold.PASSED if complaint.deadline < day else Threshold.SOON
        yield complaint, threshold, complaint.deadline.isoformat()


def _complaint_message(complaint: Complaint, threshold: str) -> tuple[list[User | None], str, str, str]:
    recipients: list[User | None] = (
        [complaint.handler]
        if complaint.handler is not None
        else list(nearest_people_with("complaint.edit", complaint.unit))
    )
    if threshold == Threshold.PASSED:
        title = _("%(complaint)s in %(unit)s should have been answered by %(date)s")
    else:
        title = _("%(complaint)s in %(unit)s is to be answered by %(date)s")
    values = {"complaint": complaint, "unit": complaint.unit.name, "date": complaint.deadline.isoformat()}
    return recipients, title % values, "", complaint_url(complaint.pk)


def _duty_rows(now: dt.datetime) -> Iterator[tuple[Duty, str, str]]:
    horizon = now + max(DUTY_WARNING.values())
    due = (
        Duty.objects.filter(decision=Duty.Decision.PENDING, deadline__lte=horizon)
        .select_related("event__unit", "event__handler")
        .order_by("deadline", "pk")
    )
    for duty in due.iterator(chunk_size=BATCH):
        if duty.deadline < now:
            yield duty, Threshold.PASSED, duty.deadline.isoformat()
        elif duty.deadline - now <= DUTY_WARNING[Duty.Kind(duty.kind)]:
            yield duty, Threshold.SOON, duty.deadline.isoformat()


def _duty_message(duty: Duty, threshold: str) -> tuple[list[User | None], str, str, str]:
    event = duty.event
    recipients: list[User | None] = [event.handler, *nearest_people_with("duty.decide", event.unit)]
    if threshold == Threshold.PASSED:
        title = _("Overdue: %(duty)s for %(event)s (deadline %(deadline)s)")
    else:
        title = _("%(duty)s for %(event)s: decide by %(deadline)s")
    values = {
        "duty": duty.get_kind_display(),
        "event": event,
        "deadline": timezone.localtime(duty.deadline).strftime("%Y-%m-%d %H:%M"),
    }
    body = _("Record whether it was reported, with the reasoning.")
    return recipients, title % values, body, duties_url()


def send_reminders(now: dt.datetime | None = None) -> int:
    """Remind action owners, complaint handlers and duty deciders; returns how many reminders were sent."""
    moment = now or timezone.now()
    day = timezone.localdate(moment)
    days = improvement_settings().action_reminder_days
    return (
        _remind(Kind.ACTION, _action_rows(day, days), _action_message)
        + _remind(Kind.COMPLAINT, _complaint_rows(day), _complaint_message)
        + _remind(Kind.DUTY, _duty_rows(moment), _duty_message)
    )


@daily
@task()
def improvement_reminders() -> int:
    """Daily job: reminders for actions, complaints and reporting duties."""
    return send_reminders()
